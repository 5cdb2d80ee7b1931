/* Fault injection: what POST /_sim/fault asks for, and the gate every ARM
 * and token request passes before it is handled. */
#ifndef SIM_FAULT_H
#define SIM_FAULT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_http.h"

int sim_fault_add_locked(struct sim_world *w, struct json_object *spec, char *err, size_t errlen);
void sim_fault_clear_locked(struct sim_world *w);
struct json_object *sim_fault_list_locked(struct sim_world *w);

/* Apply the faults that match a request on `site` (NULL: no site's). The
 * token endpoints (arm false) are only reached by latency and hang:
 * throttling, errors and malformed bodies are ARM's. Called WITHOUT the
 * world lock held, since latency and hang wait. Returns true when a fault
 * produced the response. */
bool sim_fault_gate(struct sim_world *w, const char *site, bool arm, struct sim_resp *rs);

#endif
