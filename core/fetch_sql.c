/* One thread per site reads SSISDB (and msdb on a managed instance). The
 * poller kicks every worker at the start of a cycle and waits for each only
 * until the cycle's deadline: a worker stuck on a hung region keeps its old
 * results, and the cycle reports them as not refreshed. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fetch.h"
#include "core/util.h"
#include "core/sql.h"

struct sql_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char label[96];
	bool mi;
	long timeout_s;
	struct sql_site_db *ssisdb;
	struct sql_site_db *msdb;
	unsigned long want;
	unsigned long done;
	bool stop;
	/* results of the last finished cycle, guarded by lock */
	struct model_link link;
	struct model_catalog catalog;
	struct model_jobs jobs;
};

static void stamp(struct datum *d, int rc, const char *what, const char *err, double now)
{
	d->tried_at = now;
	if (rc == 0) {
		d->read_at = now;
		d->error[0] = '\0';
	} else {
		snprintf(d->error, sizeof(d->error), "%s: %s", what, err);
	}
}

/* Read one database's data into *out*, keeping the old values on failure. */
static void read_ssisdb(struct sql_worker *w, struct model_link *link, struct model_catalog *cat)
{
	struct sql_conn *conn;
	char err[MODEL_ERR_MAX], what[128];
	struct model_link l = *link;
	struct model_catalog c = *cat;
	double now = util_wall_now();
	int rc;

	snprintf(what, sizeof(what), "SSISDB %s", w->label);
	if (sql_site_db_get(w->ssisdb, util_mono_now(), &conn, err, sizeof(err))) {
		stamp(&link->d, -1, what, err, now);
		stamp(&cat->d, -1, what, err, now);
		return;
	}
	rc = sql_read_link(conn, &l, err, sizeof(err));
	now = util_wall_now();
	if (rc == 0)
		*link = l;
	stamp(&link->d, rc, what, err, now);
	if (rc) {
		sql_site_db_failed(w->ssisdb, util_mono_now());
		stamp(&cat->d, -1, what, err, now);
		return;
	}
	rc = sql_read_catalog(conn, &c, err, sizeof(err));
	now = util_wall_now();
	if (rc == 0)
		*cat = c;
	else
		sql_site_db_failed(w->ssisdb, util_mono_now());
	stamp(&cat->d, rc, what, err, now);
}

static void read_msdb(struct sql_worker *w, struct model_jobs *jobs)
{
	struct sql_conn *conn;
	char err[MODEL_ERR_MAX], what[128];
	struct model_jobs *j = malloc(sizeof(*j));
	int rc;

	snprintf(what, sizeof(what), "msdb %s", w->label);
	if (!j) {
		stamp(&jobs->d, -1, what, "out of memory", util_wall_now());
		return;
	}
	*j = *jobs;
	rc = sql_site_db_get(w->msdb, util_mono_now(), &conn, err, sizeof(err));
	if (rc == 0) {
		rc = sql_read_jobs(conn, j, err, sizeof(err));
		if (rc)
			sql_site_db_failed(w->msdb, util_mono_now());
		else
			*jobs = *j;
	}
	stamp(&jobs->d, rc, what, err, util_wall_now());
	free(j);
}

static void *worker_main(void *arg)
{
	struct sql_worker *w = arg;
	struct model_link *link = malloc(sizeof(*link));
	struct model_catalog *cat = malloc(sizeof(*cat));
	struct model_jobs *jobs = malloc(sizeof(*jobs));

	if (!link || !cat || !jobs)
		goto out;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		unsigned long gen;

		while (!w->stop && w->want == w->done)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stop)
			break;
		gen = w->want;
		*link = w->link;
		*cat = w->catalog;
		*jobs = w->jobs;
		pthread_mutex_unlock(&w->lock);

		read_ssisdb(w, link, cat);
		if (w->mi)
			read_msdb(w, jobs);

		pthread_mutex_lock(&w->lock);
		w->link = *link;
		w->catalog = *cat;
		w->jobs = *jobs;
		w->done = gen;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
out:
	free(link);
	free(cat);
	free(jobs);
	return NULL;
}

struct sql_worker *sql_worker_start(const struct config_site *cs, const char *label, long timeout_s,
				    char *err, size_t errlen)
{
	struct sql_worker *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(w->label, sizeof(w->label), "%s", label);
	w->mi = cs->kind == CONFIG_KIND_MI;
	w->timeout_s = timeout_s;
	w->ssisdb = sql_site_db_new(cs->ssisdb_odbc, &cs->sql_password, timeout_s);
	w->msdb = w->mi ? sql_site_db_new(cs->msdb_odbc, &cs->sql_password, timeout_s) : NULL;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (!w->ssisdb || (w->mi && !w->msdb) || pthread_create(&w->thread, NULL, worker_main, w)) {
		snprintf(err, errlen, "cannot start the SQL reader for %s", label);
		sql_site_db_free(w->ssisdb);
		sql_site_db_free(w->msdb);
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

void sql_worker_kick(struct sql_worker *w, unsigned long gen)
{
	pthread_mutex_lock(&w->lock);
	if (gen > w->want)
		w->want = gen;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

bool sql_worker_wait(struct sql_worker *w, unsigned long gen, double deadline)
{
	struct timespec until = util_deadline_ms((long)((deadline - util_mono_now()) * 1000));
	bool finished;

	pthread_mutex_lock(&w->lock);
	while (w->done < gen && pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
		;
	finished = w->done >= gen;
	pthread_mutex_unlock(&w->lock);
	return finished;
}

static void late(struct datum *d, const char *what, const char *label, double now, double waited)
{
	d->tried_at = now;
	snprintf(d->error, sizeof(d->error), "%s %s: no answer within %.0f s (the query is still running)",
		 what, label, waited);
}

void sql_worker_apply(struct sql_worker *w, struct model_site *site, double now, bool finished,
		      double waited_s)
{
	pthread_mutex_lock(&w->lock);
	site->link = w->link;
	site->catalog = w->catalog;
	if (w->mi)
		site->jobs = w->jobs;
	pthread_mutex_unlock(&w->lock);
	if (finished)
		return;
	late(&site->link.d, "SSISDB", w->label, now, waited_s);
	late(&site->catalog.d, "SSISDB", w->label, now, waited_s);
	if (w->mi)
		late(&site->jobs.d, "msdb", w->label, now, waited_s);
}

/* A worker blocked inside a driver call cannot be interrupted safely; it is
 * detached and finishes (or not) on its own, the process exits regardless. */
void sql_worker_stop(struct sql_worker *w)
{
	struct timespec until;
	bool idle;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->cond);
	idle = w->done == w->want;
	pthread_mutex_unlock(&w->lock);
	until = util_deadline_ms(2000);
	if (idle || pthread_timedjoin_np(w->thread, NULL, &until) == 0) {
		if (idle)
			pthread_join(w->thread, NULL);
		sql_site_db_free(w->ssisdb);
		sql_site_db_free(w->msdb);
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return;
	}
	pthread_detach(w->thread);
}
