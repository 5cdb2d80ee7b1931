/* Guided DR drills: a runbook (core/runbook.h) run step by step against a
 * console's pair, with live checks, confirmed and audited actions, waits on
 * the live snapshot, operator confirmations, a measured RTO and data-loss
 * window, a saved state to resume from, and a Markdown + JSON report.
 *
 * Synchronous use (ssisdr drill, core/drill_cli.c):
 *
 *     drill_new(&d, con, rb, &opts, err, len);    // or drill_resume()
 *     while (drill_status(d) == DRILL_ACTIVE)
 *             drill_step_next(d, &io);             // blocks for the step
 *     drill_finish(d, err, len);                   // verdict + reports
 *     drill_free(d);
 *
 * Asynchronous use (the screen, which never blocks): drill_async_start()
 * runs steps on a thread of the drill's own; the screen reads the drill
 * under drill_lock(), answers drill_question() with drill_answer(), and
 * calls drill_async_next(), drill_skip(), drill_abort(). See the end of
 * this file.
 *
 * Every field of struct drill may be read by any thread while it holds
 * drill_lock(); only the drill's functions change them. */
#ifndef CORE_DRILL_H
#define CORE_DRILL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/runbook.h"

struct console;
struct plan;

#define DRILL_EVIDENCE_LINES 32
#define DRILL_EVIDENCE_MAX 400
#define DRILL_MAX_REASONS 8
#define DRILL_QUESTION_LINES 80

enum drill_step_state {
	DRILL_STEP_PENDING = 0,
	DRILL_STEP_RUNNING,
	DRILL_STEP_PASSED,
	DRILL_STEP_FAILED,
	DRILL_STEP_SKIPPED,
};

enum drill_status {
	DRILL_ACTIVE = 0,  /* steps remain: drill_step_next() runs the current one */
	DRILL_HALTED,      /* a required step failed: retry it (drill_step_next), skip it, or abort */
	DRILL_FINISHED,    /* every step is through: drill_finish() */
	DRILL_ABORTED,     /* drill_abort(): drill_finish() */
};

/* Return codes of drill_new() and drill_resume(). */
enum drill_rc {
	DRILL_OK = 0,
	DRILL_E_FAILED = -1,     /* cannot start: err says why */
	DRILL_E_REFUSED = -2,    /* read-only console with action steps, wrong pair kind, ... */
	DRILL_E_UNFINISHED = -3, /* drill_new(): an unfinished drill of this pair and runbook exists */
	DRILL_E_NO_STATE = -4,   /* drill_resume(): nothing to resume */
	DRILL_E_PARAMS = -5,     /* a param missing, unknown or malformed */
};

struct drill_step_run {
	char title[RB_TITLE_MAX];     /* the runbook's, placeholders expanded */
	char explain[RB_TEXT_MAX];
	enum drill_step_state state;
	double started, ended;        /* wall clock; 0 = not yet */
	double deadline;              /* wait: when it times out (wall clock, kept across a resume) */
	char evidence[DRILL_EVIDENCE_LINES][DRILL_EVIDENCE_MAX]; /* what it read, planned, did */
	int nevidence;
	int dropped;                  /* evidence lines beyond the limit */
	char result[512];             /* one line: the outcome and why */
	char comment[1024];           /* manual: the operator's comment */
	char skip_reason[256];
	bool operator_skip;           /* skipped by the operator, not by skip_if or --no-optional */
	int attempts;
	char command[RB_CMD_MAX];     /* action: expanded */
	struct rb_cond require[RB_MAX_REQUIRE]; /* expanded */
	struct rb_cond skip_if[RB_MAX_SKIP_IF];
};

struct drill_finding {
	char id[40];
	enum severity severity;
	char site[64];
	char message[320];
};

struct drill_phase {
	enum rb_phase phase;
	int step;                     /* the step whose end marked it */
	double ended;
	double seconds;               /* since the previous phase's end (the first: since t0) */
};

struct drill_options {
	size_t pair;                  /* (size_t)-1: the console's current pair */
	const char *const *params;    /* "name=value" strings, or NULL */
	int nparams;
	const char *report_dir;       /* NULL: drill_default_dir() */
	const char *state_dir;        /* NULL: drill_default_dir() */
	const char *operator_name;    /* NULL: user@host */
	bool skip_optional;           /* optional steps are skipped ("--no-optional") */
	long first_poll_ms;           /* how long to wait for the first snapshot (0: 60 s) */
};

struct drill {
	pthread_mutex_t lock;
	struct console *con;
	struct runbook *rb;           /* owned; never changes */
	size_t pair;
	char pair_name[64];
	char operator_name[128];
	char state_path[RB_PATH_MAX];
	char report_dir[RB_PATH_MAX];
	struct rb_vars vars;          /* placeholders, fixed at the start */
	struct drill_step_run steps[RB_MAX_STEPS];
	int current;                  /* the step drill_step_next() runs; nsteps when done */
	enum drill_status status;
	double started, ended;
	int resumed;                  /* how many times it was resumed */
	bool skip_optional;
	long rto_target, rpo_target;  /* seconds, from the pair's configuration */
	/* measurement */
	double t0;                    /* the failover action's start; 0: not reached */
	int failover_step;            /* -1: the runbook has none */
	double lag_at_failover;       /* -1: unknown */
	double data_loss;             /* -1: unknown or not reached */
	char data_loss_basis[320];
	double phase_end[RB_PHASE_COUNT];
	int phase_step[RB_PHASE_COUNT];
	/* findings at the start and at drill_finish() */
	struct drill_finding before[MODEL_MAX_FINDINGS];
	int nbefore;
	struct drill_finding after[MODEL_MAX_FINDINGS];
	int nafter;
	bool have_after;
	char abort_reason[256];
	/* set by drill_finish() */
	bool passed;
	char reasons[DRILL_MAX_REASONS][640]; /* why it failed */
	int nreasons;
	char report_md[RB_PATH_MAX];
	char report_json[RB_PATH_MAX];
	bool reported;                /* drill_finish() wrote the reports */
	char finish_error[512];       /* drill_async_finish(): why it could not */
	/* a skip or abort asked for while a step runs */
	int cancel;                   /* 0, 1 skip, 2 abort, 3 detach */
	char cancel_reason[256];
	struct drill_async *async;
};

/* How a drill asks its operator. Called on the thread running the step. */
struct drill_io {
	/* An action's plan is ready (its lines went to line() too). Fill typed
	 * with what the operator typed (cmd_confirm compares it with
	 * plan->target) and return 0, or return -1: the step fails, not
	 * confirmed. */
	int (*confirm)(void *user, struct drill *d, const struct plan *plan, const char *prompt, char *typed,
		       size_t len);
	/* A manual step: return 0 when the operator confirms it done (comment
	 * optional), -1 when declined (the step fails). */
	int (*manual)(void *user, struct drill *d, int step, char *comment, size_t len);
	/* What actions print (plans, refusals); may be NULL. */
	void (*line)(void *user, enum severity sev, const char *text);
	void *user;
};

/* $XDG_STATE_HOME/ssisdr/drills (~/.local/state/ssisdr/drills). */
void drill_default_dir(char *out, size_t len);
/* <dir>/<pair>-<runbook>.state.json */
void drill_state_path_for(const char *dir, const char *pair, const char *runbook, char *out, size_t len);

/* Start a drill of rb (taken over, also on failure) on the pair. Waits for
 * a first snapshot, fixes the placeholders from the live roles, expands
 * every step, records the findings, writes the state file. */
int drill_new(struct drill **out, struct console *con, struct runbook *rb, const struct drill_options *o,
	      char *err, size_t errlen);
/* Take up the unfinished drill of this pair and runbook from its state
 * file: placeholders, finished steps, t0 and a wait's deadline are kept;
 * a step that was running is run again against live state. */
int drill_resume(struct drill **out, struct console *con, struct runbook *rb, const struct drill_options *o,
		 char *err, size_t errlen);
/* Unfinished drills in dir (NULL: the default): fn(user, state path, pair,
 * runbook, started). Returns the count. For "resume?" at start-up. */
int drill_unfinished(const char *dir, void (*fn)(void *user, const char *path, const char *pair,
						 const char *runbook, double started),
		     void *user);

/* Run the current step to its end (blocks: waits and operations take
 * minutes). Returns the step's new state. Also retries a failed step of a
 * halted drill. */
enum drill_step_state drill_step_next(struct drill *d, const struct drill_io *io);
/* Skip the current step with a reason (also a failed one); while it runs,
 * the step stops at its next chance (an operation already started goes on
 * in Azure). */
int drill_skip(struct drill *d, const char *reason);
/* End the drill now; it fails. While a step runs, as for skip. */
int drill_abort(struct drill *d, const char *reason);
/* The console is closing: stop the running step without ending it (it
 * stays "running" in the state file, so drill_resume() takes it up) and
 * make drill_step_next() return DRILL_STEP_RUNNING. Callable from any
 * thread, not from a signal handler. */
void drill_detach(struct drill *d);
/* The verdict, the findings after, the Markdown and JSON reports; removes
 * the state file once the reports are written. 0, or -1 with err. */
int drill_finish(struct drill *d, char *err, size_t errlen);
/* Stops the async thread if any. */
void drill_free(struct drill *d);

void drill_lock(struct drill *d);
void drill_unlock(struct drill *d);
enum drill_status drill_status(struct drill *d);
const char *drill_step_state_name(enum drill_step_state s); /* "pending" "running" ... */
const char *drill_status_name(enum drill_status s);
/* Seconds the step has run (or ran), for a timer. */
double drill_step_elapsed(const struct drill *d, int step, double now);
/* A wait's seconds left (-1: not a running wait). */
double drill_wait_left(const struct drill *d, int step, double now);
/* Measured RTO in seconds: t0 to the end of the last phase (or of the
 * failover step when the runbook marks no phase); -1 until every required
 * phase step has passed (or was skipped as not needed). While it runs, a
 * screen shows now - d->t0. */
double drill_rto(const struct drill *d);
/* The marked phases in order, with consecutive durations from t0; they
 * add up to drill_rto(). Returns the count. */
int drill_phases(const struct drill *d, struct drill_phase *out, int max);

/* ---- conditions (core/drill_cond.c) -------------------------------------- */

struct config_pair;

struct drill_env {
	const struct model_pair *pair;
	const struct config_pair *cp;
	double now;
	double stale_after;           /* seconds: model_stale_after() */
	long rpo_target, rto_target;
	const struct rb_vars *vars;   /* primary, secondary, *_ir_state */
};

/* Evaluate an expanded condition: true when it holds. evidence gets one
 * line with the values seen ("westus failover group role: primary (read
 * 2 s ago)"), or "no fresh data: ..." when what it needs is missing or
 * older than stale_after (and it does not hold). */
bool drill_cond_eval(const struct rb_cond *c, const struct drill_env *env, char *evidence, size_t len);

/* ---- asynchronous use (core/drill_async.c) -------------------------------- */

enum drill_question_kind { DRILL_Q_NONE = 0, DRILL_Q_CONFIRM, DRILL_Q_MANUAL };

struct drill_question {
	enum drill_question_kind kind;
	int step;
	char prompt[256];             /* confirm: "Type fg-ssisdb (the failover group) to confirm..." */
	char plan_title[256];
	char target[128];             /* confirm: what to type */
	char lines[DRILL_QUESTION_LINES][DRILL_EVIDENCE_MAX]; /* confirm: the plan as printed */
	int nlines;
};

/* Start the drill's thread; it waits for drill_async_next() or
 * drill_async_run(). 0 or -1. */
int drill_async_start(struct drill *d);
/* Run the current step (retry it when halted). 0, or -1 while one runs. */
int drill_async_next(struct drill *d);
/* Run steps until one fails, the drill ends, or drill_async_pause(). */
int drill_async_run(struct drill *d);
void drill_async_pause(struct drill *d);
/* drill_finish() on the drill's thread (it waits for a poll): then
 * d->reported, or d->finish_error. 0, or -1 while a step runs. */
int drill_async_finish(struct drill *d);
/* Is a step (or the finish) running on the drill's thread? */
bool drill_async_busy(struct drill *d);
/* What the running step asks, if anything (kind DRILL_Q_NONE: nothing). */
void drill_question(struct drill *d, struct drill_question *q);
/* Answer it: yes with the typed target (confirm) or a comment (manual);
 * !yes declines. */
int drill_answer(struct drill *d, bool yes, const char *text);

#endif
