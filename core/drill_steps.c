/* What each kind of step does: a check evaluates its conditions once, a
 * wait until they hold or its deadline passes, an action plans a command
 * of the table, has it confirmed, runs and follows the operation, a
 * manual step asks the operator; skip_if and --no-optional decide that a
 * step is not needed. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cmd.h"
#include "core/console.h"
#include "core/drill_impl.h"
#include "core/op.h"
#include "core/snapshot.h"
#include "core/status.h"

enum drill_step_state drill_run_check(struct drill *d, int i)
{
	struct snapshot *s = drill_fresh_snapshot(d, 30000);
	const struct drill_step_run *st = &d->steps[i];
	char first[DRILL_EVIDENCE_MAX];
	int n = d->rb->steps[i].nrequire;
	int failed = drill_eval_all(d, i, st->require, n, s, true, first, sizeof(first));

	snap_unref(s);
	if (failed)
		drill_set_result(d, i, "%d of %d condition%s not met: %s", failed, n, n == 1 ? "" : "s", first);
	else
		drill_set_result(d, i, "%d condition%s met", n, n == 1 ? "" : "s");
	return failed ? DRILL_STEP_FAILED : DRILL_STEP_PASSED;
}

/* Poll often at first, less often as a long wait (an IR start with VNet
 * injection: 25 min) goes on. */
static double wait_interval(double waited)
{
	return waited < 60 ? 1.0 : waited < 300 ? 3.0 : 10.0;
}

enum drill_step_state drill_run_wait(struct drill *d, int i)
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
		failed = drill_eval_all(d, i, st->require, n, s, true, first, sizeof(first));
		snap_unref(s);
		now = drill_now();
		drill_fmt_duration(took, sizeof(took), now - st->started);
		if (!failed) {
			drill_set_result(d, i, "held after %s", took);
			return DRILL_STEP_PASSED;
		}
		if (drill_cancelled(d))
			return DRILL_STEP_SKIPPED;
		if (now >= deadline) {
			drill_set_result(d, i, "timed out after %s; last seen: %s", took, first);
			return DRILL_STEP_FAILED;
		}
		next = now + wait_interval(now - st->started);
		if (next > deadline)
			next = deadline;
		while ((now = drill_now()) < next) {
			if (drill_cancelled(d))
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

	drill_evidence(a->d, a->step, "%s", text);
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
void drill_failover_done(struct drill *d, int i, enum drill_step_state state, const char *why)
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
	if (d->t0 <= 0 && state == DRILL_STEP_FAILED) {
		/* declined, refused or not started: nothing was failed over */
		d->data_loss = -1;
		snprintf(d->data_loss_basis, sizeof(d->data_loss_basis), "the failover was not started: %s", why);
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
		if (drill_cancelled(d)) {
			early = true;
			break;
		}
	if (early) {
		drill_evidence(d, i, "operation %u was still running when the step was stopped; it goes on in Azure (see "
			       "the log)", id);
		op_unref(op);
		return DRILL_STEP_SKIPPED;
	}
	pthread_mutex_lock(&op->lock);
	snprintf(result, sizeof(result), "%s", op->result);
	drill_fmt_duration(took, sizeof(took), op->finished - op->started);
	for (int k = 0; k < op->nrequest_ids; k++)
		drill_evidence(d, i, "ARM request id: %s", op->request_ids[k]);
	pthread_mutex_unlock(&op->lock);
	os = op_state(op);
	op_unref(op);
	drill_evidence(d, i, "operation %u %s after %s: %s", id, os == OP_SUCCEEDED ? "succeeded" : "FAILED", took, result);
	drill_set_result(d, i, "%s", result);
	return os == OP_SUCCEEDED ? DRILL_STEP_PASSED : DRILL_STEP_FAILED;
}

enum drill_step_state drill_run_action(struct drill *d, int i, const struct drill_io *io)
{
	const struct rb_step *rs = &d->rb->steps[i];
	struct act a = { .d = d, .step = i, .io = io };
	struct cmd_out out = { act_line, &a };
	struct cmd_pending *pd = NULL;
	char typed[128] = "";
	enum cmd_result r;
	struct op *op = NULL;
	bool target_ok, clock_started = false;

	if (d->con->pair != d->pair) {
		drill_set_result(d, i, "the console now shows pair %s; the drill runs on %s: switch back (pair %s)",
			   d->con->cfg->pairs[d->con->pair].name, d->pair_name, d->pair_name);
		return DRILL_STEP_FAILED;
	}
	drill_evidence(d, i, "command: %s", d->steps[i].command);
	if (rs->failover) {
		struct snapshot *s = drill_fresh_snapshot(d, 10000);
		double lag = s ? status_lag_seconds(&s->pairs[d->pair]) : -1;
		char l[40];

		snap_unref(s);
		drill_fmt_duration(l, sizeof(l), lag);
		drill_evidence(d, i, "replication lag before the failover: %s", lag >= 0 ? l : "unknown");
		drill_lock(d);
		d->lag_at_failover = lag;
		drill_unlock(d);
	}
	r = cmd_run_line(d->con, d->steps[i].command, &out, &pd);
	if (r == CMD_OK) {
		drill_set_result(d, i, "%s", a.last[0] ? a.last : "done");
		return DRILL_STEP_PASSED;
	}
	if (r != CMD_NEEDS_CONFIRM) {
		drill_set_result(d, i, "%s", a.last[0] ? a.last : "the command failed");
		return DRILL_STEP_FAILED;
	}
	if (!io || !io->confirm ||
	    io->confirm(io->user, d, cmd_pending_plan(pd), cmd_pending_prompt(pd), typed, sizeof(typed))) {
		cmd_pending_free(pd);
		if (drill_cancelled(d))
			return DRILL_STEP_SKIPPED;
		drill_set_result(d, i, "not confirmed: the operator declined the plan");
		return DRILL_STEP_FAILED;
	}
	if (drill_cancelled(d)) {
		cmd_pending_free(pd);
		return DRILL_STEP_SKIPPED;
	}
	/* The RTO clock starts when the failover does: with the right target
	 * typed, as the operation starts; a declined or refused plan starts
	 * nothing. cmd_confirm() frees pd, so the target is compared first. */
	target_ok = !strcmp(typed, cmd_pending_plan(pd)->target);
	if (rs->failover && target_ok) {
		drill_lock(d);
		if (d->t0 <= 0) {
			d->t0 = drill_now();
			clock_started = true;
		}
		drill_unlock(d);
		drill_save(d);
	}
	r = cmd_confirm(pd, typed, &op);
	if (r != CMD_STARTED || !op) {
		if (clock_started) {
			drill_lock(d);
			d->t0 = 0;
			drill_unlock(d);
		}
		if (!target_ok)
			drill_evidence(d, i, "typed %s, which is not the target: not confirmed", typed);
		drill_set_result(d, i, "%s", a.last[0] ? a.last : "the operation did not start");
		return DRILL_STEP_FAILED;
	}
	drill_evidence(d, i, "confirmed by %s (typed %s)", d->operator_name, typed);
	return wait_op(d, i, op);
}

enum drill_step_state drill_run_manual(struct drill *d, int i, const struct drill_io *io)
{
	char comment[sizeof(d->steps[i].comment)] = "";

	if (!io || !io->manual || io->manual(io->user, d, i, comment, sizeof(comment))) {
		if (drill_cancelled(d))
			return DRILL_STEP_SKIPPED;
		drill_set_result(d, i, "not confirmed by the operator");
		return DRILL_STEP_FAILED;
	}
	drill_lock(d);
	snprintf(d->steps[i].comment, sizeof(d->steps[i].comment), "%s", comment);
	drill_unlock(d);
	drill_set_result(d, i, "confirmed by %s%s%s", d->operator_name, comment[0] ? ": " : "", comment);
	return DRILL_STEP_PASSED;
}

/* skip_if / --no-optional: true (and the reason) when the step is not needed. */
bool drill_not_needed(struct drill *d, int i, char *why, size_t len)
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
	drill_env_of(d, s, &env);
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

