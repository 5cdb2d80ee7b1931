/* The ARM client: the event loop, requests, retries and the token.
 * Paging and long-running operations are in core/arm_lro.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* explicit_bzero, strncasecmp, getrandom */
#endif

#include "core/arm_client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "core/arm_client_int.h"
#include "core/arm_parse.h"

/* ---- small helpers -------------------------------------------------- */

double arm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* xorshift64*: jitter only, nothing secret. */
static uint64_t next_random(struct arm_client *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545F4914F6CDD1DULL;
}

void arm_progress(struct arm_job *j, const char *fmt, ...)
{
	struct arm_client *c = j->client;
	char line[256];
	va_list ap;

	if (!c->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	c->progress(c->puser, j->call, line);
}

void arm_job_error(struct arm_job *j, const char *code, const char *fmt, ...)
{
	va_list ap;

	str_copy(j->call->error_code, code, sizeof j->call->error_code);
	j->call->error_message[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(j->call->error_message, sizeof j->call->error_message, fmt, ap);
		va_end(ap);
	}
}

void arm_job_finish(struct arm_job *j, bool ok)
{
	struct arm_call *call = j->call;

	call->ok = ok;
	if (ok) {
		call->error_code[0] = '\0';
		call->error_message[0] = '\0';
	}
	call->elapsed_ms = arm_now_ms() - j->t0;
	j->state = JOB_DONE;
	free(j->url);
	j->url = NULL;
	free(j->location);
	j->location = NULL;
}

char *arm_job_url(struct arm_job *j, const char *ref, const char *what)
{
	struct arm_client *c = j->client;
	char host[256];
	char *url;

	if (!ref || !*ref) {
		arm_job_error(j, "InvalidRequest", "the %s is empty", what);
		return NULL;
	}
	if (!http_url_is_absolute(ref) && ref[0] != '/') {
		arm_job_error(j, "InvalidRequest", "the %s \"%.200s\" is neither an absolute URL nor a path",
			      what, ref);
		return NULL;
	}
	url = http_url_is_absolute(ref) ? strdup(ref) : http_url_resolve(c->endpoint, ref);
	if (!url) {
		arm_job_error(j, "OutOfMemory", "out of memory");
		return NULL;
	}
	/* The bearer token goes to the ARM endpoint and nowhere else. */
	if (!http_same_origin(url, c->endpoint)) {
		http_url_host(url, host, sizeof host);
		arm_job_error(j, "UnexpectedHost",
			      "the %s points at %s, not at the ARM endpoint %s; not following it", what,
			      host, c->endpoint);
		free(url);
		return NULL;
	}
	return url;
}

/* The call's own URL: the path joined to the endpoint, with api-version. */
static char *first_url(struct arm_job *j)
{
	struct arm_call *call = j->call;
	const char *path = call->path;
	char *url, *full;
	size_t n;

	if (http_url_is_absolute(path)) {
		url = arm_job_url(j, path, "path");
	} else if (path[0] == '/') {
		n = strlen(j->client->endpoint) + strlen(path) + 1;
		url = malloc(n);
		if (url)
			snprintf(url, n, "%s%s", j->client->endpoint, path);
		else
			arm_job_error(j, "OutOfMemory", "out of memory");
	} else {
		arm_job_error(j, "InvalidRequest", "the path \"%.200s\" does not start with /", path);
		return NULL;
	}
	if (!url || !call->api_version || !*call->api_version || http_url_has_api_version(url))
		return url;
	n = strlen(url) + strlen(call->api_version) + 16;
	full = malloc(n);
	if (!full) {
		free(url);
		arm_job_error(j, "OutOfMemory", "out of memory");
		return NULL;
	}
	snprintf(full, n, "%s%capi-version=%s", url, strchr(url, '?') ? '&' : '?',
		 call->api_version);
	free(url);
	return full;
}

/* ---- the client ----------------------------------------------------- */

struct arm_client *arm_client_new(const struct arm_client_opts *o, char *err, size_t errlen)
{
	struct arm_client *c;
	size_t n;

	if (!o || !o->arm_endpoint || !http_url_is_absolute(o->arm_endpoint)) {
		errf(err, errlen, "the ARM endpoint must be an http:// or https:// URL");
		return NULL;
	}
	if (!o->auth) {
		errf(err, errlen, "internal error: the ARM client needs a token source");
		return NULL;
	}
	if (http_global_init(err, errlen))
		return NULL;
	c = calloc(1, sizeof *c);
	if (!c) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	c->endpoint = strdup(o->arm_endpoint);
	c->user_agent = strdup(o->user_agent ? o->user_agent : "ssisdr");
	c->multi = curl_multi_init();
	c->share = curl_share_init();
	if (!c->endpoint || !c->user_agent || !c->multi || !c->share) {
		errf(err, errlen, "out of memory");
		arm_client_free(c);
		return NULL;
	}
	n = strlen(c->endpoint);
	while (n && c->endpoint[n - 1] == '/')
		c->endpoint[--n] = '\0';
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	/* Keep the idle connections between batches: by default libcurl keeps
	 * four per transfer still in the multi handle, which closes most of
	 * them as the last calls of a batch finish. */
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)ARM_CLIENT_MAX_INFLIGHT);
	/* Used by one thread at a time: no lock callbacks needed. */
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	c->timeout_ms = o->request_timeout_ms > 0 ? o->request_timeout_ms : ARM_CLIENT_DEFAULT_TIMEOUT_MS;
	c->max_attempts = o->max_attempts > 0 ? o->max_attempts : ARM_CLIENT_DEFAULT_ATTEMPTS;
	c->max_retry_wait_ms = o->max_retry_wait_ms > 0 ? o->max_retry_wait_ms
							: ARM_CLIENT_DEFAULT_RETRY_WAIT_MS;
	c->max_pages = o->max_pages > 0 ? o->max_pages : ARM_CLIENT_DEFAULT_MAX_PAGES;
	c->auth = o->auth;
	if (getrandom(&c->rng, sizeof c->rng, 0) != (ssize_t)sizeof c->rng)
		c->rng = (uint64_t)time(NULL) * 2654435761u;
	if (!c->rng)
		c->rng = 88172645463325252ULL;
	return c;
}

void arm_client_free(struct arm_client *c)
{
	if (!c)
		return;
	if (c->multi)
		curl_multi_cleanup(c->multi);
	if (c->share)
		curl_share_cleanup(c->share);
	free(c->endpoint);
	free(c->user_agent);
	explicit_bzero(c->token, sizeof c->token);
	explicit_bzero(c->scratch, sizeof c->scratch);
	free(c);
}

void arm_client_stats(struct arm_client *c, struct arm_client_stats *out)
{
	*out = c->stats;
}

void arm_call_clear(struct arm_call *call)
{
	if (!call)
		return;
	free(call->body_out);
	for (int i = 0; i < call->npages; i++)
		free(call->pages[i]);
	free(call->pages);
	free(call->page_lens);
	call->ok = false;
	call->status = 0;
	call->body_out = NULL;
	call->body_len = 0;
	call->pages = NULL;
	call->page_lens = NULL;
	call->npages = 0;
	call->error_code[0] = call->error_message[0] = call->request_id[0] = '\0';
	call->ratelimit_reads[0] = call->ratelimit_writes[0] = call->lro_status[0] = '\0';
	call->requests = call->retries = call->new_connections = 0;
	call->elapsed_ms = 0;
}

/* The current token into c->token; the generation moves when it changed. */
static int current_token(struct arm_client *c, char *err, size_t errlen)
{
	int rc = auth_token(c->auth, c->scratch, sizeof c->scratch, err, errlen);

	if (rc == 0 && strcmp(c->scratch, c->token)) {
		memcpy(c->token, c->scratch, strlen(c->scratch) + 1);
		c->token_gen++;
	}
	explicit_bzero(c->scratch, sizeof c->scratch);
	return rc;
}

/* ---- the jobs ------------------------------------------------------- */

void arm_job_next(struct arm_job *j, enum arm_job_phase phase, char *url, long delay_ms)
{
	free(j->url);
	j->url = url;
	j->phase = phase;
	j->method = "GET";
	j->body = NULL;
	j->attempt = 1;
	j->waited_ms = 0;
	j->auth_retried = false;
	j->start_at = arm_now_ms() + (double)(delay_ms > 0 ? delay_ms : 0);
	j->state = JOB_WAITING;
}

static void append_gave_up(struct arm_job *j, const char *why)
{
	struct arm_call *call = j->call;
	size_t n = strlen(call->error_message);

	snprintf(call->error_message + n, sizeof call->error_message - n, " (%s)", why);
}

/* May this request be sent again after it went out and no answer came? */
static bool may_repeat(const struct arm_job *j)
{
	return j->phase != PHASE_FIRST || (j->call->flags & ARM_IDEMPOTENT) ||
	       (strcmp(j->method, "POST") && strcmp(j->method, "PATCH"));
}

bool arm_job_retry(struct arm_job *j, long retry_after_ms, const char *why)
{
	struct arm_client *c = j->client;
	double now = arm_now_ms();
	long cap, wait;
	char note[96];

	if (j->attempt >= c->max_attempts) {
		snprintf(note, sizeof note, "gave up after %d attempts", j->attempt);
		append_gave_up(j, note);
		arm_job_finish(j, false);
		return false;
	}
	cap = ARM_CLIENT_BACKOFF_BASE_MS << (j->attempt - 1 < 10 ? j->attempt - 1 : 10);
	if (cap > ARM_CLIENT_BACKOFF_CAP_MS)
		cap = ARM_CLIENT_BACKOFF_CAP_MS;
	wait = (long)(next_random(c) % (uint64_t)(cap + 1)); /* full jitter */
	if (retry_after_ms > wait)
		wait = retry_after_ms; /* never sooner than the server asks */
	if (j->waited_ms + wait > c->max_retry_wait_ms) {
		snprintf(note, sizeof note, "gave up: another try would wait %.1f s, over the %.1f s allowed",
			 (double)wait / 1000.0, (double)(c->max_retry_wait_ms - j->waited_ms) / 1000.0);
		append_gave_up(j, note);
		arm_job_finish(j, false);
		return false;
	}
	if (j->deadline > 0 && now + (double)wait >= j->deadline) {
		append_gave_up(j, "gave up: the call's time is up");
		arm_job_finish(j, false);
		return false;
	}
	j->attempt++;
	j->waited_ms += wait;
	j->call->retries++;
	c->stats.retries++;
	j->start_at = now + (double)wait;
	j->state = JOB_WAITING;
	if (wait >= 1000)
		arm_progress(j, "retrying after %s in %.0f s", why, (double)wait / 1000.0);
	else
		arm_progress(j, "retrying after %s in %.1f s", why, (double)wait / 1000.0);
	return true;
}

static int start_request(struct arm_job *j)
{
	struct arm_client *c = j->client;
	struct arm_call *call = j->call;
	char guid[HTTP_GUID_LEN], cid[HTTP_GUID_LEN + 32], err[400] = "";
	const char *hdrs[] = { "Accept: application/json", cid, NULL };
	struct http_request rq = {
		.method = j->method, .url = j->url, .body = j->body,
		.body_len = j->body ? strlen(j->body) : 0, .user_agent = c->user_agent,
		.headers = hdrs, .timeout_ms = c->timeout_ms, .share = c->share,
	};

	if (j->deadline > 0 && j->phase != PHASE_POLL) {
		double left = j->deadline - arm_now_ms();

		if (left < 1) {
			arm_job_error(j, "Timeout", "the call did not finish within %ld ms",
				      call->call_timeout_ms);
			arm_job_finish(j, false);
			return -1;
		}
		if (left < (double)rq.timeout_ms)
			rq.timeout_ms = (long)left > 0 ? (long)left : 1;
	}
	if (current_token(c, err, sizeof err)) {
		arm_job_error(j, "TokenUnavailable", "%s", err);
		arm_job_finish(j, false);
		return -1;
	}
	if (http_new_guid(guid)) {
		arm_job_error(j, "InternalError", "no random bytes for a request id");
		arm_job_finish(j, false);
		return -1;
	}
	snprintf(cid, sizeof cid, "x-ms-client-request-id: %s", guid);
	rq.bearer = c->token;
	j->x.user = j;
	if (http_exchange_prepare(&j->x, &rq, err, sizeof err) ||
	    curl_multi_add_handle(c->multi, j->x.easy) != CURLM_OK) {
		http_exchange_reset(&j->x);
		arm_job_error(j, "InternalError", "%s", err[0] ? err : "cannot start the request");
		arm_job_finish(j, false);
		return -1;
	}
	j->token_gen = c->token_gen;
	j->state = JOB_IN_FLIGHT;
	call->requests++;
	c->stats.requests++;
	return 0;
}

static void keep_headers(struct arm_job *j)
{
	struct arm_call *call = j->call;
	const struct http_headers *h = &j->x.resp;

	if (h->request_id[0])
		str_copy(call->request_id, h->request_id, sizeof call->request_id);
	if (h->ratelimit_reads[0])
		str_copy(call->ratelimit_reads, h->ratelimit_reads, sizeof call->ratelimit_reads);
	if (h->ratelimit_writes[0])
		str_copy(call->ratelimit_writes, h->ratelimit_writes, sizeof call->ratelimit_writes);
}

static bool is_token_error(const char *code)
{
	return !strcmp(code, "InvalidAuthenticationToken") ||
	       !strcmp(code, "ExpiredAuthenticationToken");
}

/* A 401 for the token: fetch a new one (once for all the requests that
 * carried the same token) and send this request again, once. */
static void refresh_and_resend(struct arm_job *j)
{
	struct arm_client *c = j->client;
	char err[400];

	if (j->token_gen == c->token_gen) {
		auth_reject(c->auth, c->token);
		if (current_token(c, err, sizeof err)) {
			arm_job_error(j, "TokenUnavailable", "%s", err);
			arm_job_finish(j, false);
			return;
		}
		c->stats.token_refreshes++;
		arm_progress(j, "token refused (%s); fetched a new one", j->call->error_code);
	}
	j->auth_retried = true;
	j->call->retries++;
	c->stats.retries++;
	j->start_at = arm_now_ms();
	j->state = JOB_WAITING;
}

static void on_done(struct arm_job *j, CURLcode rc)
{
	struct arm_client *c = j->client;
	struct arm_call *call = j->call;
	long status = 0, connects = 0;
	char *body;
	size_t len;

	curl_easy_getinfo(j->x.easy, CURLINFO_NUM_CONNECTS, &connects);
	call->new_connections += (int)connects;
	c->stats.connects += (unsigned long)connects;
	curl_multi_remove_handle(c->multi, j->x.easy);
	if (rc != CURLE_OK) {
		char code[64], msg[400];

		long sent = 0;

		curl_easy_getinfo(j->x.easy, CURLINFO_REQUEST_SIZE, &sent);
		http_transport_error(&j->x, rc, code, sizeof code, msg, sizeof msg);
		arm_job_error(j, code, "%s", msg);
		call->status = 0;
		if (!http_curl_transient(rc)) {
			arm_job_finish(j, false);
		} else if (sent > 0 && !may_repeat(j)) {
			/* It may have arrived: sending it again could do it twice. */
			append_gave_up(j, "the request was sent, so it may have been carried out: "
					  "read the resource before trying again");
			arm_job_finish(j, false);
		} else {
			arm_job_retry(j, -1, code);
		}
		http_exchange_reset(&j->x);
		return;
	}
	status = http_exchange_status(&j->x);
	keep_headers(j);
	call->status = status;
	if (status == 401 || http_status_transient(status)) {
		struct arm_error e;
		char why[64];

		arm_error_from_http(status, j->x.body, j->x.body_len, &e);
		if (e.code[0])
			arm_job_error(j, e.code, "%s", e.message);
		else
			arm_job_error(j, "HttpError", "%s", e.message);
		if (status == 401) {
			if (!j->auth_retried && is_token_error(e.code))
				refresh_and_resend(j);
			else
				arm_job_finish(j, false);
		} else {
			if (status == 429)
				c->stats.throttled++;
			snprintf(why, sizeof why, "%ld", status);
			arm_job_retry(j, j->x.resp.retry_after_ms, why);
		}
		/* The call ends here: the error answer is its final body. */
		if (j->state == JOB_DONE)
			call->body_out = http_exchange_take_body(&j->x, &call->body_len);
		http_exchange_reset(&j->x);
		return;
	}
	body = http_exchange_take_body(&j->x, &len);
	arm_job_answer(j, status, body, len);
	http_exchange_reset(&j->x);
}

/* ---- the loop ------------------------------------------------------- */

void arm_call_all(struct arm_client *c, struct arm_call *calls, size_t n, arm_progress_fn progress,
		  void *puser)
{
	struct arm_job *jobs;
	size_t left = n;
	int in_flight = 0;

	if (!c || !calls || n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		arm_call_clear(&calls[i]);
	jobs = calloc(n, sizeof *jobs);
	if (!jobs) {
		for (size_t i = 0; i < n; i++) {
			str_copy(calls[i].error_code, "OutOfMemory", sizeof calls[i].error_code);
			str_copy(calls[i].error_message, "out of memory", sizeof calls[i].error_message);
		}
		return;
	}
	c->progress = progress;
	c->puser = puser;
	for (size_t i = 0; i < n; i++) {
		struct arm_job *j = &jobs[i];
		struct arm_call *call = &calls[i];

		j->client = c;
		j->call = call;
		j->t0 = arm_now_ms();
		j->deadline = call->call_timeout_ms > 0 ? j->t0 + (double)call->call_timeout_ms : 0;
		j->method = call->method ? call->method : "GET";
		j->body = call->body;
		j->phase = PHASE_FIRST;
		j->attempt = 1;
		j->start_at = j->t0;
		j->state = JOB_WAITING;
		j->url = first_url(j);
		if (!j->url)
			arm_job_finish(j, false);
	}
	for (;;) {
		double now = arm_now_ms(), next = -1;
		int running = 0;
		CURLMsg *m;
		int q;

		for (size_t i = 0; i < n && in_flight < ARM_CLIENT_MAX_INFLIGHT; i++)
			if (jobs[i].state == JOB_WAITING && jobs[i].start_at <= now &&
			    start_request(&jobs[i]) == 0)
				in_flight++;
		curl_multi_perform(c->multi, &running);
		while ((m = curl_multi_info_read(c->multi, &q))) {
			struct http_exchange *x = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			in_flight--;
			on_done((struct arm_job *)x->user, m->data.result);
		}
		left = 0;
		now = arm_now_ms();
		for (size_t i = 0; i < n; i++) {
			if (jobs[i].state == JOB_DONE)
				continue;
			left++;
			if (jobs[i].state == JOB_WAITING && (next < 0 || jobs[i].start_at < next))
				next = jobs[i].start_at;
		}
		if (left == 0)
			break;
		if (next >= 0 && next <= now && in_flight < ARM_CLIENT_MAX_INFLIGHT)
			continue;
		{
			double wait = next < 0 ? 1000 : next - now;

			if (wait > 1000 || in_flight >= ARM_CLIENT_MAX_INFLIGHT)
				wait = 1000;
			if (in_flight == 0 && next < 0)
				break; /* nothing can move: cannot happen */
			curl_multi_poll(c->multi, NULL, 0, (int)wait + 1, NULL);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].state != JOB_DONE) {
			arm_job_error(&jobs[i], "InternalError", "the call was left unfinished");
			arm_job_finish(&jobs[i], false);
		}
		if (jobs[i].x.easy)
			curl_multi_remove_handle(c->multi, jobs[i].x.easy);
		http_exchange_free(&jobs[i].x);
	}
	free(jobs);
	c->progress = NULL;
	c->puser = NULL;
}
