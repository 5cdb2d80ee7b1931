/* Shared by the core/drill*.c files only. */
#ifndef CORE_DRILL_IMPL_H
#define CORE_DRILL_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/drill.h"
#include "core/util.h"

#define DRILL_STATE_VERSION 1

double drill_now(void);
/* "45 s", "4 min 10 s", "1 h 2 min"; "-" for a negative value. */
void drill_fmt_duration(char *out, size_t len, double seconds);
/* "2026-11-26T10:02:11Z"; "" for 0. */
void drill_fmt_time(char *out, size_t len, double t);
/* "20261126T100211Z" for file names. */
void drill_fmt_stamp(char *out, size_t len, double t);

struct snapshot;
/* A snapshot from a poll that started after the call (else the newest). */
struct snapshot *drill_fresh_snapshot(struct drill *d, long timeout_ms);
/* core/drill_async.c: a skip or abort ends the question being asked. */
void drill_async_cancel_question(struct drill *d);
/* Stops and joins the drill's thread, if it has one (drill_free). */
void drill_async_stop(struct drill *d);

/* Append one evidence line to a step (the caller holds the lock). */
void drill_evidence_locked(struct drill *d, int step, const char *fmt, ...) SSISDR_PRINTF(3, 4);

/* core/drill.c: for the steps (these take the lock themselves). */
void drill_evidence(struct drill *d, int step, const char *fmt, ...) SSISDR_PRINTF(3, 4);
void drill_set_result(struct drill *d, int step, const char *fmt, ...) SSISDR_PRINTF(3, 4);
void drill_event(struct drill *d, enum severity sev, const char *fmt, ...) SSISDR_PRINTF(3, 4);
void drill_save(struct drill *d);          /* a failure goes to the event log */
int drill_cancelled(struct drill *d);      /* d->cancel */
void drill_env_of(struct drill *d, const struct snapshot *s, struct drill_env *env);
/* Evaluate conditions; records "[ok]"/"[FAIL]" evidence lines when record.
 * Returns the count that do not hold; first gets the first one's text. */
int drill_eval_all(struct drill *d, int step, const struct rb_cond *conds, int n, const struct snapshot *s,
		   bool record, char *first, size_t len);

/* core/drill_steps.c: run step i of its kind; the new state. */
enum drill_step_state drill_run_check(struct drill *d, int i);
enum drill_step_state drill_run_wait(struct drill *d, int i);
enum drill_step_state drill_run_action(struct drill *d, int i, const struct drill_io *io);
enum drill_step_state drill_run_manual(struct drill *d, int i, const struct drill_io *io);
/* skip_if held, or an optional step under --no-optional: true and why. */
bool drill_not_needed(struct drill *d, int i, char *why, size_t len);
/* The failover step ended in state: t0 and the data-loss window. */
void drill_failover_done(struct drill *d, int i, enum drill_step_state state, const char *why);

/* core/drill_state.c: the state file, written atomically (tmp, fsync,
 * rename). save takes the lock itself. */
int drill_state_save(struct drill *d, char *err, size_t errlen);
/* Fill d (whose rb, con and pair are set) from the file. */
int drill_state_load(struct drill *d, const char *path, char *err, size_t errlen);
/* Write text to path atomically, mode 0600, creating the directory. */
int drill_write_file(const char *path, const char *text, char *err, size_t errlen);
int drill_mkdirs(const char *dir, char *err, size_t errlen);

/* core/drill_report.c */
void drill_verdict(struct drill *d);
int drill_report_write(struct drill *d, char *err, size_t errlen);

#endif
