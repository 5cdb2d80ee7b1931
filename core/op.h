/* An operation: a confirmed mutating command running on a thread of its
 * own, reporting progress to the event log, verifying its outcome by
 * re-reading state, and auditing the result. */
#ifndef CORE_OP_H
#define CORE_OP_H

#include <pthread.h>
#include <stdbool.h>

#include "core/cmd.h"
#include "core/util.h"

struct arm_client;
struct console;

enum op_state { OP_RUNNING = 0, OP_SUCCEEDED, OP_FAILED };

#define OP_MAX_REQUEST_IDS 32

struct op {
	int refs;
	unsigned id;
	struct console *con;
	const struct cmd_def *def;
	size_t pair;
	char line[512];
	struct plan plan;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	enum op_state state;
	double started;
	double finished;
	char result[512];
	char request_ids[OP_MAX_REQUEST_IDS][64];
	int nrequest_ids;
	struct arm_client *arm;  /* the operation's own ARM client */
};

/* Start the operation (the caller has audited the confirmation). */
int op_start(struct console *con, const struct cmd_def *def, size_t pair, const char *line,
	     const struct plan *plan, struct op **out, char *err, size_t errlen);
bool op_lock_busy(struct console *con, const char *lock_key);
void op_ref(struct op *op);
void op_unref(struct op *op);
/* Wait for the end (timeout_ms < 0: forever); true when it has ended. */
bool op_wait(struct op *op, long timeout_ms);
enum op_state op_state(struct op *op);

/* For execute() functions. */
void op_progress(struct op *op, enum severity sev, const char *fmt, ...) SSISDR_PRINTF(3, 4);
void op_request_id(struct op *op, const char *id);
int op_fail(struct op *op, const char *fmt, ...) SSISDR_PRINTF(2, 3);  /* returns -1 */
int op_succeed(struct op *op, const char *fmt, ...) SSISDR_PRINTF(2, 3); /* returns 0 */
/* Ask the poller for fresh data until pred holds (or timeout_s passes). */
int op_verify(struct op *op, bool (*pred)(const struct model_pair *pair, const struct op *op),
	      long timeout_s, const char *what);

#endif
