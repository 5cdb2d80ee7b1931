#include <config.h>

#include "core/op.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/cmd_impl.h"
#include "core/console.h"
#include "core/poller.h"

void op_ref(struct op *op)
{
	__atomic_add_fetch(&op->refs, 1, __ATOMIC_RELAXED);
}

void op_unref(struct op *op)
{
	if (!op || __atomic_sub_fetch(&op->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	arm_client_free(op->arm);
	pthread_cond_destroy(&op->done_cond);
	pthread_mutex_destroy(&op->lock);
	free(op);
}

enum op_state op_state(struct op *op)
{
	enum op_state s;

	pthread_mutex_lock(&op->lock);
	s = op->state;
	pthread_mutex_unlock(&op->lock);
	return s;
}

bool op_wait(struct op *op, long timeout_ms)
{
	struct timespec until = util_deadline_ms(timeout_ms);
	bool done;

	pthread_mutex_lock(&op->lock);
	while (op->state == OP_RUNNING) {
		if (timeout_ms < 0)
			pthread_cond_wait(&op->done_cond, &op->lock);
		else if (pthread_cond_timedwait(&op->done_cond, &op->lock, &until))
			break;
	}
	done = op->state != OP_RUNNING;
	pthread_mutex_unlock(&op->lock);
	return done;
}

void op_progress(struct op *op, enum severity sev, const char *fmt, ...)
{
	char text[EVENT_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	events_add(op->con->events, sev, "[op %u %s] %s", op->id, op->def->name, text);
}

void op_request_id(struct op *op, const char *id)
{
	if (!id || !*id)
		return;
	pthread_mutex_lock(&op->lock);
	if (op->nrequest_ids < OP_MAX_REQUEST_IDS)
		snprintf(op->request_ids[op->nrequest_ids++], sizeof(op->request_ids[0]), "%s", id);
	pthread_mutex_unlock(&op->lock);
}

static void set_result(struct op *op, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&op->lock);
	vsnprintf(op->result, sizeof(op->result), fmt, ap);
	pthread_mutex_unlock(&op->lock);
}

int op_fail(struct op *op, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_result(op, fmt, ap);
	va_end(ap);
	return -1;
}

int op_succeed(struct op *op, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_result(op, fmt, ap);
	va_end(ap);
	return 0;
}

const struct config_pair *op_config(const struct op *op)
{
	return &op->con->cfg->pairs[op->pair];
}

static void retry_note(void *user, const struct arm_call *call, const char *what)
{
	op_progress(user, SEV_INFO, "%s", what);
}

int op_arm(struct op *op, const char *method, const char *path, const char *api_version, int flags,
	   long lro_timeout_ms, struct arm_call *out)
{
	memset(out, 0, sizeof(*out));
	out->method = method;
	snprintf(out->path, sizeof(out->path), "%s", path);
	out->api_version = api_version;
	out->flags = flags;
	out->lro_timeout_ms = lro_timeout_ms;
	arm_call_all(op->arm, out, 1, retry_note, op);
	op_request_id(op, out->request_id);
	if (!out->ok)
		op_progress(op, SEV_CRITICAL, "%s %s failed: HTTP %ld %s: %s", method, path, out->status,
			    out->error_code, out->error_message);
	return out->ok ? 0 : -1;
}

int op_verify(struct op *op, bool (*pred)(const struct model_pair *pair, const struct op *op),
	      long timeout_s, const char *what)
{
	double until = util_wall_now() + (double)timeout_s;
	struct snapshot *s = poller_snapshot(op->con->poller);
	unsigned long seq = s ? s->seq : 0;

	snap_unref(s);
	op_progress(op, SEV_INFO, "verifying: %s", what);
	while (util_wall_now() < until) {
		poller_wake(op->con->poller);
		s = poller_wait(op->con->poller, seq, 5000);
		if (s && s->seq > seq) {
			bool ok;

			seq = s->seq;
			ok = pred(&s->pairs[op->pair], op);
			snap_unref(s);
			if (ok) {
				op_progress(op, SEV_OK, "verified: %s", what);
				return 0;
			}
		} else {
			snap_unref(s);
		}
	}
	op_progress(op, SEV_WARNING, "not verified within %ld s: %s", timeout_s, what);
	return -1;
}

static void audit_outcome(struct op *op)
{
	struct json_object *rec = json_object_new_object(), *ids = json_object_new_array();
	char err[512];

	json_object_object_add(rec, "event", json_object_new_string("outcome"));
	json_object_object_add(rec, "pair", json_object_new_string(op_config(op)->name));
	json_object_object_add(rec, "command", json_object_new_string(op->line));
	json_object_object_add(rec, "operation", json_object_new_int((int)op->id));
	json_object_object_add(rec, "result", json_object_new_string(op->state == OP_SUCCEEDED ? "succeeded" : "failed"));
	json_object_object_add(rec, "message", json_object_new_string(op->result));
	json_object_object_add(rec, "seconds", json_object_new_double(op->finished - op->started));
	for (int i = 0; i < op->nrequest_ids; i++)
		json_object_array_add(ids, json_object_new_string(op->request_ids[i]));
	json_object_object_add(rec, "arm_request_ids", ids);
	if (audit_write(op->con->audit, rec, err, sizeof(err)))
		events_add(op->con->events, SEV_CRITICAL, "audit log: %s", err);
}

static void *op_main(void *arg)
{
	struct op *op = arg;
	int rc;

	poller_set_fast(op->con->poller, true);
	rc = op->def->execute(op);
	poller_set_fast(op->con->poller, false);
	pthread_mutex_lock(&op->lock);
	op->state = rc == 0 ? OP_SUCCEEDED : OP_FAILED;
	op->finished = util_wall_now();
	if (!op->result[0])
		snprintf(op->result, sizeof(op->result), "%s", rc == 0 ? "done" : "failed");
	pthread_mutex_unlock(&op->lock);
	audit_outcome(op);
	op_progress(op, rc == 0 ? SEV_OK : SEV_CRITICAL, "%s after %.0f s: %s",
		    rc == 0 ? "succeeded" : "FAILED", op->finished - op->started, op->result);
	pthread_mutex_lock(&op->lock);
	pthread_cond_broadcast(&op->done_cond);
	pthread_mutex_unlock(&op->lock);
	op_unref(op);
	return NULL;
}

bool op_lock_busy(struct console *con, const char *lock_key)
{
	bool busy = false;

	pthread_mutex_lock(&con->ops_lock);
	for (int i = 0; i < con->nops; i++)
		if (op_state(con->ops[i]) == OP_RUNNING && !strcmp(con->ops[i]->plan.lock_key, lock_key))
			busy = true;
	pthread_mutex_unlock(&con->ops_lock);
	return busy;
}

/* Finished operations beyond the newest few are dropped from the list. */
static void forget_finished_locked(struct console *con)
{
	int keep = 0;

	for (int i = 0; i < con->nops; i++) {
		if (op_state(con->ops[i]) != OP_RUNNING && con->nops - i > CONSOLE_MAX_OPS / 2) {
			op_unref(con->ops[i]);
			continue;
		}
		con->ops[keep++] = con->ops[i];
	}
	con->nops = keep;
}

int op_start(struct console *con, const struct cmd_def *def, size_t pair, const char *line,
	     const struct plan *plan, struct op **out, char *err, size_t errlen)
{
	struct arm_client_opts o = {
		.arm_endpoint = con->cfg->azure.arm_endpoint,
		.user_agent = "ssisdr/" PACKAGE_VERSION,
		.request_timeout_ms = con->cfg->console.request_timeout * 1000,
		.max_attempts = 5,
		.max_retry_wait_ms = 60000,
		.auth = con->auth,
	};
	struct op *op;

	if (con->read_only) {
		snprintf(err, errlen, "the console is read-only");
		return -1;
	}
	if (op_lock_busy(con, plan->lock_key)) {
		snprintf(err, errlen, "an operation on %s is still running", plan->target);
		return -1;
	}
	op = calloc(1, sizeof(*op));
	if (!op) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	op->refs = 2; /* the thread's and the console's */
	op->con = con;
	op->def = def;
	op->pair = pair;
	op->plan = *plan;
	op->started = util_wall_now();
	snprintf(op->line, sizeof(op->line), "%s", line);
	pthread_mutex_init(&op->lock, NULL);
	pthread_cond_init(&op->done_cond, NULL);
	op->arm = arm_client_new(&o, err, errlen);
	if (!op->arm) {
		op->refs = 1;
		op_unref(op);
		return -1;
	}
	pthread_mutex_lock(&con->ops_lock);
	forget_finished_locked(con);
	if (con->nops == CONSOLE_MAX_OPS) {
		pthread_mutex_unlock(&con->ops_lock);
		snprintf(err, errlen, "too many operations at once");
		op->refs = 1;
		op_unref(op);
		return -1;
	}
	op->id = ++con->next_op_id;
	con->ops[con->nops++] = op;
	if (pthread_create(&op->thread, NULL, op_main, op)) {
		con->nops--;
		pthread_mutex_unlock(&con->ops_lock);
		snprintf(err, errlen, "cannot start a thread for the operation");
		op->refs = 1;
		op_unref(op);
		return -1;
	}
	pthread_detach(op->thread);
	pthread_mutex_unlock(&con->ops_lock);
	op_ref(op); /* the caller's */
	*out = op;
	return 0;
}
