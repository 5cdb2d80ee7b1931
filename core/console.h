/* A console session: the configuration, the poller and its snapshots, the
 * event log, the audit log, the running operations and, on the screen, the
 * drill being run (`drill RUNBOOK`, core/cmd_drill.c). The screen, `exec`
 * and drills each open one. */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/events.h"
#include "core/snapshot.h"

struct auth;
struct audit;
struct drill;
struct poller;
struct op;

#define CONSOLE_MAX_OPS 64

struct console {
	const struct ssisdr_config *cfg;
	struct auth *auth;
	struct poller *poller;
	struct events *events;
	struct audit *audit;
	char audit_error[512];   /* why the audit log is not open */
	bool read_only;
	size_t pair;             /* the pair commands act on */
	pthread_mutex_t ops_lock;
	struct op *ops[CONSOLE_MAX_OPS];
	int nops;
	unsigned next_op_id;
	/* Set by the screen: commands run interactively, so `drill RUNBOOK`
	 * may start a drill here (exec refuses it: ssisdr drill --yes). */
	bool interactive;
	/* The drill running in this console (one at a time), or NULL; read and
	 * set under ops_lock (console_drill*). Started by the drill command;
	 * released by the screen once its report is written, or by
	 * console_close(), which leaves an unfinished drill resumable. */
	struct drill *drill;
};

/* Opens everything; the poller runs on its thread when start_poller. */
int console_open(struct console *con, const struct ssisdr_config *cfg, bool read_only,
		 bool start_poller, char *err, size_t errlen);
void console_close(struct console *con);
/* The newest snapshot (snap_unref it); waits for the first one up to
 * timeout_ms. */
struct snapshot *console_snapshot(struct console *con, long timeout_ms);
/* Operations still running. */
int console_running_ops(struct console *con);
/* The console's drill, or NULL. Only the thread that runs the console's
 * commands (the screen's) attaches or releases it, so the pointer stays
 * valid on that thread until it does. */
struct drill *console_drill(struct console *con);
/* Make d the console's drill: 0, or -1 when it already has one. */
int console_drill_attach(struct console *con, struct drill *d);
/* Detach the console's drill and return it (the caller drill_free()s it). */
struct drill *console_drill_release(struct console *con);
/* Default audit path: $XDG_STATE_HOME/ssisdr/audit.jsonl. */
void console_default_audit_path(char *out, size_t len);

#endif
