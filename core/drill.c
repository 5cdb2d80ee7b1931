/* The drill runner: one step at a time, each ended as passed, failed or
 * skipped with the evidence it read, saved to the state file after every
 * change; skip, abort, detach; the measured RTO and its phases. What each
 * kind of step does is in drill_steps.c, starting and resuming a drill in
 * drill_setup.c, the conditions in drill_cond.c. */
#include <config.h>

#include "core/drill.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/console.h"
#include "core/drill_impl.h"
#include "core/events.h"
#include "core/poller.h"
#include "core/snapshot.h"

/* ---- small helpers ------------------------------------------------------------ */

double drill_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void drill_fmt_duration(char *out, size_t len, double seconds)
{
	long t;

	if (seconds < 0) {
		snprintf(out, len, "-");
		return;
	}
	t = seconds > 1e9 ? 1000000000L : (long)(seconds + 0.5);
	if (t < 60)
		snprintf(out, len, "%ld s", t);
	else if (t < 3600)
		snprintf(out, len, t % 60 ? "%ld min %ld s" : "%ld min", t / 60, t % 60);
	else
		snprintf(out, len, t % 3600 / 60 ? "%ld h %ld min" : "%ld h", t / 3600, t % 3600 / 60);
}

static bool utc(double t, struct tm *tm)
{
	time_t secs = (time_t)t;

	return t > 0 && gmtime_r(&secs, tm);
}

void drill_fmt_time(char *out, size_t len, double t)
{
	struct tm tm;
	char s[32];

	if (!utc(t, &tm)) {
		snprintf(out, len, "%s", "");
		return;
	}
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%s.%03dZ", s, (int)((t - (double)(long)t) * 1000.0) % 1000);
}

void drill_fmt_stamp(char *out, size_t len, double t)
{
	struct tm tm;

	if (!utc(t, &tm))
		snprintf(out, len, "%s", "");
	else
		strftime(out, len, "%Y%m%dT%H%M%SZ", &tm);
}

void drill_lock(struct drill *d)
{
	pthread_mutex_lock(&d->lock);
}

void drill_unlock(struct drill *d)
{
	pthread_mutex_unlock(&d->lock);
}

enum drill_status drill_status(struct drill *d)
{
	enum drill_status s;

	drill_lock(d);
	s = d->status;
	drill_unlock(d);
	return s;
}

const char *drill_step_state_name(enum drill_step_state s)
{
	static const char *const names[] = { "pending", "running", "passed", "failed", "skipped" };

	return s <= DRILL_STEP_SKIPPED ? names[s] : "?";
}

const char *drill_status_name(enum drill_status s)
{
	static const char *const names[] = { "active", "halted", "finished", "aborted" };

	return s <= DRILL_ABORTED ? names[s] : "?";
}

double drill_step_elapsed(const struct drill *d, int step, double now)
{
	const struct drill_step_run *st = &d->steps[step];

	if (st->started <= 0)
		return 0;
	return (st->ended > 0 ? st->ended : now) - st->started;
}

double drill_wait_left(const struct drill *d, int step, double now)
{
	const struct drill_step_run *st = &d->steps[step];

	if (d->rb->steps[step].kind != RB_WAIT || st->state != DRILL_STEP_RUNNING || st->deadline <= 0)
		return -1;
	return st->deadline > now ? st->deadline - now : 0;
}

double drill_rto(const struct drill *d)
{
	double last = 0;

	if (d->t0 <= 0)
		return -1;
	/* measured once every required phase step is through */
	for (int i = 0; i < d->rb->nsteps; i++)
		if (d->rb->steps[i].phase != RB_PHASE_NONE && !d->rb->steps[i].optional &&
		    d->steps[i].state != DRILL_STEP_PASSED && d->steps[i].state != DRILL_STEP_SKIPPED)
			return -1;
	for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT; p++)
		if (d->phase_end[p] > last)
			last = d->phase_end[p];
	if (last <= 0 && d->failover_step >= 0) {
		const struct drill_step_run *f = &d->steps[d->failover_step];

		if (f->state == DRILL_STEP_PASSED || f->state == DRILL_STEP_SKIPPED)
			last = f->ended;
	}
	return last > 0 ? last - d->t0 : -1;
}

int drill_phases(const struct drill *d, struct drill_phase *out, int max)
{
	double prev = d->t0;
	int n = 0;

	if (d->t0 <= 0)
		return 0;
	for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT && n < max; p++) {
		if (d->phase_end[p] <= 0)
			continue;
		out[n].phase = (enum rb_phase)p;
		out[n].step = d->phase_step[p];
		out[n].ended = d->phase_end[p];
		out[n].seconds = d->phase_end[p] > prev ? d->phase_end[p] - prev : 0;
		if (d->phase_end[p] > prev)
			prev = d->phase_end[p];
		n++;
	}
	return n;
}

void drill_evidence_locked(struct drill *d, int step, const char *fmt, ...)
{
	struct drill_step_run *st = &d->steps[step];
	va_list ap;

	if (st->nevidence == DRILL_EVIDENCE_LINES) {
		st->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(st->evidence[st->nevidence++], DRILL_EVIDENCE_MAX, fmt, ap);
	va_end(ap);
}

void drill_evidence(struct drill *d, int step, const char *fmt, ...)
{
	char text[DRILL_EVIDENCE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	drill_lock(d);
	drill_evidence_locked(d, step, "%s", text);
	drill_unlock(d);
}

void drill_set_result(struct drill *d, int step, const char *fmt, ...)
{
	va_list ap;

	drill_lock(d);
	va_start(ap, fmt);
	vsnprintf(d->steps[step].result, sizeof(d->steps[step].result), fmt, ap);
	va_end(ap);
	drill_unlock(d);
}

void drill_save(struct drill *d)
{
	char err[512];

	if (drill_state_save(d, err, sizeof(err)))
		events_add(d->con->events, SEV_CRITICAL, "[drill %s] the state file cannot be written: %s", d->rb->name,
			   err);
}

int drill_cancelled(struct drill *d)
{
	int c;

	drill_lock(d);
	c = d->cancel;
	drill_unlock(d);
	return c;
}

/* A snapshot from a poll that started after now (the newest one when no
 * poll ends within timeout_ms). */
struct snapshot *drill_fresh_snapshot(struct drill *d, long timeout_ms)
{
	struct snapshot *s = poller_snapshot(d->con->poller), *n;
	unsigned long seq = s ? s->seq : 0;

	poller_wake(d->con->poller);
	n = poller_wait(d->con->poller, seq, timeout_ms);
	if (n && n->seq > seq) {
		snap_unref(s);
		return n;
	}
	snap_unref(n);
	return s;
}

void drill_env_of(struct drill *d, const struct snapshot *s, struct drill_env *env)
{
	const struct config_console *cc = &d->con->cfg->console;

	env->pair = &s->pairs[d->pair];
	env->cp = &d->con->cfg->pairs[d->pair];
	env->now = drill_now();
	env->stale_after = model_stale_after(cc->refresh, cc->request_timeout);
	env->rpo_target = d->rpo_target;
	env->rto_target = d->rto_target;
	env->vars = &d->vars;
}

/* Evaluate conditions; records "[ok]"/"[FAIL]" evidence lines when record.
 * Returns the count that do not hold; *first gets the first one's text. */
int drill_eval_all(struct drill *d, int step, const struct rb_cond *conds, int n, const struct snapshot *s,
		    bool record, char *first, size_t len)
{
	struct drill_env env;
	int failed = 0;

	if (first && len)
		first[0] = '\0';
	if (!s) {
		if (first)
			snprintf(first, len, "no fresh data: no poll has finished yet");
		if (record)
			drill_evidence(d, step, "[FAIL] no poll has finished yet");
		return n;
	}
	drill_env_of(d, s, &env);
	for (int i = 0; i < n; i++) {
		char ev[DRILL_EVIDENCE_MAX];
		bool ok = drill_cond_eval(&conds[i], &env, ev, sizeof(ev));

		if (record)
			drill_evidence(d, step, "[%s] %s: %s", ok ? "ok" : "FAIL", conds[i].text, ev);
		if (!ok && !failed++ && first)
			snprintf(first, len, "%s: %s", conds[i].text, ev);
	}
	return failed;
}

void drill_event(struct drill *d, enum severity sev, const char *fmt, ...)
{
	char text[EVENT_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	events_add(d->con->events, sev, "[drill %s] %s", d->rb->name, text);
}

/* ---- one step ------------------------------------------------------------------------ */

static void end_step(struct drill *d, int i, enum drill_step_state state)
{
	const struct rb_step *rs = &d->rb->steps[i];
	struct drill_step_run *st = &d->steps[i];
	char took[40];
	enum severity sev;

	drill_lock(d);
	st->ended = drill_now();
	st->state = state;
	if (state == DRILL_STEP_SKIPPED && d->cancel) {
		st->operator_skip = true;
		snprintf(st->skip_reason, sizeof(st->skip_reason), "%s%s", d->cancel == 2 ? "drill aborted: " : "",
			 d->cancel_reason);
		snprintf(st->result, sizeof(st->result), "%s by the operator: %s",
			 d->cancel == 2 ? "stopped (drill aborted)" : "skipped", d->cancel_reason);
	}
	if (rs->phase != RB_PHASE_NONE && state != DRILL_STEP_FAILED) {
		d->phase_end[rs->phase] = st->ended;
		d->phase_step[rs->phase] = i;
	}
	if (d->cancel == 2) {
		d->status = DRILL_ABORTED;
		snprintf(d->abort_reason, sizeof(d->abort_reason), "%s", d->cancel_reason);
		d->ended = st->ended;
	} else if (state == DRILL_STEP_FAILED && !rs->optional) {
		d->status = DRILL_HALTED;
	} else {
		d->current = i + 1;
		d->status = d->current >= d->rb->nsteps ? DRILL_FINISHED : DRILL_ACTIVE;
	}
	d->cancel = 0;
	drill_fmt_duration(took, sizeof(took), st->ended - st->started);
	drill_unlock(d);
	if (rs->failover && state != DRILL_STEP_PENDING)
		drill_failover_done(d, i, state, st->result);
	sev = state == DRILL_STEP_FAILED ? (rs->optional ? SEV_WARNING : SEV_CRITICAL) : SEV_OK;
	drill_event(d, sev, "step %d/%d %s %s%s after %s: %s", i + 1, d->rb->nsteps, rs->id,
		    drill_step_state_name(state), state == DRILL_STEP_FAILED && rs->optional ? " (optional)" : "", took,
		    st->result);
	drill_save(d);
}

enum drill_step_state drill_step_next(struct drill *d, const struct drill_io *io)
{
	const struct rb_step *rs;
	struct drill_step_run *st;
	enum drill_step_state state;
	bool resumed_wait;
	char why[DRILL_EVIDENCE_MAX];
	int i;

	drill_lock(d);
	if ((d->status != DRILL_ACTIVE && d->status != DRILL_HALTED) || d->current >= d->rb->nsteps) {
		drill_unlock(d);
		return DRILL_STEP_PENDING;
	}
	i = d->current;
	rs = &d->rb->steps[i];
	st = &d->steps[i];
	resumed_wait = rs->kind == RB_WAIT && st->state == DRILL_STEP_RUNNING && st->deadline > 0;
	if (!resumed_wait) {
		st->started = drill_now();
		st->ended = 0;
		st->nevidence = st->dropped = 0;
		st->result[0] = st->comment[0] = st->skip_reason[0] = '\0';
		st->operator_skip = false;
		st->deadline = rs->kind == RB_WAIT ? st->started + (double)rs->timeout : 0;
	}
	st->state = DRILL_STEP_RUNNING;
	st->attempts++;
	d->status = DRILL_ACTIVE;
	d->cancel = 0;
	drill_unlock(d);
	drill_event(d, SEV_INFO, "step %d/%d %s (%s): %s%s", i + 1, d->rb->nsteps, rs->id, rb_step_kind_name(rs->kind),
		    st->title, resumed_wait ? " (resumed against live state)" : "");
	drill_save(d);
	if (drill_not_needed(d, i, why, sizeof(why))) {
		drill_lock(d);
		snprintf(st->skip_reason, sizeof(st->skip_reason), "%s", why);
		snprintf(st->result, sizeof(st->result), "%s", why);
		drill_unlock(d);
		end_step(d, i, DRILL_STEP_SKIPPED);
		return DRILL_STEP_SKIPPED;
	}
	switch (rs->kind) {
	case RB_CHECK: state = drill_run_check(d, i); break;
	case RB_WAIT: state = drill_run_wait(d, i); break;
	case RB_ACTION: state = drill_run_action(d, i, io); break;
	case RB_MANUAL: state = drill_run_manual(d, i, io); break;
	default: drill_set_result(d, i, "noted"); state = DRILL_STEP_PASSED; break;
	}
	if (drill_cancelled(d) == 3) {
		drill_event(d, SEV_WARNING, "step %d/%d %s interrupted; it runs again (a wait goes on) when the drill "
					    "is resumed", i + 1, d->rb->nsteps, rs->id);
		return DRILL_STEP_RUNNING;
	}
	if (drill_cancelled(d))
		state = DRILL_STEP_SKIPPED;
	end_step(d, i, state);
	return state;
}

void drill_detach(struct drill *d)
{
	drill_lock(d);
	if (d->current < d->rb->nsteps && d->steps[d->current].state == DRILL_STEP_RUNNING)
		d->cancel = 3;
	drill_unlock(d);
	drill_async_cancel_question(d);
}

int drill_skip(struct drill *d, const char *reason)
{
	struct drill_step_run *st;
	int i;

	drill_lock(d);
	if ((d->status != DRILL_ACTIVE && d->status != DRILL_HALTED) || d->current >= d->rb->nsteps) {
		drill_unlock(d);
		return -1;
	}
	i = d->current;
	st = &d->steps[i];
	if (st->state == DRILL_STEP_RUNNING) {
		d->cancel = 1;
		snprintf(d->cancel_reason, sizeof(d->cancel_reason), "%s", reason && *reason ? reason : "no reason given");
		drill_unlock(d);
		drill_async_cancel_question(d);
		return 0;
	}
	if (st->started <= 0)
		st->started = drill_now();
	st->operator_skip = true;
	snprintf(st->skip_reason, sizeof(st->skip_reason), "%s", reason && *reason ? reason : "no reason given");
	snprintf(st->result, sizeof(st->result), "skipped by the operator: %s", reason && *reason ? reason : "no reason given");
	d->cancel = 0;
	drill_unlock(d);
	end_step(d, i, DRILL_STEP_SKIPPED);
	return 0;
}

int drill_abort(struct drill *d, const char *reason)
{
	const char *why = reason && *reason ? reason : "no reason given";

	drill_lock(d);
	if (d->status == DRILL_FINISHED || d->status == DRILL_ABORTED) {
		drill_unlock(d);
		return -1;
	}
	if (d->current < d->rb->nsteps && d->steps[d->current].state == DRILL_STEP_RUNNING) {
		d->cancel = 2;
		snprintf(d->cancel_reason, sizeof(d->cancel_reason), "%s", why);
		drill_unlock(d);
		drill_async_cancel_question(d);
		return 0;
	}
	d->status = DRILL_ABORTED;
	d->ended = drill_now();
	snprintf(d->abort_reason, sizeof(d->abort_reason), "%s", why);
	drill_unlock(d);
	drill_event(d, SEV_WARNING, "aborted by %s: %s", d->operator_name, why);
	drill_save(d);
	return 0;
}
