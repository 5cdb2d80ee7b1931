/* Each site's SSISDB (and msdb on a managed instance) as a SQLite file in
 * WAL mode; the schema, its procedures and read-only guards are in
 * sim_db_schema.c, the seeded rows in sim_db_seed.c. One connection per
 * file stays open for the whole run. The simulator's own writes set
 * sim_guard.bypass inside their transaction. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* F_OFD_SETLK */
#endif

#include "sim/sim_db.h"
#include "sim/sim_db_private.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sim/sim_world.h"

static const char *const slot_sql[ST_NSLOTS] = {
	[ST_LINK] = "UPDATE " LINK_TABLE " SET role = ?1, role_desc = ?2, replication_state = ?3,"
		    " replication_state_desc = ?4, last_commit = ?5, last_replication = ?6,"
		    " replication_lag_sec = ?7",
	[ST_BINDING] = "SELECT data_factory_name, integration_runtime_name, modified_time"
			   " FROM " BINDING_TABLE " LIMIT 1",
	[ST_RUNNING] = "SELECT count(*) FROM \"catalog.executions\" WHERE status IN (2, 5)",
	[ST_SCHEDULE] = "SELECT enabled FROM \"dbo.sysschedules\" WHERE schedule_id = ?1",
	[ST_JOB] = "SELECT enabled FROM \"dbo.sysjobs\" WHERE name = ?1",
};

struct sitedb {
	struct dbfile ssisdb;
	struct dbfile msdb;
};

static struct sitedb *g_dbs;
static int g_ndbs;

static int note(struct dbfile *f, const char *what)
{
	snprintf(f->err, sizeof(f->err), "%s: %s (%.60s)", f->path,
		 f->db ? sqlite3_errmsg(f->db) : "not open", what);
	return -1;
}

static int complain(struct dbfile *f)
{
	fprintf(stderr, "ssisdr-sim: %s\n", f->err);
	return -1;
}

static sqlite3_stmt *slot(struct dbfile *f, enum slot s)
{
	if (!f->st[s] && sqlite3_prepare_v3(f->db, slot_sql[s], -1, SQLITE_PREPARE_PERSISTENT,
					    &f->st[s], NULL) != SQLITE_OK) {
		note(f, slot_sql[s]);
		f->st[s] = NULL;
	}
	return f->st[s];
}

/* Step a statement that returns no rows (or whose rows are not wanted). */
static int finish(struct dbfile *f, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		note(f, sqlite3_sql(st));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int sim_db_exec_sql(struct dbfile *f, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(f->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(f->err, sizeof(f->err), "%s: %s", f->path, msg ? msg : "error");
	sqlite3_free(msg);
	return -1;
}

int sim_db_exec_all(struct dbfile *f, const char *const *sql)
{
	for (; *sql; sql++)
		if (sim_db_exec_sql(f, *sql) != 0)
			return -1;
	return 0;
}

/* Run `sql` once with parameters typed by `types`: i int, l long,
 * d double, t text (a NULL pointer binds NULL). */
int sim_db_exec_args(struct dbfile *f, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int i, rc = 0;

	if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK)
		return note(f, sql);
	va_start(ap, types);
	for (i = 0; types[i] && rc == SQLITE_OK; i++) {
		const char *t;

		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int));
			break;
		case 'l':
			rc = sqlite3_bind_int64(st, i + 1, (sqlite3_int64)va_arg(ap, long));
			break;
		case 'd':
			rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double));
			break;
		default:
			t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(st, i + 1, t, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, i + 1);
		}
	}
	va_end(ap);
	rc = rc == SQLITE_OK ? finish(f, st) : note(f, sql);
	sqlite3_finalize(st);
	return rc;
}

static int rollback(struct dbfile *f)
{
	if (!sqlite3_get_autocommit(f->db))
		sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* A write transaction; with bypass the read-only guards let it through. */
static int txn_begin(struct dbfile *f, bool bypass)
{
	return sim_db_exec_sql(f, bypass ? "BEGIN IMMEDIATE; UPDATE sim_guard SET bypass = 1"
					 : "BEGIN IMMEDIATE") == 0
		       ? 0
		       : rollback(f);
}

static int txn_end(struct dbfile *f, bool bypass, int status)
{
	if (status == 0 &&
	    sim_db_exec_sql(f, bypass ? "UPDATE sim_guard SET bypass = 0; COMMIT" : "COMMIT") == 0)
		return 0;
	return rollback(f);
}

/* ---- values derived from the world ---- */

static void replication_state(const char *name, int *code, char *desc, size_t len)
{
	static const struct {
		const char *name;
		int code;
	} states[] = { { "PENDING", 0 }, { "SEEDING", 1 }, { "CATCH_UP", 2 }, { "RE_SEEDING", 3 },
		       { "SUSPENDED", 4 } };
	size_t i;

	if (!name || !*name)
		name = "CATCH_UP";
	*code = 2;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(states[i].name, name) == 0)
			*code = states[i].code;
	snprintf(desc, len, "%s", name);
}

static void link_values(struct sim_world *w, struct sim_pair *pr, int s, double now,
			struct link_vals *v)
{
	double ci = pr->commit_interval;
	double commit = ci > 0 ? floor(now / ci) * ci : now;
	double lag = pr->lag_seconds > 0 ? pr->lag_seconds : 0;

	memset(v, 0, sizeof(*v));
	v->role = pr->sites[s].role == SIM_ROLE_PRIMARY ? 0 : 1;
	replication_state(pr->replication_state, &v->state, v->state_desc, sizeof(v->state_desc));
	if (v->role == 0) {
		sim_clock_dto(&w->clock, commit, v->last_commit, sizeof(v->last_commit));
		sim_clock_dto(&w->clock, commit - lag, v->last_repl, sizeof(v->last_repl));
		v->lag = llround(lag);
		v->has_lag = 1;
	} else {
		sim_clock_dto(&w->clock, commit - lag, v->last_commit, sizeof(v->last_commit));
	}
}

struct sim_site *sim_db_primary_site(struct sim_pair *pr)
{
	return pr->sites[1].role == SIM_ROLE_PRIMARY && pr->sites[0].role != SIM_ROLE_PRIMARY
		       ? &pr->sites[1]
		       : &pr->sites[0];
}

/* ---- files ---- */

static struct sitedb *site_db(int pair, int site)
{
	int i = pair * 2 + site;

	if (!g_dbs || pair < 0 || site < 0 || site > 1 || i >= g_ndbs || !g_dbs[i].ssisdb.db) {
		fprintf(stderr, "ssisdr-sim: no database for pair %d site %d\n", pair, site);
		return NULL;
	}
	return &g_dbs[i];
}

static const char *const file_suffixes[] = { "", "-wal", "-shm" };

static void remove_old(const char *path)
{
	char buf[SIM_PATH_MAX + 16];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "%s%s", path, file_suffixes[i]);
		unlink(buf);
		snprintf(buf, sizeof(buf), "%s%s.outage", path, file_suffixes[i]);
		unlink(buf);
	}
}

static int open_file(struct dbfile *f, const char *path, const struct sim_clock *c)
{
	snprintf(f->path, sizeof(f->path), "%s", path);
	remove_old(path);
	if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		return note(f, "open");
	sqlite3_busy_timeout(f->db, 5000);
	sqlite3_extended_result_codes(f->db, 1);
	if (sim_db_exec_sql(f, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			       " BEGIN IMMEDIATE") != 0 ||
	    sim_db_exec_all(f, sim_db_common_schema) != 0 ||
	    sim_db_exec_args(f, "INSERT INTO sim_clock VALUES (?1, ?2, ?3)", "ddd", c->start_epoch,
			     c->scale, c->advanced) != 0)
		return -1;
	f->clock_scale = c->scale;
	f->clock_advanced = c->advanced;
	return 0;
}

static int move_files(struct dbfile *f, bool aside)
{
	char from[SIM_PATH_MAX + 16], to[SIM_PATH_MAX + 16];
	size_t i;

	if (!f->db || f->moved == aside)
		return 0;
	for (i = 0; i < 3; i++) {
		snprintf(from, sizeof(from), "%s%s%s", f->path, file_suffixes[i], aside ? "" : ".outage");
		snprintf(to, sizeof(to), "%s%s%s", f->path, file_suffixes[i], aside ? ".outage" : "");
		if (rename(from, to) != 0 && errno != ENOENT) {
			fprintf(stderr, "ssisdr-sim: rename %s to %s: %s\n", from, to, strerror(errno));
			return -1;
		}
	}
	f->moved = aside;
	return 0;
}

static void close_file(struct dbfile *f)
{
	int i;

	for (i = 0; i < ST_NSLOTS; i++)
		sqlite3_finalize(f->st[i]);
	if (f->db)
		sqlite3_close(f->db);
	memset(f, 0, sizeof(*f));
}

/* out may point into the world itself, so build the name apart first. */
static int make_path(struct sim_world *w, int p, int s, const char *kind, char *out)
{
	char path[SIM_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s-%s-%s.db", w->dir, w->pairs[p].name,
			 w->pairs[p].sites[s].name, kind);

	if (n <= 0 || n >= SIM_PATH_MAX)
		return -1;
	memcpy(out, path, (size_t)n + 1);
	return 0;
}

static int open_site(struct sim_world *w, int p, int s, char *err, size_t errlen)
{
	struct sim_site *site = &w->pairs[p].sites[s];
	struct sitedb *d = &g_dbs[p * 2 + s];

	if (make_path(w, p, s, "ssisdb", site->ssisdb_path) != 0 ||
	    make_path(w, p, s, "msdb", site->msdb_path) != 0) {
		snprintf(err, errlen, "database path under %s is too long", w->dir);
		return -1;
	}
	if (w->kind != SIM_KIND_MI) {
		remove_old(site->msdb_path); /* left by an earlier managed-instance run */
		site->msdb_path[0] = '\0';
	}
	if (open_file(&d->ssisdb, site->ssisdb_path, &w->clock) != 0 ||
	    sim_db_seed_ssisdb(&d->ssisdb, w, p, s) != 0 ||
	    sim_db_exec_sql(&d->ssisdb, "COMMIT") != 0) {
		snprintf(err, errlen, "%s", d->ssisdb.err);
		return -1;
	}
	if (w->kind == SIM_KIND_MI &&
	    (open_file(&d->msdb, site->msdb_path, &w->clock) != 0 ||
	     sim_db_seed_msdb(&d->msdb, w, p, s) != 0 ||
	     sim_db_exec_sql(&d->msdb, "COMMIT") != 0)) {
		snprintf(err, errlen, "%s", d->msdb.err);
		return -1;
	}
	return 0;
}

int sim_db_open_all(struct sim_world *w, char *err, size_t errlen)
{
	int p, s;

	sim_db_close_all(w);
	if (w->npairs <= 0) {
		snprintf(err, errlen, "no pairs to create databases for");
		return -1;
	}
	g_dbs = calloc((size_t)w->npairs * 2, sizeof(*g_dbs));
	if (!g_dbs) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	g_ndbs = w->npairs * 2;
	sim_db_seed_begin(sim_clock_now(&w->clock));
	for (p = 0; p < w->npairs; p++) {
		for (s = 0; s < 2; s++) {
			if (open_site(w, p, s, err, errlen) != 0) {
				sim_db_close_all(w);
				return -1;
			}
		}
		if (sim_db_sync_links_locked(w, p) != 0) {
			snprintf(err, errlen, "cannot write the link rows of pair %s", w->pairs[p].name);
			sim_db_close_all(w);
			return -1;
		}
	}
	return 0;
}

void sim_db_close_all(struct sim_world *w)
{
	int i;

	for (i = 0; i < g_ndbs; i++) {
		struct dbfile *files[2] = { &g_dbs[i].ssisdb, &g_dbs[i].msdb };
		int k;

		for (k = 0; k < 2; k++) {
			if (files[k]->moved)
				move_files(files[k], false);
			if (files[k]->held)
				close(files[k]->lock_fd);
			close_file(files[k]);
		}
	}
	free(g_dbs);
	g_dbs = NULL;
	g_ndbs = 0;
}

/* ---- the ticker's writes ---- */

static int write_link(struct dbfile *f, const struct link_vals *v)
{
	sqlite3_stmt *st = slot(f, ST_LINK);

	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, v->role);
	sqlite3_bind_text(st, 2, v->role == 0 ? "PRIMARY" : "SECONDARY", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, v->state);
	sqlite3_bind_text(st, 4, v->state_desc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->last_commit, -1, SQLITE_STATIC);
	if (v->has_lag) {
		sqlite3_bind_text(st, 6, v->last_repl, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, v->lag);
	}
	return finish(f, st);
}

struct binding {
	char factory[SIM_NAME_MAX];
	char ir[SIM_NAME_MAX];
	char modified[48];
};

static void column_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(buf, len, "%s", v ? (const char *)v : "");
}

static int get_binding(struct dbfile *f, struct binding *b)
{
	sqlite3_stmt *st = slot(f, ST_BINDING);
	int rc;

	memset(b, 0, sizeof(*b));
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		column_text(st, 0, b->factory, sizeof(b->factory));
		column_text(st, 1, b->ir, sizeof(b->ir));
		column_text(st, 2, b->modified, sizeof(b->modified));
	} else if (rc != SQLITE_DONE) {
		note(f, "read the IR binding");
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* One transaction on one file: the virtual clock if it was changed, the
 * link row if it changed (v is NULL for msdb), and a newer binding from
 * the primary (geo-replication of the one row the console can change). */
static int sync_file(struct sim_world *w, struct dbfile *f, const struct link_vals *v,
		     const struct binding *b)
{
	const struct sim_clock *c = &w->clock;
	bool clock = f->clock_scale != c->scale || f->clock_advanced != c->advanced;
	bool link = v && !(f->link_valid && memcmp(&f->link, v, sizeof(*v)) == 0);
	int status = 0;

	if (!f->db || (!clock && !link && !b))
		return 0;
	if (txn_begin(f, v != NULL) != 0)
		return -1;
	if (clock)
		status = sim_db_exec_args(f,
					  "UPDATE sim_clock SET start_epoch = ?1, scale = ?2,"
					  " advanced = ?3",
					  "ddd", c->start_epoch, c->scale, c->advanced);
	if (status == 0 && link)
		status = write_link(f, v);
	if (status == 0 && b)
		status = sim_db_exec_args(f,
					  "UPDATE " BINDING_TABLE " SET data_factory_name = ?1,"
					  " integration_runtime_name = ?2, modified_time = ?3",
					  "ttt", b->factory, b->ir, b->modified);
	f->link_valid = false;
	if (txn_end(f, v != NULL, status) != 0)
		return -1;
	f->clock_scale = c->scale;
	f->clock_advanced = c->advanced;
	if (v) {
		f->link = *v;
		f->link_valid = true;
	}
	return 0;
}

static void report_sync(struct dbfile *f, int status)
{
	if (status != 0 && !f->failing)
		complain(f);
	else if (status == 0 && f->failing)
		fprintf(stderr, "ssisdr-sim: %s: writes work again\n", f->path);
	f->failing = status != 0;
}

int sim_db_sync_links_locked(struct sim_world *w, int pair)
{
	struct sim_pair *pr;
	struct binding primary;
	bool have_primary = false;
	double now;
	int s, rc = 0;

	if (pair < 0 || pair >= w->npairs || !site_db(pair, 0) || !site_db(pair, 1))
		return -1;
	pr = &w->pairs[pair];
	now = sim_clock_now(&w->clock);
	if ((pr->sites[0].role == SIM_ROLE_PRIMARY) != (pr->sites[1].role == SIM_ROLE_PRIMARY))
		have_primary =
			get_binding(&site_db(pair, (int)(sim_db_primary_site(pr) - pr->sites))->ssisdb,
				    &primary) == 0;
	for (s = 0; s < 2; s++) {
		struct sitedb *d = site_db(pair, s);
		struct link_vals v;
		struct binding mine;
		bool stale = have_primary && pr->sites[s].role != SIM_ROLE_PRIMARY &&
			     get_binding(&d->ssisdb, &mine) == 0 &&
			     strcmp(primary.modified, mine.modified) > 0;
		int status;

		link_values(w, pr, s, now, &v);
		status = sync_file(w, &d->ssisdb, &v, stale ? &primary : NULL);
		report_sync(&d->ssisdb, status);
		rc |= status;
		status = sync_file(w, &d->msdb, NULL, NULL);
		report_sync(&d->msdb, status);
		rc |= status;
	}
	return rc ? -1 : 0;
}

/* ---- faults ---- */

/* A new connection takes its SHARED lock by read-locking SQLite's pending
 * byte first; while we write-lock that byte it gets SQLITE_BUSY, i.e.
 * "database is locked" once its busy timeout ends. Connections already open
 * (WAL mode keeps their SHARED lock) and our own are not affected, and
 * nothing here waits on them. An open file description lock is used so that
 * it neither merges with nor is released by this process's SQLite locks. */
#define SQLITE_PENDING_BYTE 0x40000000

static int hold_lock(struct dbfile *f, bool on)
{
#ifdef F_OFD_SETLK
	char path[SIM_PATH_MAX + 16];
	struct flock lk;
	int tries;

	if (!f->db || f->held == on)
		return 0;
	if (!on) {
		close(f->lock_fd);
		f->held = false;
		return 0;
	}
	snprintf(path, sizeof(path), "%s%s", f->path, f->moved ? ".outage" : "");
	f->lock_fd = open(path, O_RDWR | O_CLOEXEC);
	memset(&lk, 0, sizeof(lk));
	lk.l_type = F_WRLCK;
	lk.l_whence = SEEK_SET;
	lk.l_start = SQLITE_PENDING_BYTE;
	lk.l_len = 1;
	/* a connection being opened holds the byte for a moment */
	for (tries = 0; f->lock_fd >= 0 && fcntl(f->lock_fd, F_OFD_SETLK, &lk) != 0; tries++) {
		struct timespec ms = { 0, 1000000 };

		if ((errno != EAGAIN && errno != EACCES) || tries == 500) {
			int e = errno;

			close(f->lock_fd);
			f->lock_fd = -1;
			errno = e;
			break;
		}
		nanosleep(&ms, NULL);
	}
	if (f->lock_fd < 0) {
		fprintf(stderr, "ssisdr-sim: %s: cannot lock: %s\n", path, strerror(errno));
		return -1;
	}
	f->held = true;
	return 0;
#else
	if (on)
		fprintf(stderr, "ssisdr-sim: db-locked needs F_OFD_SETLK (Linux)\n");
	return on ? -1 : 0;
#endif
}

static int apply_hold(struct sim_site *site, struct sitedb *d)
{
	bool want = site->db_locked || site->outage;

	return hold_lock(&d->ssisdb, want) | hold_lock(&d->msdb, want) ? -1 : 0;
}

int sim_db_set_locked(struct sim_world *w, int pair, int site, bool locked)
{
	struct sitedb *d = site_db(pair, site);

	if (!d)
		return -1;
	w->pairs[pair].sites[site].db_locked = locked;
	return apply_hold(&w->pairs[pair].sites[site], d);
}

/* A connection the console already holds would go on reading a moved
 * file, so the tables it reads are renamed aside, and views of their names
 * point at a table that does not exist: its next statement fails with
 * "no such table: ... unreachable (region outage)", as a real connection to
 * a lost region fails. The simulator's own writes to them fail meanwhile;
 * the ticker rewrites the rows once the region is back. */
static const char *const outage_tables[] = {
	"sys.dm_geo_replication_link_status", "catalog.executions", "catalog.catalog_properties",
	"catalog.integration_runtime_binding", "dbo.sysjobs", "dbo.sysjobsteps", "dbo.sysschedules",
	"dbo.sysjobschedules",
};

static int has_table(struct dbfile *f, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(f->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st, NULL))
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* All renames come before any view is created (and every view is dropped
 * before the renames back): SQLite checks the views whenever a table is
 * renamed, and these views are meant not to resolve. */
static int break_tables(struct dbfile *f, const char *site, bool broken)
{
	const size_t n = sizeof(outage_tables) / sizeof(outage_tables[0]);
	bool present[sizeof(outage_tables) / sizeof(outage_tables[0])];
	char sql[512];
	int rc = 0;

	if (!f->db)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char aside[128];

		snprintf(aside, sizeof(aside), "%s.outage", outage_tables[i]);
		present[i] = has_table(f, broken ? outage_tables[i] : aside);
	}
	if (sim_db_exec_sql(f, "BEGIN IMMEDIATE"))
		return -1;
	for (int pass = 0; pass < 2 && !rc; pass++)
		for (size_t i = 0; i < n && !rc; i++) {
			const char *t = outage_tables[i];

			if (!present[i])
				continue;
			if (broken && pass == 0)
				snprintf(sql, sizeof(sql), "ALTER TABLE \"%s\" RENAME TO \"%s.outage\"", t, t);
			else if (broken)
				snprintf(sql, sizeof(sql),
					 "CREATE VIEW \"%s\" AS SELECT * FROM \"%s is unreachable (region outage)\"", t, site);
			else if (pass == 0)
				snprintf(sql, sizeof(sql), "DROP VIEW IF EXISTS \"%s\"", t);
			else
				snprintf(sql, sizeof(sql), "ALTER TABLE \"%s.outage\" RENAME TO \"%s\"", t, t);
			rc = sim_db_exec_sql(f, sql);
		}
	if (rc) {
		sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return sim_db_exec_sql(f, "COMMIT");
}

int sim_db_set_outage(struct sim_world *w, int pair, int site, bool outage)
{
	struct sitedb *d = site_db(pair, site);
	struct sim_site *st;

	if (!d)
		return -1;
	st = &w->pairs[pair].sites[site];
	if (outage) {
		if (break_tables(&d->ssisdb, st->name, true) | break_tables(&d->msdb, st->name, true)) {
			fprintf(stderr, "ssisdr-sim: %s\n", d->ssisdb.err);
			return -1;
		}
		st->outage = true;
		if (apply_hold(st, d) != 0)
			return -1;
		return move_files(&d->ssisdb, true) | move_files(&d->msdb, true) ? -1 : 0;
	}
	if (move_files(&d->ssisdb, false) | move_files(&d->msdb, false))
		return -1;
	if (break_tables(&d->ssisdb, st->name, false) | break_tables(&d->msdb, st->name, false)) {
		fprintf(stderr, "ssisdr-sim: %s\n", d->ssisdb.err);
		return -1;
	}
	st->outage = false;
	if (apply_hold(st, d))
		return -1;
	/* the region is back: what changed meanwhile (a forced failover) shows at once */
	d->ssisdb.link_valid = false;
	return sim_db_sync_links_locked(w, pair);
}

/* ---- reads ---- */

int sim_db_read_binding(struct sim_world *w, int pair, int site, char *factory, size_t flen,
			char *ir, size_t irlen)
{
	struct sitedb *d = site_db(pair, site);
	struct binding b;

	if (!d)
		return -1;
	if (get_binding(&d->ssisdb, &b) != 0)
		return complain(&d->ssisdb);
	snprintf(factory, flen, "%s", b.factory);
	snprintf(ir, irlen, "%s", b.ir);
	return 0;
}

/* The first column of the first row of a cached query, or `dflt`. */
static int query_int(struct dbfile *f, enum slot s, const char *text, int num, int dflt, int *out)
{
	sqlite3_stmt *st = slot(f, s);
	int rc;

	if (!st)
		return -1;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int(st, 1, num);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : dflt;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		note(f, sqlite3_sql(st));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int sim_db_read_schedules(struct sim_world *w, int pair, int site)
{
	struct sitedb *d = site_db(pair, site);
	struct sim_site *st;
	int i;

	if (!d)
		return -1;
	if (!d->msdb.db)
		return 0;
	st = &w->pairs[pair].sites[site];
	for (i = 0; i < st->njobs; i++) {
		struct sim_job *j = &st->jobs[i];
		int sched, job;

		if (query_int(&d->msdb, ST_SCHEDULE, NULL, j->schedule_id, j->schedule_enabled,
			      &sched) != 0 ||
		    query_int(&d->msdb, ST_JOB, j->name, 0, j->job_enabled, &job) != 0)
			return complain(&d->msdb);
		j->schedule_enabled = sched != 0;
		j->job_enabled = job != 0;
	}
	return 0;
}

int sim_db_count_running(struct sim_world *w, int pair, int site)
{
	struct sitedb *d = site_db(pair, site);
	int n;

	if (!d)
		return -1;
	if (query_int(&d->ssisdb, ST_RUNNING, NULL, 0, 0, &n) != 0)
		return complain(&d->ssisdb);
	return n;
}
