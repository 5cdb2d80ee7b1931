#include <config.h>

#include "core/cmd.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/audit.h"
#include "core/cmd_impl.h"
#include "core/console.h"
#include "core/op.h"
#include "core/snapshot.h"

struct cmd_pending {
	struct cmd_call call;
	struct plan plan;
	char prompt[256];
};

void cmd_print(const struct cmd_out *out, enum severity sev, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!out || !out->line)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	out->line(out->user, sev, line);
}

void plan_step(struct plan *p, const char *site, const char *via, const char *fmt, ...)
{
	struct plan_step *s;
	va_list ap;

	if (p->nsteps == PLAN_MAX_STEPS)
		return;
	s = &p->steps[p->nsteps++];
	snprintf(s->site, sizeof(s->site), "%s", site);
	snprintf(s->via, sizeof(s->via), "%s", via);
	va_start(ap, fmt);
	vsnprintf(s->what, sizeof(s->what), fmt, ap);
	va_end(ap);
}

void plan_against(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	if (p->nagainst == PLAN_MAX_AGAINST)
		return;
	va_start(ap, fmt);
	vsnprintf(p->against[p->nagainst++], sizeof(p->against[0]), fmt, ap);
	va_end(ap);
}

const struct cmd_def *cmd_find(const char *name)
{
	size_t n;
	const struct cmd_def *t = cmd_table(&n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

bool cmd_available(const struct console *con, const struct cmd_def *def)
{
	return !(def->mutating && con->read_only);
}

/* Split at blanks; "double" and 'single' quotes group words. */
static int split_words(char *buf, char **words, int max)
{
	int n = 0;
	char *r = buf, *w = buf;

	while (*r) {
		char quote = 0;

		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			break;
		if (n == max)
			return -1;
		words[n++] = w;
		while (*r && (quote || (*r != ' ' && *r != '\t'))) {
			if (!quote && (*r == '"' || *r == '\'')) {
				quote = *r++;
				continue;
			}
			if (quote && *r == quote) {
				quote = 0;
				r++;
				continue;
			}
			*w++ = *r++;
		}
		if (quote)
			return -2;
		if (*r)
			r++;
		*w++ = '\0';
	}
	return n;
}

/* The longest table name that the words start with ("ir start" before "ir"). */
static const struct cmd_def *match(char **words, int n, int *used)
{
	size_t count;
	const struct cmd_def *t = cmd_table(&count), *best = NULL;
	char two[128];

	if (n >= 2) {
		snprintf(two, sizeof(two), "%s %s", words[0], words[1]);
		for (size_t i = 0; i < count; i++)
			if (!strcmp(t[i].name, two)) {
				*used = 2;
				return &t[i];
			}
	}
	for (size_t i = 0; i < count && n >= 1; i++)
		if (!strcmp(t[i].name, words[0]))
			best = &t[i];
	*used = 1;
	return best;
}

static bool flag_known(const struct cmd_def *def, const char *flag)
{
	if (def->mutating && !strcmp(flag, "--dry-run"))
		return true;
	for (int i = 0; i < 4 && def->flags[i]; i++)
		if (!strcmp(def->flags[i], flag))
			return true;
	return false;
}

static void usage(const struct cmd_out *out, const struct cmd_def *def, const char *why)
{
	cmd_print(out, SEV_WARNING, "%s", why);
	cmd_print(out, SEV_INFO, "usage: %s", def->usage);
}

static enum cmd_result parse_call(struct cmd_call *call, const char *line)
{
	char *words[CMD_MAX_ARGS + 4];
	int n, used;

	snprintf(call->buf, sizeof(call->buf), "%s", line);
	n = split_words(call->buf, words, CMD_MAX_ARGS + 4);
	if (n == -2) {
		cmd_print(&call->out, SEV_WARNING, "unbalanced quote in: %s", line);
		return CMD_USAGE;
	}
	if (n < 0) {
		cmd_print(&call->out, SEV_WARNING, "too many words (at most %d)", CMD_MAX_ARGS);
		return CMD_USAGE;
	}
	if (n == 0)
		return CMD_OK;
	call->def = match(words, n, &used);
	if (!call->def) {
		const struct cmd_def *group = NULL;
		size_t count;
		const struct cmd_def *t = cmd_table(&count);

		for (size_t i = 0; i < count; i++)
			if (!strncmp(t[i].name, words[0], strlen(words[0])) && t[i].name[strlen(words[0])] == ' ')
				group = &t[i];
		if (group)
			cmd_print(&call->out, SEV_WARNING, "%s needs a subcommand; see: help %s", words[0], words[0]);
		else
			cmd_print(&call->out, SEV_WARNING, "unknown command %s; type help for the list", words[0]);
		return CMD_USAGE;
	}
	for (int i = used; i < n; i++) {
		if (!strncmp(words[i], "--", 2)) {
			if (!flag_known(call->def, words[i])) {
				char why[160];
				snprintf(why, sizeof(why), "%s: unknown option %s", call->def->name, words[i]);
				usage(&call->out, call->def, why);
				return CMD_USAGE;
			}
			if (!strcmp(words[i], "--dry-run"))
				call->dry_run = true;
			else if (call->nflags < 8)
				snprintf(call->flags[call->nflags++], sizeof(call->flags[0]), "%s", words[i]);
			continue;
		}
		call->argv[call->argc++] = words[i];
	}
	if (call->argc < call->def->min_args ||
	    (call->def->max_args >= 0 && call->argc > call->def->max_args)) {
		char why[160];
		snprintf(why, sizeof(why), "%s: %s", call->def->name,
			 call->argc < call->def->min_args ? "missing argument" : "too many arguments");
		usage(&call->out, call->def, why);
		return CMD_USAGE;
	}
	return CMD_OK;
}

static void print_plan(const struct cmd_out *out, const struct plan *p)
{
	cmd_print(out, SEV_INFO, "plan: %s", p->title);
	for (int i = 0; i < p->nsteps; i++)
		cmd_print(out, SEV_INFO, "  %d. [%s] %s: %s", i + 1, p->steps[i].site[0] ? p->steps[i].site : "-",
			  p->steps[i].via, p->steps[i].what);
	for (int i = 0; i < p->nagainst; i++)
		cmd_print(out, SEV_WARNING, "  against: %s", p->against[i]);
}

static enum cmd_result plan_mutating(struct cmd_call *call, struct cmd_pending **pending)
{
	struct console *con = call->con;
	struct cmd_pending *pd = calloc(1, sizeof(*pd));

	if (!pd)
		return CMD_ERROR;
	pd->plan.site = -1;
	if (call->def->plan(call, &pd->plan)) {
		free(pd);
		return CMD_ERROR;
	}
	/* before "nothing to do": the snapshot may not show a running operation's effect yet */
	if (pd->plan.lock_key[0] && op_lock_busy(con, pd->plan.lock_key)) {
		cmd_print(&call->out, SEV_WARNING,
			  "refused: an operation on %s is still running; wait for it (see log) before starting another",
			  pd->plan.lock_key);
		free(pd);
		return CMD_REFUSED;
	}
	if (pd->plan.nothing_to_do[0]) {
		cmd_print(&call->out, SEV_OK, "nothing to do: %s", pd->plan.nothing_to_do);
		free(pd);
		return CMD_OK;
	}
	print_plan(&call->out, &pd->plan);
	if (call->dry_run) {
		cmd_print(&call->out, SEV_INFO, "dry run: nothing was changed");
		free(pd);
		return CMD_OK;
	}
	pd->call = *call;
	/* argv points into call->buf: re-point it into the copy */
	for (int i = 0; i < pd->call.argc; i++)
		pd->call.argv[i] = pd->call.buf + (call->argv[i] - call->buf);
	snprintf(pd->prompt, sizeof(pd->prompt), "Type %s (the %s) to confirm, anything else cancels: ",
		 pd->plan.target, pd->plan.target_what);
	*pending = pd;
	call->snap = NULL; /* the pending call keeps the reference */
	return CMD_NEEDS_CONFIRM;
}

enum cmd_result cmd_run_line(struct console *con, const char *line, const struct cmd_out *out,
			     struct cmd_pending **pending)
{
	struct cmd_call call = { .con = con, .pair = con->pair };
	enum cmd_result rc;

	*pending = NULL;
	if (out)
		call.out = *out;
	snprintf(call.line, sizeof(call.line), "%s", line);
	rc = parse_call(&call, line);
	if (rc != CMD_OK || !call.def)
		return rc;
	if (!cmd_available(con, call.def)) {
		cmd_print(&call.out, SEV_WARNING,
			  "refused: %s changes Azure or SQL, and this console is read-only (--read-only or read_only = true in %s)",
			  call.def->name, con->cfg->path);
		return CMD_REFUSED;
	}
	call.snap = console_snapshot(con, 0);
	if (call.def->mutating)
		rc = plan_mutating(&call, pending);
	else
		rc = call.def->run(&call);
	snap_unref(call.snap);
	return rc;
}

const char *cmd_pending_prompt(const struct cmd_pending *p)
{
	return p->prompt;
}

const struct plan *cmd_pending_plan(const struct cmd_pending *p)
{
	return &p->plan;
}

void cmd_pending_free(struct cmd_pending *p)
{
	if (!p)
		return;
	snap_unref(p->call.snap);
	free(p);
}

static struct json_object *plan_json(const struct plan *p)
{
	struct json_object *o = json_object_new_object(), *steps = json_object_new_array();
	struct json_object *against = json_object_new_array();

	json_object_object_add(o, "title", json_object_new_string(p->title));
	json_object_object_add(o, "target", json_object_new_string(p->target));
	for (int i = 0; i < p->nsteps; i++) {
		struct json_object *s = json_object_new_object();
		json_object_object_add(s, "site", json_object_new_string(p->steps[i].site));
		json_object_object_add(s, "via", json_object_new_string(p->steps[i].via));
		json_object_object_add(s, "what", json_object_new_string(p->steps[i].what));
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	for (int i = 0; i < p->nagainst; i++)
		json_object_array_add(against, json_object_new_string(p->against[i]));
	json_object_object_add(o, "against", against);
	return o;
}

enum cmd_result cmd_confirm(struct cmd_pending *pd, const char *typed, struct op **op_out)
{
	struct cmd_call *call = &pd->call;
	struct console *con = call->con;
	struct json_object *rec;
	char err[512];
	struct op *op = NULL;

	if (op_out)
		*op_out = NULL;
	if (!typed || strcmp(typed, pd->plan.target)) {
		cmd_print(&call->out, SEV_INFO, "cancelled: %s was not confirmed", call->def->name);
		cmd_pending_free(pd);
		return CMD_REFUSED;
	}
	if (!cmd_available(con, call->def)) {
		cmd_print(&call->out, SEV_WARNING, "refused: the console is read-only");
		cmd_pending_free(pd);
		return CMD_REFUSED;
	}
	rec = json_object_new_object();
	json_object_object_add(rec, "event", json_object_new_string("confirmed"));
	json_object_object_add(rec, "pair", json_object_new_string(con->cfg->pairs[call->pair].name));
	json_object_object_add(rec, "command", json_object_new_string(call->line));
	json_object_object_add(rec, "plan", plan_json(&pd->plan));
	if (!con->audit || audit_write(con->audit, rec, err, sizeof(err))) {
		if (!con->audit)
			json_object_put(rec);
		cmd_print(&call->out, SEV_CRITICAL,
			  "refused: the audit log cannot be written (%s); no change is made without an audit record",
			  con->audit ? err : con->audit_error);
		cmd_pending_free(pd);
		return CMD_REFUSED;
	}
	if (op_start(con, call->def, call->pair, call->line, &pd->plan, &op, err, sizeof(err))) {
		cmd_print(&call->out, SEV_WARNING, "refused: %s", err);
		cmd_pending_free(pd);
		return CMD_REFUSED;
	}
	cmd_print(&call->out, SEV_INFO, "started operation %u: %s (progress in the log)", op->id, call->line);
	if (op_out)
		*op_out = op;
	else
		op_unref(op);
	cmd_pending_free(pd);
	return CMD_STARTED;
}

int cmd_site_arg(struct cmd_call *call, const char *name)
{
	const struct config_pair *cp = &call->con->cfg->pairs[call->pair];

	for (size_t i = 0; i < cp->nsites; i++)
		if (!strcmp(cp->sites[i].name, name))
			return (int)i;
	cmd_print(&call->out, SEV_WARNING, "%s: no site named %s in pair %s (sites: %s, %s)",
		  call->def->name, name, cp->name, cp->sites[0].name, cp->sites[1].name);
	return -1;
}

void cmd_help(struct console *con, const char *command, const struct cmd_out *out)
{
	size_t n;
	const struct cmd_def *t = cmd_table(&n);
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		size_t len = command ? strlen(command) : 0;

		if (!cmd_available(con, &t[i]))
			continue;
		if (command && strcmp(t[i].name, command) &&
		    !(strncmp(t[i].name, command, len) == 0 && t[i].name[len] == ' '))
			continue;
		found = true;
		if (command) {
			cmd_print(out, SEV_INFO, "%s", t[i].usage);
			cmd_print(out, SEV_INFO, "  %s", t[i].summary);
			if (t[i].help && t[i].help[0])
				cmd_print(out, SEV_INFO, "  %s", t[i].help);
		} else {
			cmd_print(out, SEV_INFO, "%-44s %s", t[i].usage, t[i].summary);
		}
	}
	if (command && !found)
		cmd_print(out, SEV_WARNING, "no command %s%s", command,
			  con->read_only && cmd_find(command) ? " in read-only mode" : "");
	if (!command && con->read_only)
		cmd_print(out, SEV_INFO, "(read-only: commands that change Azure or SQL are not available)");
}

/* ---- completion ------------------------------------------------------ */

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_add(struct strv *s, const char *word, const char *prefix)
{
	if (strncmp(word, prefix, strlen(prefix)))
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], word))
			return;
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = strdup(word);
	if (s->v[s->n])
		s->n++;
	s->v[s->n] = NULL;
}

static void add_cb(void *ctx, const char *word)
{
	struct strv *s = ((void **)ctx)[0];
	const char *prefix = ((void **)ctx)[1];

	strv_add(s, word, prefix);
}

char **cmd_complete(struct console *con, const char *line, size_t point)
{
	char buf[512], *words[CMD_MAX_ARGS + 4], prefix[128] = "";
	struct strv out = { 0 };
	size_t count;
	const struct cmd_def *t = cmd_table(&count), *def;
	int n, used;
	bool at_new_word;

	snprintf(buf, sizeof(buf), "%.*s", (int)(point < sizeof(buf) ? point : sizeof(buf) - 1), line);
	at_new_word = point == 0 || buf[strlen(buf) - 1] == ' ';
	n = split_words(buf, words, CMD_MAX_ARGS + 4);
	if (n < 0)
		return NULL;
	if (!at_new_word && n > 0)
		snprintf(prefix, sizeof(prefix), "%s", words[--n]);
	if (n == 0) {
		/* the first word of every available command */
		for (size_t i = 0; i < count; i++) {
			char first[64];

			if (!cmd_available(con, &t[i]))
				continue;
			snprintf(first, sizeof(first), "%.*s", (int)strcspn(t[i].name, " "), t[i].name);
			strv_add(&out, first, prefix);
		}
		return out.v;
	}
	if (n == 1) {
		/* the second word of a two-word command */
		size_t l = strlen(words[0]);

		for (size_t i = 0; i < count; i++)
			if (cmd_available(con, &t[i]) && !strncmp(t[i].name, words[0], l) && t[i].name[l] == ' ')
				strv_add(&out, t[i].name + l + 1, prefix);
		if (out.n)
			return out.v;
	}
	def = match(words, n, &used);
	if (!def || !cmd_available(con, def))
		return out.v;
	if (!strncmp(prefix, "--", 2) || (prefix[0] == '-' && !prefix[1])) {
		for (int i = 0; i < 4 && def->flags[i]; i++)
			strv_add(&out, def->flags[i], prefix);
		if (def->mutating)
			strv_add(&out, "--dry-run", prefix);
		return out.v;
	}
	{
		int pos = n - used; /* index of the positional being completed */
		enum cmd_arg kind = pos == 0 ? def->arg : def->rest;
		void *ctx[2] = { &out, prefix };

		if (def->max_args >= 0 && pos >= def->max_args)
			return out.v;
		cmd_complete_arg(con, kind, words + used, pos, prefix, add_cb, ctx);
	}
	return out.v;
}
