#include <config.h>

#include "sim/sim_fault.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sim/sim_db.h"

static const char *const kinds[] = {
	"latency", "hang", "throttle", "error", "malformed", "outage",
	"token-expiry", "db-locked", "ir-start-failure",
};

static bool known_kind(const char *k)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(k, kinds[i]))
			return true;
	return false;
}

static int get_int(struct json_object *spec, const char *key, int dflt, int lo, int hi, int *out,
		   char *err, size_t errlen)
{
	struct json_object *v;

	*out = dflt;
	if (!json_object_object_get_ex(spec, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int) || json_object_get_int(v) < lo ||
	    json_object_get_int(v) > hi) {
		snprintf(err, errlen, "\"%s\" must be a whole number from %d to %d", key, lo, hi);
		return -1;
	}
	*out = json_object_get_int(v);
	return 0;
}

static int site_effect_locked(struct sim_world *w, struct sim_fault *f, bool on, char *err,
			      size_t errlen)
{
	for (int k = 0; k < w->npairs; k++)
		for (int s = 0; s < 2; s++) {
			struct sim_site *site = &w->pairs[k].sites[s];

			if (f->site[0] && strcmp(f->site, site->name))
				continue;
			if (!strcmp(f->kind, "outage")) {
				if (site->outage == on)
					continue;
				site->outage = on;
				site->outage_since = sim_clock_now(&w->clock);
				if (sim_db_set_outage(w, k, s, on)) {
					snprintf(err, errlen, "could not move %s's database files", site->name);
					return -1;
				}
			} else if (!strcmp(f->kind, "db-locked")) {
				if (site->db_locked == on)
					continue;
				if (sim_db_set_locked(w, k, s, on)) {
					snprintf(err, errlen, "could not lock %s's database files", site->name);
					return -1;
				}
			} else if (!strcmp(f->kind, "ir-start-failure")) {
				snprintf(site->ir.fail_next_start, sizeof(site->ir.fail_next_start), "%s",
					 on ? f->code : "");
			}
		}
	return 0;
}

int sim_fault_add_locked(struct sim_world *w, struct json_object *spec, char *err, size_t errlen)
{
	struct sim_fault f = { .count = -1 };
	struct json_object *v;
	int p, s;

	if (!json_object_object_get_ex(spec, "kind", &v) || !json_object_is_type(v, json_type_string) ||
	    !known_kind(json_object_get_string(v))) {
		snprintf(err, errlen, "\"kind\" must be one of latency, hang, throttle, error, malformed, outage, token-expiry, db-locked, ir-start-failure");
		return -1;
	}
	snprintf(f.kind, sizeof(f.kind), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(spec, "site", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    !sim_site_by_name_locked(w, json_object_get_string(v), &p, &s)) {
			snprintf(err, errlen, "\"site\" must name a site of the scenario");
			return -1;
		}
		snprintf(f.site, sizeof(f.site), "%s", json_object_get_string(v));
	}
	if (get_int(spec, "ms", 1000, 0, 600000, &f.ms, err, errlen) ||
	    get_int(spec, "count", -1, -1, 1000000, &f.count, err, errlen) ||
	    (f.count == 0 && (snprintf(err, errlen, "\"count\" must be 1 or more (omit it for until cleared)"), 1)) ||
	    get_int(spec, "retry_after", 1, 0, 3600, &f.retry_after, err, errlen) ||
	    get_int(spec, "status", !strcmp(f.kind, "outage") ? 503 : 500, 400, 599, &f.status, err, errlen))
		return -1;
	snprintf(f.code, sizeof(f.code), "IntegrationRuntimeStartFailed");
	if (json_object_object_get_ex(spec, "code", &v) && json_object_is_type(v, json_type_string))
		snprintf(f.code, sizeof(f.code), "%s", json_object_get_string(v));

	if (!strcmp(f.kind, "token-expiry")) {
		sim_tokens_expire_locked(w);
		return 0;
	}
	if (w->nfaults == SIM_MAX_FAULTS) {
		snprintf(err, errlen, "too many faults at once (%d); DELETE /_sim/fault first", SIM_MAX_FAULTS);
		return -1;
	}
	if (site_effect_locked(w, &f, true, err, errlen))
		return -1;
	w->faults[w->nfaults++] = f;
	pthread_cond_broadcast(&w->changed);
	return 0;
}

void sim_fault_clear_locked(struct sim_world *w)
{
	char err[256];

	for (int i = 0; i < w->nfaults; i++)
		site_effect_locked(w, &w->faults[i], false, err, sizeof(err));
	w->nfaults = 0;
	pthread_cond_broadcast(&w->changed);
}

struct json_object *sim_fault_list_locked(struct sim_world *w)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < w->nfaults; i++) {
		struct sim_fault *f = &w->faults[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string(f->kind));
		if (f->site[0])
			json_object_object_add(o, "site", json_object_new_string(f->site));
		json_object_object_add(o, "count", json_object_new_int(f->count));
		json_object_object_add(o, "ms", json_object_new_int(f->ms));
		json_object_object_add(o, "status", json_object_new_int(f->status));
		json_object_object_add(o, "retry_after", json_object_new_int(f->retry_after));
		json_object_array_add(a, o);
	}
	return a;
}

static bool applies(const struct sim_fault *f, const char *site)
{
	if (!f->site[0])
		return true;
	return site && !strcmp(f->site, site);
}

/* Takes one use of fault i; returns true when that used it up and it is gone. */
static bool consume_locked(struct sim_world *w, int i)
{
	if (w->faults[i].count < 0 || --w->faults[i].count > 0)
		return false;
	memmove(&w->faults[i], &w->faults[i + 1], sizeof(w->faults[0]) * (size_t)(w->nfaults - i - 1));
	w->nfaults--;
	return true;
}

static bool outage_of(struct sim_world *w, const char *site, int *status)
{
	int p, s;
	struct sim_site *x = site ? sim_site_by_name_locked(w, site, &p, &s) : NULL;

	if (!x || !x->outage)
		return false;
	*status = 503;
	for (int i = 0; i < w->nfaults; i++)
		if (!strcmp(w->faults[i].kind, "outage") && applies(&w->faults[i], site))
			*status = w->faults[i].status;
	return true;
}

/* Latency waits on the world's condition, so that shutdown cuts it short. */
static void sleep_ms(struct sim_world *w, int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->lock);
	while (!w->shutting_down && pthread_cond_timedwait(&w->changed, &w->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&w->lock);
}

/* A hung request waits until its fault is cleared or the simulator stops. */
static void hang_locked(struct sim_world *w, const char *site)
{
	for (;;) {
		bool still = false;

		for (int i = 0; i < w->nfaults; i++)
			if (!strcmp(w->faults[i].kind, "hang") && applies(&w->faults[i], site))
				still = true;
		if (!still || w->shutting_down)
			return;
		pthread_cond_wait(&w->changed, &w->lock);
	}
}

bool sim_fault_gate(struct sim_world *w, const char *site, bool arm, struct sim_resp *rs)
{
	int latency = 0, status = 0, retry = 0;
	bool hang = false, throttle = false, error = false;
	int outage_status;

	pthread_mutex_lock(&w->lock);
	if (outage_of(w, site, &outage_status)) {
		pthread_mutex_unlock(&w->lock);
		if (outage_status == 504)
			sim_resp_error(rs, 504, "GatewayTimeout",
				       "The gateway did not receive a response from 'Microsoft.Sql' within the specified time period.");
		else
			sim_resp_error(rs, outage_status, "ServiceUnavailable",
				       "The service in the region of site '%s' is unavailable. Retry the request later.",
				       site);
		return true;
	}
	for (int i = 0; i < w->nfaults; i++) {
		struct sim_fault *f = &w->faults[i];

		if (!applies(f, site))
			continue;
		if (!arm && strcmp(f->kind, "latency") && strcmp(f->kind, "hang"))
			continue; /* the token endpoint is Entra ID's, not ARM's */
		if (!strcmp(f->kind, "latency")) {
			latency += f->ms;
		} else if (!strcmp(f->kind, "hang")) {
			hang = true; /* until cleared, whatever its count */
			continue;
		} else if (!strcmp(f->kind, "throttle") && !throttle && !error) {
			throttle = true;
			retry = f->retry_after;
		} else if (!strcmp(f->kind, "error") && !throttle && !error) {
			error = true;
			status = f->status;
		} else if (!strcmp(f->kind, "malformed") && !rs->malformed) {
			rs->malformed = true;
		} else {
			continue;
		}
		if (consume_locked(w, i))
			i--;
	}
	if (hang)
		hang_locked(w, site);
	pthread_mutex_unlock(&w->lock);
	if (latency)
		sleep_ms(w, latency);
	if (throttle) {
		sim_resp_header(rs, "Retry-After", "%d", retry);
		sim_resp_error(rs, 429, "SubscriptionRequestsThrottled",
			       "Number of requests for subscription '%s' exceeded the limit. Please try again after '%d' seconds.",
			       w->subscription, retry);
		return true;
	}
	if (error) {
		sim_resp_error(rs, status,
			       status == 503 ? "ServiceUnavailable" : status == 502 ? "BadGateway"
			       : status == 504 ? "GatewayTimeout" : "InternalServerError",
			       "The server encountered an internal error (injected %d). Retry the request.",
			       status);
		return true;
	}
	return false;
}
