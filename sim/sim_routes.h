/* The simulator's routes. ARM routes come in two steps: resolve (is this
 * path mine, and which site's resource is it?) under the world lock, then
 * the fault gate for that site, then the handler, again under the lock. */
#ifndef SIM_ROUTES_H
#define SIM_ROUTES_H

#include <stdbool.h>

#include "sim/sim_http.h"

typedef void (*sim_arm_handler)(struct sim_req *rq, struct sim_resp *rs, int pair, int site);

struct sim_arm_route {
	sim_arm_handler handler;
	int pair; /* -1 when the resource does not exist */
	int site;
	const char *api_versions; /* space-separated list this resource accepts */
};

/* Each returns true when the path belongs to it and fills the route. */
bool sim_adf_resolve_locked(struct sim_req *rq, struct sim_arm_route *route);
bool sim_sql_resolve_locked(struct sim_req *rq, struct sim_arm_route *route);
bool sim_ops_resolve_locked(struct sim_req *rq, struct sim_arm_route *route);

/* The 202 headers of a failover operation: Location (and, for a managed
 * instance group, Azure-AsyncOperation) and Retry-After. */
void sim_ops_accepted(struct sim_req *rq, struct sim_resp *rs, struct sim_op *op);

void sim_route_token(struct sim_req *rq, struct sim_resp *rs);
void sim_route_imds(struct sim_req *rq, struct sim_resp *rs);
void sim_route_control(struct sim_req *rq, struct sim_resp *rs);

#define SIM_API_ADF "2018-06-01"
#define SIM_API_SQL "2025-01-01 2023-08-01 2021-11-01 2022-05-01-preview"

#endif
