/* drill: a guided DR drill (core/drill.h) in the console. `drill RUNBOOK`
 * checks, creates (or resumes) and starts the drill on a thread of its own
 * and makes it the console's drill; `drill next|run|pause|skip|abort|status`
 * steer it from the prompt (the screen has keys for the same). The drill's
 * action steps go through cmd_run_line() and cmd_confirm() themselves,
 * which enforce read-only mode and write the audit log; this command
 * changes nothing in Azure or SQL.
 *
 * A drill needs someone to answer its questions, so it runs only on the
 * screen (console->interactive); `ssisdr exec` refuses it. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cmd_impl.h"
#include "core/drill.h"
#include "core/snapshot.h"

static const char *const subcommands[] = { "next", "run", "pause", "skip", "abort", "status", NULL };

static bool is_subcommand(const char *word)
{
	for (int i = 0; subcommands[i]; i++)
		if (!strcmp(subcommands[i], word))
			return true;
	return false;
}

static bool has_flag(const struct cmd_call *call, const char *flag)
{
	for (int i = 0; i < call->nflags; i++)
		if (!strcmp(call->flags[i], flag))
			return true;
	return false;
}

static enum cmd_result usage(struct cmd_call *call, const char *why)
{
	cmd_print(&call->out, SEV_WARNING, "%s", why);
	cmd_print(&call->out, SEV_INFO, "usage: %s [--resume | --discard] [--no-optional]", call->def->usage);
	cmd_print(&call->out, SEV_INFO, "       drill next | run | pause | skip REASON | abort REASON | status");
	return CMD_USAGE;
}

/* "4 min 10 s" */
static void duration(char *out, size_t len, double secs)
{
	long t = secs < 0 ? 0 : (long)(secs + 0.5);

	if (t < 60)
		snprintf(out, len, "%ld s", t);
	else if (t < 3600)
		snprintf(out, len, t % 60 ? "%ld min %ld s" : "%ld min", t / 60, t % 60);
	else
		snprintf(out, len, t % 3600 / 60 ? "%ld h %ld min" : "%ld h", t / 3600, t % 3600 / 60);
}

static double now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- listing ------------------------------------------------------------------ */

static void list_one(void *user, const char *name, const char *path)
{
	struct cmd_call *call = user;
	char err[512];
	struct runbook *rb = runbook_load(path, err, sizeof(err));

	if (rb)
		cmd_print(&call->out, SEV_INFO, "  %-18s %-5s %s", name, rb_kind_name(rb->kind), rb->title);
	else
		cmd_print(&call->out, SEV_WARNING, "  %-18s rejected: %s", name, err);
	runbook_free(rb);
}

static void print_status(struct cmd_call *call, struct drill *d)
{
	double now = now_wall();
	char el[40], left[40];

	drill_lock(d);
	cmd_print(&call->out, SEV_INFO, "drill %s on pair %s: %s, step %d of %d%s", d->rb->name, d->pair_name,
		  drill_status_name(d->status), d->current < d->rb->nsteps ? d->current + 1 : d->rb->nsteps,
		  d->rb->nsteps, d->resumed ? " (resumed)" : "");
	for (int i = 0; i < d->rb->nsteps; i++) {
		const struct drill_step_run *st = &d->steps[i];
		double wl = drill_wait_left(d, i, now);

		duration(el, sizeof(el), drill_step_elapsed(d, i, now));
		duration(left, sizeof(left), wl);
		cmd_print(&call->out, st->state == DRILL_STEP_FAILED ? SEV_WARNING : SEV_INFO,
			  "%s%2d. %-7s %-26s %s%s%s%s", i == d->current ? ">" : " ", i + 1,
			  drill_step_state_name(st->state), d->rb->steps[i].id, st->started > 0 ? el : "",
			  wl >= 0 ? ", " : "", wl >= 0 ? left : "", wl >= 0 ? " left" : "");
		if (st->result[0])
			cmd_print(&call->out, SEV_INFO, "              %s", st->result);
	}
	if (d->t0 > 0) {
		double rto = drill_rto(d);

		duration(el, sizeof(el), rto >= 0 ? rto : now - d->t0);
		cmd_print(&call->out, SEV_INFO, "RTO %s%s (target %ld s)", rto >= 0 ? "" : "clock running: ", el,
			  d->rto_target);
	}
	drill_unlock(d);
}

/* ---- steering the running drill ----------------------------------------------- */

static void join_words(char *out, size_t len, char **words, int n)
{
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? " " : "", words[i]);
}

/* Is the current step running? cur: the current step; ended: the drill is over. */
static bool step_running(struct drill *d, int *cur, bool *ended)
{
	bool running;

	drill_lock(d);
	*cur = d->current;
	*ended = d->status == DRILL_FINISHED || d->status == DRILL_ABORTED;
	running = d->current < d->rb->nsteps && d->steps[d->current].state == DRILL_STEP_RUNNING;
	drill_unlock(d);
	return running;
}

static enum cmd_result steer(struct cmd_call *call, struct drill *d)
{
	const char *sub = call->argv[0];
	char reason[256];
	bool ended, running;
	int cur;

	if (call->nflags)
		return usage(call, "drill: the options go with drill RUNBOOK");
	if (!strcmp(sub, "status")) {
		print_status(call, d);
		return CMD_OK;
	}
	running = step_running(d, &cur, &ended);
	if (ended) {
		cmd_print(&call->out, SEV_INFO, "the drill is over; its report is being written");
		return CMD_REFUSED;
	}
	if (!strcmp(sub, "pause")) {
		drill_async_pause(d);
		cmd_print(&call->out, SEV_INFO, "the drill stops after the current step");
		return CMD_OK;
	}
	if (!strcmp(sub, "next") || !strcmp(sub, "run")) {
		if (call->argc > 1)
			return usage(call, "drill next and drill run take no argument");
		if (drill_async_busy(d) || (!strcmp(sub, "next") ? drill_async_next(d) : drill_async_run(d))) {
			cmd_print(&call->out, SEV_WARNING, "step %d %s is still running: wait for it, or skip or abort it",
				  cur + 1, d->rb->steps[cur].id);
			return CMD_REFUSED;
		}
		cmd_print(&call->out, SEV_INFO, "%s step %d/%d %s%s", !strcmp(sub, "next") ? "running" : "running from",
			  cur + 1, d->rb->nsteps, d->rb->steps[cur].id,
			  !strcmp(sub, "run") ? " until a step fails or the drill ends (drill pause stops it)" : "");
		return CMD_OK;
	}
	/* skip, abort */
	if (call->argc < 2)
		return usage(call, !strcmp(sub, "skip") ? "drill skip needs a reason (it goes into the report)"
							: "drill abort needs a reason (it goes into the report)");
	join_words(reason, sizeof(reason), call->argv + 1, call->argc - 1);
	if (!running && drill_async_busy(d)) {
		cmd_print(&call->out, SEV_WARNING, "step %d %s is starting; try again in a moment", cur + 1,
			  d->rb->steps[cur].id);
		return CMD_REFUSED;
	}
	if (!strcmp(sub, "skip")) {
		if (drill_skip(d, reason)) {
			cmd_print(&call->out, SEV_WARNING, "no step to skip");
			return CMD_ERROR;
		}
		cmd_print(&call->out, SEV_INFO, "step %d %s %s: %s", cur + 1, d->rb->steps[cur].id,
			  running ? "stops at its next chance and is skipped (an operation already started goes on "
				    "in Azure)" : "skipped",
			  reason);
		return CMD_OK;
	}
	if (drill_abort(d, reason)) {
		cmd_print(&call->out, SEV_WARNING, "the drill is already over");
		return CMD_ERROR;
	}
	cmd_print(&call->out, SEV_WARNING, "drill %s aborted%s: %s", d->rb->name,
		  running ? " (the running step stops at its next chance)" : "", reason);
	return CMD_OK;
}

/* ---- starting one --------------------------------------------------------------- */

static enum cmd_result refused_by(struct cmd_call *call, int rc, const char *err, const char *name)
{
	switch (rc) {
	case DRILL_E_UNFINISHED:
		cmd_print(&call->out, SEV_WARNING, "%s", err);
		cmd_print(&call->out, SEV_WARNING, "go on with it: drill %s --resume    or start over: drill %s --discard",
			  name, name);
		return CMD_REFUSED;
	case DRILL_E_REFUSED:
		cmd_print(&call->out, SEV_WARNING, "%s", err);
		return CMD_REFUSED;
	case DRILL_E_PARAMS:
		return usage(call, err);
	default:
		cmd_print(&call->out, SEV_WARNING, "drill: %s", err);
		return CMD_ERROR;
	}
}

static void discard(struct cmd_call *call, const struct runbook *rb)
{
	char dir[RB_PATH_MAX], path[RB_PATH_MAX * 2];

	drill_default_dir(dir, sizeof(dir));
	drill_state_path_for(dir, call->con->cfg->pairs[call->pair].name, rb->name, path, sizeof(path));
	if (unlink(path) == 0)
		cmd_print(&call->out, SEV_INFO, "discarded the unfinished drill in %s", path);
	else if (errno != ENOENT)
		cmd_print(&call->out, SEV_WARNING, "cannot remove %s: %s", path, strerror(errno));
}

static enum cmd_result start(struct cmd_call *call)
{
	const char *name = call->argv[0];
	const char *params[RB_MAX_PARAMS];
	bool resume = has_flag(call, "--resume"), drop = has_flag(call, "--discard");
	struct drill_options o = { .pair = (size_t)-1, .skip_optional = has_flag(call, "--no-optional"),
				   .first_poll_ms = 1 };
	char path[RB_PATH_MAX], err[2048];
	struct runbook *rb;
	struct drill *d = NULL;
	int np = 0, rc;

	for (int i = 1; i < call->argc; i++) {
		if (!strchr(call->argv[i], '=') || call->argv[i][0] == '=')
			return usage(call, "drill: after the runbook, parameters are NAME=VALUE");
		if (np == RB_MAX_PARAMS)
			return usage(call, "drill: too many parameters");
		params[np++] = call->argv[i];
	}
	if (resume && drop)
		return usage(call, "drill: --resume and --discard exclude each other");
	if (resume && (np || o.skip_optional))
		return usage(call, "drill: a resumed drill keeps the parameters and options it started with");
	if ((d = console_drill(call->con))) {
		cmd_print(&call->out, SEV_WARNING,
			  "refused: drill %s is running (one drill at a time); finish it, or: drill abort REASON",
			  d->rb->name);
		return CMD_REFUSED;
	}
	if (runbook_find(name, path, sizeof(path), err, sizeof(err)) || !(rb = runbook_load(path, err, sizeof(err)))) {
		cmd_print(&call->out, SEV_WARNING, "drill: %s", err);
		cmd_print(&call->out, SEV_WARNING, "drill: runbook rejected; nothing was run (drill lists the runbooks)");
		return CMD_ERROR;
	}
	if (drop)
		discard(call, rb);
	o.params = params;
	o.nparams = np;
	/* rb is taken over by the drill, also on failure */
	rc = resume ? drill_resume(&d, call->con, rb, &o, err, sizeof(err))
		    : drill_new(&d, call->con, rb, &o, err, sizeof(err));
	if (rc == DRILL_E_FAILED && !resume && !call->snap) /* never waited for here: the screen does not block */
		snprintf(err, sizeof(err), "no data yet: a drill starts from live state, and the first poll has not "
					   "finished (try again in a moment)");
	if (rc != DRILL_OK)
		return refused_by(call, rc, err, name);
	if (drill_async_start(d)) {
		cmd_print(&call->out, SEV_CRITICAL, "drill: cannot start the drill's thread; it is saved in %s",
			  d->state_path);
		drill_free(d);
		return CMD_ERROR;
	}
	if (console_drill_attach(call->con, d)) {
		cmd_print(&call->out, SEV_WARNING, "refused: another drill started meanwhile; this one is saved in %s",
			  d->state_path);
		drill_free(d);
		return CMD_REFUSED;
	}
	cmd_print(&call->out, SEV_INFO, "drill %s on pair %s%s: %d steps, progress saved in %s", d->rb->name,
		  d->pair_name, resume ? " resumed" : "", d->rb->nsteps, d->state_path);
	cmd_print(&call->out, SEV_INFO, "steer it with the keys of the drill view (n next, r run, s skip, a abort) "
					"or: drill next | run | pause | skip REASON | abort REASON | status");
	return CMD_OK;
}

enum cmd_result cmd_drill_run(struct cmd_call *call)
{
	struct drill *d;

	if (!call->con->interactive) {
		cmd_print(&call->out, SEV_WARNING,
			  "refused: a drill asks its operator as it goes, and exec does not; use: ssisdr drill RUNBOOK "
			  "--yes");
		return CMD_REFUSED;
	}
	d = console_drill(call->con);
	if (call->argc == 0) {
		if (call->nflags)
			return usage(call, "drill: which runbook?");
		if (d) {
			print_status(call, d);
			return CMD_OK;
		}
		cmd_print(&call->out, SEV_INFO, "usage: %s [--resume | --discard] [--no-optional]", call->def->usage);
		cmd_print(&call->out, SEV_INFO, "runbooks:");
		if (!runbook_list(list_one, call))
			cmd_print(&call->out, SEV_WARNING, "  none found (see ssisdr-runbook(5), SSISDR_RUNBOOK_PATH)");
		return CMD_OK;
	}
	if (is_subcommand(call->argv[0])) {
		if (!d) {
			cmd_print(&call->out, SEV_WARNING, "no drill is running; start one: drill RUNBOOK");
			return CMD_ERROR;
		}
		return steer(call, d);
	}
	return start(call);
}

/* Completion of drill's first word: the subcommands while a drill runs,
 * else the runbooks. */
struct adder {
	void (*add)(void *ctx, const char *word);
	void *ctx;
};

static void add_runbook(void *user, const char *name, const char *path)
{
	struct adder *a = user;

	a->add(a->ctx, name);
	(void)path;
}

void cmd_drill_complete(struct console *con, void (*add)(void *ctx, const char *word), void *ctx)
{
	struct adder pass = { add, ctx };

	if (console_drill(con)) {
		for (int i = 0; subcommands[i]; i++)
			add(ctx, subcommands[i]);
		return;
	}
	runbook_list(add_runbook, &pass);
}
