/* The poller: one cycle reads every pair (ARM calls all at once, each
 * site's SQL on its own worker), derives the roles, evaluates the rules and
 * publishes an immutable snapshot. poller_start() runs cycles on a thread
 * every refresh interval, or every 2 s while an operation runs. */
#include <config.h>

#include "core/poller.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/auth.h"
#include "core/fetch.h"
#include "core/role.h"
#include "core/rule.h"
#include "core/util.h"

#define FAST_INTERVAL_S 2

struct poller {
	const struct ssisdr_config *cfg;
	struct auth *auth;
	struct arm_client *arm;
	struct sql_worker **workers; /* npairs * 2 */
	struct snap_store store;
	unsigned long gen;

	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	bool wake_now;
	int fast;
	long interval;

	poller_event_fn on_event;
	void *event_user;
};

static void emit(struct poller *p, enum severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void emit(struct poller *p, enum severity sev, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!p->on_event)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->on_event(p->event_user, sev, line);
}

struct poller *poller_new(const struct ssisdr_config *cfg, struct auth *auth, char *err, size_t errlen)
{
	struct poller *p = calloc(1, sizeof(*p));
	struct arm_client_opts o = {
		.arm_endpoint = cfg->azure.arm_endpoint,
		.user_agent = "ssisdr/" PACKAGE_VERSION,
		.request_timeout_ms = cfg->console.request_timeout * 1000,
		.max_attempts = 4,
		.max_retry_wait_ms = 20000,
		.auth = auth,
	};

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->cfg = cfg;
	p->auth = auth;
	p->interval = cfg->console.refresh;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	snap_store_init(&p->store);
	p->arm = arm_client_new(&o, err, errlen);
	p->workers = calloc(cfg->npairs * 2, sizeof(*p->workers));
	if (!p->arm || !p->workers)
		goto fail;
	for (size_t i = 0; i < cfg->npairs * 2; i++) {
		const struct config_pair *cp = &cfg->pairs[i / 2];
		char label[160];

		snprintf(label, sizeof(label), "%s/%s", cp->name, cp->sites[i % 2].name);
		p->workers[i] = sql_worker_start(&cp->sites[i % 2], label, cfg->console.request_timeout,
						 err, errlen);
		if (!p->workers[i])
			goto fail;
	}
	return p;
fail:
	poller_free(p);
	return NULL;
}

void poller_on_event(struct poller *p, poller_event_fn fn, void *user)
{
	p->on_event = fn;
	p->event_user = user;
}

static struct snapshot *first_snapshot(const struct ssisdr_config *cfg)
{
	struct snapshot *s = snap_new(cfg->npairs);

	if (!s)
		return NULL;
	for (size_t i = 0; i < cfg->npairs; i++) {
		struct model_pair *mp = &s->pairs[i];
		const struct config_pair *cp = &cfg->pairs[i];

		snprintf(mp->name, sizeof(mp->name), "%s", cp->name);
		mp->mi = cp->sites[0].kind == CONFIG_KIND_MI;
		for (int k = 0; k < 2; k++) {
			snprintf(mp->sites[k].name, sizeof(mp->sites[k].name), "%s", cp->sites[k].name);
			snprintf(mp->sites[k].region, sizeof(mp->sites[k].region), "%s", cp->sites[k].region);
			mp->sites[k].mi = mp->mi;
		}
	}
	return s;
}

static void evaluate(struct poller *p, struct snapshot *s, double now)
{
	struct rule_context ctx = { .now = now, .request_timeout = p->cfg->console.request_timeout };

	pthread_mutex_lock(&p->lock);
	ctx.refresh = p->interval;
	pthread_mutex_unlock(&p->lock);

	s->worst = SEV_OK;
	for (size_t i = 0; i < s->npairs; i++) {
		ctx.rpo_target = p->cfg->pairs[i].rpo_target;
		ctx.rto_target = p->cfg->pairs[i].rto_target;
		role_derive(&s->pairs[i], &p->cfg->pairs[i]);
		rule_evaluate(&s->pairs[i], &ctx);
		if (s->pairs[i].worst > s->worst)
			s->worst = s->pairs[i].worst;
	}
}

static unsigned count_failures(const struct arm_call *calls, size_t n, unsigned *requests)
{
	unsigned failed = 0;

	*requests = 0;
	for (size_t i = 0; i < n; i++) {
		*requests += (unsigned)calls[i].requests;
		if (!calls[i].ok)
			failed++;
	}
	return failed;
}

int poller_cycle(struct poller *p)
{
	const struct ssisdr_config *cfg = p->cfg;
	size_t ncalls = fetch_arm_count(cfg), nsites = cfg->npairs * 2;
	struct arm_call *calls = calloc(ncalls, sizeof(*calls));
	struct snapshot *prev = snap_store_get(&p->store), *s;
	double start = util_wall_now(), mono_start = util_mono_now(), deadline, now;
	unsigned long gen = ++p->gen;
	bool *finished = calloc(nsites, sizeof(*finished));

	s = prev ? snap_clone(prev, cfg->npairs) : first_snapshot(cfg);
	snap_unref(prev);
	if (!calls || !finished || !s) {
		free(calls);
		free(finished);
		snap_unref(s);
		emit(p, SEV_CRITICAL, "poll: out of memory");
		return -1;
	}
	for (size_t i = 0; i < nsites; i++)
		sql_worker_kick(p->workers[i], gen);
	fetch_arm_prepare(cfg, calls);
	arm_call_all(p->arm, calls, ncalls, NULL, NULL);
	deadline = mono_start + (double)cfg->console.request_timeout;
	for (size_t i = 0; i < nsites; i++)
		finished[i] = sql_worker_wait(p->workers[i], gen, deadline);

	now = util_wall_now();
	fetch_arm_apply(cfg, calls, s->pairs, now);
	for (size_t i = 0; i < nsites; i++) {
		sql_worker_apply(p->workers[i], &s->pairs[i / 2].sites[i % 2], now, finished[i],
				 util_mono_now() - mono_start);
		if (!finished[i] || s->pairs[i / 2].sites[i % 2].link.d.error[0])
			s->sql_failures++;
	}
	evaluate(p, s, now);
	s->seq = gen;
	s->started_at = start;
	s->finished_at = util_wall_now();
	s->cycle_ms = (s->finished_at - start) * 1000.0;
	s->arm_failures = count_failures(calls, ncalls, &s->arm_requests);
	for (size_t i = 0; i < ncalls; i++)
		arm_call_clear(&calls[i]);
	free(calls);
	free(finished);
	if (s->arm_failures || s->sql_failures)
		emit(p, SEV_WARNING, "poll: %u of %zu ARM calls and %u of %zu SQL reads failed (%u requests, %.0f ms)",
		     s->arm_failures, ncalls, s->sql_failures, nsites, s->arm_requests, s->cycle_ms);
	else
		emit(p, SEV_OK, "poll ok (%u requests, %.0f ms)", s->arm_requests, s->cycle_ms);
	snap_store_publish(&p->store, s);
	return 0;
}

struct snapshot *poller_snapshot(struct poller *p)
{
	return snap_store_get(&p->store);
}

struct snapshot *poller_wait(struct poller *p, unsigned long seq, long timeout_ms)
{
	return snap_store_wait(&p->store, seq, timeout_ms);
}

static void *poller_main(void *arg)
{
	struct poller *p = arg;

	for (;;) {
		struct timespec until;
		long interval;

		poller_cycle(p);
		pthread_mutex_lock(&p->lock);
		interval = p->fast > 0 ? FAST_INTERVAL_S : p->interval;
		until = util_deadline_ms(interval * 1000);
		while (!p->stop && !p->wake_now &&
		       pthread_cond_timedwait(&p->wake, &p->lock, &until) == 0)
			;
		p->wake_now = false;
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		pthread_mutex_unlock(&p->lock);
	}
}

int poller_start(struct poller *p, char *err, size_t errlen)
{
	if (pthread_create(&p->thread, NULL, poller_main, p)) {
		snprintf(err, errlen, "cannot start the poller thread");
		return -1;
	}
	p->running = true;
	return 0;
}

void poller_wake(struct poller *p)
{
	pthread_mutex_lock(&p->lock);
	p->wake_now = true;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void poller_set_interval(struct poller *p, long seconds)
{
	pthread_mutex_lock(&p->lock);
	p->interval = seconds;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

long poller_interval(struct poller *p)
{
	long s;

	pthread_mutex_lock(&p->lock);
	s = p->fast > 0 ? FAST_INTERVAL_S : p->interval;
	pthread_mutex_unlock(&p->lock);
	return s;
}

void poller_set_fast(struct poller *p, bool fast)
{
	pthread_mutex_lock(&p->lock);
	p->fast += fast ? 1 : -1;
	if (p->fast < 0)
		p->fast = 0;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void poller_free(struct poller *p)
{
	if (!p)
		return;
	if (p->running) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_cond_broadcast(&p->wake);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	if (p->workers)
		for (size_t i = 0; i < p->cfg->npairs * 2; i++)
			sql_worker_stop(p->workers[i]);
	free(p->workers);
	arm_client_free(p->arm);
	snap_store_destroy(&p->store);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
