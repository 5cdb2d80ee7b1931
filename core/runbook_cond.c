/* The drill conditions' vocabulary (ssisdr-runbook(5)): parsing and
 * checking a condition's words; evaluating one is core/drill_cond.c. */
#include <config.h>

#include "core/runbook.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/rule.h"
#include "core/util.h"

static int index_of(const char *word, const char *const *list, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcasecmp(word, list[i]))
			return i;
	return -1;
}

enum arg { A_NONE = 0, A_SITE, A_ROLE, A_IR_STATES, A_FINDING, A_REPL_STATE };

static const struct {
	const char *name;
	enum arg args[2];
} conds[COND_COUNT] = {
	[COND_NO_FINDING] = { "no-finding", { A_FINDING } },
	[COND_FINDING] = { "finding", { A_FINDING } },
	[COND_REPLICATION] = { "replication", { A_REPL_STATE } },
	[COND_LAG_WITHIN_RPO] = { "lag-within-rpo", { A_NONE } },
	[COND_NO_RUNNING_PACKAGES] = { "no-running-packages", { A_NONE } },
	[COND_SSIS_PIPELINES_PRESENT] = { "ssis-pipelines-present", { A_SITE } },
	[COND_TRIGGERS_PRESENT] = { "triggers-present", { A_SITE } },
	[COND_TRIGGERS_STOPPED] = { "triggers-stopped", { A_SITE } },
	[COND_TRIGGERS_STARTED] = { "triggers-started", { A_SITE } },
	[COND_TRIGGERS_SYNCED] = { "triggers-synced", { A_NONE } },
	[COND_SCHEDULES_SYNCED] = { "schedules-synced", { A_NONE } },
	[COND_IR] = { "ir", { A_SITE, A_IR_STATES } },
	[COND_IR_WAS] = { "ir-was", { A_SITE, A_IR_STATES } },
	[COND_IR_ROLE] = { "ir-role", { A_SITE, A_ROLE } },
	[COND_FOG_ROLE] = { "fog-role", { A_SITE, A_ROLE } },
	[COND_SSISDB_ROLE] = { "ssisdb-role", { A_SITE, A_ROLE } },
	[COND_ROLES_SWAPPED] = { "roles-swapped", { A_NONE } },
	[COND_SWITCH_JOB_PRESENT] = { "switch-job-present", { A_NONE } },
	[COND_SITE_FRESH] = { "site-fresh", { A_SITE } },
	[COND_RTO_ESTIMATE] = { "rto-estimate", { A_SITE } },
};

static const char *const ir_states[] = { "Initial", "Stopped", "Started", "Starting", "Stopping",
					 "NeedRegistration", "Online", "Limited", "Offline", "AccessDenied" };
static const char *const repl_states[] = { "CATCH_UP", "SEEDING", "SUSPENDED", "PENDING" };

const char *rb_cond_name(enum rb_cond_kind k)
{
	return k < COND_COUNT ? conds[k].name : "?";
}

static bool is_placeholder(const char *s)
{
	return s[0] == '{' && s[strlen(s) - 1] == '}';
}

static int check_arg(enum arg kind, char *arg, char *why, size_t len)
{
	size_t n;
	const struct rule_info *rules;

	if (strchr(arg, '{'))
		return 0; /* checked as a placeholder; the value is checked when the drill starts */
	switch (kind) {
	case A_ROLE:
		if (strcasecmp(arg, "primary") && strcasecmp(arg, "secondary"))
			return errf(why, len, "expected primary or secondary, got \"%s\"", arg);
		for (char *c = arg; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		return 0;
	case A_IR_STATES: {
		char buf[RB_ARG_MAX], *save = NULL, out[RB_ARG_MAX] = "";

		str_copy(buf, arg, sizeof(buf));
		for (char *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
			int i = index_of(t, ir_states, (int)(sizeof(ir_states) / sizeof(ir_states[0])));

			if (i < 0)
				return errf(why, len, "unknown IR state \"%s\" (expected Started, Stopped, Starting, "
						      "Stopping, Initial, ... or several joined by |)", t);
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", out[0] ? "|" : "", ir_states[i]);
		}
		if (!out[0])
			return errf(why, len, "expected an IR state");
		str_copy(arg, out, RB_ARG_MAX);
		return 0;
	}
	case A_REPL_STATE: {
		int i = index_of(arg, repl_states, 4);

		if (i < 0)
			return errf(why, len, "expected CATCH_UP, SEEDING, SUSPENDED or PENDING, got \"%s\"", arg);
		str_copy(arg, repl_states[i], RB_ARG_MAX);
		return 0;
	}
	case A_FINDING:
		rules = rule_table(&n);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(rules[i].id, arg))
				return 0;
		return errf(why, len, "unknown finding id \"%s\" (see: help findings, or ssisdr-runbook(5))", arg);
	default:
		return 0;
	}
}

int runbook_parse_cond(const char *text, const char *const *known_params, struct rb_cond *out, char *why,
		       size_t len)
{
	char buf[RB_CMD_MAX], *words[4], *save = NULL;
	int n = 0, k;

	memset(out, 0, sizeof(*out));
	str_copy(out->text, text, sizeof(out->text));
	str_copy(buf, text, sizeof(buf));
	for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == 4)
			return errf(why, len, "too many words in condition \"%s\"", text);
		words[n++] = t;
	}
	if (!n)
		return errf(why, len, "expected a condition");
	if (!strcmp(words[0], "smk-replicated"))
		return errf(why, len, "smk-replicated cannot be read through any API (no ARM field or DMV "
				      "reports it); make it a manual step");
	for (k = 0; k < COND_COUNT && strcmp(conds[k].name, words[0]); k++)
		continue;
	if (k == COND_COUNT)
		return errf(why, len, "unknown condition \"%s\" (see ssisdr-runbook(5) for the list)", words[0]);
	out->kind = (enum rb_cond_kind)k;
	for (int i = 0; i < 2; i++)
		out->nargs += conds[k].args[i] != A_NONE;
	if (n - 1 != out->nargs) {
		static const char *const arg_words[] = { "", "SITE", "primary|secondary", "STATE", "FINDING-ID",
							 "STATE" };
		return errf(why, len, "%s takes %d argument%s%s%s%s%s, got %d", conds[k].name, out->nargs,
			    out->nargs == 1 ? "" : "s", out->nargs ? " (" : "", arg_words[conds[k].args[0]],
			    out->nargs == 2 ? " " : "", out->nargs ? (out->nargs == 2 ? "STATE-OR-ROLE)" : ")") : "",
			    n - 1);
	}
	for (int i = 0; i < out->nargs; i++) {
		str_copy(out->args[i], words[i + 1], sizeof(out->args[i]));
		if (runbook_check_placeholders(out->args[i], known_params, why, len))
			return -1;
		if (strchr(out->args[i], '{') && !is_placeholder(out->args[i]))
			return errf(why, len, "an argument is a name or one whole placeholder, got \"%s\"", out->args[i]);
		if (check_arg(conds[k].args[i], out->args[i], why, len))
			return -1;
	}
	return 0;
}

bool rb_cond_takes_site(enum rb_cond_kind k)
{
	return k < COND_COUNT && conds[k].args[0] == A_SITE;
}
