/* Shared by the command implementations (cmd_*.c); not for the screen. */
#ifndef CORE_CMD_IMPL_H
#define CORE_CMD_IMPL_H

#include "core/arm_client.h"
#include "core/cmd.h"
#include "core/config.h"
#include "core/console.h"
#include "core/op.h"

/* The call's pair as the snapshot has it; NULL (after saying so) when no
 * poll has finished yet. */
const struct model_pair *call_pair(struct cmd_call *call);
const struct config_pair *call_config(struct cmd_call *call);
/* Index of the site holding the primary role, or -1 when it is unknown or
 * both claim it. */
int pair_primary(const struct model_pair *p);
/* Copy the rule findings with these ids into the plan's "against" list. */
void plan_against_findings(struct plan *plan, const struct model_pair *p, const char *const *ids);

/* One ARM call made by an operation (its own client): records the request
 * id, reports retries and LRO progress in the log. The caller clears out. */
int op_arm(struct op *op, const char *method, const char *path, const char *api_version, int flags,
	   long lro_timeout_ms, struct arm_call *out);
const struct config_pair *op_config(const struct op *op);

void cmd_complete_arg(struct console *con, enum cmd_arg kind, char **words, int nwords,
		      const char *prefix, void (*add)(void *ctx, const char *word), void *ctx);

/* The commands. */
enum cmd_result cmd_status_run(struct cmd_call *call);
enum cmd_result cmd_refresh_run(struct cmd_call *call);
enum cmd_result cmd_log_run(struct cmd_call *call);
enum cmd_result cmd_help_run(struct cmd_call *call);
enum cmd_result cmd_set_run(struct cmd_call *call);
enum cmd_result cmd_pair_run(struct cmd_call *call);
enum cmd_result cmd_quit_run(struct cmd_call *call);
enum cmd_result cmd_findings_run(struct cmd_call *call);
enum cmd_result cmd_drill_run(struct cmd_call *call);
/* drill's first argument: the subcommands while a drill runs, else the runbooks. */
void cmd_drill_complete(struct console *con, void (*add)(void *ctx, const char *word), void *ctx);
int cmd_failover_plan(struct cmd_call *call, struct plan *plan);
int cmd_failover_execute(struct op *op);
int cmd_ir_plan(struct cmd_call *call, struct plan *plan);
int cmd_ir_execute(struct op *op);
int cmd_triggers_plan(struct cmd_call *call, struct plan *plan);
int cmd_triggers_execute(struct op *op);
int cmd_schedules_plan(struct cmd_call *call, struct plan *plan);
int cmd_schedules_execute(struct op *op);
int cmd_fir_plan(struct cmd_call *call, struct plan *plan);
int cmd_fir_execute(struct op *op);

#define API_ADF "2018-06-01"
#define API_SQL "2025-01-01"

#endif
