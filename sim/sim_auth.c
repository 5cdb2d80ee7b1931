/* The simulated Entra ID: bearer tokens (opaque random strings that expire
 * on the virtual clock) and the endpoint that issues them. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "sim/sim_fault.h"
#include "sim/sim_routes.h"
#include "sim/sim_world.h"

int sim_token_issue_locked(struct sim_world *w, char *out, size_t outlen, double *expires_in)
{
	unsigned char b[24];
	struct sim_token *t;
	size_t n = 0;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -1;
	if (w->ntokens == SIM_MAX_TOKENS) {
		memmove(&w->tokens[0], &w->tokens[1], sizeof(w->tokens[0]) * (SIM_MAX_TOKENS - 1));
		w->ntokens--;
	}
	t = &w->tokens[w->ntokens++];
	n += (size_t)snprintf(t->value, sizeof(t->value), "simtok.");
	for (size_t i = 0; i < sizeof(b) && n + 3 < sizeof(t->value); i++)
		n += (size_t)snprintf(t->value + n, sizeof(t->value) - n, "%02x", b[i]);
	t->expires = sim_clock_now(&w->clock) + w->token_lifetime;
	snprintf(out, outlen, "%s", t->value);
	*expires_in = w->token_lifetime;
	return 0;
}

int sim_token_check_locked(struct sim_world *w, const char *token)
{
	for (int i = w->ntokens - 1; i >= 0; i--) {
		if (strcmp(w->tokens[i].value, token))
			continue;
		return sim_clock_now(&w->clock) >= w->tokens[i].expires ? 2 : 0;
	}
	return 1;
}

void sim_tokens_expire_locked(struct sim_world *w)
{
	double now = sim_clock_now(&w->clock);

	for (int i = 0; i < w->ntokens; i++)
		if (w->tokens[i].expires > now)
			w->tokens[i].expires = now;
}

/* The token endpoint: POST /{tenant}/oauth2/v2.0/token, client-credentials
 * form. Errors have Entra ID's shape, not ARM's. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Find `key` in an application/x-www-form-urlencoded body and decode it. */
static bool form_value(const char *body, size_t len, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t end = i;
		while (end < len && body[end] != '&')
			end++;
		if (end - i > klen && !strncmp(body + i, key, klen) && body[i + klen] == '=') {
			size_t n = 0;
			for (size_t j = i + klen + 1; j < end && n + 1 < outlen; j++) {
				if (body[j] == '+') {
					out[n++] = ' ';
				} else if (body[j] == '%' && j + 2 < end + 1 && hexval(body[j + 1]) >= 0 &&
					   hexval(body[j + 2]) >= 0) {
					out[n++] = (char)(hexval(body[j + 1]) * 16 + hexval(body[j + 2]));
					j += 2;
				} else {
					out[n++] = body[j];
				}
			}
			out[n] = '\0';
			return true;
		}
		i = end + 1;
	}
	return false;
}

static void entra_error(struct sim_resp *rs, int status, const char *error, int code, const char *desc)
{
	struct json_object *o = json_object_new_object(), *codes = json_object_new_array();
	char text[1024];

	snprintf(text, sizeof(text), "AADSTS%d: %s", code, desc);
	json_object_object_add(o, "error", json_object_new_string(error));
	json_object_object_add(o, "error_description", json_object_new_string(text));
	json_object_array_add(codes, json_object_new_int(code));
	json_object_object_add(o, "error_codes", codes);
	json_object_object_add(o, "timestamp", json_object_new_string("2026-01-01 00:00:00Z"));
	json_object_object_add(o, "trace_id", json_object_new_string("00000000-0000-0000-0000-000000000000"));
	json_object_object_add(o, "correlation_id", json_object_new_string("00000000-0000-0000-0000-000000000000"));
	sim_resp_json(rs, status, o);
}

void sim_route_token(struct sim_req *rq, struct sim_resp *rs)
{
	struct sim_world *w = rq->w;
	char grant[64] = "", id[128] = "", secret[256] = "", scope[512] = "", token[128];
	const char *body = rq->body ? rq->body : "";
	double expires_in;
	struct json_object *o;
	int rc;

	if (sim_fault_gate(w, NULL, false, rs))
		return;
	if (!sim_req_is(rq, "POST")) {
		entra_error(rs, 405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
		return;
	}
	form_value(body, rq->body_len, "grant_type", grant, sizeof(grant));
	form_value(body, rq->body_len, "client_id", id, sizeof(id));
	form_value(body, rq->body_len, "client_secret", secret, sizeof(secret));
	form_value(body, rq->body_len, "scope", scope, sizeof(scope));
	if (strcasecmp(rq->seg[0], w->tenant)) {
		entra_error(rs, 400, "invalid_request", 90002, "Tenant not found. Check the tenant ID.");
	} else if (strcmp(grant, "client_credentials")) {
		entra_error(rs, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
	} else if (strlen(scope) < 9 || strcmp(scope + strlen(scope) - 9, "/.default")) {
		entra_error(rs, 400, "invalid_scope", 1002012, "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
	} else if (strcmp(id, w->client_id)) {
		entra_error(rs, 400, "unauthorized_client", 700016, "Application was not found in the directory.");
	} else if (strcmp(secret, w->client_secret)) {
		entra_error(rs, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
	} else {
		pthread_mutex_lock(&w->lock);
		rc = sim_token_issue_locked(w, token, sizeof(token), &expires_in);
		pthread_mutex_unlock(&w->lock);
		if (rc) {
			entra_error(rs, 500, "temporarily_unavailable", 50000, "The token service could not issue a token.");
			return;
		}
		o = json_object_new_object();
		json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
		json_object_object_add(o, "expires_in", json_object_new_int((int)expires_in));
		json_object_object_add(o, "ext_expires_in", json_object_new_int((int)expires_in));
		json_object_object_add(o, "access_token", json_object_new_string(token));
		sim_resp_json(rs, 200, o);
	}
	explicit_bzero(secret, sizeof(secret));
}

/* The managed-identity endpoint of the Azure Instance Metadata Service:
 * GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R with
 * the header "Metadata: true". IMDS writes its numbers as strings. */
void sim_route_imds(struct sim_req *rq, struct sim_resp *rs)
{
	struct sim_world *w = rq->w;
	const char *meta = sim_req_header(rq, "Metadata");
	const char *resource = sim_req_arg(rq, "resource");
	char token[128], num[32];
	double expires_in;
	struct json_object *o;
	int rc;

	if (sim_fault_gate(w, NULL, false, rs))
		return;
	if (!meta || strcmp(meta, "true")) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "error", json_object_new_string("invalid_request"));
		json_object_object_add(e, "error_description", json_object_new_string("Required metadata header not specified"));
		sim_resp_json(rs, 400, e);
		return;
	}
	if (!resource || !*resource) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "error", json_object_new_string("invalid_request"));
		json_object_object_add(e, "error_description", json_object_new_string("Required query variable 'resource' is missing"));
		sim_resp_json(rs, 400, e);
		return;
	}
	pthread_mutex_lock(&w->lock);
	rc = sim_token_issue_locked(w, token, sizeof(token), &expires_in);
	pthread_mutex_unlock(&w->lock);
	if (rc) {
		sim_resp_error(rs, 500, "InternalServerError", "could not issue a token");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "access_token", json_object_new_string(token));
	json_object_object_add(o, "refresh_token", json_object_new_string(""));
	snprintf(num, sizeof(num), "%d", (int)expires_in);
	json_object_object_add(o, "expires_in", json_object_new_string(num));
	snprintf(num, sizeof(num), "%.0f", sim_clock_epoch(&w->clock, sim_clock_now(&w->clock)) + expires_in);
	json_object_object_add(o, "expires_on", json_object_new_string(num));
	snprintf(num, sizeof(num), "%.0f", sim_clock_epoch(&w->clock, sim_clock_now(&w->clock)));
	json_object_object_add(o, "not_before", json_object_new_string(num));
	json_object_object_add(o, "resource", json_object_new_string(resource));
	json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	sim_resp_json(rs, 200, o);
}
