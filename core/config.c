/* Loading ssisdr.conf(5): the line reader that feeds inih, section headers
 * and key dispatch, secrets, and the public API. The keys and how their
 * values are stored are in config_keys.c, the checks in config_check.c, the
 * search for the file in config_find.c. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* explicit_bzero */
#endif

#include "core/config.h"
#include "core/config_private.h"

#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_FILE_MAX (1024 * 1024)

/* ---- messages ---------------------------------------------------------- */

/* Records the first error only: "FILE:LINE: [SECTION] KEY: message". */
int config_report(struct parse *p, int line, const char *section, const char *key, const char *fmt,
		  ...)
{
	char at[24] = "", msg[1024];
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(at, sizeof(at), ":%d", line);
	return errf(p->err, p->errlen, "%s%s:%s%s%s%s%s%s %s", p->name, at, section ? " [" : "",
		    section ? section : "", section ? "]" : "", key ? " " : "", key ? key : "",
		    section || key ? ":" : "", msg);
}

int config_bad_why(struct parse *p, const char *value, const char *why)
{
	return config_report(p, p->lineno, p->label, p->spec->name, "expected %s, got \"%s\"%s%s%s",
			     p->spec->expect, value, why ? " (" : "", why ? why : "",
			     why ? ")" : "");
}

int config_bad(struct parse *p, const char *value)
{
	return config_bad_why(p, value, NULL);
}

/* ---- section headers ------------------------------------------------------ */

static int find_pair(const struct parse *p, const char *name)
{
	for (size_t i = 0; i < p->cfg->npairs; i++)
		if (!strcmp(p->cfg->pairs[i].name, name))
			return (int)i;
	return -1;
}

/* Grows by copy-and-wipe rather than realloc: pairs hold inline secrets. */
static int add_pair(struct parse *p, const char *name)
{
	struct ssisdr_config *cfg = p->cfg;

	if (cfg->npairs == CONFIG_MAX_PAIRS)
		return config_report(p, p->lineno, p->label, NULL, "more than %d pairs",
				     CONFIG_MAX_PAIRS);
	if (cfg->npairs == p->pairs_cap) {
		size_t cap = p->pairs_cap ? p->pairs_cap * 2 : 4;
		struct config_pair *grown = calloc(cap, sizeof(*grown));

		if (!grown)
			return config_report(p, p->lineno, p->label, NULL, "out of memory");
		if (cfg->npairs) {
			memcpy(grown, cfg->pairs, cfg->npairs * sizeof(*grown));
			explicit_bzero(cfg->pairs, cfg->npairs * sizeof(*grown));
		}
		free(cfg->pairs);
		cfg->pairs = grown;
		p->pairs_cap = cap;
	}
	str_copy(cfg->pairs[cfg->npairs].name, name, CONFIG_NAME_MAX);
	return (int)cfg->npairs++;
}

static int pair_for(struct parse *p, const char *name)
{
	int i = find_pair(p, name);

	return i >= 0 ? i : add_pair(p, name);
}

static int open_single(struct parse *p, enum section_kind kind, struct section_state *st)
{
	if (st->line)
		return config_report(p, p->lineno, p->label, NULL,
				     "declared twice (first at line %d)", st->line);
	st->line = p->lineno;
	p->kind = kind;
	p->state = st;
	return 0;
}

static int open_pair(struct parse *p, const char *name)
{
	int i;

	if (!config_is_section_name(name))
		return config_report(
			p, p->lineno, p->label, NULL,
			"expected a pair name of 1-63 letters, digits, '.', '_' or '-'");
	snprintf(p->label, sizeof(p->label), "pair %s", name);
	i = pair_for(p, name);
	if (i < 0)
		return -1;
	p->pair_index = (size_t)i;
	if (open_single(p, SEC_PAIR, &p->pair_state[i]) < 0)
		return -1;
	p->cfg->pairs[i].line = p->lineno;
	return 0;
}

static int open_site(struct parse *p, char *arg)
{
	char *slash = strchr(arg, '/');
	struct config_pair *pair;
	int i;

	if (!slash || (*slash = '\0', !config_is_section_name(arg)) ||
	    !config_is_section_name(slash + 1))
		return config_report(
			p, p->lineno, p->label, NULL,
			"expected [site PAIR/SITE], each name 1-63 letters, digits, '.', '_' "
			"or '-'");
	snprintf(p->label, sizeof(p->label), "site %s/%s", arg, slash + 1);
	i = pair_for(p, arg);
	if (i < 0)
		return -1;
	pair = &p->cfg->pairs[i];
	for (size_t s = 0; s < pair->nsites; s++)
		if (!strcmp(pair->sites[s].name, slash + 1))
			return config_report(
				p, p->lineno, p->label, NULL,
				"declared twice (first at line %d); site names are unique "
				"within a pair",
				pair->sites[s].line);
	if (pair->nsites == CONFIG_SITES_PER_PAIR)
		return config_report(
			p, p->lineno, p->label, NULL,
			"pair \"%s\" already has two sites, %s (line %d) and %s (line %d)", arg,
			pair->sites[0].name, pair->sites[0].line, pair->sites[1].name,
			pair->sites[1].line);
	p->pair_index = (size_t)i;
	p->site_index = pair->nsites++;
	str_copy(cur_site(p)->name, slash + 1, CONFIG_NAME_MAX);
	cur_site(p)->line = p->lineno;
	return open_single(p, SEC_SITE, &p->site_state[i][p->site_index]);
}

static int start_section(struct parse *p, char *line)
{
	char *close = strchr(line, ']'), *rest, *word, *arg;

	if (!close)
		return config_report(p, p->lineno, NULL, NULL,
				     "expected \"]\" to close the section header");
	rest = close + 1 + strspn(close + 1, " \t\r");
	if (*rest && *rest != ';' && *rest != '#')
		return config_report(p, p->lineno, NULL, NULL,
				     "expected nothing but a comment after \"]\"");
	*close = '\0';
	word = str_trim(line + 1);
	str_copy(p->label, word, sizeof(p->label));
	arg = word + strcspn(word, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = str_trim(arg);
	if (!strcmp(word, "console") && !*arg)
		return open_single(p, SEC_CONSOLE, &p->console);
	if (!strcmp(word, "azure") && !*arg)
		return open_single(p, SEC_AZURE, &p->azure);
	if (!strcmp(word, "pair") && *arg)
		return open_pair(p, arg);
	if (!strcmp(word, "site") && *arg)
		return open_site(p, arg);
	return config_report(
		p, p->lineno, p->label, NULL,
		"unknown section; expected [console], [azure], [pair NAME] or [site PAIR/SITE]");
}

/* ---- feeding inih ------------------------------------------------------------ */

static bool next_line(struct parse *p)
{
	size_t n;

	if (!*p->text)
		return false;
	n = strcspn(p->text, "\n");
	memcpy(p->line, p->text, n);
	p->line[n] = '\0';
	p->text += n + (p->text[n] == '\n');
	p->lineno++;
	if (p->lineno == 1 && !strncmp(p->line, "\xEF\xBB\xBF", 3))
		memmove(p->line, p->line + 3, n - 2);
	return true;
}

/* The '=' or ':' ending a key, as inih finds it: not inside a " ;" comment. */
static char *find_separator(char *s, const char *chars)
{
	bool was_space = false;

	for (; *s; s++) {
		if (chars && strchr(chars, *s))
			return s;
		if (was_space && *s == ';')
			return chars ? NULL : s;
		was_space = isspace((unsigned char)*s);
	}
	return NULL;
}

/* A line longer than inih's buffer is split here; inih gets "key=" and the
 * handler takes the value from p->long_value. */
static char *pass_long_line(struct parse *p, char *line, char *str, int num)
{
	char *sep = find_separator(line, "=:"), *value = sep + 1, *comment;

	*sep = '\0';
	line = str_trim(line);
	comment = find_separator(value, NULL);
	if (comment)
		*comment = '\0';
	if (strlen(line) + 3 > (size_t)num) {
		config_report(p, p->lineno, NULL, NULL, "the key is too long");
		return NULL;
	}
	p->long_value = str_trim(value);
	snprintf(str, (size_t)num, "%s=\n", line);
	return str;
}

/* inih's reader. Section headers, comments and blank lines stay here (inih
 * gets an empty line), so inih only splits key = value lines. Leading white
 * space is dropped, which keeps inih from joining indented lines to the key
 * above (its multi-line values). Returns NULL, inih's end of input, after
 * the first error. */
static char *feed_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *line;

	p->long_value = NULL;
	if (p->failed || !next_line(p))
		return NULL;
	line = p->line + strspn(p->line, " \t\r\f\v");
	if (*line == '[') {
		if (start_section(p, line) < 0)
			return NULL;
		line += strlen(line);
	}
	if (*line == '\0' || *line == ';' || *line == '#') {
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	if (!find_separator(line, "=:")) {
		config_report(
			p, p->lineno, NULL, NULL,
			"expected \"key = value\", a [section] header or a comment, got \"%s\"",
			str_trim(line));
		return NULL;
	}
	if (strlen(line) + 2 > (size_t)num)
		return pass_long_line(p, line, str, num);
	snprintf(str, (size_t)num, "%s\n", line);
	return str;
}

static const char *key_names(const struct key_spec *keys, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 keys[i].name);
	return buf;
}

static int handle_key(struct parse *p, const char *name, const char *value)
{
	const struct key_spec *keys;
	char list[256];
	size_t n, i;

	keys = config_keys_of(p->kind, &n);
	if (!*name)
		return config_report(p, p->lineno, p->kind ? p->label : NULL, NULL,
				     "expected a key before \"=\"");
	if (!keys)
		return config_report(p, p->lineno, NULL, name,
				     "expected a [section] header before the first key");
	for (i = 0; i < n && strcmp(keys[i].name, name); i++)
		continue;
	if (i == n)
		return config_report(p, p->lineno, p->label, name,
				     "unknown key; expected one of %s",
				     key_names(keys, n, list, sizeof(list)));
	if (p->state->key_line[i])
		return config_report(p, p->lineno, p->label, name,
				     "duplicate key (first set at line %d)", p->state->key_line[i]);
	p->state->key_line[i] = p->lineno;
	p->spec = &keys[i];
	if (!*value)
		return config_report(p, p->lineno, p->label, name, "expected %s, got nothing",
				     keys[i].expect);
	return config_set_value(p, value);
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;

	(void)section;
	return handle_key(p, name, p->long_value ? p->long_value : value) == 0;
}

static int parse_text(struct parse *p, const char *text)
{
	int rc;

	p->text = text;
	p->line = malloc(strlen(text) + 1);
	if (!p->line)
		return errf(p->err, p->errlen, "%s: out of memory", p->name);
	rc = ini_parse_stream(feed_line, p, on_key, p);
	explicit_bzero(p->line, strlen(text) + 1);
	free(p->line);
	p->line = NULL;
	if (rc > 0 && !p->failed)
		config_report(p, rc, NULL, NULL,
			      "expected \"key = value\", a [section] header or a comment");
	else if (rc < 0 && !p->failed)
		config_report(p, 0, NULL, NULL, "out of memory");
	return p->failed ? -1 : 0;
}

/* ---- secrets ------------------------------------------------------------------ */

static int refuse_open_mode(struct parse *p, int line, const char *key, const char *where,
			    mode_t mode)
{
	return config_report(
		p, line, NULL, NULL,
		"%s holds an inline %s%s%s%s and is %s (mode %04o); run: chmod 600 %s, "
		"or use %s = env:NAME or file:PATH",
		p->name, key, where ? " in [" : "", where ? where : "", where ? "]" : "",
		(mode & 044) ? "readable by others" : "open to group or others",
		(unsigned)(mode & 07777), p->name, key);
}

static int check_mode(struct parse *p, mode_t mode)
{
	char label[160];

	if (!(mode & 077))
		return 0;
	if (azure(p)->client_secret.source == SECRET_INLINE)
		return refuse_open_mode(p, p->azure.key_line[K_CLIENT_SECRET], "client_secret",
					NULL, mode);
	for (size_t i = 0; i < p->cfg->npairs; i++) {
		const struct config_pair *pair = &p->cfg->pairs[i];

		for (size_t s = 0; s < pair->nsites; s++)
			if (pair->sites[s].sql_password.source == SECRET_INLINE)
				return refuse_open_mode(
					p, p->site_state[i][s].key_line[K_SQL_PASSWORD],
					"sql_password",
					config_site_label(pair, &pair->sites[s], label,
							  sizeof(label)),
					mode);
	}
	return 0;
}

static int resolve_secret(struct parse *p, struct secret *s, int line, const char *section,
			  const char *key, const char *base_dir)
{
	char why[SECRET_REF_MAX * 2 + 128];

	if (s->source != SECRET_UNSET && secret_resolve(s, base_dir, why, sizeof(why)) < 0)
		return config_report(p, line, section, key, "%s", why);
	return 0;
}

static int resolve_secrets(struct parse *p, const char *base_dir)
{
	struct secret *cs = &azure(p)->client_secret;
	const char *env = getenv("AZURE_CLIENT_SECRET");
	char label[160];

	if (azure(p)->auth == CONFIG_AUTH_CLIENT_SECRET && cs->source == SECRET_UNSET) {
		if (!env || !*env)
			return config_report(
				p, p->azure.line, "azure", "client_secret",
				"missing; set it in [azure] (env:NAME, file:PATH or the secret) "
				"or in the environment variable AZURE_CLIENT_SECRET");
		secret_parse(cs, "env:AZURE_CLIENT_SECRET", NULL, 0);
	}
	if (resolve_secret(p, cs,
			   p->azure.key_line[K_CLIENT_SECRET] ? p->azure.key_line[K_CLIENT_SECRET]
							      : p->azure.line,
			   "azure", "client_secret", base_dir) < 0)
		return -1;
	for (size_t i = 0; i < p->cfg->npairs; i++) {
		struct config_pair *pair = &p->cfg->pairs[i];

		for (size_t s = 0; s < pair->nsites; s++)
			if (resolve_secret(p, &pair->sites[s].sql_password,
					   p->site_state[i][s].key_line[K_SQL_PASSWORD],
					   config_site_label(pair, &pair->sites[s], label,
							     sizeof(label)),
					   "sql_password", base_dir) < 0)
				return -1;
	}
	return 0;
}

/* ---- loading ------------------------------------------------------------------- */

static void start(struct parse *p, struct ssisdr_config *cfg, const char *name, char *err,
		  size_t errlen)
{
	memset(p, 0, sizeof(*p));
	memset(cfg, 0, sizeof(*cfg));
	p->cfg = cfg;
	p->name = name;
	p->err = err;
	p->errlen = errlen;
	str_copy(cfg->path, name, sizeof(cfg->path));
	cfg->console.refresh = 10;
	cfg->console.rto_target = 30 * 60;
	cfg->console.rpo_target = 5 * 60;
	cfg->console.request_timeout = 15;
	cfg->azure.auth = CONFIG_AUTH_CLIENT_SECRET;
}

static int load(struct parse *p, const char *text, const struct stat *st, const char *base_dir)
{
	int rc = 0;

	if (parse_text(p, text) < 0 || config_validate(p) < 0 ||
	    (st && check_mode(p, st->st_mode) < 0) || resolve_secrets(p, base_dir) < 0)
		rc = -1;
	if (rc < 0)
		config_free(p->cfg);
	return rc;
}

int config_load_string(const char *text, const char *name, struct ssisdr_config *cfg, char *err,
		       size_t errlen)
{
	struct parse p;

	start(&p, cfg, name ? name : "(string)", err, errlen);
	return load(&p, text, NULL, NULL);
}

/* read(2) rather than stdio, so that no stdio buffer keeps a copy of an
 * inline secret; the caller wipes TEXT. */
static int read_config(FILE *f, const char *path, const struct stat *st, char **text, size_t *len,
		       char *err, size_t errlen)
{
	size_t size = (size_t)st->st_size, n = 0;
	char *buf;

	if (!S_ISREG(st->st_mode))
		return errf(err, errlen, "%s: not a regular file", path);
	if (st->st_size > CONFIG_FILE_MAX)
		return errf(err, errlen, "%s: larger than %d bytes", path, CONFIG_FILE_MAX);
	buf = malloc(size + 1);
	if (!buf)
		return errf(err, errlen, "%s: out of memory", path);
	while (n < size) {
		ssize_t r = read(fileno(f), buf + n, size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			explicit_bzero(buf, n);
			free(buf);
			return errf(err, errlen, "%s: cannot read: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	if (memchr(buf, '\0', n))
		return errf(err, errlen, "%s: holds a NUL byte; expected a text file", path);
	return 0;
}

static const char *dir_of(const char *path, char *buf, size_t len)
{
	char *slash;

	str_copy(buf, path, len);
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	slash[slash == buf] = '\0';
	return buf;
}

int config_load(const char *path, struct ssisdr_config *cfg, char *err, size_t errlen)
{
	char *text = NULL, dir[CONFIG_PATH_MAX];
	size_t len = 0;
	struct parse p;
	struct stat st;
	FILE *f;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	f = fopen(path, "r");
	if (!f)
		return errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) < 0)
		rc = errf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
	else
		rc = read_config(f, path, &st, &text, &len, err, errlen);
	fclose(f);
	if (rc == 0) {
		start(&p, cfg, path, err, errlen);
		rc = load(&p, text, &st, dir_of(path, dir, sizeof(dir)));
	}
	if (text)
		explicit_bzero(text, len);
	free(text);
	return rc;
}

void config_free(struct ssisdr_config *cfg)
{
	for (size_t i = 0; cfg->pairs && i < cfg->npairs; i++) {
		free(cfg->pairs[i].trigger_names);
		for (size_t s = 0; s < CONFIG_SITES_PER_PAIR; s++)
			secret_clear(&cfg->pairs[i].sites[s].sql_password);
	}
	free(cfg->pairs);
	secret_clear(&cfg->azure.client_secret);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- lookups --------------------------------------------------------------------- */

const struct config_pair *config_pair_by_name(const struct ssisdr_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->npairs; i++)
		if (!strcmp(cfg->pairs[i].name, name))
			return &cfg->pairs[i];
	return NULL;
}

const struct config_site *config_site_by_name(const struct config_pair *pair, const char *name)
{
	for (size_t i = 0; i < pair->nsites; i++)
		if (!strcmp(pair->sites[i].name, name))
			return &pair->sites[i];
	return NULL;
}
