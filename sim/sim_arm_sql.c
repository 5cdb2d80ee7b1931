/* Microsoft.Sql failover groups: SQL Database groups under each server,
 * managed-instance groups under the region (api-version 2025-01-01 and
 * the older stable ones). Each site answers with its own replicationRole;
 * failovers are asked of the secondary, the one that becomes primary. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_json.h"
#include "sim/sim_routes.h"

enum { Q_SUB = 1, Q_RG = 3, Q_PARENT = 6, Q_PARENT_NAME = 7, Q_KIND = 8, Q_FOG = 9, Q_ACTION = 10 };

static void fog_get(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	if (!sim_req_is(rq, "GET")) {
		sim_resp_error(rs, 405, "MethodNotAllowed", "Use GET on a failover group.");
		return;
	}
	sim_resp_json(rs, 200, sim_json_fog(rq->w, p, s));
}

/* Every group on this server (SQL Database) or in this region (managed
 * instance); with --pairs there can be several. */
static void fog_list(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	struct sim_world *w = rq->w;
	struct sim_site *me = &w->pairs[p].sites[s];
	struct json_object *o = json_object_new_object(), *v = json_object_new_array();

	for (int k = 0; k < w->npairs; k++)
		for (int t = 0; t < 2; t++) {
			struct sim_site *x = &w->pairs[k].sites[t];
			bool same = w->kind == SIM_KIND_MI ? !strcmp(x->region, me->region) &&
								     !strcasecmp(x->resource_group, me->resource_group)
							   : x == me;
			if (same)
				json_object_array_add(v, sim_json_fog(w, k, t));
		}
	json_object_object_add(o, "value", v);
	sim_resp_json(rs, 200, o);
}

static void fog_failover(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	sim_op_kind kind = SIM_OP_FAILOVER_PLANNED;
	char code[SIM_NAME_MAX], msg[SIM_MSG_MAX];
	struct sim_op *op = NULL;
	int rc;

	if (!sim_req_is(rq, "POST")) {
		sim_resp_error(rs, 405, "MethodNotAllowed", "Use POST to fail over.");
		return;
	}
	if (sim_seg_is(rq, Q_ACTION, "forceFailoverAllowDataLoss"))
		kind = SIM_OP_FAILOVER_FORCED;
	else if (sim_seg_is(rq, Q_ACTION, "tryPlannedBeforeForcedFailover"))
		kind = SIM_OP_FAILOVER_TRY_PLANNED;
	rc = sim_failover_locked(rq->w, p, s, kind, &op, code, msg);
	if (rc) {
		sim_resp_error(rs, rc, code, "%s", msg);
		return;
	}
	sim_ops_accepted(rq, rs, op);
	sim_resp_json(rs, 202, NULL);
}

static bool is_action(struct sim_req *rq, bool mi)
{
	return sim_seg_is(rq, Q_ACTION, "failover") || sim_seg_is(rq, Q_ACTION, "forceFailoverAllowDataLoss") ||
	       (!mi && sim_seg_is(rq, Q_ACTION, "tryPlannedBeforeForcedFailover"));
}

bool sim_sql_resolve_locked(struct sim_req *rq, struct sim_arm_route *route)
{
	struct sim_world *w = rq->w;
	bool mi;
	struct sim_site *x = NULL;
	int p = -1, s = -1;

	if (rq->nseg < 9 || !sim_seg_is(rq, 2, "resourceGroups") || !sim_seg_is(rq, 4, "providers") ||
	    !sim_seg_is(rq, 5, "Microsoft.Sql"))
		return false;
	if (sim_seg_is(rq, Q_PARENT, "servers") && sim_seg_is(rq, Q_KIND, "failoverGroups"))
		mi = false;
	else if (sim_seg_is(rq, Q_PARENT, "locations") && sim_seg_is(rq, Q_KIND, "instanceFailoverGroups"))
		mi = true;
	else
		return false;
	route->api_versions = SIM_API_SQL;
	if (rq->nseg == 9)
		route->handler = fog_list;
	else if (rq->nseg == 10)
		route->handler = fog_get;
	else if (rq->nseg == 11 && is_action(rq, mi))
		route->handler = fog_failover;
	if (!route->handler || strcasecmp(rq->seg[Q_SUB], w->subscription) || mi != (w->kind == SIM_KIND_MI))
		return true;
	if (!mi) {
		x = sim_site_by_server_locked(w, rq->seg[Q_RG], rq->seg[Q_PARENT_NAME], &p, &s);
		if (x && rq->nseg >= 10 && strcasecmp(w->pairs[p].fog, rq->seg[Q_FOG]))
			x = NULL;
	} else if (rq->nseg >= 10) {
		x = sim_site_by_region_locked(w, rq->seg[Q_FOG], rq->seg[Q_PARENT_NAME], &p, &s);
	} else {
		for (int k = 0; k < w->npairs && !x; k++)
			x = sim_site_by_region_locked(w, w->pairs[k].fog, rq->seg[Q_PARENT_NAME], &p, &s);
	}
	if (!x || strcasecmp(x->resource_group, rq->seg[Q_RG]))
		return true;
	route->pair = p;
	route->site = s;
	return true;
}
