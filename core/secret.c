#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* explicit_bzero */
#endif

#include "core/secret.h"

#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool is_env_name(const char *name)
{
	if (!(*name == '_' || (*name >= 'A' && *name <= 'Z') || (*name >= 'a' && *name <= 'z')))
		return false;
	for (; *name; name++) {
		if (!(*name == '_' || (*name >= 'A' && *name <= 'Z') ||
		      (*name >= 'a' && *name <= 'z') || (*name >= '0' && *name <= '9')))
			return false;
	}
	return true;
}

static int set_value(struct secret *s, const char *value, size_t len, const char *what, char *err,
		     size_t errlen)
{
	if (len == 0)
		return errf(err, errlen, "%s is empty", what);
	if (len > SECRET_MAX)
		return errf(err, errlen, "%s is longer than %d bytes", what, SECRET_MAX);
	memcpy(s->value, value, len);
	s->value[len] = '\0';
	s->len = len;
	s->loaded = true;
	return 0;
}

int secret_parse(struct secret *s, const char *spec, char *err, size_t errlen)
{
	secret_clear(s);
	if (strncmp(spec, "env:", 4) == 0) {
		if (!is_env_name(spec + 4))
			return errf(err, errlen,
				    "expected env:NAME with NAME an environment variable name "
				    "(letters, digits, _)");
		s->source = SECRET_ENV;
		str_copy(s->ref, spec + 4, sizeof(s->ref));
		return 0;
	}
	if (strncmp(spec, "file:", 5) == 0) {
		if (spec[5] == '\0')
			return errf(err, errlen, "expected file:PATH, got an empty path");
		if (strlen(spec + 5) >= sizeof(s->ref))
			return errf(err, errlen, "file: path is longer than %zu bytes",
				    sizeof(s->ref) - 1);
		s->source = SECRET_FILE;
		str_copy(s->ref, spec + 5, sizeof(s->ref));
		return 0;
	}
	s->source = SECRET_INLINE;
	return set_value(s, spec, strlen(spec), "the value", err, errlen);
}

static int resolve_env(struct secret *s, char *err, size_t errlen)
{
	const char *v = getenv(s->ref);
	char what[SECRET_REF_MAX + 32];

	if (!v)
		return errf(err, errlen, "environment variable %s is not set", s->ref);
	snprintf(what, sizeof(what), "environment variable %s", s->ref);
	return set_value(s, v, strlen(v), what, err, errlen);
}

/* Reads up to the first newline into s->value; the caller checks the length. */
static int read_first_line(struct secret *s, int fd, const char *path, char *err, size_t errlen)
{
	size_t n = 0;

	while (n < sizeof(s->value) - 1) {
		ssize_t r = read(fd, s->value + n, sizeof(s->value) - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		if (r == 0)
			break;
		if (memchr(s->value + n, '\n', (size_t)r)) {
			n += (size_t)r;
			break;
		}
		n += (size_t)r;
	}
	s->value[n] = '\0';
	s->len = n;
	return 0;
}

static int resolve_file(struct secret *s, const char *base_dir, char *err, size_t errlen)
{
	char path[SECRET_REF_MAX * 2];
	char *nl;
	int fd, rc;

	if (s->ref[0] != '/' && base_dir && *base_dir)
		snprintf(path, sizeof(path), "%s/%s", base_dir, s->ref);
	else
		str_copy(path, s->ref, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
	rc = read_first_line(s, fd, path, err, errlen);
	close(fd);
	if (rc < 0) {
		explicit_bzero(s->value, sizeof(s->value));
		return rc;
	}
	nl = memchr(s->value, '\n', s->len);
	if (!nl && s->len == sizeof(s->value) - 1) {
		explicit_bzero(s->value, sizeof(s->value));
		s->len = 0;
		return errf(err, errlen, "the first line of %s is longer than %d bytes", path,
			    SECRET_MAX);
	}
	if (nl)
		s->len = (size_t)(nl - s->value);
	if (s->len && s->value[s->len - 1] == '\r')
		s->len--;
	explicit_bzero(s->value + s->len, sizeof(s->value) - s->len);
	if (s->len == 0)
		return errf(err, errlen, "the first line of %s is empty", path);
	if (strlen(s->value) != s->len) {
		explicit_bzero(s->value, sizeof(s->value));
		s->len = 0;
		return errf(err, errlen, "the first line of %s holds a NUL byte", path);
	}
	s->loaded = true;
	return 0;
}

int secret_resolve(struct secret *s, const char *base_dir, char *err, size_t errlen)
{
	switch (s->source) {
	case SECRET_ENV:
		return resolve_env(s, err, errlen);
	case SECRET_FILE:
		return resolve_file(s, base_dir, err, errlen);
	case SECRET_INLINE:
		return 0;
	case SECRET_UNSET:
		break;
	}
	return errf(err, errlen, "no secret was given");
}

int secret_from_env(struct secret *s, const char *name, char *err, size_t errlen)
{
	char spec[SECRET_REF_MAX];

	snprintf(spec, sizeof(spec), "env:%s", name);
	if (secret_parse(s, spec, err, errlen) < 0)
		return -1;
	return secret_resolve(s, NULL, err, errlen);
}

bool secret_is_set(const struct secret *s)
{
	return s->loaded;
}

const char *secret_value(const struct secret *s)
{
	return s->loaded ? s->value : "";
}

size_t secret_length(const struct secret *s)
{
	return s->loaded ? s->len : 0;
}

void secret_describe(const struct secret *s, char *buf, size_t len)
{
	switch (s->source) {
	case SECRET_ENV:
		snprintf(buf, len, "env:%s", s->ref);
		return;
	case SECRET_FILE:
		snprintf(buf, len, "file:%s", s->ref);
		return;
	case SECRET_INLINE:
		snprintf(buf, len, "inline");
		return;
	case SECRET_UNSET:
		break;
	}
	snprintf(buf, len, "unset");
}

void secret_clear(struct secret *s)
{
	explicit_bzero(s, sizeof(*s));
}
