/* ssisdr drill RUNBOOK: a drill without the screen, for rehearsals in CI
 * against the simulator and for operators who prefer a terminal log. It
 * runs every step, prints the drill's and the operations' events, writes
 * the report and exits 0 only when the drill passed. */
#include <config.h>

#include "core/drill_cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cmd.h"
#include "core/console.h"
#include "core/drill_impl.h"
#include "core/events.h"

#define USAGE                                                                                                  \
	"usage: ssisdr [--config FILE] [--read-only] drill RUNBOOK [--yes] [--report DIR] [--resume | --discard]\n" \
	"                  [--pair NAME] [--no-optional] [NAME=VALUE...]\n"                                        \
	"       ssisdr [--config FILE] drill --list\n"

struct cli {
	const char *runbook;
	const char *report;
	const char *pair;
	bool yes, resume, discard, no_optional, list;
	const char *params[RB_MAX_PARAMS];
	int nparams;
};

/* The signal thread: SIGINT, SIGTERM and SIGHUP detach the running step so
 * that the drill can be resumed; SIGUSR1 only ends the thread. */
static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static struct drill *sig_drill;
static int sig_caught;

static void *sig_main(void *arg)
{
	const sigset_t *set = arg;
	int sig = 0;

	while (sigwait(set, &sig) == 0) {
		if (sig == SIGUSR1)
			break;
		pthread_mutex_lock(&sig_lock);
		sig_caught = sig;
		if (sig_drill)
			drill_detach(sig_drill);
		pthread_mutex_unlock(&sig_lock);
	}
	return NULL;
}

static int interrupted(void)
{
	int s;

	pthread_mutex_lock(&sig_lock);
	s = sig_caught;
	pthread_mutex_unlock(&sig_lock);
	return s;
}

static const char *mark(enum severity sev)
{
	return sev == SEV_CRITICAL ? "!! " : sev == SEV_WARNING ? "!  " : "   ";
}

static void print_line(void *user, enum severity sev, const char *text)
{
	fprintf(user, "%s   %s\n", mark(sev), text);
	fflush(user);
}

/* Drill and operation events, and anything worth a warning; not every
 * poll. */
static void print_event(void *user, const struct event *e)
{
	char t[16];
	time_t secs = (time_t)e->at;
	struct tm tm;

	if (strncmp(e->text, "[drill ", 7) && strncmp(e->text, "[op ", 4) && e->sev < SEV_WARNING)
		return;
	localtime_r(&secs, &tm);
	strftime(t, sizeof(t), "%H:%M:%S", &tm);
	fprintf(user, "%s%s %s\n", mark(e->sev), t, e->text);
	fflush(user);
}

static int confirm_yes(void *user, struct drill *d, const struct plan *plan, const char *prompt, char *typed,
		       size_t len)
{
	snprintf(typed, len, "%s", plan->target);
	fprintf(user, "       %s%s (confirmed by --yes)\n", prompt, plan->target);
	fflush(user);
	return 0;
}

static int manual_yes(void *user, struct drill *d, int step, char *comment, size_t len)
{
	snprintf(comment, len, "confirmed by --yes (headless)");
	fprintf(user, "       manual step %s: %s: confirmed by --yes (headless)\n", d->rb->steps[step].id,
		d->steps[step].title);
	fflush(user);
	return 0;
}

static int parse(int argc, char **argv, struct cli *c)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--yes"))
			c->yes = true;
		else if (!strcmp(a, "--resume"))
			c->resume = true;
		else if (!strcmp(a, "--discard"))
			c->discard = true;
		else if (!strcmp(a, "--no-optional"))
			c->no_optional = true;
		else if (!strcmp(a, "--list"))
			c->list = true;
		else if ((!strcmp(a, "--report") || !strcmp(a, "--pair")) && i + 1 < argc)
			*(!strcmp(a, "--report") ? &c->report : &c->pair) = argv[++i];
		else if (!strncmp(a, "--report=", 9))
			c->report = a + 9;
		else if (!strncmp(a, "--pair=", 7))
			c->pair = a + 7;
		else if (a[0] == '-') {
			fprintf(stderr, "ssisdr drill: unknown option %s\n" USAGE, a);
			return -1;
		} else if (!c->runbook && !strchr(a, '='))
			c->runbook = a;
		else if (strchr(a, '=') && a[0] != '=' && c->nparams < RB_MAX_PARAMS)
			c->params[c->nparams++] = a;
		else {
			fprintf(stderr, "ssisdr drill: unexpected argument %s\n" USAGE, a);
			return -1;
		}
	}
	if (c->resume && c->discard) {
		fprintf(stderr, "ssisdr drill: --resume and --discard exclude each other\n" USAGE);
		return -1;
	}
	if (!c->runbook && !c->list) {
		fprintf(stderr, "ssisdr drill: which runbook? (ssisdr drill --list shows them)\n" USAGE);
		return -1;
	}
	return 0;
}

static void list_one(void *user, const char *name, const char *path)
{
	char err[512];
	struct runbook *rb = runbook_load(path, err, sizeof(err));

	if (rb)
		printf("%-20s %-6s %s\n", name, rb_kind_name(rb->kind), rb->title);
	else
		printf("%-20s        (rejected: %s)\n", name, err);
	runbook_free(rb);
	(void)user;
}

static void print_steps(const struct runbook *rb)
{
	printf("runbook %s: %s (%d steps)\n", rb->name, rb->title, rb->nsteps);
	for (int i = 0; i < rb->nsteps; i++)
		printf("  %2d. %-7s %-28s %s%s%s%s\n", i + 1, rb_step_kind_name(rb->steps[i].kind), rb->steps[i].id,
		       rb->steps[i].title, rb->steps[i].command[0] ? " [" : "", rb->steps[i].command,
		       rb->steps[i].command[0] ? "]" : "");
}

static bool has_kind(const struct runbook *rb, enum rb_step_kind k)
{
	for (int i = 0; i < rb->nsteps; i++)
		if (rb->steps[i].kind == k)
			return true;
	return false;
}

/* Run the steps; returns the exit code. */
static int run(struct console *con, struct drill *d, const struct cli *c)
{
	struct drill_io io = { .confirm = confirm_yes, .manual = manual_yes, .line = print_line, .user = stdout };
	char err[1024];
	int rc;

	pthread_mutex_lock(&sig_lock);
	sig_drill = d;
	pthread_mutex_unlock(&sig_lock);
	while (drill_status(d) == DRILL_ACTIVE && !interrupted())
		if (drill_step_next(d, &io) == DRILL_STEP_RUNNING)
			break;
	pthread_mutex_lock(&sig_lock);
	sig_drill = NULL;
	pthread_mutex_unlock(&sig_lock);
	if (interrupted()) {
		printf("!! interrupted (signal %d): the drill is saved in %s\n"
		       "   resume it with: ssisdr drill %s --resume%s\n",
		       interrupted(), d->state_path, c->runbook, c->yes ? " --yes" : "");
		return 1;
	}
	if (drill_status(d) == DRILL_HALTED) {
		const struct drill_step_run *st = &d->steps[d->current];

		printf("!! step %d %s failed; without the screen a drill stops at a failed step\n", d->current + 1,
		       d->rb->steps[d->current].id);
		for (int k = 0; k < st->nevidence; k++)
			printf("     %s\n", st->evidence[k]);
	}
	if (drill_finish(d, err, sizeof(err))) {
		fprintf(stderr, "ssisdr drill: %s\n", err);
		return 1;
	}
	printf("%s drill %s on %s: %s\n", d->passed ? "  " : "!!", d->rb->name, d->pair_name, d->passed ? "PASSED" : "FAILED");
	for (int i = 0; i < d->nreasons; i++)
		printf("!!   %s\n", d->reasons[i]);
	if (d->failover_step >= 0) {
		char rto[40], dl[40];

		drill_fmt_duration(rto, sizeof(rto), drill_rto(d));
		drill_fmt_duration(dl, sizeof(dl), d->data_loss);
		printf("   RTO %s (target %ld s), data-loss window %s (RPO target %ld s)\n",
		       drill_rto(d) < 0 ? "not measured" : rto, d->rto_target,
		       d->data_loss < 0 ? "unknown" : dl, d->rpo_target);
	}
	printf("   report: %s\n   report: %s\n", d->report_md, d->report_json);
	rc = d->passed ? 0 : 1;
	(void)con;
	return rc;
}

static int start(const struct ssisdr_config *cfg, struct runbook *rb, const struct cli *c, size_t pair,
		 bool read_only)
{
	struct drill_options o = { .pair = pair, .params = c->params, .nparams = c->nparams,
				   .report_dir = c->report, .skip_optional = c->no_optional };
	struct console con;
	struct drill *d = NULL;
	char err[2048];
	int rc;

	if (console_open(&con, cfg, read_only, true, err, sizeof(err))) {
		runbook_free(rb);
		fprintf(stderr, "ssisdr drill: %s\n", err);
		return 1;
	}
	con.pair = pair;
	events_listen(con.events, print_event, stdout);
	rc = c->resume ? drill_resume(&d, &con, rb, &o, err, sizeof(err)) : drill_new(&d, &con, rb, &o, err, sizeof(err));
	if (rc != DRILL_OK) {
		fprintf(stderr, "ssisdr drill: %s\n", err);
		if (rc == DRILL_E_UNFINISHED)
			fprintf(stderr, "ssisdr drill: add --resume to go on with it, or --discard to start over\n");
		rc = rc == DRILL_E_REFUSED || rc == DRILL_E_UNFINISHED ? DRILL_EXIT_REFUSED
		     : rc == DRILL_E_NO_STATE || rc == DRILL_E_PARAMS ? DRILL_EXIT_USAGE
									       : DRILL_EXIT_FAILED;
	} else {
		printf("   drill %s on pair %s: state in %s\n", d->rb->name, d->pair_name, d->state_path);
		rc = run(&con, d, c);
		drill_free(d);
	}
	events_listen(con.events, NULL, NULL);
	console_close(&con);
	return rc;
}

int drill_main(const struct ssisdr_config *cfg, int argc, char **argv, bool read_only)
{
	struct cli c = { 0 };
	struct runbook *rb;
	char path[RB_PATH_MAX], err[1024], state[RB_PATH_MAX * 2], dir[RB_PATH_MAX];
	sigset_t set, old;
	pthread_t sig_thread;
	size_t pair = 0;
	int rc;

	if (parse(argc, argv, &c))
		return DRILL_EXIT_USAGE;
	if (c.list) {
		if (!runbook_list(list_one, NULL))
			printf("no runbooks found\n");
		return 0;
	}
	if (runbook_find(c.runbook, path, sizeof(path), err, sizeof(err)) ||
	    !(rb = runbook_load(path, err, sizeof(err)))) {
		fprintf(stderr, "ssisdr drill: %s\n", err);
		fprintf(stderr, "ssisdr drill: runbook rejected; nothing was run\n");
		return DRILL_EXIT_USAGE;
	}
	if (c.pair) {
		const struct config_pair *cp = config_pair_by_name(cfg, c.pair);

		if (!cp) {
			fprintf(stderr, "ssisdr drill: no pair %s in %s\n", c.pair, cfg->path);
			runbook_free(rb);
			return DRILL_EXIT_USAGE;
		}
		pair = (size_t)(cp - cfg->pairs);
	}
	if ((read_only || cfg->console.read_only) && has_kind(rb, RB_ACTION)) {
		fprintf(stderr, "ssisdr drill: refused: runbook %s has action steps and this console is read-only "
				"(--read-only or read_only = true in %s); nothing was run\n",
			rb->name, cfg->path);
		runbook_free(rb);
		return DRILL_EXIT_REFUSED;
	}
	if (!c.yes && (has_kind(rb, RB_ACTION) || has_kind(rb, RB_MANUAL))) {
		print_steps(rb);
		fprintf(stderr, "ssisdr drill: refused: without the screen, a drill with actions or manual steps runs "
				"only with --yes (which confirms every plan and manual step as the operator); nothing "
				"was run\n");
		runbook_free(rb);
		return DRILL_EXIT_REFUSED;
	}
	drill_default_dir(dir, sizeof(dir));
	drill_state_path_for(dir, cfg->pairs[pair].name, rb->name, state, sizeof(state));
	if (c.discard && unlink(state) == 0)
		printf("   discarded the unfinished drill in %s\n", state);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (pthread_create(&sig_thread, NULL, sig_main, &set)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		runbook_free(rb);
		fprintf(stderr, "ssisdr drill: cannot start a thread\n");
		return DRILL_EXIT_FAILED;
	}
	rc = start(cfg, rb, &c, pair, read_only);
	pthread_kill(sig_thread, SIGUSR1);
	pthread_join(sig_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fflush(stdout);
	return rc;
}
