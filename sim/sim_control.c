/* The loopback control endpoint for tests and demos:
 *   GET /_sim/state          the whole world as JSON
 *   POST /_sim/fault         inject a fault; DELETE clears them all; GET lists
 *   POST /_sim/clock         {"advance": SECONDS}
 *   GET /_sim/requests       the last requests served (method, path, status,
 *                            User-Agent, x-ms-client-request-id) */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "sim/sim_db.h"
#include "sim/sim_fault.h"
#include "sim/sim_json.h"
#include "sim/sim_routes.h"

static void state(struct sim_req *rq, struct sim_resp *rs)
{
	pthread_mutex_lock(&rq->w->lock);
	sim_world_tick_locked(rq->w);
	sim_resp_json(rs, 200, sim_json_state(rq->w));
	pthread_mutex_unlock(&rq->w->lock);
}

static void fault(struct sim_req *rq, struct sim_resp *rs)
{
	struct sim_world *w = rq->w;
	struct json_object *spec, *o;
	char err[256];
	int rc;

	if (sim_req_is(rq, "DELETE")) {
		pthread_mutex_lock(&w->lock);
		sim_fault_clear_locked(w);
		pthread_mutex_unlock(&w->lock);
		sim_resp_json(rs, 204, NULL);
		return;
	}
	if (sim_req_is(rq, "GET")) {
		pthread_mutex_lock(&w->lock);
		sim_resp_json(rs, 200, sim_fault_list_locked(w));
		pthread_mutex_unlock(&w->lock);
		return;
	}
	if (!sim_req_is(rq, "POST")) {
		sim_resp_error(rs, 405, "MethodNotAllowed", "Use GET, POST or DELETE on /_sim/fault.");
		return;
	}
	spec = sim_req_json(rq);
	if (!spec) {
		sim_resp_error(rs, 400, "BadRequest", "The body must be a JSON object such as {\"kind\":\"latency\",\"ms\":200}.");
		return;
	}
	pthread_mutex_lock(&w->lock);
	rc = sim_fault_add_locked(w, spec, err, sizeof(err));
	o = rc ? NULL : sim_fault_list_locked(w);
	pthread_mutex_unlock(&w->lock);
	json_object_put(spec);
	if (rc)
		sim_resp_error(rs, 400, "BadRequest", "%s", err);
	else
		sim_resp_json(rs, 201, o);
}

static void clock_advance(struct sim_req *rq, struct sim_resp *rs)
{
	struct sim_world *w = rq->w;
	struct json_object *spec = sim_req_json(rq), *v, *o;
	char t[64];

	if (!sim_req_is(rq, "POST") || !spec || !json_object_object_get_ex(spec, "advance", &v) ||
	    !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) ||
	    json_object_get_double(v) < 0) {
		json_object_put(spec);
		sim_resp_error(rs, 400, "BadRequest", "POST {\"advance\": SECONDS} with SECONDS >= 0.");
		return;
	}
	pthread_mutex_lock(&w->lock);
	sim_clock_advance(&w->clock, json_object_get_double(v));
	sim_world_tick_locked(w);
	for (int p = 0; p < w->npairs; p++)
		sim_db_sync_links_locked(w, p);
	o = json_object_new_object();
	json_object_object_add(o, "virtual_seconds", json_object_new_double(sim_clock_now(&w->clock)));
	sim_clock_iso8601(&w->clock, sim_clock_now(&w->clock), t, sizeof(t));
	json_object_object_add(o, "now", json_object_new_string(t));
	pthread_mutex_unlock(&w->lock);
	json_object_put(spec);
	sim_resp_json(rs, 200, o);
}

static void requests(struct sim_req *rq, struct sim_resp *rs)
{
	struct sim_world *w = rq->w;
	struct json_object *a = json_object_new_array();
	unsigned long first;

	pthread_mutex_lock(&w->lock);
	first = w->nrequests > SIM_REQUEST_LOG ? w->nrequests - SIM_REQUEST_LOG : 0;
	for (unsigned long i = first; i < w->nrequests; i++) {
		struct sim_request_record *r = &w->requests[i % SIM_REQUEST_LOG];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "at", json_object_new_double(r->at));
		json_object_object_add(o, "method", json_object_new_string(r->method));
		json_object_object_add(o, "path", json_object_new_string(r->path));
		json_object_object_add(o, "status", json_object_new_int(r->status));
		json_object_object_add(o, "user_agent", json_object_new_string(r->user_agent));
		json_object_object_add(o, "client_request_id", json_object_new_string(r->client_request_id));
		json_object_array_add(a, o);
	}
	pthread_mutex_unlock(&w->lock);
	sim_resp_json(rs, 200, a);
}

void sim_route_control(struct sim_req *rq, struct sim_resp *rs)
{
	if (rq->nseg == 2 && !strcmp(rq->seg[1], "state") && sim_req_is(rq, "GET"))
		state(rq, rs);
	else if (rq->nseg == 2 && !strcmp(rq->seg[1], "fault"))
		fault(rq, rs);
	else if (rq->nseg == 2 && !strcmp(rq->seg[1], "clock"))
		clock_advance(rq, rs);
	else if (rq->nseg == 2 && !strcmp(rq->seg[1], "requests") && sim_req_is(rq, "GET"))
		requests(rq, rs);
	else
		sim_resp_error(rs, 404, "NotFound", "Unknown control path %s; see ssisdr-sim(1).", rq->url);
}
