#include <config.h>

#include "core/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/auth.h"
#include "core/drill.h"
#include "core/op.h"
#include "core/poller.h"

void console_default_audit_path(char *out, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (state && *state)
		snprintf(out, len, "%s/ssisdr/audit.jsonl", state);
	else
		snprintf(out, len, "%s/.local/state/ssisdr/audit.jsonl", home && *home ? home : ".");
}

static void poll_event(void *user, enum severity sev, const char *line)
{
	events_add(user, sev, "%s", line);
}

int console_open(struct console *con, const struct ssisdr_config *cfg, bool read_only,
		 bool start_poller, char *err, size_t errlen)
{
	char path[4096];

	memset(con, 0, sizeof(*con));
	con->cfg = cfg;
	/* --read-only can only tighten what the config says */
	con->read_only = read_only || cfg->console.read_only;
	pthread_mutex_init(&con->ops_lock, NULL);
	con->events = events_new();
	if (!con->events) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!con->read_only) {
		if (cfg->console.audit_log[0])
			snprintf(path, sizeof(path), "%s", cfg->console.audit_log);
		else
			console_default_audit_path(path, sizeof(path));
		con->audit = audit_open(path, con->audit_error, sizeof(con->audit_error));
		if (!con->audit)
			events_add(con->events, SEV_CRITICAL, "%s: changes are refused until it can be written",
				   con->audit_error);
	}
	con->auth = auth_new(&cfg->azure, cfg->console.request_timeout * 1000, err, errlen);
	if (!con->auth)
		goto fail;
	con->poller = poller_new(cfg, con->auth, err, errlen);
	if (!con->poller)
		goto fail;
	poller_on_event(con->poller, poll_event, con->events);
	if (start_poller && poller_start(con->poller, err, errlen))
		goto fail;
	return 0;
fail:
	console_close(con);
	return -1;
}

/* An unfinished drill stays resumable from its state file (the running
 * step is detached, not ended); one that ended but has no report yet gets
 * it now. */
static void close_drill(struct console *con)
{
	struct drill *d = console_drill_release(con);
	enum drill_status st;
	bool reported;
	char err[512];

	if (!d)
		return;
	drill_lock(d);
	st = d->status;
	reported = d->reported;
	drill_unlock(d);
	if ((st == DRILL_FINISHED || st == DRILL_ABORTED) && !reported && !drill_async_busy(d) &&
	    drill_finish(d, err, sizeof(err)))
		events_add(con->events, SEV_CRITICAL, "[drill %s] %s", d->rb->name, err);
	drill_free(d);
}

void console_close(struct console *con)
{
	close_drill(con);
	for (int i = 0; i < con->nops; i++) {
		op_wait(con->ops[i], 5000);
		op_unref(con->ops[i]);
	}
	con->nops = 0;
	poller_free(con->poller);
	con->poller = NULL;
	auth_free(con->auth);
	con->auth = NULL;
	audit_close(con->audit);
	con->audit = NULL;
	events_free(con->events);
	con->events = NULL;
	pthread_mutex_destroy(&con->ops_lock);
}

struct snapshot *console_snapshot(struct console *con, long timeout_ms)
{
	struct snapshot *s = poller_snapshot(con->poller);

	if (!s && timeout_ms > 0)
		s = poller_wait(con->poller, 0, timeout_ms);
	return s;
}

int console_running_ops(struct console *con)
{
	int n = 0;

	pthread_mutex_lock(&con->ops_lock);
	for (int i = 0; i < con->nops; i++)
		n += op_state(con->ops[i]) == OP_RUNNING;
	pthread_mutex_unlock(&con->ops_lock);
	return n;
}

struct drill *console_drill(struct console *con)
{
	struct drill *d;

	pthread_mutex_lock(&con->ops_lock);
	d = con->drill;
	pthread_mutex_unlock(&con->ops_lock);
	return d;
}

int console_drill_attach(struct console *con, struct drill *d)
{
	int rc = -1;

	pthread_mutex_lock(&con->ops_lock);
	if (!con->drill) {
		con->drill = d;
		rc = 0;
	}
	pthread_mutex_unlock(&con->ops_lock);
	return rc;
}

struct drill *console_drill_release(struct console *con)
{
	struct drill *d;

	pthread_mutex_lock(&con->ops_lock);
	d = con->drill;
	con->drill = NULL;
	pthread_mutex_unlock(&con->ops_lock);
	return d;
}
