#include <config.h>

#include "core/exec.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/cmd.h"
#include "core/console.h"
#include "core/op.h"

static const char *mark(enum severity sev)
{
	switch (sev) {
	case SEV_CRITICAL: return "!! ";
	case SEV_WARNING: return "!  ";
	default: return "   ";
	}
}

static void print_line(void *user, enum severity sev, const char *text)
{
	fprintf(user, "%s%s\n", mark(sev), text);
	fflush(user);
}

static void print_event(void *user, const struct event *e)
{
	char t[16];
	time_t secs = (time_t)e->at;
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(t, sizeof(t), "%H:%M:%S", &tm);
	fprintf(user, "%s%s %s\n", mark(e->sev), t, e->text);
	fflush(user);
}

static int code_of(enum cmd_result r)
{
	switch (r) {
	case CMD_OK: case CMD_QUIT: return EXEC_OK;
	case CMD_USAGE: return EXEC_USAGE;
	case CMD_REFUSED: return EXEC_REFUSED;
	default: return EXEC_FAILED;
	}
}

static int confirm_and_wait(struct cmd_pending *pd, bool yes, const struct cmd_out *out)
{
	const struct plan *plan = cmd_pending_plan(pd);
	char target[sizeof(plan->target)];
	enum cmd_result r;
	struct op *op;
	int rc;

	if (!yes) {
		cmd_print(out, SEV_WARNING, "refused: exec makes no change without --yes (the plan is above)");
		cmd_pending_free(pd);
		return EXEC_REFUSED;
	}
	snprintf(target, sizeof(target), "%s", plan->target);
	r = cmd_confirm(pd, target, &op);
	if (r != CMD_STARTED)
		return code_of(r);
	op_wait(op, -1);
	rc = op_state(op) == OP_SUCCEEDED ? EXEC_OK : EXEC_FAILED;
	op_unref(op);
	return rc;
}

int exec_run(const struct ssisdr_config *cfg, const char *line, bool yes, bool read_only)
{
	struct cmd_out out = { print_line, stdout };
	struct cmd_pending *pd = NULL;
	struct console con;
	struct snapshot *s;
	enum cmd_result r;
	char err[1024];
	int rc;

	if (console_open(&con, cfg, read_only, true, err, sizeof(err))) {
		fprintf(stderr, "ssisdr: %s\n", err);
		return EXEC_FAILED;
	}
	s = console_snapshot(&con, 60000);
	if (!s)
		cmd_print(&out, SEV_WARNING, "no poll finished within 60 s; going on without data");
	snap_unref(s);
	events_listen(con.events, print_event, stdout);
	r = cmd_run_line(&con, line, &out, &pd);
	rc = r == CMD_NEEDS_CONFIRM ? confirm_and_wait(pd, yes, &out) : code_of(r);
	events_listen(con.events, NULL, NULL);
	console_close(&con);
	return rc;
}
