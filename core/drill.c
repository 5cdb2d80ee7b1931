/* The drill runner: one step at a time, each ended as passed, failed or
 * skipped with the evidence it read, saved to the state file after every
 * change. Starting and resuming a drill are in drill_setup.c, the
 * conditions in drill_cond.c. */
#include <config.h>

#include "core/drill.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cmd.h"
#include "core/console.h"
#include "core/drill_impl.h"
#include "core/events.h"
#include "core/op.h"
#include "core/poller.h"
#include "core/snapshot.h"
#include "core/status.h"

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

static void fmt_utc(char *out, size_t len, double t, const char *fmt)
{
	time_t secs = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&secs, &tm)) {
		if (len)
			out[0] = '\0';
		return;
	}
	strftime(out, len, fmt, &tm);
}

void drill_fmt_time(char *out, size_t len, double t)
{
	fmt_utc(out, len, t, "%Y-%m-%dT%H:%M:%SZ");
}

void drill_fmt_stamp(char *out, size_t len, double t)
{
	fmt_utc(out, len, t, "%Y%m%dT%H%M%SZ");
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

static void evidence(struct drill *d, int step, const char *fmt, ...) SSISDR_PRINTF(3, 4);

static void evidence(struct drill *d, int step, const char *fmt, ...)
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

static void set_result(struct drill *d, int step, const char *fmt, ...) SSISDR_PRINTF(3, 4);

static void set_result(struct drill *d, int step, const char *fmt, ...)
{
	va_list ap;

	drill_lock(d);
	va_start(ap, fmt);
	vsnprintf(d->steps[step].result, sizeof(d->steps[step].result), fmt, ap);
	va_end(ap);
	drill_unlock(d);
}

static void save(struct drill *d)
{
	char err[512];

	if (drill_state_save(d, err, sizeof(err)))
		events_add(d->con->events, SEV_CRITICAL, "[drill %s] the state file cannot be written: %s", d->rb->name,
			   err);
}

static int cancelled(struct drill *d)
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

static void env_of(struct drill *d, const struct snapshot *s, struct drill_env *env)
{
	long refresh = d->con->cfg->console.refresh;

	env->pair = &s->pairs[d->pair];
	env->cp = &d->con->cfg->pairs[d->pair];
	env->now = drill_now();
	env->stale_after = 3.0 * (double)(refresh < 1 ? 1 : refresh);
	env->rpo_target = d->rpo_target;
	env->rto_target = d->rto_target;
	env->vars = &d->vars;
}

/* Evaluate conditions; records "[ok]"/"[FAIL]" evidence lines when record.
 * Returns the count that do not hold; *first gets the first one's text. */
static int eval_all(struct drill *d, int step, const struct rb_cond *conds, int n, const struct snapshot *s,
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
			evidence(d, step, "[FAIL] no poll has finished yet");
		return n;
	}
	env_of(d, s, &env);
	for (int i = 0; i < n; i++) {
		char ev[DRILL_EVIDENCE_MAX];
		bool ok = drill_cond_eval(&conds[i], &env, ev, sizeof(ev));

		if (record)
			evidence(d, step, "[%s] %s: %s", ok ? "ok" : "FAIL", conds[i].text, ev);
		if (!ok && !failed++ && first)
			snprintf(first, len, "%s: %s", conds[i].text, ev);
	}
	return failed;
}

static void drill_event(struct drill *d, enum severity sev, const char *fmt, ...) SSISDR_PRINTF(3, 4);

static void drill_event(struct drill *d, enum severity sev, const char *fmt, ...)
{
	char text[EVENT_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	events_add(d->con->events, sev, "[drill %s] %s", d->rb->name, text);
}

/* ---- the kinds of step ------------------------------------------------------------ */

static enum drill_step_state run_check(struct drill *d, int i)
{
	struct snapshot *s = drill_fresh_snapshot(d, 30000);
	const struct drill_step_run *st = &d->steps[i];
	char first[DRILL_EVIDENCE_MAX];
	int n = d->rb->steps[i].nrequire;
	int failed = eval_all(d, i, st->require, n, s, true, first, sizeof(first));

	snap_unref(s);
	if (failed)
		set_result(d, i, "%d of %d condition%s not met: %s", failed, n, n == 1 ? "" : "s", first);
	else
		set_result(d, i, "%d condition%s met", n, n == 1 ? "" : "s");
	return failed ? DRILL_STEP_FAILED : DRILL_STEP_PASSED;
}

/* Poll often at first, less often as a long wait (an IR start with VNet
 * injection: 25 min) goes on. */
static double wait_interval(double waited)
{
	return waited < 60 ? 1.0 : waited < 300 ? 3.0 : 10.0;
}

static enum drill_step_state run_wait(struct drill *d, int i)
{
	struct drill_step_run *st = &d->steps[i];
	const int n = d->rb->steps[i].nrequire;
	double deadline, next;
	int base;

	drill_lock(d);
	deadline = st->deadline;
	base = st->nevidence;
	drill_unlock(d);
	for (;;) {
		struct snapshot *s = drill_fresh_snapshot(d, 10000);
		char first[DRILL_EVIDENCE_MAX], took[40];
		double now;
		int failed;

		drill_lock(d);
		st->nevidence = base;
		st->dropped = 0;
		drill_unlock(d);
		failed = eval_all(d, i, st->require, n, s, true, first, sizeof(first));
		snap_unref(s);
		now = drill_now();
		drill_fmt_duration(took, sizeof(took), now - st->started);
		if (!failed) {
			set_result(d, i, "held after %s", took);
			return DRILL_STEP_PASSED;
		}
		if (cancelled(d))
			return DRILL_STEP_SKIPPED;
		if (now >= deadline) {
			set_result(d, i, "timed out after %s; last seen: %s", took, first);
			return DRILL_STEP_FAILED;
		}
		next = now + wait_interval(now - st->started);
		if (next > deadline)
			next = deadline;
		while ((now = drill_now()) < next) {
			if (cancelled(d))
				return DRILL_STEP_SKIPPED;
			usleep((useconds_t)((next - now > 0.2 ? 0.2 : next - now) * 1e6));
		}
	}
}

struct act {
	struct drill *d;
	int step;
	const struct drill_io *io;
	char last[DRILL_EVIDENCE_MAX];
};

static void act_line(void *user, enum severity sev, const char *text)
{
	struct act *a = user;

	evidence(a->d, a->step, "%s", text);
	snprintf(a->last, sizeof(a->last), "%s", text);
	if (a->io && a->io->line)
		a->io->line(a->io->user, sev, text);
}

static bool has_word(const char *line, const char *word)
{
	size_t l = strlen(word);

	for (const char *p = strstr(line, word); p; p = strstr(p + 1, word))
		if ((p == line || p[-1] == ' ') && (p[l] == '\0' || p[l] == ' '))
			return true;
	return false;
}

/* The failover action ended (state): t0 and the data-loss window. */
static void failover_done(struct drill *d, int i, enum drill_step_state state, const char *why)
{
	const char *cmd = d->steps[i].command;
	bool is_failover = !strncmp(cmd, "failover", 8) && (cmd[8] == '\0' || cmd[8] == ' ');
	const struct drill_step_run *st = &d->steps[i];
	char lag[40];

	drill_lock(d);
	drill_fmt_duration(lag, sizeof(lag), d->lag_at_failover);
	if (state == DRILL_STEP_SKIPPED && d->t0 <= 0) {
		/* not needed (skip_if), or left out by the operator: nothing was failed over */
		if (!st->operator_skip)
			d->t0 = st->ended;
		d->data_loss = st->operator_skip ? -1 : 0;
		snprintf(d->data_loss_basis, sizeof(d->data_loss_basis), "the failover step was skipped: %s",
			 st->skip_reason);
		drill_unlock(d);
		return;
	}
	if (d->t0 <= 0)
		d->t0 = st->ended > 0 ? st->ended : drill_now();
	if (state == DRILL_STEP_FAILED) {
		d->data_loss = -1;
		snprintf(d->data_loss_basis, sizeof(d->data_loss_basis), "the failover did not complete: %s", why);
	} else if (!is_failover) {
		d->data_loss = 0;
		snprintf(d->data_loss_basis, sizeof(d->data_loss_basis),
			 "no SSISDB failover (%s): the data stays where it is", cmd);
	} else if (has_word(cmd, "--force") || has_word(cmd, "--try-planned")) {
		d->data_loss = d->lag_at_failover;
		snprintf(d->data_loss_basis, sizeof(d->data_loss_basis),
			 "%s failover: up to the replication lag at the failover (%s)",
			 has_word(cmd, "--force") ? "forced" : "planned-then-forced",
			 d->lag_at_failover >= 0 ? lag : "unknown");
	} else {
		d->data_loss = 0;
		snprintf(d->data_loss_basis, sizeof(d->data_loss_basis),
			 "planned failover %s: no data loss (replication lag at the failover: %s)",
			 state == DRILL_STEP_SKIPPED ? "already done" : "succeeded",
			 d->lag_at_failover >= 0 ? lag : "unknown");
	}
	drill_unlock(d);
}

static enum drill_step_state wait_op(struct drill *d, int i, struct op *op)
{
	char result[sizeof(op->result)], took[40];
	enum op_state os;
	unsigned id = op->id;
	bool early = false;

	while (!op_wait(op, 500))
		if (cancelled(d)) {
			early = true;
			break;
		}
	if (early) {
		evidence(d, i, "operation %u was still running when the step was stopped; it goes on in Azure (see "
			       "the log)", id);
		op_unref(op);
		return DRILL_STEP_SKIPPED;
	}
	pthread_mutex_lock(&op->lock);
	snprintf(result, sizeof(result), "%s", op->result);
	drill_fmt_duration(took, sizeof(took), op->finished - op->started);
	for (int k = 0; k < op->nrequest_ids; k++)
		evidence(d, i, "ARM request id: %s", op->request_ids[k]);
	pthread_mutex_unlock(&op->lock);
	os = op_state(op);
	op_unref(op);
	evidence(d, i, "operation %u %s after %s: %s", id, os == OP_SUCCEEDED ? "succeeded" : "FAILED", took, result);
	set_result(d, i, "%s", result);
	return os == OP_SUCCEEDED ? DRILL_STEP_PASSED : DRILL_STEP_FAILED;
}

static enum drill_step_state run_action(struct drill *d, int i, const struct drill_io *io)
{
	const struct rb_step *rs = &d->rb->steps[i];
	struct act a = { .d = d, .step = i, .io = io };
	struct cmd_out out = { act_line, &a };
	struct cmd_pending *pd = NULL;
	char typed[128] = "";
	enum cmd_result r;
	struct op *op = NULL;

	if (d->con->pair != d->pair) {
		set_result(d, i, "the console now shows pair %s; the drill runs on %s: switch back (pair %s)",
			   d->con->cfg->pairs[d->con->pair].name, d->pair_name, d->pair_name);
		return DRILL_STEP_FAILED;
	}
	evidence(d, i, "command: %s", d->steps[i].command);
	if (rs->failover) {
		struct snapshot *s = drill_fresh_snapshot(d, 10000);
		double lag = s ? status_lag_seconds(&s->pairs[d->pair]) : -1;
		char l[40];

		snap_unref(s);
		drill_fmt_duration(l, sizeof(l), lag);
		evidence(d, i, "replication lag before the failover: %s", lag >= 0 ? l : "unknown");
		drill_lock(d);
		d->lag_at_failover = lag;
		drill_unlock(d);
	}
	r = cmd_run_line(d->con, d->steps[i].command, &out, &pd);
	if (r == CMD_OK) {
		set_result(d, i, "%s", a.last[0] ? a.last : "done");
		return DRILL_STEP_PASSED;
	}
	if (r != CMD_NEEDS_CONFIRM) {
		set_result(d, i, "%s", a.last[0] ? a.last : "the command failed");
		return DRILL_STEP_FAILED;
	}
	if (!io || !io->confirm ||
	    io->confirm(io->user, d, cmd_pending_plan(pd), cmd_pending_prompt(pd), typed, sizeof(typed))) {
		cmd_pending_free(pd);
		if (cancelled(d))
			return DRILL_STEP_SKIPPED;
		set_result(d, i, "not confirmed: the operator declined the plan");
		return DRILL_STEP_FAILED;
	}
	if (cancelled(d)) {
		cmd_pending_free(pd);
		return DRILL_STEP_SKIPPED;
	}
	if (rs->failover) {
		drill_lock(d);
		if (d->t0 <= 0)
			d->t0 = drill_now();
		drill_unlock(d);
		save(d);
	}
	r = cmd_confirm(pd, typed, &op);
	if (r != CMD_STARTED || !op) {
		set_result(d, i, "%s", a.last[0] ? a.last : "the operation did not start");
		return DRILL_STEP_FAILED;
	}
	evidence(d, i, "confirmed by %s; operation %u started", d->operator_name, op->id);
	return wait_op(d, i, op);
}

static enum drill_step_state run_manual(struct drill *d, int i, const struct drill_io *io)
{
	char comment[sizeof(d->steps[i].comment)] = "";

	if (!io || !io->manual || io->manual(io->user, d, i, comment, sizeof(comment))) {
		if (cancelled(d))
			return DRILL_STEP_SKIPPED;
		set_result(d, i, "not confirmed by the operator");
		return DRILL_STEP_FAILED;
	}
	drill_lock(d);
	snprintf(d->steps[i].comment, sizeof(d->steps[i].comment), "%s", comment);
	drill_unlock(d);
	set_result(d, i, "confirmed by %s%s%s", d->operator_name, comment[0] ? ": " : "", comment);
	return DRILL_STEP_PASSED;
}

/* skip_if / --no-optional: true (and the reason) when the step is not needed. */
static bool not_needed(struct drill *d, int i, char *why, size_t len)
{
	const struct rb_step *rs = &d->rb->steps[i];
	struct snapshot *s;
	struct drill_env env;

	if (rs->optional && d->skip_optional) {
		snprintf(why, len, "optional step left out (--no-optional)");
		return true;
	}
	if (!rs->nskip_if)
		return false;
	s = drill_fresh_snapshot(d, 30000);
	if (!s)
		return false;
	env_of(d, s, &env);
	for (int k = 0; k < rs->nskip_if; k++) {
		char ev[DRILL_EVIDENCE_MAX];

		if (drill_cond_eval(&d->steps[i].skip_if[k], &env, ev, sizeof(ev))) {
			snprintf(why, len, "not needed: %s (%s)", d->steps[i].skip_if[k].text, ev);
			snap_unref(s);
			return true;
		}
	}
	snap_unref(s);
	return false;
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
		failover_done(d, i, state, st->result);
	sev = state == DRILL_STEP_FAILED ? (rs->optional ? SEV_WARNING : SEV_CRITICAL) : SEV_OK;
	drill_event(d, sev, "step %d/%d %s %s%s after %s: %s", i + 1, d->rb->nsteps, rs->id,
		    drill_step_state_name(state), state == DRILL_STEP_FAILED && rs->optional ? " (optional)" : "", took,
		    st->result);
	save(d);
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
		    rs->title, resumed_wait ? " (resumed against live state)" : "");
	save(d);
	if (not_needed(d, i, why, sizeof(why))) {
		drill_lock(d);
		snprintf(st->skip_reason, sizeof(st->skip_reason), "%s", why);
		snprintf(st->result, sizeof(st->result), "%s", why);
		drill_unlock(d);
		end_step(d, i, DRILL_STEP_SKIPPED);
		return DRILL_STEP_SKIPPED;
	}
	switch (rs->kind) {
	case RB_CHECK: state = run_check(d, i); break;
	case RB_WAIT: state = run_wait(d, i); break;
	case RB_ACTION: state = run_action(d, i, io); break;
	case RB_MANUAL: state = run_manual(d, i, io); break;
	default: set_result(d, i, "noted"); state = DRILL_STEP_PASSED; break;
	}
	if (cancelled(d))
		state = DRILL_STEP_SKIPPED;
	end_step(d, i, state);
	return state;
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
	snprintf(st->result, sizeof(st->result), "skipped by the operator: %s", st->skip_reason);
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
	save(d);
	return 0;
}
