/* Failover operations, polled as ARM long-running operations. A SQL
 * Database group answers with a relative Location (as the published
 * example does); a managed-instance group with an absolute Location and an
 * Azure-AsyncOperation status URL, so clients meet every form. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_json.h"
#include "sim/sim_routes.h"

#define OPS_API "2025-01-01"

void sim_ops_accepted(struct sim_req *rq, struct sim_resp *rs, struct sim_op *op)
{
	struct sim_world *w = rq->w;
	struct sim_site *x = &w->pairs[op->pair].sites[op->site];
	int retry = (int)ceil(10 / w->clock.scale);

	if (w->kind == SIM_KIND_MI) {
		sim_resp_header(rs, "Location",
				"%s/subscriptions/%s/providers/Microsoft.Sql/locations/%s/instanceFailoverGroupOperationResults/%s?api-version=" OPS_API,
				w->base_url, w->subscription, x->region, op->id);
		sim_resp_header(rs, "Azure-AsyncOperation",
				"%s/subscriptions/%s/providers/Microsoft.Sql/locations/%s/instanceFailoverGroupAzureAsyncOperation/%s?api-version=" OPS_API,
				w->base_url, w->subscription, x->region, op->id);
	} else {
		sim_resp_header(rs, "Location",
				"/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Sql/locations/%s/failoverGroupOperationResults/%s?api-version=" OPS_API,
				w->subscription, x->resource_group, x->region, op->id);
	}
	sim_resp_header(rs, "Retry-After", "%d", retry < 1 ? 1 : retry);
}

static struct sim_op *op_of(struct sim_req *rq)
{
	return sim_op_find_locked(rq->w, rq->seg[rq->nseg - 1]);
}

static void location_poll(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	struct sim_op *op = op_of(rq);

	if (op->status == SIM_OP_RUNNING) {
		sim_ops_accepted(rq, rs, op);
		sim_resp_json(rs, 202, NULL);
	} else if (op->status == SIM_OP_FAILED) {
		sim_resp_error(rs, op->fail_http_status, op->error_code, "%s", op->error_message);
	} else {
		sim_resp_json(rs, 200, sim_json_fog(rq->w, p, s));
	}
}

static void async_poll(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	struct sim_op *op = op_of(rq);
	struct json_object *o = json_object_new_object();
	char t[64];
	const char *status = op->status == SIM_OP_RUNNING ? "InProgress"
			     : op->status == SIM_OP_FAILED ? "Failed" : "Succeeded";

	json_object_object_add(o, "name", json_object_new_string(op->id));
	json_object_object_add(o, "status", json_object_new_string(status));
	sim_clock_iso8601(&rq->w->clock, op->started, t, sizeof(t));
	json_object_object_add(o, "startTime", json_object_new_string(t));
	if (op->status != SIM_OP_RUNNING) {
		sim_clock_iso8601(&rq->w->clock, op->done_at, t, sizeof(t));
		json_object_object_add(o, "endTime", json_object_new_string(t));
	}
	if (op->status == SIM_OP_FAILED) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "code", json_object_new_string(op->error_code));
		json_object_object_add(e, "message", json_object_new_string(op->error_message));
		json_object_object_add(o, "error", e);
	}
	if (op->status == SIM_OP_RUNNING)
		sim_ops_accepted(rq, rs, op);
	sim_resp_json(rs, 200, o);
}

bool sim_ops_resolve_locked(struct sim_req *rq, struct sim_arm_route *route)
{
	struct sim_op *op;
	bool sqldb = rq->nseg == 10 && sim_seg_is(rq, 2, "resourceGroups") && sim_seg_is(rq, 5, "Microsoft.Sql") &&
		     sim_seg_is(rq, 6, "locations") && sim_seg_is(rq, 8, "failoverGroupOperationResults");
	bool mi = rq->nseg == 8 && sim_seg_is(rq, 2, "providers") && sim_seg_is(rq, 3, "Microsoft.Sql") &&
		  sim_seg_is(rq, 4, "locations") &&
		  (sim_seg_is(rq, 6, "instanceFailoverGroupOperationResults") ||
		   sim_seg_is(rq, 6, "instanceFailoverGroupAzureAsyncOperation"));

	if (!sqldb && !mi)
		return false;
	route->api_versions = SIM_API_SQL;
	route->handler = sim_seg_is(rq, 6, "instanceFailoverGroupAzureAsyncOperation") ? async_poll : location_poll;
	op = op_of(rq);
	if (!op || op->kind == SIM_OP_IR_START || op->kind == SIM_OP_IR_STOP ||
	    strcasecmp(rq->seg[1], rq->w->subscription) || !sim_req_is(rq, "GET"))
		return true;
	route->pair = op->pair;
	route->site = op->site;
	return true;
}
