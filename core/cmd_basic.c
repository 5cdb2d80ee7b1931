/* The commands that change nothing: status, refresh, findings, log, pair,
 * set refresh, help, quit. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cmd_impl.h"
#include "core/poller.h"
#include "core/status.h"

const struct config_pair *call_config(struct cmd_call *call)
{
	return &call->con->cfg->pairs[call->pair];
}

const struct model_pair *call_pair(struct cmd_call *call)
{
	if (!call->snap || call->pair >= call->snap->npairs) {
		cmd_print(&call->out, SEV_WARNING, "no data yet: the first poll has not finished (try again, or: refresh)");
		return NULL;
	}
	return &call->snap->pairs[call->pair];
}

int pair_primary(const struct model_pair *p)
{
	bool a = p->sites[0].role == ROLE_PRIMARY, b = p->sites[1].role == ROLE_PRIMARY;

	return a && !b ? 0 : b && !a ? 1 : -1;
}

void plan_against_findings(struct plan *plan, const struct model_pair *p, const char *const *ids)
{
	for (int i = 0; i < p->nfindings; i++)
		for (int k = 0; ids[k]; k++)
			if (!strcmp(p->findings[i].id, ids[k]))
				plan_against(plan, "%s (%s): %s", p->findings[i].id,
					     severity_name(p->findings[i].severity), p->findings[i].message);
}

enum cmd_result cmd_status_run(struct cmd_call *call)
{
	const struct model_pair *p = call_pair(call);
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!p)
		return CMD_ERROR;
	f = open_memstream(&text, &len);
	if (!f)
		return CMD_ERROR;
	status_print_text(f, call->snap, p->name);
	fclose(f);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		cmd_print(&call->out, SEV_INFO, "%s", line);
	free(text);
	return CMD_OK;
}

enum cmd_result cmd_findings_run(struct cmd_call *call)
{
	const struct model_pair *p = call_pair(call);

	if (!p)
		return CMD_ERROR;
	if (!p->nfindings)
		cmd_print(&call->out, SEV_OK, "no findings for pair %s", p->name);
	for (int i = 0; i < p->nfindings; i++) {
		const struct finding *f = &p->findings[i];
		cmd_print(&call->out, f->severity, "%s %s%s%s: %s%s%s", severity_name(f->severity), f->id,
			  f->site[0] ? " @" : "", f->site, f->message, f->fix[0] ? " | fix: " : "", f->fix);
	}
	return CMD_OK;
}

enum cmd_result cmd_refresh_run(struct cmd_call *call)
{
	poller_wake(call->con->poller);
	cmd_print(&call->out, SEV_INFO, "refreshing");
	return CMD_OK;
}

enum cmd_result cmd_log_run(struct cmd_call *call)
{
	struct event ev[200];
	long want = call->argc ? strtol(call->argv[0], NULL, 10) : 20;
	size_t n;

	if (want < 1 || want > 200) {
		cmd_print(&call->out, SEV_WARNING, "log: N is from 1 to 200");
		cmd_print(&call->out, SEV_INFO, "usage: %s", call->def->usage);
		return CMD_USAGE;
	}
	n = events_last(call->con->events, ev, (size_t)want);
	for (size_t i = 0; i < n; i++) {
		char t[16];
		time_t secs = (time_t)ev[i].at;
		struct tm tm;

		localtime_r(&secs, &tm);
		strftime(t, sizeof(t), "%H:%M:%S", &tm);
		cmd_print(&call->out, ev[i].sev, "%s %s", t, ev[i].text);
	}
	return CMD_OK;
}

enum cmd_result cmd_pair_run(struct cmd_call *call)
{
	const struct ssisdr_config *cfg = call->con->cfg;

	if (!call->argc) {
		for (size_t i = 0; i < cfg->npairs; i++)
			cmd_print(&call->out, SEV_INFO, "%s %s", i == call->con->pair ? "*" : " ", cfg->pairs[i].name);
		return CMD_OK;
	}
	for (size_t i = 0; i < cfg->npairs; i++)
		if (!strcmp(cfg->pairs[i].name, call->argv[0])) {
			call->con->pair = i;
			cmd_print(&call->out, SEV_INFO, "now on pair %s", cfg->pairs[i].name);
			return CMD_OK;
		}
	cmd_print(&call->out, SEV_WARNING, "no pair named %s (pair lists them)", call->argv[0]);
	return CMD_ERROR;
}

enum cmd_result cmd_set_run(struct cmd_call *call)
{
	char *end;
	long secs = strtol(call->argv[0], &end, 10);

	if (*end || secs < 2 || secs > 3600) {
		cmd_print(&call->out, SEV_WARNING, "set refresh: SECONDS is a whole number from 2 to 3600");
		cmd_print(&call->out, SEV_INFO, "usage: %s", call->def->usage);
		return CMD_USAGE;
	}
	poller_set_interval(call->con->poller, secs);
	cmd_print(&call->out, SEV_INFO, "polling every %ld s", secs);
	return CMD_OK;
}

enum cmd_result cmd_help_run(struct cmd_call *call)
{
	char name[128] = "";

	if (call->argc == 2)
		snprintf(name, sizeof(name), "%s %s", call->argv[0], call->argv[1]);
	else if (call->argc == 1)
		snprintf(name, sizeof(name), "%s", call->argv[0]);
	cmd_help(call->con, call->argc ? name : NULL, &call->out);
	return CMD_OK;
}

enum cmd_result cmd_quit_run(struct cmd_call *call)
{
	return CMD_QUIT;
}
