/* Loading runbooks (ssisdr-runbook(5)): a line reader feeds inih (as
 * config.c does) so that every message names its line; section headers are
 * handled here, key = value splitting by inih. Every check that needs no
 * live data runs here, before a drill may start: keys and their values,
 * placeholder names, commands of the table, the failover step and the
 * order of phases. The condition vocabulary is in runbook_cond.c; reading
 * files, placeholder values and the runbook search path in drill_vars.c. */
#include <config.h>

#include "core/runbook.h"

#include <ctype.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cmd.h"
#include "core/config.h"
#include "core/util.h"

enum section { SEC_NONE = 0, SEC_RUNBOOK, SEC_STEP };

enum key {
	/* [runbook] */
	K_NAME, K_RB_TITLE, K_RB_KIND, K_DESCRIPTION, K_PARAM,
	/* [step ID] */
	K_KIND, K_TITLE, K_EXPLAIN, K_COMMAND, K_REQUIRE, K_TIMEOUT, K_PHASE, K_SKIP_IF, K_OPTIONAL,
	K_FAILOVER,
	K_COUNT
};

static const struct {
	const char *name;
	enum section sec;
	bool repeat;
} keys[K_COUNT] = {
	[K_NAME] = { "name", SEC_RUNBOOK, false },
	[K_RB_TITLE] = { "title", SEC_RUNBOOK, false },
	[K_RB_KIND] = { "kind", SEC_RUNBOOK, false },
	[K_DESCRIPTION] = { "description", SEC_RUNBOOK, true },
	[K_PARAM] = { "param", SEC_RUNBOOK, true },
	[K_KIND] = { "kind", SEC_STEP, false },
	[K_TITLE] = { "title", SEC_STEP, false },
	[K_EXPLAIN] = { "explain", SEC_STEP, true },
	[K_COMMAND] = { "command", SEC_STEP, false },
	[K_REQUIRE] = { "require", SEC_STEP, true },
	[K_TIMEOUT] = { "timeout", SEC_STEP, false },
	[K_PHASE] = { "phase", SEC_STEP, false },
	[K_SKIP_IF] = { "skip_if", SEC_STEP, true },
	[K_OPTIONAL] = { "optional", SEC_STEP, false },
	[K_FAILOVER] = { "failover", SEC_STEP, false },
};

struct parse {
	struct runbook *rb;
	const char *name;
	const char *text;
	char *line;
	int lineno;
	char *long_value;
	bool failed;
	char *err;
	size_t errlen;
	enum section sec;
	struct rb_step *step;
	int key_line[K_COUNT];
	int runbook_line;
	const char *params[RB_MAX_PARAMS + 1];
};

static const char *const kind_names[] = { "any", "sqldb", "mi" };
static const char *const step_kind_names[] = { "check", "action", "wait", "manual", "note" };
static const char *const phase_names[] = { "", "failover-group", "ssisdb-role", "ir-start", "trigger-sync",
					   "schedule-sync" };
static const char *const phase_titles[] = { "", "failover group switch", "SSISDB role visible", "IR start",
					    "trigger sync", "schedule sync" };

const char *rb_kind_name(enum rb_kind k)
{
	return k <= RB_KIND_MI ? kind_names[k] : "?";
}

const char *rb_step_kind_name(enum rb_step_kind k)
{
	return k <= RB_NOTE ? step_kind_names[k] : "?";
}

const char *rb_phase_name(enum rb_phase p)
{
	return p < RB_PHASE_COUNT ? phase_names[p] : "";
}

const char *rb_phase_title(enum rb_phase p)
{
	return p < RB_PHASE_COUNT ? phase_titles[p] : "";
}

/* ---- messages ---------------------------------------------------------- */

static int report(struct parse *p, int line, const char *key, const char *fmt, ...) SSISDR_PRINTF(4, 5);

/* Records the first error only: "FILE:LINE: [step ID] key: message". */
static int report(struct parse *p, int line, const char *key, const char *fmt, ...)
{
	char at[24] = "", where[RB_ID_MAX + 16] = "", msg[1024];
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(at, sizeof(at), ":%d", line);
	if (p->sec == SEC_STEP && p->step)
		snprintf(where, sizeof(where), " [step %s]", p->step->id);
	else if (p->sec == SEC_RUNBOOK)
		snprintf(where, sizeof(where), " [runbook]");
	return errf(p->err, p->errlen, "%s%s:%s%s%s%s %s", p->name, at, where, key ? " " : "", key ? key : "",
		    where[0] || key ? ":" : "", msg);
}

/* ---- words ------------------------------------------------------------- */

static bool word_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n >= max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

static int index_of(const char *word, const char *const *list, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcasecmp(word, list[i]))
			return i;
	return -1;
}

/* ---- values -------------------------------------------------------------- */

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0")) {
		*out = false;
		return 0;
	}
	return -1;
}

static void append_text(char *dst, size_t len, const char *line)
{
	size_t used = strlen(dst);

	if (used)
		snprintf(dst + used, len - used, "\n%s", line);
	else
		snprintf(dst, len, "%s", line);
}

/* The first one or two words name a command of the table. */
static int check_command(const char *cmd, char *why, size_t len)
{
	char first[64] = "", second[64] = "", two[132];
	const struct cmd_def *def;

	sscanf(cmd, "%63s %63s", first, second);
	snprintf(two, sizeof(two), "%s %s", first, second);
	def = cmd_find(two);
	if (!def)
		def = cmd_find(first);
	if (!def)
		return errf(why, len, "unknown console command \"%s\" (see: ssisdr exec help)", first);
	if (!strcmp(def->name, "quit") || !strcmp(def->name, "pair"))
		return errf(why, len, "%s cannot be a drill action", def->name);
	return 0;
}

static int add_param(struct parse *p, const char *value, const char *key)
{
	struct rb_param *pr;
	char buf[RB_CMD_MAX], *name, *def, *rest;
	char why[512];

	if (p->rb->nparams == RB_MAX_PARAMS)
		return report(p, p->lineno, key, "more than %d params", RB_MAX_PARAMS);
	str_copy(buf, value, sizeof(buf));
	name = buf;
	def = name + strcspn(name, " \t");
	if (*def)
		*def++ = '\0';
	def += strspn(def, " \t");
	rest = def + strcspn(def, " \t");
	if (*rest)
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	if (!word_ok(name, sizeof(pr->name)) || strchr(name, '.') || strchr(name, '-'))
		return report(p, p->lineno, key, "expected \"NAME DEFAULT DESCRIPTION\" with NAME of letters, digits "
						 "and _, got \"%s\"", value);
	if (runbook_known_placeholder(name, strlen(name), p->params))
		return report(p, p->lineno, key, "param %s is already a placeholder", name);
	if (!*def)
		return report(p, p->lineno, key, "param %s needs a default (- for none: then it must be given)", name);
	if (runbook_check_placeholders(def, NULL, why, sizeof(why)))
		return report(p, p->lineno, key, "%s", why);
	pr = &p->rb->params[p->rb->nparams];
	str_copy(pr->name, name, sizeof(pr->name));
	str_copy(pr->def, strcmp(def, "-") ? def : "", sizeof(pr->def));
	str_copy(pr->description, rest, sizeof(pr->description));
	pr->line = p->lineno;
	p->params[p->rb->nparams++] = pr->name;
	p->params[p->rb->nparams] = NULL;
	return 0;
}

static int add_cond(struct parse *p, struct rb_cond *list, int *n, int max, const char *value, const char *key)
{
	char why[512];

	if (*n == max)
		return report(p, p->lineno, key, "more than %d %s lines in one step", max, key);
	if (runbook_parse_cond(value, p->params, &list[*n], why, sizeof(why)))
		return report(p, p->lineno, key, "%s", why);
	list[*n].line = p->lineno;
	(*n)++;
	return 0;
}

static int set_step_key(struct parse *p, enum key k, const char *v, const char *key)
{
	struct rb_step *s = p->step;
	char why[512];
	int i;

	switch (k) {
	case K_KIND:
		if ((i = index_of(v, step_kind_names, 5)) < 0)
			return report(p, p->lineno, key, "expected check, action, wait, manual or note, got \"%s\"", v);
		s->kind = (enum rb_step_kind)i;
		return 0;
	case K_TITLE:
		if (runbook_check_placeholders(v, p->params, why, sizeof(why)))
			return report(p, p->lineno, key, "%s", why);
		str_copy(s->title, v, sizeof(s->title));
		return 0;
	case K_EXPLAIN:
		if (runbook_check_placeholders(v, p->params, why, sizeof(why)))
			return report(p, p->lineno, key, "%s", why);
		append_text(s->explain, sizeof(s->explain), v);
		return 0;
	case K_COMMAND:
		if (check_command(v, why, sizeof(why)))
			return report(p, p->lineno, key, "%s", why);
		if (runbook_check_placeholders(v, p->params, why, sizeof(why)))
			return report(p, p->lineno, key, "%s", why);
		str_copy(s->command, v, sizeof(s->command));
		s->command_line = p->lineno;
		return 0;
	case K_REQUIRE:
		return add_cond(p, s->require, &s->nrequire, RB_MAX_REQUIRE, v, key);
	case K_SKIP_IF:
		return add_cond(p, s->skip_if, &s->nskip_if, RB_MAX_SKIP_IF, v, key);
	case K_TIMEOUT:
		if (config_parse_duration(v, &s->timeout) || s->timeout <= 0)
			return report(p, p->lineno, key, "expected a duration such as 90s, 10m or 1h, got \"%s\"", v);
		return 0;
	case K_PHASE:
		if ((i = index_of(v, phase_names + 1, RB_PHASE_COUNT - 1)) < 0)
			return report(p, p->lineno, key, "expected failover-group, ssisdb-role, ir-start, trigger-sync "
							 "or schedule-sync, got \"%s\"", v);
		s->phase = (enum rb_phase)(i + 1);
		return 0;
	case K_OPTIONAL:
		if (parse_bool(v, &s->optional))
			return report(p, p->lineno, key, "expected true or false, got \"%s\"", v);
		return 0;
	case K_FAILOVER:
		if (parse_bool(v, &s->failover))
			return report(p, p->lineno, key, "expected true or false, got \"%s\"", v);
		return 0;
	default:
		return -1;
	}
}

static int set_runbook_key(struct parse *p, enum key k, const char *v, const char *key)
{
	int i;

	switch (k) {
	case K_NAME:
		if (!word_ok(v, sizeof(p->rb->name)))
			return report(p, p->lineno, key, "expected letters, digits, - _ and ., got \"%s\"", v);
		str_copy(p->rb->name, v, sizeof(p->rb->name));
		return 0;
	case K_RB_TITLE:
		str_copy(p->rb->title, v, sizeof(p->rb->title));
		return 0;
	case K_RB_KIND:
		if ((i = index_of(v, kind_names, 3)) < 0)
			return report(p, p->lineno, key, "expected sqldb, mi or any, got \"%s\"", v);
		p->rb->kind = (enum rb_kind)i;
		return 0;
	case K_DESCRIPTION:
		append_text(p->rb->description, sizeof(p->rb->description), v);
		return 0;
	case K_PARAM:
		return add_param(p, v, key);
	default:
		return -1;
	}
}

/* ---- sections ----------------------------------------------------------------- */

/* Checks that need the whole step: keys that do not fit its kind, and the
 * keys its kind requires. */
static int close_step(struct parse *p)
{
	static const struct {
		enum key k;
		unsigned kinds; /* bit per rb_step_kind allowed */
	} fit[] = {
		{ K_COMMAND, 1u << RB_ACTION },
		{ K_REQUIRE, 1u << RB_CHECK | 1u << RB_WAIT },
		{ K_TIMEOUT, 1u << RB_WAIT },
		{ K_FAILOVER, 1u << RB_ACTION },
		{ K_SKIP_IF, ~(1u << RB_NOTE) },
		{ K_PHASE, ~(1u << RB_NOTE) },
	};
	struct rb_step *s = p->step;

	if (!s)
		return 0;
	if (!p->key_line[K_KIND])
		return report(p, s->line, NULL, "missing kind = (check, action, wait, manual or note)");
	if (!s->title[0])
		return report(p, s->line, NULL, "missing title =");
	for (size_t i = 0; i < sizeof(fit) / sizeof(fit[0]); i++)
		if (p->key_line[fit[i].k] && !(fit[i].kinds & (1u << s->kind)))
			return report(p, p->key_line[fit[i].k], keys[fit[i].k].name, "not allowed in %s %s step",
				      s->kind == RB_ACTION ? "an" : "a", step_kind_names[s->kind]);
	if (s->kind == RB_ACTION && !s->command[0])
		return report(p, s->line, NULL, "an action step needs command =");
	if ((s->kind == RB_CHECK || s->kind == RB_WAIT) && !s->nrequire)
		return report(p, s->line, NULL, "a %s step needs at least one require =", step_kind_names[s->kind]);
	if (s->kind == RB_WAIT && !s->timeout)
		s->timeout = RB_DEFAULT_WAIT_TIMEOUT;
	if (s->failover && s->optional)
		return report(p, p->key_line[K_FAILOVER], "failover", "the failover action cannot be optional");
	return 0;
}

static int open_section(struct parse *p, char *header)
{
	char *close = strchr(header, ']'), *arg;

	if (close_step(p))
		return -1;
	if (!close || close[1 + strspn(close + 1, " \t\r")] != '\0')
		return report(p, p->lineno, NULL, "expected \"[runbook]\" or \"[step ID]\", got \"%s\"", header);
	*close = '\0';
	header = str_trim(header + 1);
	memset(p->key_line, 0, sizeof(p->key_line));
	p->step = NULL;
	if (!strcmp(header, "runbook")) {
		if (p->runbook_line)
			return report(p, p->lineno, NULL, "a second [runbook] section (the first is at line %d)",
				      p->runbook_line);
		p->sec = SEC_RUNBOOK;
		p->runbook_line = p->lineno;
		return 0;
	}
	if (strncmp(header, "step", 4) || !isspace((unsigned char)header[4])) {
		p->sec = SEC_NONE;
		return report(p, p->lineno, NULL, "unknown section [%s]; expected [runbook] or [step ID]", header);
	}
	if (!p->runbook_line) {
		p->sec = SEC_NONE;
		return report(p, p->lineno, NULL, "[runbook] must come before the first [step]");
	}
	arg = str_trim(header + 5);
	p->sec = SEC_STEP;
	if (!word_ok(arg, RB_ID_MAX))
		return report(p, p->lineno, NULL, "a step ID is letters, digits, - _ and . (at most %d), got \"%s\"",
			      RB_ID_MAX - 1, arg);
	for (int i = 0; i < p->rb->nsteps; i++)
		if (!strcmp(p->rb->steps[i].id, arg))
			return report(p, p->lineno, NULL, "duplicate step %s (first at line %d)", arg,
				      p->rb->steps[i].line);
	if (p->rb->nsteps == RB_MAX_STEPS)
		return report(p, p->lineno, NULL, "more than %d steps", RB_MAX_STEPS);
	p->step = &p->rb->steps[p->rb->nsteps++];
	str_copy(p->step->id, arg, sizeof(p->step->id));
	p->step->line = p->lineno;
	return 0;
}

static int handle_key(struct parse *p, const char *name, const char *value)
{
	int k;

	if (p->sec == SEC_NONE)
		return report(p, p->lineno, name, "a key before the [runbook] section");
	for (k = 0; k < K_COUNT; k++)
		if (keys[k].sec == p->sec && !strcmp(keys[k].name, name))
			break;
	if (k == K_COUNT)
		return report(p, p->lineno, name, "unknown key; expected one of %s",
			      p->sec == SEC_RUNBOOK ? "name, title, kind, description, param"
						    : "kind, title, explain, command, require, timeout, phase, skip_if, "
						      "optional, failover");
	if (p->key_line[k] && !keys[k].repeat)
		return report(p, p->lineno, name, "duplicate key (first set at line %d)", p->key_line[k]);
	p->key_line[k] = p->lineno;
	if (!*value && k != K_EXPLAIN && k != K_DESCRIPTION)
		return report(p, p->lineno, name, "no value");
	return p->sec == SEC_RUNBOOK ? set_runbook_key(p, (enum key)k, value, name)
				     : set_step_key(p, (enum key)k, value, name);
}

/* ---- feeding inih (see config.c) ----------------------------------------- */

static bool next_line(struct parse *p)
{
	size_t n;

	if (!*p->text)
		return false;
	n = strcspn(p->text, "\n");
	memcpy(p->line, p->text, n);
	p->line[n] = '\0';
	if (n && p->line[n - 1] == '\r')
		p->line[n - 1] = '\0';
	p->text += n + (p->text[n] == '\n');
	p->lineno++;
	if (p->lineno == 1 && !strncmp(p->line, "\xEF\xBB\xBF", 3))
		memmove(p->line, p->line + 3, strlen(p->line + 3) + 1);
	return true;
}

/* The '=' ending a key (':' is inih's other separator), or a " ;" comment. */
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

static char *feed_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *line, *sep;

	p->long_value = NULL;
	if (p->failed || !next_line(p))
		return NULL;
	line = p->line + strspn(p->line, " \t\f\v");
	if (*line == '[') {
		if (open_section(p, line) < 0)
			return NULL;
		line += strlen(line);
	}
	if (*line == '\0' || *line == ';' || *line == '#') {
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	sep = find_separator(line, "=:");
	if (!sep || *sep == ':') {
		report(p, p->lineno, NULL, "expected \"key = value\", a [section] header or a comment, got \"%s\"",
		       str_trim(line));
		return NULL;
	}
	if (strlen(line) + 2 > (size_t)num) {
		/* longer than inih's line: it gets "key=", the value is kept here */
		char *value = sep + 1, *comment;

		*sep = '\0';
		line = str_trim(line);
		comment = find_separator(value, NULL);
		if (comment)
			*comment = '\0';
		if (strlen(line) + 3 > (size_t)num) {
			report(p, p->lineno, NULL, "the key is too long");
			return NULL;
		}
		p->long_value = str_trim(value);
		snprintf(str, (size_t)num, "%s=\n", line);
		return str;
	}
	snprintf(str, (size_t)num, "%s\n", line);
	return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;

	(void)section;
	return handle_key(p, name, p->long_value ? p->long_value : value) == 0;
}

/* ---- whole-runbook checks ------------------------------------------------------ */

static int check_runbook(struct parse *p)
{
	struct runbook *rb = p->rb;
	int failover = -1, last_phase = RB_PHASE_NONE, last_phase_step = -1;

	p->sec = SEC_NONE;
	p->step = NULL;
	if (!p->runbook_line)
		return report(p, p->lineno, NULL, "no [runbook] section");
	if (!rb->name[0])
		return report(p, p->runbook_line, NULL, "[runbook] needs name =");
	if (!rb->title[0])
		return report(p, p->runbook_line, NULL, "[runbook] needs title =");
	if (!rb->nsteps)
		return report(p, p->lineno, NULL, "no [step ID] sections: a runbook needs at least one step");
	for (int i = 0; i < rb->nsteps; i++) {
		const struct rb_step *s = &rb->steps[i];

		p->sec = SEC_STEP;
		p->step = &rb->steps[i];
		if (s->failover) {
			if (failover >= 0)
				return report(p, s->line, "failover", "a second failover = true step (the first is %s "
								      "at line %d)", rb->steps[failover].id,
					      rb->steps[failover].line);
			failover = i;
		}
		if (s->phase == RB_PHASE_NONE)
			continue;
		if (failover < 0)
			return report(p, s->line, "phase", "a phase step must come after the failover = true action "
							   "that starts the RTO clock");
		if ((int)s->phase < last_phase)
			return report(p, s->line, "phase", "phase %s after %s (step %s): phases must follow the "
							   "order failover-group, ssisdb-role, ir-start, trigger-sync, "
							   "schedule-sync", phase_names[s->phase], phase_names[last_phase],
				      rb->steps[last_phase_step].id);
		last_phase = s->phase;
		last_phase_step = i;
	}
	p->sec = SEC_NONE;
	p->step = NULL;
	return 0;
}

static unsigned long long fnv1a(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct runbook *runbook_load_string(const char *text, const char *name, char *err, size_t errlen)
{
	struct parse p = { .name = name, .text = text, .err = err, .errlen = errlen };
	int rc;

	p.rb = calloc(1, sizeof(*p.rb));
	p.line = malloc(strlen(text) + 1);
	if (!p.rb || !p.line) {
		free(p.rb);
		free(p.line);
		errf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	str_copy(p.rb->path, name, sizeof(p.rb->path));
	p.rb->hash = fnv1a(text);
	p.params[0] = NULL;
	rc = ini_parse_stream(feed_line, &p, on_key, &p);
	free(p.line);
	if (rc > 0 && !p.failed)
		report(&p, rc, NULL, "expected \"key = value\", a [section] header or a comment");
	else if (rc < 0 && !p.failed)
		report(&p, 0, NULL, "out of memory");
	if (!p.failed && !close_step(&p))
		check_runbook(&p);
	if (p.failed) {
		free(p.rb);
		return NULL;
	}
	return p.rb;
}

