/* failover [--force | --try-planned]: fail the SSISDB failover group over to
 * the secondary. ARM takes the request on the secondary (its server, or its
 * region for a managed-instance group), which becomes primary. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core/cmd_impl.h"
#include "core/fetch.h"
#include "core/status.h"

enum { MODE_PLANNED, MODE_FORCED, MODE_TRY_PLANNED };

static const char *const action_name[] = { "failover", "forceFailoverAllowDataLoss",
					   "tryPlannedBeforeForcedFailover" };

static bool has_flag(const struct cmd_call *call, const char *flag)
{
	for (int i = 0; i < call->nflags; i++)
		if (!strcmp(call->flags[i], flag))
			return true;
	return false;
}

/* The site that reports itself secondary: with the primary's region down
 * only that side answers, and that is when a failover matters most. */
static int secondary_site(const struct model_pair *p)
{
	bool a = p->sites[0].role == ROLE_SECONDARY, b = p->sites[1].role == ROLE_SECONDARY;

	return a && !b ? 0 : b && !a ? 1 : -1;
}

static void path_for(const struct config_site *cs, int mode, char *out, size_t len)
{
	char fog[1024];

	fetch_fog_path(cs, fog, sizeof(fog));
	snprintf(out, len, "%s/%s", fog, action_name[mode]);
}

static void objections(struct plan *plan, const struct model_pair *p, int sec, int mode, double now)
{
	static const char *const planned_ids[] = { "packages-running", "replication-unhealthy", "split-brain",
						   "role-mismatch", NULL };
	static const char *const forced_ids[] = { "lag-over-rpo", "split-brain", "role-mismatch", NULL };
	const struct model_site *old = &p->sites[1 - sec];
	double lag = status_lag_seconds(p);

	plan_against_findings(plan, p, mode == MODE_FORCED ? forced_ids : planned_ids);
	if (mode == MODE_FORCED && datum_ok(&old->fog.d) && datum_age(&old->fog.d, now) < 120)
		plan_against(plan, "the primary %s still answers (its failover group was read %.0f s ago): a forced "
				   "failover can lose up to the replication lag (%s); a planned one loses nothing",
			     old->name, datum_age(&old->fog.d, now), lag >= 0 ? "now about that many seconds" : "unknown");
	if (mode != MODE_FORCED && !datum_ok(&old->fog.d))
		plan_against(plan, "the primary %s does not answer (%s): a planned failover will time out and "
				   "roll back; consider failover --force",
			     old->name, old->fog.d.error[0] ? old->fog.d.error : "never read");
}

int cmd_failover_plan(struct cmd_call *call, struct plan *plan)
{
	const struct model_pair *p = call_pair(call);
	const struct config_pair *cp = call_config(call);
	int mode = MODE_PLANNED, sec;
	char path[2048];

	if (!p)
		return -1;
	if (has_flag(call, "--force") && has_flag(call, "--try-planned")) {
		cmd_print(&call->out, SEV_WARNING, "failover: --force and --try-planned exclude each other");
		cmd_print(&call->out, SEV_INFO, "usage: %s", call->def->usage);
		return -1;
	}
	if (has_flag(call, "--force"))
		mode = MODE_FORCED;
	else if (has_flag(call, "--try-planned"))
		mode = MODE_TRY_PLANNED;
	if (mode == MODE_TRY_PLANNED && p->mi) {
		cmd_print(&call->out, SEV_WARNING,
			  "failover: managed-instance failover groups have no tryPlannedBeforeForcedFailover; use failover or failover --force");
		return -1;
	}
	sec = secondary_site(p);
	if (sec < 0) {
		cmd_print(&call->out, SEV_WARNING,
			  "failover: cannot tell which site is the secondary (%s: %s; %s: %s); refresh, or check the failover group",
			  p->sites[0].name, p->sites[0].role_basis, p->sites[1].name, p->sites[1].role_basis);
		return -1;
	}
	snprintf(plan->title, sizeof(plan->title), "%s failover of %s: %s becomes primary, %s secondary",
		 mode == MODE_FORCED ? "forced (data loss allowed)" : mode == MODE_TRY_PLANNED ? "planned-then-forced" : "planned",
		 cp->sites[sec].failover_group, p->sites[sec].name, p->sites[1 - sec].name);
	snprintf(plan->target, sizeof(plan->target), "%s", cp->sites[sec].failover_group);
	snprintf(plan->target_what, sizeof(plan->target_what), "failover group");
	snprintf(plan->lock_key, sizeof(plan->lock_key), "%s/failover-group", cp->name);
	path_for(&cp->sites[sec], mode, path, sizeof(path));
	plan_step(plan, p->sites[sec].name, "ARM", "POST %s (long-running; followed until done)", path);
	plan_step(plan, "", "ARM", "re-read the failover group on both sites and SSISDB until the roles have swapped");
	plan->site = sec;
	plan->mode = mode;
	objections(plan, p, sec, mode, call->snap->finished_at);
	return 0;
}

static bool swapped(const struct model_pair *p, const struct op *op)
{
	const struct model_site *now = &p->sites[op->plan.site];

	return now->fog.d.read_at > op->started && now->fog.role == ROLE_PRIMARY;
}

int cmd_failover_execute(struct op *op)
{
	const struct config_pair *cp = op_config(op);
	const struct config_site *cs = &cp->sites[op->plan.site];
	struct arm_call call;
	struct snapshot *s;
	char path[2048];
	int rc;

	path_for(cs, op->plan.mode, path, sizeof(path));
	op_progress(op, SEV_INFO, "asking %s to take the primary role (%s)", cs->name, action_name[op->plan.mode]);
	rc = op_arm(op, "POST", path, API_SQL, ARM_FOLLOW_LRO, 15 * 60 * 1000L, &call);
	if (rc) {
		op_fail(op, "the failover request failed: %s: %s", call.error_code, call.error_message);
		arm_call_clear(&call);
		return -1;
	}
	arm_call_clear(&call);
	op_progress(op, SEV_INFO, "ARM reports the failover done");
	if (op_verify(op, swapped, 120, "the failover group reports the new primary"))
		return op_fail(op, "ARM accepted the failover but %s does not report the primary role yet", cs->name);
	s = console_snapshot(op->con, 0);
	if (s) {
		const struct model_site *np = &s->pairs[op->pair].sites[op->plan.site];

		if (np->link.d.read_at > op->started && np->link.present && np->link.role == ROLE_PRIMARY)
			op_progress(op, SEV_OK, "SSISDB on %s reports PRIMARY", np->name);
		else
			op_progress(op, SEV_WARNING, "SSISDB on %s does not report PRIMARY yet (%s)", np->name,
				    np->link.d.error[0] ? np->link.d.error : "not read since the failover");
		if (strcmp(np->ir.state, "Started"))
			op_progress(op, SEV_WARNING, "next: ir start %s (its IR is %s)", np->name,
				    np->ir.state[0] ? np->ir.state : "in an unknown state");
		op_progress(op, SEV_INFO, "next: triggers sync%s", s->pairs[op->pair].mi ? ", schedules sync" : "");
		snap_unref(s);
	}
	return op_succeed(op, "%s is primary now (failover group %s)", cs->name, cs->failover_group);
}
