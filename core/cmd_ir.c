/* ir start SITE / ir stop SITE: the site's Azure-SSIS IR, as an ARM
 * long-running operation followed until the IR reports the new state. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core/cmd_impl.h"

enum { MODE_START, MODE_STOP };

static bool is_start(const struct cmd_def *def)
{
	return !strcmp(def->name, "ir start");
}

static void ir_path(const struct config_site *cs, int mode, char *out, size_t len)
{
	snprintf(out, len, "%s/integrationRuntimes/%s/%s", cs->factory.id, cs->integration_runtime,
		 mode == MODE_START ? "start" : "stop");
}

int cmd_ir_plan(struct cmd_call *call, struct plan *plan)
{
	const struct model_pair *p = call_pair(call);
	const struct config_pair *cp = call_config(call);
	int site, mode = is_start(call->def) ? MODE_START : MODE_STOP;
	const struct model_site *ms;
	char path[2048];

	if (!p || (site = cmd_site_arg(call, call->argv[0])) < 0)
		return -1;
	ms = &p->sites[site];
	snprintf(plan->lock_key, sizeof(plan->lock_key), "%s/%s/ir", cp->name, ms->name);
	if (ms->ir.d.read_at > 0 && !ms->ir.d.error[0]) {
		const char *want = mode == MODE_START ? "Started" : "Stopped";
		const char *moving = mode == MODE_START ? "Starting" : "Stopping";

		if (!strcmp(ms->ir.state, want) || !strcmp(ms->ir.state, moving)) {
			snprintf(plan->nothing_to_do, sizeof(plan->nothing_to_do), "IR %s on %s is already %s",
				 cp->sites[site].integration_runtime, ms->name, ms->ir.state);
			return 0;
		}
	}
	snprintf(plan->title, sizeof(plan->title), "%s IR %s in factory %s (site %s)",
		 mode == MODE_START ? "start" : "stop", cp->sites[site].integration_runtime,
		 cp->sites[site].factory.name, ms->name);
	snprintf(plan->target, sizeof(plan->target), "%s", ms->name);
	snprintf(plan->target_what, sizeof(plan->target_what), "site");
	ir_path(&cp->sites[site], mode, path, sizeof(path));
	plan_step(plan, ms->name, "ARM", "POST %s (long-running: %s)", path,
		  mode == MODE_STOP ? "a few minutes"
		  : ms->ir.vnet     ? "about 25 minutes with VNet injection"
				    : "about 5 minutes");
	plan_step(plan, ms->name, "ARM", "re-read the IR until it reports %s", mode == MODE_START ? "Started" : "Stopped");
	plan->site = site;
	plan->mode = mode;
	if (mode == MODE_START && ms->role == ROLE_SECONDARY)
		plan_against(plan, "%s's SSISDB is the geo-secondary: this IR will run in the secondary role and cannot "
				   "run SSISDB packages until a failover (keeping it warm shortens a failover)", ms->name);
	if (mode == MODE_STOP && ms->role == ROLE_PRIMARY) {
		static const char *const ids[] = { "packages-running", NULL };

		plan_against(plan, "%s holds the primary role: stopping its IR stops every SSIS package run", ms->name);
		plan_against_findings(plan, p, ids);
	}
	return 0;
}

static bool reached(const struct model_pair *p, const struct op *op)
{
	const struct model_ir *ir = &p->sites[op->plan.site].ir;

	return ir->d.read_at > op->started && !strcmp(ir->state, op->plan.mode == MODE_START ? "Started" : "Stopped");
}

int cmd_ir_execute(struct op *op)
{
	const struct config_site *cs = &op_config(op)->sites[op->plan.site];
	bool start = op->plan.mode == MODE_START;
	struct arm_call call;
	char path[2048];

	ir_path(cs, op->plan.mode, path, sizeof(path));
	op_progress(op, SEV_INFO, "%s IR %s on %s", start ? "starting" : "stopping", cs->integration_runtime, cs->name);
	if (op_arm(op, "POST", path, API_ADF, ARM_FOLLOW_LRO, 45 * 60 * 1000L, &call)) {
		op_fail(op, "IR %s did not %s: %s: %s", cs->integration_runtime, start ? "start" : "stop",
			call.error_code, call.error_message);
		arm_call_clear(&call);
		return -1;
	}
	arm_call_clear(&call);
	if (op_verify(op, reached, 120, start ? "the IR reports Started" : "the IR reports Stopped"))
		return op_fail(op, "ARM reported the operation done but IR %s does not report %s",
			       cs->integration_runtime, start ? "Started" : "Stopped");
	return op_succeed(op, "IR %s on %s is %s", cs->integration_runtime, cs->name, start ? "Started" : "Stopped");
}
