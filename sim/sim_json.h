/* Resource bodies shaped like the real ARM examples, and the world dump. */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <json-c/json.h>
#include <stddef.h>

#include "sim/sim_world.h"

void sim_id_factory(struct sim_world *w, int p, int s, char *buf, size_t len);
void sim_id_ir(struct sim_world *w, int p, int s, char *buf, size_t len);
void sim_id_server(struct sim_world *w, int p, int s, char *buf, size_t len);
void sim_id_fog(struct sim_world *w, int p, int s, char *buf, size_t len);

struct json_object *sim_json_ir(struct sim_world *w, int p, int s);
struct json_object *sim_json_ir_status(struct sim_world *w, int p, int s);
struct json_object *sim_json_trigger(struct sim_world *w, int p, int s, int i);
struct json_object *sim_json_pipeline(struct sim_world *w, int p, int s, int i);
struct json_object *sim_json_fog(struct sim_world *w, int p, int s);
struct json_object *sim_json_state(struct sim_world *w);

#endif
