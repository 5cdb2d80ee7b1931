/* A drill on a thread of its own, for the screen: the screen never blocks,
 * so the drill's questions (confirm this plan, confirm this manual step)
 * wait in a mailbox that the screen reads with drill_question() and
 * answers with drill_answer(). */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd.h"
#include "core/drill_impl.h"

enum { CMD_NONE = 0, CMD_NEXT, CMD_RUN, CMD_FINISH };

struct drill_async {
	pthread_t thread;
	pthread_mutex_t m;
	pthread_cond_t cv;
	int cmd;
	bool stop;
	bool busy;
	bool pause;
	struct drill_question q;
	bool answered;
	bool cancel_q;
	bool yes;
	char answer[1024];
};

static void q_line(struct drill_question *q, const char *fmt, ...) SSISDR_PRINTF(2, 3);

static void q_line(struct drill_question *q, const char *fmt, ...)
{
	va_list ap;

	if (q->nlines == DRILL_QUESTION_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(q->lines[q->nlines++], sizeof(q->lines[0]), fmt, ap);
	va_end(ap);
}

/* Post the question and wait for the answer; 0 for yes. A skip, abort or
 * detach of the step ends the wait (no). */
static int ask(struct drill *d, struct drill_async *a, char *text, size_t len)
{
	bool cancelled;
	int rc;

	pthread_mutex_lock(&a->m);
	a->answered = false;
	a->cancel_q = false;
	pthread_mutex_unlock(&a->m);
	drill_lock(d);
	cancelled = d->cancel != 0;
	drill_unlock(d);
	pthread_mutex_lock(&a->m);
	if (cancelled)
		a->cancel_q = true;
	pthread_cond_broadcast(&a->cv);
	while (!a->answered && !a->cancel_q && !a->stop)
		pthread_cond_wait(&a->cv, &a->m);
	rc = a->answered && a->yes ? 0 : -1;
	if (rc == 0 && text)
		snprintf(text, len, "%s", a->answer);
	a->q.kind = DRILL_Q_NONE;
	pthread_mutex_unlock(&a->m);
	return rc;
}

static int async_confirm(void *user, struct drill *d, const struct plan *plan, const char *prompt, char *typed,
			 size_t len)
{
	struct drill_async *a = user;
	struct drill_question *q = &a->q;

	pthread_mutex_lock(&a->m);
	memset(q, 0, sizeof(*q));
	q->kind = DRILL_Q_CONFIRM;
	q->step = d->current;
	snprintf(q->prompt, sizeof(q->prompt), "%s", prompt);
	snprintf(q->plan_title, sizeof(q->plan_title), "%s", plan->title);
	snprintf(q->target, sizeof(q->target), "%s", plan->target);
	q_line(q, "plan: %s", plan->title);
	for (int i = 0; i < plan->nsteps; i++)
		q_line(q, "  %d. [%s] %s: %s", i + 1, plan->steps[i].site[0] ? plan->steps[i].site : "-", plan->steps[i].via,
		       plan->steps[i].what);
	for (int i = 0; i < plan->nagainst; i++)
		q_line(q, "  against: %s", plan->against[i]);
	pthread_mutex_unlock(&a->m);
	return ask(d, a, typed, len);
}

static int async_manual(void *user, struct drill *d, int step, char *comment, size_t len)
{
	struct drill_async *a = user;
	struct drill_question *q = &a->q;

	pthread_mutex_lock(&a->m);
	memset(q, 0, sizeof(*q));
	q->kind = DRILL_Q_MANUAL;
	q->step = step;
	snprintf(q->prompt, sizeof(q->prompt), "Done? %s", d->steps[step].title);
	pthread_mutex_unlock(&a->m);
	return ask(d, a, comment, len);
}

static void *main_loop(void *arg)
{
	struct drill *d = arg;
	struct drill_async *a = d->async;
	struct drill_io io = { .confirm = async_confirm, .manual = async_manual, .user = a };

	pthread_mutex_lock(&a->m);
	while (!a->stop) {
		int cmd;
		bool again;

		while (!a->stop && a->cmd == CMD_NONE)
			pthread_cond_wait(&a->cv, &a->m);
		if (a->stop)
			break;
		cmd = a->cmd;
		a->cmd = CMD_NONE;
		a->busy = true;
		a->pause = false;
		pthread_mutex_unlock(&a->m);
		if (cmd == CMD_FINISH) {
			char err[512] = "";

			if (drill_finish(d, err, sizeof(err))) {
				drill_lock(d);
				snprintf(d->finish_error, sizeof(d->finish_error), "%s", err);
				drill_unlock(d);
			}
			pthread_mutex_lock(&a->m);
			a->busy = false;
			pthread_cond_broadcast(&a->cv);
			continue;
		}
		do {
			enum drill_step_state st = drill_step_next(d, &io);

			pthread_mutex_lock(&a->m);
			again = cmd == CMD_RUN && !a->pause && !a->stop && st != DRILL_STEP_RUNNING;
			pthread_mutex_unlock(&a->m);
			again = again && drill_status(d) == DRILL_ACTIVE;
		} while (again);
		pthread_mutex_lock(&a->m);
		a->busy = false;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->m);
	return NULL;
}

int drill_async_start(struct drill *d)
{
	struct drill_async *a;

	if (d->async)
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -1;
	pthread_mutex_init(&a->m, NULL);
	pthread_cond_init(&a->cv, NULL);
	d->async = a;
	if (pthread_create(&a->thread, NULL, main_loop, d)) {
		d->async = NULL;
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->m);
		free(a);
		return -1;
	}
	return 0;
}

static int post(struct drill *d, int cmd)
{
	struct drill_async *a = d->async;
	int rc = -1;

	if (!a)
		return -1;
	pthread_mutex_lock(&a->m);
	if (!a->busy && a->cmd == CMD_NONE) {
		a->cmd = cmd;
		pthread_cond_broadcast(&a->cv);
		rc = 0;
	}
	pthread_mutex_unlock(&a->m);
	return rc;
}

int drill_async_next(struct drill *d)
{
	return post(d, CMD_NEXT);
}

int drill_async_run(struct drill *d)
{
	return post(d, CMD_RUN);
}

int drill_async_finish(struct drill *d)
{
	return post(d, CMD_FINISH);
}

void drill_async_pause(struct drill *d)
{
	struct drill_async *a = d->async;

	if (!a)
		return;
	pthread_mutex_lock(&a->m);
	a->pause = true;
	pthread_mutex_unlock(&a->m);
}

bool drill_async_busy(struct drill *d)
{
	struct drill_async *a = d->async;
	bool busy;

	if (!a)
		return false;
	pthread_mutex_lock(&a->m);
	busy = a->busy || a->cmd != CMD_NONE;
	pthread_mutex_unlock(&a->m);
	return busy;
}

void drill_question(struct drill *d, struct drill_question *q)
{
	struct drill_async *a = d->async;

	if (!a) {
		q->kind = DRILL_Q_NONE;
		return;
	}
	pthread_mutex_lock(&a->m);
	if (a->q.kind == DRILL_Q_NONE || a->answered)
		q->kind = DRILL_Q_NONE;
	else
		*q = a->q;
	pthread_mutex_unlock(&a->m);
}

int drill_answer(struct drill *d, bool yes, const char *text)
{
	struct drill_async *a = d->async;
	int rc = -1;

	if (!a)
		return -1;
	pthread_mutex_lock(&a->m);
	if (a->q.kind != DRILL_Q_NONE && !a->answered) {
		a->answered = true;
		a->yes = yes;
		snprintf(a->answer, sizeof(a->answer), "%s", text ? text : "");
		pthread_cond_broadcast(&a->cv);
		rc = 0;
	}
	pthread_mutex_unlock(&a->m);
	return rc;
}

void drill_async_cancel_question(struct drill *d)
{
	struct drill_async *a = d->async;

	if (!a)
		return;
	pthread_mutex_lock(&a->m);
	a->cancel_q = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->m);
}

void drill_async_stop(struct drill *d)
{
	struct drill_async *a = d->async;

	if (!a)
		return;
	drill_detach(d);
	pthread_mutex_lock(&a->m);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->m);
	pthread_join(a->thread, NULL);
	d->async = NULL;
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->m);
	free(a);
}
