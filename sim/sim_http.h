/* The simulator's HTTP side: one libmicrohttpd daemon on loopback, one
 * thread per connection (so a hung or slow request never holds the rest),
 * and the request and response types every route works with. */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_world.h"

#define SIM_MAX_SEGMENTS 32
#define SIM_RESP_HEADERS 10

struct MHD_Connection;

struct sim_req {
	struct sim_world *w;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	char *seg[SIM_MAX_SEGMENTS]; /* the path split at '/', empty parts dropped */
	int nseg;
	const char *body;
	size_t body_len;
};

struct sim_resp {
	int status;
	char *body; /* malloc'd; NULL for an empty body */
	struct {
		char name[64];
		char value[2048];
	} headers[SIM_RESP_HEADERS];
	int nheaders;
	bool malformed; /* the malformed fault: corrupt the body on the way out */
};

const char *sim_req_header(const struct sim_req *rq, const char *name);
const char *sim_req_arg(const struct sim_req *rq, const char *name);
bool sim_req_is(const struct sim_req *rq, const char *method);
/* Parse the request body as a JSON object; NULL if it is not one. */
struct json_object *sim_req_json(const struct sim_req *rq);

void sim_resp_header(struct sim_resp *rs, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Takes ownership of obj (NULL sends an empty body). */
void sim_resp_json(struct sim_resp *rs, int status, struct json_object *obj);
/* ARM's error shape: {"error":{"code":...,"message":...}} */
void sim_resp_error(struct sim_resp *rs, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Case-insensitive comparison of path segment i with s (ARM paths are). */
bool sim_seg_is(const struct sim_req *rq, int i, const char *s);

int sim_http_start(struct sim_world *w, const char *addr, int port, int *bound_port, char *err,
		   size_t errlen);
void sim_http_stop(struct sim_world *w);

#endif
