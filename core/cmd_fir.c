/* failover_integration_runtime FACTORY IR: when the IR's region is lost but
 * SSISDB is not, let a new IR in another factory use the existing SSISDB.
 * Runs catalog.failover_integration_runtime in the primary (read-write)
 * SSISDB. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core/cmd_impl.h"
#include "core/sql.h"

int cmd_fir_plan(struct cmd_call *call, struct plan *plan)
{
	const struct model_pair *p = call_pair(call);
	const struct config_pair *cp = call_config(call);
	int pri;

	if (!p)
		return -1;
	pri = pair_primary(p);
	if (pri < 0) {
		cmd_print(&call->out, SEV_WARNING,
			  "failover_integration_runtime: which SSISDB is the read-write primary is not known (%s: %s; %s: %s)",
			  p->sites[0].name, p->sites[0].role_basis, p->sites[1].name, p->sites[1].role_basis);
		return -1;
	}
	snprintf(plan->title, sizeof(plan->title), "let IR %s of factory %s use SSISDB on %s", call->argv[1],
		 call->argv[0], p->sites[pri].name);
	snprintf(plan->target, sizeof(plan->target), "%s", call->argv[1]);
	snprintf(plan->target_what, sizeof(plan->target_what), "new integration runtime");
	snprintf(plan->lock_key, sizeof(plan->lock_key), "%s/ssisdb", cp->name);
	plan_step(plan, p->sites[pri].name, "SQL",
		  "SSISDB: EXEC [catalog].[failover_integration_runtime] @data_factory_name = '%s', "
		  "@integration_runtime_name = '%s'", call->argv[0], call->argv[1]);
	plan_step(plan, "", "-", "then create or start IR %s in factory %s (outside this command)", call->argv[1],
		  call->argv[0]);
	plan->site = pri;
	snprintf(plan->arg1, sizeof(plan->arg1), "%s", call->argv[0]);
	snprintf(plan->arg2, sizeof(plan->arg2), "%s", call->argv[1]);
	for (int s = 0; s < 2; s++)
		if (!strcmp(p->sites[s].ir.state, "Started") && strcmp(p->sites[s].ir.name, call->argv[1]))
			plan_against(plan, "IR %s on %s is still Started: the procedure asks to stop the old IR first (ir stop %s)",
				     p->sites[s].ir.name, p->sites[s].name, p->sites[s].name);
	return 0;
}

int cmd_fir_execute(struct op *op)
{
	const struct config_site *cs = &op_config(op)->sites[op->plan.site];
	struct sql_ir_binding b;
	struct sql_conn *conn;
	char err[512];

	if (sql_connect(&conn, cs->ssisdb_odbc, &cs->sql_password, op->con->cfg->console.request_timeout, err,
			sizeof(err)))
		return op_fail(op, "SSISDB on %s: %s", cs->name, err);
	if (sql_failover_integration_runtime(conn, op->plan.arg1, op->plan.arg2, err, sizeof(err))) {
		sql_disconnect(conn);
		return op_fail(op, "SSISDB on %s refused: %s", cs->name, err);
	}
	op_progress(op, SEV_INFO, "catalog.failover_integration_runtime succeeded on %s", cs->name);
	if (sql_ir_binding_available(conn)) {
		if (sql_read_ir_binding(conn, &b, err, sizeof(err)) || strcmp(b.factory, op->plan.arg1) ||
		    strcmp(b.ir, op->plan.arg2)) {
			sql_disconnect(conn);
			return op_fail(op, "SSISDB on %s does not show the new binding (%s)", cs->name, err);
		}
		op_progress(op, SEV_OK, "verified: SSISDB accepts %s/%s", b.factory, b.ir);
	} else {
		op_progress(op, SEV_INFO, "SQL Server has no view of the binding to verify it; start IR %s to check",
			    op->plan.arg2);
	}
	sql_disconnect(conn);
	return op_succeed(op, "SSISDB on %s now accepts IR %s of factory %s; next: create or start that IR",
			  cs->name, op->plan.arg2, op->plan.arg1);
}
