/* Data Factory: integration runtimes, triggers and pipelines
 * (api-version 2018-06-01). Paths below the factory:
 *   integrationRuntimes[/{ir}[/getStatus|/start|/stop[/operationresults/{id}]]]
 *   triggers[/{t}[/start|/stop]]     pipelines[/{p}] */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_json.h"
#include "sim/sim_routes.h"

enum { F_SUB = 1, F_RG = 3, F_NAME = 7, F_KIND = 8, F_ITEM = 9, F_ACTION = 10, F_OPID = 12 };

static int retry_after(struct sim_world *w, double virtual_seconds)
{
	int r = (int)ceil(virtual_seconds / w->clock.scale);
	return r < 1 ? 1 : r;
}

static int find_trigger(struct sim_site *x, const char *name)
{
	for (int i = 0; i < x->ntriggers; i++)
		if (!strcasecmp(x->triggers[i].name, name))
			return i;
	return -1;
}

static int find_pipeline(struct sim_site *x, const char *name)
{
	for (int i = 0; i < x->npipelines; i++)
		if (!strcasecmp(x->pipelines[i].name, name))
			return i;
	return -1;
}

static bool method(struct sim_req *rq, struct sim_resp *rs, const char *want)
{
	if (sim_req_is(rq, want))
		return true;
	sim_resp_error(rs, 405, "MethodNotAllowed", "The %s method is not allowed on %s.", rq->method, rq->url);
	return false;
}

/* GET with If-None-Match: 304 when the entity has not changed. */
static void send_entity(struct sim_req *rq, struct sim_resp *rs, struct json_object *o)
{
	struct json_object *tag;
	const char *inm = sim_req_header(rq, "If-None-Match");

	if (inm && json_object_object_get_ex(o, "etag", &tag) && !strcmp(inm, json_object_get_string(tag))) {
		json_object_put(o);
		sim_resp_json(rs, 304, NULL);
		return;
	}
	if (json_object_object_get_ex(o, "etag", &tag))
		sim_resp_header(rs, "ETag", "%s", json_object_get_string(tag));
	sim_resp_json(rs, 200, o);
}

static void ir_get(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	if (method(rq, rs, "GET"))
		send_entity(rq, rs, sim_json_ir(rq->w, p, s));
}

static void ir_list(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	struct json_object *o, *v;

	if (!method(rq, rs, "GET"))
		return;
	o = json_object_new_object();
	v = json_object_new_array();
	json_object_array_add(v, sim_json_ir(rq->w, p, s));
	json_object_object_add(o, "value", v);
	sim_resp_json(rs, 200, o);
}

static void ir_status(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	if (method(rq, rs, "POST"))
		sim_resp_json(rs, 200, sim_json_ir_status(rq->w, p, s));
}

static void lro_headers(struct sim_req *rq, struct sim_resp *rs, int p, int s, const char *action,
			struct sim_op *op)
{
	char id[SIM_ID_MAX];

	sim_id_ir(rq->w, p, s, id, sizeof(id));
	sim_resp_header(rs, "Location", "%s%s/%s/operationresults/%s?api-version=" SIM_API_ADF,
			rq->w->base_url, id, action, op->id);
	sim_resp_header(rs, "Retry-After", "%d", retry_after(rq->w, 15));
}

static void ir_action(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	bool start = sim_seg_is(rq, F_ACTION, "start");
	char code[SIM_NAME_MAX], msg[SIM_MSG_MAX];
	struct sim_op *op = NULL;
	int rc;

	if (!method(rq, rs, "POST"))
		return;
	rc = start ? sim_ir_start_locked(rq->w, p, s, &op, code, msg)
		   : sim_ir_stop_locked(rq->w, p, s, &op, code, msg);
	if (rc) {
		sim_resp_error(rs, rc, code, "%s", msg);
		return;
	}
	lro_headers(rq, rs, p, s, start ? "start" : "stop", op);
	sim_resp_json(rs, 202, NULL);
}

static void ir_operation(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	struct sim_op *op;

	if (!method(rq, rs, "GET"))
		return;
	op = sim_op_find_locked(rq->w, rq->seg[F_OPID]);
	if (!op || op->pair != p || op->site != s ||
	    (op->kind != SIM_OP_IR_START && op->kind != SIM_OP_IR_STOP)) {
		sim_resp_error(rs, 404, "OperationNotFound", "No operation %s on this integration runtime.",
			       rq->seg[F_OPID]);
		return;
	}
	if (op->status == SIM_OP_RUNNING) {
		lro_headers(rq, rs, p, s, op->kind == SIM_OP_IR_START ? "start" : "stop", op);
		sim_resp_json(rs, 202, NULL);
	} else if (op->status == SIM_OP_FAILED) {
		sim_resp_error(rs, op->fail_http_status, op->error_code, "%s", op->error_message);
	} else {
		sim_resp_json(rs, 200, op->kind == SIM_OP_IR_START ? sim_json_ir_status(rq->w, p, s) : NULL);
	}
}

/* List pages carry an absolute nextLink while entries remain. */
static void page(struct sim_req *rq, struct sim_resp *rs, int p, int s, int total,
		 struct json_object *(*item)(struct sim_world *, int, int, int))
{
	const char *tok = sim_req_arg(rq, "$skipToken");
	int from = tok ? atoi(tok) : 0, size = rq->w->trigger_page_size;
	struct json_object *o = json_object_new_object(), *v = json_object_new_array();
	char link[SIM_ID_MAX * 2];

	if (from < 0 || from > total)
		from = total;
	for (int i = from; i < total && i < from + size; i++)
		json_object_array_add(v, item(rq->w, p, s, i));
	json_object_object_add(o, "value", v);
	if (from + size < total) {
		snprintf(link, sizeof(link), "%s%s?api-version=" SIM_API_ADF "&$skipToken=%d",
			 rq->w->base_url, rq->url, from + size);
		json_object_object_add(o, "nextLink", json_object_new_string(link));
	}
	sim_resp_json(rs, 200, o);
}

static void trigger_list(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	if (method(rq, rs, "GET"))
		page(rq, rs, p, s, rq->w->pairs[p].sites[s].ntriggers, sim_json_trigger);
}

static void trigger_get(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	int i = find_trigger(&rq->w->pairs[p].sites[s], rq->seg[F_ITEM]);

	if (method(rq, rs, "GET"))
		send_entity(rq, rs, sim_json_trigger(rq->w, p, s, i));
}

static void trigger_action(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	char code[SIM_NAME_MAX], msg[SIM_MSG_MAX];
	int rc;

	if (!method(rq, rs, "POST"))
		return;
	rc = sim_trigger_set_locked(rq->w, p, s, rq->seg[F_ITEM], sim_seg_is(rq, F_ACTION, "start"),
				    code, msg);
	if (rc)
		sim_resp_error(rs, rc, code, "%s", msg);
	else
		sim_resp_json(rs, 200, NULL);
}

static void pipeline_list(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	if (method(rq, rs, "GET"))
		page(rq, rs, p, s, rq->w->pairs[p].sites[s].npipelines, sim_json_pipeline);
}

static void pipeline_get(struct sim_req *rq, struct sim_resp *rs, int p, int s)
{
	int i = find_pipeline(&rq->w->pairs[p].sites[s], rq->seg[F_ITEM]);

	if (method(rq, rs, "GET"))
		send_entity(rq, rs, sim_json_pipeline(rq->w, p, s, i));
}

static sim_arm_handler ir_handler(struct sim_req *rq)
{
	switch (rq->nseg) {
	case 9: return ir_list;
	case 10: return ir_get;
	case 11:
		if (sim_seg_is(rq, F_ACTION, "getStatus"))
			return ir_status;
		if (sim_seg_is(rq, F_ACTION, "start") || sim_seg_is(rq, F_ACTION, "stop"))
			return ir_action;
		return NULL;
	case 13:
		if ((sim_seg_is(rq, F_ACTION, "start") || sim_seg_is(rq, F_ACTION, "stop")) &&
		    sim_seg_is(rq, 11, "operationresults"))
			return ir_operation;
		return NULL;
	}
	return NULL;
}

static sim_arm_handler trigger_handler(struct sim_req *rq)
{
	if (rq->nseg == 9)
		return trigger_list;
	if (rq->nseg == 10)
		return trigger_get;
	if (rq->nseg == 11 && (sim_seg_is(rq, F_ACTION, "start") || sim_seg_is(rq, F_ACTION, "stop")))
		return trigger_action;
	return NULL;
}

bool sim_adf_resolve_locked(struct sim_req *rq, struct sim_arm_route *route)
{
	struct sim_world *w = rq->w;
	struct sim_site *x;
	int p, s;

	if (rq->nseg < 9 || !sim_seg_is(rq, 2, "resourceGroups") || !sim_seg_is(rq, 4, "providers") ||
	    !sim_seg_is(rq, 5, "Microsoft.DataFactory") || !sim_seg_is(rq, 6, "factories"))
		return false;
	route->api_versions = SIM_API_ADF;
	if (sim_seg_is(rq, F_KIND, "integrationRuntimes"))
		route->handler = ir_handler(rq);
	else if (sim_seg_is(rq, F_KIND, "triggers"))
		route->handler = trigger_handler(rq);
	else if (sim_seg_is(rq, F_KIND, "pipelines") && rq->nseg <= 10)
		route->handler = rq->nseg == 9 ? pipeline_list : pipeline_get;
	if (!route->handler || strcasecmp(rq->seg[F_SUB], w->subscription))
		return true;
	x = sim_site_by_factory_locked(w, rq->seg[F_RG], rq->seg[F_NAME], &p, &s);
	if (!x)
		return true;
	if (rq->nseg >= 10) {
		bool exists = sim_seg_is(rq, F_KIND, "integrationRuntimes") ? !strcasecmp(rq->seg[F_ITEM], x->ir.name)
			    : sim_seg_is(rq, F_KIND, "triggers")           ? find_trigger(x, rq->seg[F_ITEM]) >= 0
									   : find_pipeline(x, rq->seg[F_ITEM]) >= 0;
		if (!exists)
			return true;
	}
	route->pair = p;
	route->site = s;
	return true;
}
