/* Runbook files and placeholders: reading a runbook file, the built-in
 * placeholder names and their values ({primary} -> eastus), and where
 * runbooks are found. The parts of core/runbook.h that are not parsing. */
#include <config.h>

#include "core/runbook.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

#ifndef SSISDR_SRC_RUNBOOKDIR
#define SSISDR_SRC_RUNBOOKDIR "assets/runbooks"
#endif
#ifndef SSISDR_RUNBOOKDIR
#define SSISDR_RUNBOOKDIR "/usr/local/share/ssisdr/runbooks"
#endif

static const char *const builtin_vars[] = {
	"primary", "secondary", "new_primary", "old_primary", "pair", "failover_group",
	"primary_factory", "secondary_factory", "primary_ir", "secondary_ir",
	"primary_ir_state", "secondary_ir_state", "ir_site", NULL,
};


const char *const *runbook_builtin_placeholders(void)
{
	return builtin_vars;
}

bool runbook_known_placeholder(const char *name, size_t len, const char *const *params)
{
	for (int i = 0; builtin_vars[i]; i++)
		if (strlen(builtin_vars[i]) == len && !strncmp(builtin_vars[i], name, len))
			return true;
	for (int i = 0; params && params[i]; i++)
		if (strlen(params[i]) == len && !strncmp(params[i], name, len))
			return true;
	return false;
}

/* Every {name} in s must be known; 0 or -1 with the reason in why. */
int runbook_check_placeholders(const char *s, const char *const *params, char *why, size_t len)
{
	for (const char *open = strchr(s, '{'); open; open = strchr(open + 1, '{')) {
		const char *close = strchr(open, '}');

		if (!close)
			return errf(why, len, "unterminated placeholder \"%s\"", open);
		if (!runbook_known_placeholder(open + 1, (size_t)(close - open - 1), params))
			return errf(why, len, "unknown placeholder {%.*s} (known: {primary} {secondary} {new_primary} "
					      "{old_primary} {pair} {failover_group} {primary_factory} {secondary_factory} "
					      "{primary_ir} {secondary_ir} {primary_ir_state} {secondary_ir_state} {ir_site}"
					      " and the runbook's params)",
				    (int)(close - open - 1), open + 1);
	}
	return 0;
}

void rb_vars_set(struct rb_vars *v, const char *name, const char *value)
{
	int i;

	for (i = 0; i < v->n && strcmp(v->names[i], name); i++)
		continue;
	if (i == v->n) {
		if (v->n == RB_MAX_VARS)
			return;
		v->n++;
		str_copy(v->names[i], name, sizeof(v->names[i]));
	}
	str_copy(v->values[i], value ? value : "", sizeof(v->values[i]));
}

const char *rb_vars_get(const struct rb_vars *v, const char *name)
{
	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->names[i], name))
			return v->values[i];
	return NULL;
}

int runbook_expand(const char *tmpl, const struct rb_vars *v, char *out, size_t len, char *err, size_t errlen)
{
	size_t used = 0;

	if (!len)
		return -1;
	out[0] = '\0';
	while (*tmpl) {
		const char *open = strchr(tmpl, '{'), *close, *value;
		char name[64];
		size_t n = open ? (size_t)(open - tmpl) : strlen(tmpl);

		if (used + n >= len)
			return errf(err, errlen, "\"%s\" is too long once expanded", tmpl);
		memcpy(out + used, tmpl, n);
		used += n;
		out[used] = '\0';
		if (!open)
			break;
		close = strchr(open, '}');
		if (!close)
			return errf(err, errlen, "unterminated placeholder \"%s\"", open);
		snprintf(name, sizeof(name), "%.*s", (int)(close - open - 1), open + 1);
		value = rb_vars_get(v, name);
		if (!value)
			return errf(err, errlen, "unknown placeholder {%s}", name);
		if (!*value)
			return errf(err, errlen, "placeholder {%s} has no value", name);
		n = strlen(value);
		if (used + n >= len)
			return errf(err, errlen, "\"%s\" is too long once expanded", tmpl);
		memcpy(out + used, value, n + 1);
		used += n;
		tmpl = close + 1;
	}
	return 0;
}

int runbook_expand_cond(const struct rb_cond *in, const struct rb_vars *v, struct rb_cond *out, char *err,
			size_t errlen)
{
	*out = *in;
	for (int i = 0; i < in->nargs; i++)
		if (runbook_expand(in->args[i], v, out->args[i], sizeof(out->args[i]), err, errlen))
			return -1;
	return runbook_expand(in->text, v, out->text, sizeof(out->text), err, errlen);
}

/* ---- finding runbooks ------------------------------------------------------ */

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

static bool try_dir(const char *dir, const char *name, char *path, size_t pathlen)
{
	char p[RB_PATH_MAX];

	if (!dir || !*dir)
		return false;
	snprintf(p, sizeof(p), "%s/%s%s", dir, name, RB_EXT);
	if (!readable(p))
		return false;
	str_copy(path, p, pathlen);
	return true;
}

static void exe_dir(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	out[0] = '\0';
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(out, len, "%s/../assets/runbooks", exe);
}

/* The search list, in order; returns the count. */
static int search_dirs(char dirs[][RB_PATH_MAX], int max)
{
	const char *env = getenv("SSISDR_RUNBOOK_PATH");
	int n = 0;

	if (env && *env) {
		char buf[RB_PATH_MAX], *save = NULL;

		str_copy(buf, env, sizeof(buf));
		for (char *t = strtok_r(buf, ":", &save); t && n < max - 3; t = strtok_r(NULL, ":", &save))
			str_copy(dirs[n++], t, RB_PATH_MAX);
	}
	exe_dir(dirs[n], RB_PATH_MAX);
	if (dirs[n][0])
		n++;
	str_copy(dirs[n++], SSISDR_SRC_RUNBOOKDIR, RB_PATH_MAX);
	str_copy(dirs[n++], SSISDR_RUNBOOKDIR, RB_PATH_MAX);
	return n;
}

int runbook_find(const char *name, char *path, size_t pathlen, char *err, size_t errlen)
{
	char (*dirs)[RB_PATH_MAX];
	size_t l = strlen(name);
	int n;

	if (strchr(name, '/') || (l > strlen(RB_EXT) && !strcmp(name + l - strlen(RB_EXT), RB_EXT))) {
		if (!readable(name))
			return errf(err, errlen, "runbook %s: %s", name, strerror(errno));
		str_copy(path, name, pathlen);
		return 0;
	}
	if (!l || strchr(name, '.'))
		return errf(err, errlen, "no runbook named \"%s\"", name);
	dirs = malloc(12 * sizeof(*dirs));
	if (!dirs)
		return errf(err, errlen, "out of memory");
	n = search_dirs(dirs, 12);
	for (int i = 0; i < n; i++)
		if (try_dir(dirs[i], name, path, pathlen)) {
			free(dirs);
			return 0;
		}
	free(dirs);
	return errf(err, errlen,
		    "no runbook named %s (looked in $SSISDR_RUNBOOK_PATH, next to the program, %s and %s); give a "
		    "file path or one of the names there",
		    name, SSISDR_SRC_RUNBOOKDIR, SSISDR_RUNBOOKDIR);
}

int runbook_list(void (*fn)(void *user, const char *name, const char *path), void *user)
{
	char (*dirs)[RB_PATH_MAX] = malloc(12 * sizeof(*dirs));
	char seen[64][RB_NAME_MAX];
	int n, count = 0;

	if (!dirs)
		return 0;
	n = search_dirs(dirs, 12);

	for (int i = 0; i < n; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d)) && count < 64) {
			size_t l = strlen(e->d_name), x = strlen(RB_EXT);
			char name[RB_NAME_MAX], path[RB_PATH_MAX];
			bool dup = false;

			if (l <= x || l - x >= sizeof(name) || strcmp(e->d_name + l - x, RB_EXT) || e->d_name[0] == '.')
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(l - x), e->d_name);
			for (int k = 0; k < count && !dup; k++)
				dup = !strcmp(seen[k], name);
			if (dup)
				continue;
			str_copy(seen[count++], name, sizeof(seen[0]));
			snprintf(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
			if (fn)
				fn(user, name, path);
		}
		closedir(d);
	}
	free(dirs);
	return count;
}

/* ---- files ---------------------------------------------------------------- */

#define RB_FILE_MAX (256 * 1024)

struct runbook *runbook_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct runbook *rb;
	char *text, real[RB_PATH_MAX];
	size_t n;

	if (!f) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	text = malloc(RB_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		errf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = fread(text, 1, RB_FILE_MAX + 1, f);
	fclose(f);
	if (n > RB_FILE_MAX) {
		free(text);
		errf(err, errlen, "%s: larger than %d KiB; is it a runbook?", path, RB_FILE_MAX / 1024);
		return NULL;
	}
	text[n] = '\0';
	if (memchr(text, '\0', n)) {
		free(text);
		errf(err, errlen, "%s: holds a NUL byte; a runbook is a text file", path);
		return NULL;
	}
	rb = runbook_load_string(text, path, err, errlen);
	free(text);
	if (rb && realpath(path, real))
		str_copy(rb->path, real, sizeof(rb->path));
	return rb;
}

void runbook_free(struct runbook *rb)
{
	free(rb);
}

bool runbook_uses_placeholder(const struct runbook *rb, const char *name)
{
	char pat[48];

	snprintf(pat, sizeof(pat), "{%s}", name);
	for (int i = 0; i < rb->nsteps; i++) {
		const struct rb_step *s = &rb->steps[i];

		if (strstr(s->command, pat))
			return true;
		for (int c = 0; c < s->nrequire; c++)
			if (strstr(s->require[c].text, pat))
				return true;
		for (int c = 0; c < s->nskip_if; c++)
			if (strstr(s->skip_if[c].text, pat))
				return true;
	}
	for (int i = 0; i < rb->nparams; i++)
		if (strstr(rb->params[i].def, pat))
			return true;
	return false;
}
