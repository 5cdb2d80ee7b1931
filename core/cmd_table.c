/* The one command table. Order is the order of `help`. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core/cmd_impl.h"
#include "core/snapshot.h"

static const struct cmd_def table[] = {
	{ .name = "status", .usage = "status", .summary = "print the pair's state and findings",
	  .min_args = 0, .max_args = 0, .key = 's', .run = cmd_status_run },
	{ .name = "refresh", .usage = "refresh", .summary = "poll now instead of waiting for the interval",
	  .min_args = 0, .max_args = 0, .key = 'r', .run = cmd_refresh_run },
	{ .name = "failover", .usage = "failover [--force | --try-planned] [--dry-run]",
	  .summary = "fail the SSISDB failover group over to the secondary site",
	  .help = "A planned failover (the default) syncs first and loses no data; it fails and rolls back "
		  "when the primary cannot be reached. --force (forceFailoverAllowDataLoss) does not wait for "
		  "the primary and can lose the replication lag. --try-planned tries planned first, then "
		  "forced (SQL Database groups only). The request goes to the secondary, which becomes primary; "
		  "the IRs swap roles with it. Then: ir start on the new primary if it is stopped, triggers sync, "
		  "schedules sync.",
	  .mutating = true, .flags = { "--force", "--try-planned" }, .min_args = 0, .max_args = 0,
	  .key = 'F', .plan = cmd_failover_plan, .execute = cmd_failover_execute },
	{ .name = "ir start", .usage = "ir start SITE [--dry-run]", .summary = "start the site's Azure-SSIS IR",
	  .help = "About 5 minutes, 20 to 30 with VNet injection. The command waits for Started.",
	  .mutating = true, .arg = CMD_ARG_SITE, .min_args = 1, .max_args = 1, .key = 'S',
	  .plan = cmd_ir_plan, .execute = cmd_ir_execute },
	{ .name = "ir stop", .usage = "ir stop SITE [--dry-run]", .summary = "stop the site's Azure-SSIS IR",
	  .help = "Stopping the primary-role IR stops package execution.",
	  .mutating = true, .arg = CMD_ARG_SITE, .min_args = 1, .max_args = 1,
	  .plan = cmd_ir_plan, .execute = cmd_ir_execute },
	{ .name = "triggers sync", .usage = "triggers sync [--dry-run]",
	  .summary = "start the managed triggers in the primary factory, stop them in the other",
	  .help = "Stops come first, so no trigger is Started on both sides at once.",
	  .mutating = true, .min_args = 0, .max_args = 0, .key = 'T',
	  .plan = cmd_triggers_plan, .execute = cmd_triggers_execute },
	{ .name = "triggers enable", .usage = "triggers enable SITE [NAME...] [--dry-run]",
	  .summary = "start triggers in the site's factory (all managed ones without NAME)",
	  .mutating = true, .arg = CMD_ARG_SITE, .rest = CMD_ARG_TRIGGER, .min_args = 1, .max_args = -1,
	  .plan = cmd_triggers_plan, .execute = cmd_triggers_execute },
	{ .name = "triggers disable", .usage = "triggers disable SITE [NAME...] [--dry-run]",
	  .summary = "stop triggers in the site's factory (all managed ones without NAME)",
	  .mutating = true, .arg = CMD_ARG_SITE, .rest = CMD_ARG_TRIGGER, .min_args = 1, .max_args = -1,
	  .plan = cmd_triggers_plan, .execute = cmd_triggers_execute },
	{ .name = "schedules sync", .usage = "schedules sync [--dry-run]",
	  .summary = "enable the SSIS job schedules on the primary instance, disable them on the other",
	  .help = "Managed instance pairs only. Calls msdb.dbo.sp_update_schedule with named parameters.",
	  .mutating = true, .min_args = 0, .max_args = 0, .key = 'J',
	  .plan = cmd_schedules_plan, .execute = cmd_schedules_execute },
	{ .name = "failover_integration_runtime", .usage = "failover_integration_runtime FACTORY IR [--dry-run]",
	  .summary = "let a new IR in another factory use the existing SSISDB",
	  .help = "For when the IR's region is lost but SSISDB is not: stop the old IR first, then this "
		  "runs catalog.failover_integration_runtime in the primary SSISDB; then create or start the "
		  "new IR with those names.",
	  .mutating = true, .arg = CMD_ARG_FACTORY, .rest = CMD_ARG_IR, .min_args = 2, .max_args = 2,
	  .plan = cmd_fir_plan, .execute = cmd_fir_execute },
	{ .name = "drill", .usage = "drill RUNBOOK [NAME=VALUE...]",
	  .summary = "run a guided DR drill of a runbook here; drill alone lists the runbooks",
	  .help = "Options: --resume goes on with an unfinished drill of the runbook, --discard starts it over, "
		  "--no-optional leaves the optional steps out. "
		  "The drill view lists the steps and shows the current one; n runs it, r runs on until a step "
		  "fails or the drill ends, s skips it (with a reason), a aborts the drill, d hides or shows the "
		  "view. The same from the prompt: drill next | run | pause | skip REASON | abort REASON | status. "
		  "Actions show their plan and wait for their target to be typed, as at the prompt. Progress is "
		  "saved after every step, so a drill left by the console can be resumed. "
		  "One drill at a time, on the screen only (headless: ssisdr drill RUNBOOK --yes). "
		  "See ssisdr-runbook(5).",
	  .flags = { "--resume", "--discard", "--no-optional" }, .arg = CMD_ARG_RUNBOOK, .min_args = 0,
	  .max_args = -1, .run = cmd_drill_run },
	{ .name = "findings", .usage = "findings", .summary = "list the findings with their fix commands",
	  .min_args = 0, .max_args = 0, .run = cmd_findings_run },
	{ .name = "log", .usage = "log [N]", .summary = "print the last N events (default 20)",
	  .arg = CMD_ARG_NUMBER, .min_args = 0, .max_args = 1, .key = 'l', .run = cmd_log_run },
	{ .name = "pair", .usage = "pair [NAME]", .summary = "show the pairs, or switch to one",
	  .arg = CMD_ARG_PAIR, .min_args = 0, .max_args = 1, .key = 'p', .run = cmd_pair_run },
	{ .name = "set refresh", .usage = "set refresh SECONDS", .summary = "change the poll interval (2 to 3600 s)",
	  .arg = CMD_ARG_NUMBER, .min_args = 1, .max_args = 1, .run = cmd_set_run },
	{ .name = "help", .usage = "help [COMMAND]", .summary = "list the commands, or explain one",
	  .arg = CMD_ARG_COMMAND, .rest = CMD_ARG_COMMAND, .min_args = 0, .max_args = 2, .key = '?',
	  .run = cmd_help_run },
	{ .name = "quit", .usage = "quit",
	  .summary = "leave the console (asks first while operations run or a drill is not over)",
	  .min_args = 0, .max_args = 0, .key = 'q', .run = cmd_quit_run },
};

const struct cmd_def *cmd_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

void cmd_complete_arg(struct console *con, enum cmd_arg kind, char **words, int nwords,
		      const char *prefix, void (*add)(void *ctx, const char *word), void *ctx)
{
	const struct config_pair *cp = &con->cfg->pairs[con->pair];
	struct snapshot *snap;
	size_t n;
	const struct cmd_def *t;

	switch (kind) {
	case CMD_ARG_SITE:
		for (size_t i = 0; i < cp->nsites; i++)
			add(ctx, cp->sites[i].name);
		break;
	case CMD_ARG_PAIR:
		for (size_t i = 0; i < con->cfg->npairs; i++)
			add(ctx, con->cfg->pairs[i].name);
		break;
	case CMD_ARG_COMMAND:
		t = cmd_table(&n);
		for (size_t i = 0; i < n; i++) {
			char word[64];
			const char *name = t[i].name;

			if (!cmd_available(con, &t[i]))
				continue;
			if (nwords == 1) { /* second word after e.g. "help ir" */
				size_t l = strlen(words[0]);
				if (!strncmp(name, words[0], l) && name[l] == ' ')
					add(ctx, name + l + 1);
				continue;
			}
			snprintf(word, sizeof(word), "%.*s", (int)strcspn(name, " "), name);
			add(ctx, word);
		}
		break;
	case CMD_ARG_TRIGGER:
		snap = console_snapshot(con, 0);
		if (snap && nwords >= 1) {
			const struct model_pair *p = &snap->pairs[con->pair];
			for (int s = 0; s < 2; s++)
				if (!strcmp(p->sites[s].name, words[0]))
					for (int i = 0; i < p->sites[s].triggers.n; i++)
						add(ctx, p->sites[s].triggers.items[i].name);
		}
		snap_unref(snap);
		break;
	case CMD_ARG_FACTORY:
		for (size_t i = 0; i < cp->nsites; i++)
			add(ctx, cp->sites[i].factory.name);
		break;
	case CMD_ARG_RUNBOOK:
		if (nwords == 0)
			cmd_drill_complete(con, add, ctx);
		break;
	case CMD_ARG_IR:
		for (size_t i = 0; i < cp->nsites; i++)
			add(ctx, cp->sites[i].integration_runtime);
		break;
	default:
		break;
	}
	(void)prefix;
}
