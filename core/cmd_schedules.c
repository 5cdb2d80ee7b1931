/* schedules sync: on a managed-instance pair, enable the SSIS job schedules
 * in the primary instance's msdb and disable them in the other's, through
 * msdb.dbo.sp_update_schedule with named parameters. Each plan entry is
 * "<site digit><+ or -><schedule id>". */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd_impl.h"
#include "core/sql.h"

static void plan_site(struct plan *plan, const struct model_site *ms, int site, bool enable)
{
	for (int i = 0; i < ms->jobs.n && plan->nnames < PLAN_MAX_NAMES; i++) {
		const struct model_job *j = &ms->jobs.items[i];

		if (j->schedule_enabled == enable)
			continue;
		snprintf(plan->names[plan->nnames++], sizeof(plan->names[0]), "%d%c%d", site, enable ? '+' : '-',
			 j->schedule_id);
		plan_step(plan, ms->name, "SQL", "msdb: EXEC dbo.sp_update_schedule @schedule_id = %d, @enabled = %d"
			  "  -- job %s, schedule %s", j->schedule_id, enable, j->name, j->schedule);
	}
}

int cmd_schedules_plan(struct cmd_call *call, struct plan *plan)
{
	const struct model_pair *p = call_pair(call);
	int pri;

	if (!p)
		return -1;
	snprintf(plan->lock_key, sizeof(plan->lock_key), "%s/schedules", call_config(call)->name);
	if (!p->mi) {
		cmd_print(&call->out, SEV_WARNING,
			  "schedules sync: pair %s is on Azure SQL Database, which has no SQL Agent; nothing to sync", p->name);
		return -1;
	}
	pri = pair_primary(p);
	if (pri < 0) {
		cmd_print(&call->out, SEV_WARNING, "schedules sync: which site is primary is not known (%s: %s; %s: %s)",
			  p->sites[0].name, p->sites[0].role_basis, p->sites[1].name, p->sites[1].role_basis);
		return -1;
	}
	for (int s = 0; s < 2; s++)
		if (!datum_ok(&p->sites[s].jobs.d)) {
			cmd_print(&call->out, SEV_WARNING, "schedules sync: msdb on %s could not be read (%s)",
				  p->sites[s].name, p->sites[s].jobs.d.error[0] ? p->sites[s].jobs.d.error : "no poll yet");
			return -1;
		}
	snprintf(plan->title, sizeof(plan->title), "disable the SSIS job schedules on %s, enable them on %s (primary)",
		 p->sites[1 - pri].name, p->sites[pri].name);
	snprintf(plan->target, sizeof(plan->target), "%s", call_config(call)->sites[pri].failover_group);
	snprintf(plan->target_what, sizeof(plan->target_what), "failover group");
	plan_site(plan, &p->sites[1 - pri], 1 - pri, false);
	plan_site(plan, &p->sites[pri], pri, true);
	if (!plan->nnames)
		snprintf(plan->nothing_to_do, sizeof(plan->nothing_to_do),
			 "the SSIS schedules are enabled only on %s already", p->sites[pri].name);
	if (!p->sites[pri].jobs.switch_job_present)
		plan_against(plan, "%s has no schedule-switch job: after the next failover the schedules will not "
				   "follow the roles by themselves; run schedules sync again then", p->sites[pri].name);
	return 0;
}

static bool in_wanted_state(const struct model_pair *p, const struct op *op)
{
	for (int i = 0; i < op->plan.nnames; i++) {
		const struct model_site *s = &p->sites[op->plan.names[i][0] - '0'];
		int id = atoi(op->plan.names[i] + 2);
		bool found = false;

		if (s->jobs.d.read_at <= op->started)
			return false;
		for (int k = 0; k < s->jobs.n; k++)
			if (s->jobs.items[k].schedule_id == id) {
				found = true;
				if (s->jobs.items[k].schedule_enabled != (op->plan.names[i][1] == '+'))
					return false;
			}
		if (!found)
			return false;
	}
	return true;
}

static int update_site(struct op *op, int site)
{
	const struct config_site *cs = &op_config(op)->sites[site];
	struct sql_conn *conn;
	char err[512];
	int failed = 0;

	if (sql_connect(&conn, cs->msdb_odbc, &cs->sql_password, op->con->cfg->console.request_timeout, err,
			sizeof(err))) {
		op_progress(op, SEV_CRITICAL, "msdb on %s: %s", cs->name, err);
		return -1;
	}
	for (int i = 0; i < op->plan.nnames; i++) {
		const char *e = op->plan.names[i];
		int id = atoi(e + 2);

		if (e[0] - '0' != site)
			continue;
		if (sql_update_schedule(conn, id, e[1] == '+', err, sizeof(err))) {
			op_progress(op, SEV_CRITICAL, "msdb on %s: schedule %d: %s", cs->name, id, err);
			failed++;
		} else {
			op_progress(op, SEV_INFO, "%s schedule %d on %s", e[1] == '+' ? "enabled" : "disabled", id, cs->name);
		}
	}
	sql_disconnect(conn);
	return failed ? -1 : 0;
}

int cmd_schedules_execute(struct op *op)
{
	int first = op->plan.nnames ? op->plan.names[0][0] - '0' : 0;
	int failed = 0;

	/* the plan lists the secondary's disables first: keep that order */
	failed += update_site(op, first) != 0;
	failed += update_site(op, 1 - first) != 0;
	if (failed)
		return op_fail(op, "some schedules could not be changed (see the log)");
	if (op_verify(op, in_wanted_state, 120, "msdb reports every schedule in its new state"))
		return op_fail(op, "the schedules did not all report their new state");
	return op_succeed(op, "%d schedule%s changed", op->plan.nnames, op->plan.nnames == 1 ? "" : "s");
}
