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

/* Append one evidence line to a step (the caller holds the lock). */
void drill_evidence_locked(struct drill *d, int step, const char *fmt, ...) SSISDR_PRINTF(3, 4);

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
