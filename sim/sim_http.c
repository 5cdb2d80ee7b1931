#include <config.h>

#include "sim/sim_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "sim/sim_fault.h"
#include "sim/sim_routes.h"

#define SIM_MAX_BODY (1024 * 1024)

struct pending {
	char *body;
	size_t len;
	bool too_big;
};

static struct MHD_Daemon *daemon_handle;

const char *sim_req_header(const struct sim_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *sim_req_arg(const struct sim_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool sim_req_is(const struct sim_req *rq, const char *method)
{
	return strcmp(rq->method, method) == 0;
}

struct json_object *sim_req_json(const struct sim_req *rq)
{
	struct json_tokener *tok;
	struct json_object *obj;

	if (!rq->body || !rq->body_len)
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	obj = json_tokener_parse_ex(tok, rq->body, (int)rq->body_len);
	if (json_tokener_get_error(tok) != json_tokener_success || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

bool sim_seg_is(const struct sim_req *rq, int i, const char *s)
{
	return i < rq->nseg && strcasecmp(rq->seg[i], s) == 0;
}

void sim_resp_header(struct sim_resp *rs, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (rs->nheaders == SIM_RESP_HEADERS)
		return;
	snprintf(rs->headers[rs->nheaders].name, sizeof(rs->headers[0].name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(rs->headers[rs->nheaders].value, sizeof(rs->headers[0].value), fmt, ap);
	va_end(ap);
	rs->nheaders++;
}

void sim_resp_json(struct sim_resp *rs, int status, struct json_object *obj)
{
	rs->status = status;
	free(rs->body);
	rs->body = NULL;
	if (obj) {
		rs->body = strdup(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(obj);
	}
}

void sim_resp_error(struct sim_resp *rs, int status, const char *code, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	struct json_object *root = json_object_new_object(), *e = json_object_new_object();

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(root, "error", e);
	sim_resp_json(rs, status, root);
}

static void new_uuid(char *out, size_t len)
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		memset(b, 0x33, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static int split_path(char *path, char **seg, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(path, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (n == max)
			return -1;
		seg[n++] = t;
	}
	return n;
}

static bool api_version_ok(const char *given, const char *accepted)
{
	size_t n = strlen(given);

	for (const char *p = accepted; (p = strstr(p, given)) != NULL; p += n)
		if ((p == accepted || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* ARM checks the bearer token before anything about the resource. */
static bool authorized(struct sim_req *rq, struct sim_resp *rs)
{
	const char *auth = sim_req_header(rq, "Authorization");
	int rc;

	if (!auth) {
		sim_resp_error(rs, 401, "AuthenticationFailed",
			       "Authentication failed. The 'Authorization' header is missing.");
		return false;
	}
	if (strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7]) {
		sim_resp_error(rs, 401, "InvalidAuthenticationToken",
			       "The access token is invalid. The 'Authorization' header must be 'Bearer <token>'.");
		return false;
	}
	pthread_mutex_lock(&rq->w->lock);
	rc = sim_token_check_locked(rq->w, auth + 7);
	pthread_mutex_unlock(&rq->w->lock);
	if (rc == 1) {
		sim_resp_error(rs, 401, "InvalidAuthenticationToken",
			       "The access token is invalid: it was not issued by this authority.");
		return false;
	}
	if (rc == 2) {
		sim_resp_error(rs, 401, "ExpiredAuthenticationToken",
			       "The access token expiry UTC time is earlier than current UTC time.");
		return false;
	}
	return true;
}

static void route_arm(struct sim_req *rq, struct sim_resp *rs)
{
	struct sim_world *w = rq->w;
	struct sim_arm_route route = { .pair = -1, .site = -1 };
	char site[SIM_NAME_MAX] = "";
	const char *api;
	bool mine;

	pthread_mutex_lock(&w->lock);
	sim_world_tick_locked(w);
	mine = sim_adf_resolve_locked(rq, &route) || sim_sql_resolve_locked(rq, &route) ||
	       sim_ops_resolve_locked(rq, &route);
	if (mine && route.pair >= 0)
		snprintf(site, sizeof(site), "%s", w->pairs[route.pair].sites[route.site].name);
	pthread_mutex_unlock(&w->lock);

	if (sim_fault_gate(w, site[0] ? site : NULL, true, rs))
		return;
	if (!authorized(rq, rs))
		return;
	api = sim_req_arg(rq, "api-version");
	if (!api || !*api) {
		sim_resp_error(rs, 400, "MissingApiVersionParameter",
			       "The api-version query parameter (?api-version=) is required for all requests.");
		return;
	}
	if (!mine || route.pair < 0) {
		sim_resp_error(rs, 404, "ResourceNotFound", "The Resource '%s' was not found.", rq->url);
		return;
	}
	if (!api_version_ok(api, route.api_versions)) {
		sim_resp_error(rs, 400, "InvalidApiVersionParameter",
			       "The api-version '%s' is invalid. The supported versions are '%s'.", api,
			       route.api_versions);
		return;
	}
	pthread_mutex_lock(&w->lock);
	sim_world_tick_locked(w);
	route.handler(rq, rs, route.pair, route.site);
	pthread_mutex_unlock(&w->lock);
}

static void route(struct sim_req *rq, struct sim_resp *rs)
{
	if (rq->nseg >= 1 && !strcmp(rq->seg[0], "_sim"))
		sim_route_control(rq, rs);
	else if (rq->nseg == 4 && !strcmp(rq->seg[1], "oauth2") && !strcmp(rq->seg[2], "v2.0") &&
		 !strcmp(rq->seg[3], "token"))
		sim_route_token(rq, rs);
	else if (rq->nseg == 4 && !strcmp(rq->seg[0], "metadata") && !strcmp(rq->seg[1], "identity") &&
		 !strcmp(rq->seg[2], "oauth2") && !strcmp(rq->seg[3], "token"))
		sim_route_imds(rq, rs);
	else if (rq->nseg >= 2 && sim_seg_is(rq, 0, "subscriptions"))
		route_arm(rq, rs);
	else
		sim_resp_error(rs, 404, "NotFound", "No route for %s %s.", rq->method, rq->url);
}

static void record(struct sim_world *w, struct sim_req *rq, int status)
{
	const char *ua = sim_req_header(rq, "User-Agent");
	const char *cid = sim_req_header(rq, "x-ms-client-request-id");
	struct sim_request_record *r;

	pthread_mutex_lock(&w->lock);
	r = &w->requests[w->nrequests++ % SIM_REQUEST_LOG];
	r->at = sim_clock_now(&w->clock);
	snprintf(r->method, sizeof(r->method), "%s", rq->method);
	snprintf(r->path, sizeof(r->path), "%s", rq->url);
	r->status = status;
	snprintf(r->user_agent, sizeof(r->user_agent), "%s", ua ? ua : "");
	snprintf(r->client_request_id, sizeof(r->client_request_id), "%s", cid ? cid : "");
	pthread_mutex_unlock(&w->lock);
}

static void arm_headers(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs)
{
	char id[40];
	const char *cid = sim_req_header(rq, "x-ms-client-request-id");
	/* getStatus is a POST, but ARM counts it as a read action */
	bool write = !sim_req_is(rq, "GET") && !sim_seg_is(rq, rq->nseg - 1, "getStatus");
	long left;

	const char *corr = sim_req_header(rq, "x-ms-correlation-request-id");

	new_uuid(id, sizeof(id));
	sim_resp_header(rs, "x-ms-request-id", "%s", id);
	sim_resp_header(rs, "x-ms-correlation-request-id", "%.64s", corr ? corr : id);
	if (cid)
		sim_resp_header(rs, "x-ms-client-request-id", "%.64s", cid);
	pthread_mutex_lock(&w->lock);
	left = write ? w->writes_remaining-- : w->reads_remaining--;
	if (w->reads_remaining < 1)
		w->reads_remaining = 249;
	if (w->writes_remaining < 1)
		w->writes_remaining = 199;
	pthread_mutex_unlock(&w->lock);
	sim_resp_header(rs, write ? "x-ms-ratelimit-remaining-subscription-writes"
				  : "x-ms-ratelimit-remaining-subscription-reads",
			"%ld", left);
}

static struct MHD_Response *build_response(struct sim_resp *rs)
{
	struct MHD_Response *r;
	size_t len = rs->body ? strlen(rs->body) : 0;

	if (rs->malformed && rs->body) {
		len = len / 2;
		if (len + 8 <= strlen(rs->body))
			memcpy(rs->body + len, "\"}{,:\x01", 6), len += 6;
	}
	r = MHD_create_response_from_buffer(len, rs->body ? rs->body : (char *)"",
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return NULL;
	if (rs->body)
		MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct sim_world *w = cls;
	struct pending *pd = *con_cls;
	struct sim_req rq = { .w = w, .conn = conn, .method = method, .url = url };
	struct sim_resp rs = { .status = 500 };
	struct MHD_Response *resp;
	char path[4096];
	enum MHD_Result ret;

	if (!pd) {
		pd = calloc(1, sizeof(*pd));
		if (!pd)
			return MHD_NO;
		*con_cls = pd;
		return MHD_YES;
	}
	if (*upload_size) {
		if (pd->len + *upload_size > SIM_MAX_BODY) {
			pd->too_big = true;
		} else {
			char *b = realloc(pd->body, pd->len + *upload_size + 1);
			if (!b)
				return MHD_NO;
			memcpy(b + pd->len, upload, *upload_size);
			pd->len += *upload_size;
			b[pd->len] = '\0';
			pd->body = b;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	rq.body = pd->body;
	rq.body_len = pd->len;
	snprintf(path, sizeof(path), "%s", url);
	rq.nseg = split_path(path, rq.seg, SIM_MAX_SEGMENTS);
	if (pd->too_big)
		sim_resp_error(&rs, 413, "RequestEntityTooLarge", "The request body is over 1 MiB.");
	else if (rq.nseg < 0)
		sim_resp_error(&rs, 404, "NotFound", "The path has too many segments.");
	else
		route(&rq, &rs);
	if (sim_seg_is(&rq, 0, "subscriptions"))
		arm_headers(w, &rq, &rs);
	record(w, &rq, rs.status);
	resp = build_response(&rs);
	free(rs.body);
	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(conn, (unsigned)rs.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct pending *pd = *con_cls;

	if (pd) {
		free(pd->body);
		free(pd);
		*con_cls = NULL;
	}
}

int sim_http_start(struct sim_world *w, const char *addr, int port, int *bound_port, char *err,
		   size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	const union MHD_DaemonInfo *info;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		snprintf(err, errlen, "--listen: %s is not an IPv4 address", addr);
		return -1;
	}
	if ((ntohl(sin.sin_addr.s_addr) >> 24) != 127) {
		snprintf(err, errlen, "--listen: %s is not a loopback address; ssisdr-sim only listens on 127.0.0.0/8", addr);
		return -1;
	}
	daemon_handle = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, w,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
		MHD_OPTION_END);
	if (!daemon_handle) {
		snprintf(err, errlen, "cannot listen on %s:%d (is the port in use?)", addr, port);
		return -1;
	}
	info = MHD_get_daemon_info(daemon_handle, MHD_DAEMON_INFO_BIND_PORT);
	*bound_port = info ? info->port : port;
	return 0;
}

void sim_http_stop(struct sim_world *w)
{
	pthread_mutex_lock(&w->lock);
	w->shutting_down = true;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->lock);
	if (daemon_handle)
		MHD_stop_daemon(daemon_handle);
	daemon_handle = NULL;
}
