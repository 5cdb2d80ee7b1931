/* Unit tests for core/sql.c, core/sql_site.c and core/sql_catalog.c: the
 * named-statement catalogs, and the ODBC layer against the simulator's real
 * SQLite files through unixODBC and the SQLite3 ODBC driver (scenarios demo
 * and mi, both started once for the group). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/model.h"
#include "core/secret.h"
#include "core/sql.h"
#include "core/sql_catalog.h"
#include "tests/lib/simproc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sql.h>
#include <sqlext.h>

#define TIMEOUT_S 5L

struct site_conf {
	char ssisdb[CONFIG_ODBC_MAX];
	char msdb[CONFIG_ODBC_MAX];
};

struct fixture {
	struct simproc demo, mi;
	struct site_conf demo_sites[2]; /* eastus (primary), westus */
	struct site_conf mi_sites[2];   /* northeurope (primary), westeurope */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int load_sites(struct simproc *sp, struct site_conf sites[2])
{
	struct ssisdr_config cfg;
	char err[512];

	if (config_load(sp->conf, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "# config_load %s: %s\n", sp->conf, err);
		return -1;
	}
	if (cfg.npairs != 1 || cfg.pairs[0].nsites != 2) {
		config_free(&cfg);
		return -1;
	}
	for (int s = 0; s < 2; s++) {
		snprintf(sites[s].ssisdb, sizeof(sites[s].ssisdb), "%s", cfg.pairs[0].sites[s].ssisdb_odbc);
		snprintf(sites[s].msdb, sizeof(sites[s].msdb), "%s", cfg.pairs[0].sites[s].msdb_odbc);
	}
	config_free(&cfg);
	return 0;
}

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	if (simproc_start(&f->demo, "demo", 1, NULL) != 0) {
		fprintf(stderr, "# cannot start ssisdr-sim --scenario demo\n");
		free(f);
		return -1;
	}
	if (simproc_start(&f->mi, "mi", 1, NULL) != 0) {
		fprintf(stderr, "# cannot start ssisdr-sim --scenario mi\n");
		simproc_stop(&f->demo);
		free(f);
		return -1;
	}
	if (load_sites(&f->demo, f->demo_sites) != 0 || load_sites(&f->mi, f->mi_sites) != 0) {
		simproc_stop(&f->demo);
		simproc_stop(&f->mi);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	if (f) {
		simproc_stop(&f->demo);
		simproc_stop(&f->mi);
		free(f);
	}
	return 0;
}

static struct sql_conn *must_connect(const char *connstr)
{
	struct sql_conn *c = NULL;
	char err[512] = "";
	int rc = sql_connect(&c, connstr, NULL, TIMEOUT_S, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "# connect: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(c);
	return c;
}

/* A statement the test itself runs on the simulator's files (fixtures). */
static int raw_exec(const char *connstr, const char *sql)
{
	SQLHENV env = SQL_NULL_HENV;
	SQLHDBC dbc = SQL_NULL_HDBC;
	SQLHSTMT st = SQL_NULL_HSTMT;
	int ok = 0;

	if (SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env)) &&
	    SQL_SUCCEEDED(SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0)) &&
	    SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc)) &&
	    SQL_SUCCEEDED(SQLDriverConnect(dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, NULL, 0, NULL,
					   SQL_DRIVER_NOPROMPT))) {
		ok = SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st)) &&
		     SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS));
		if (st != SQL_NULL_HSTMT)
			SQLFreeHandle(SQL_HANDLE_STMT, st);
		SQLDisconnect(dbc);
	}
	if (dbc != SQL_NULL_HDBC)
		SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	if (env != SQL_NULL_HENV)
		SQLFreeHandle(SQL_HANDLE_ENV, env);
	return ok ? 0 : -1;
}

/* CONNSTR with its Timeout= (busy timeout, ms) replaced. */
static void with_timeout(const char *connstr, int ms, char *out, size_t len)
{
	const char *t = strstr(connstr, "Timeout=");
	const char *rest;

	assert_non_null(t);
	rest = strchr(t, ';');
	snprintf(out, len, "%.*sTimeout=%d%s", (int)(t - connstr), connstr, ms, rest ? rest : "");
}

/* ---- the catalogs ---- */

static void test_catalog_embedded(void **state)
{
	struct sql_catalog *ms = NULL, *lite = NULL;
	const char *text;
	char err[512] = "";

	(void)state;
	assert_int_equal(sql_catalog_parse(sql_text_mssql, "mssql", &ms, err, sizeof(err)), 0);
	assert_int_equal(sql_catalog_parse(sql_text_sqlite, "sqlite", &lite, err, sizeof(err)), 0);
	assert_int_equal(sql_catalog_same_names(ms, lite, err, sizeof(err)), 0);
	assert_int_equal(sql_catalog_count(ms), sql_catalog_count(lite));
	assert_true(sql_catalog_count(ms) >= 9);
	for (size_t i = 0; i < sql_catalog_count(ms); i++)
		assert_true(sql_catalog_has(lite, sql_catalog_name(ms, i)));
	/* what sql.c runs is there, in both */
	assert_int_equal(sql_catalog_check(err, sizeof(err)), 0);
	/* no text keeps a comment line or a trailing ';' */
	for (size_t i = 0; i < sql_catalog_count(lite); i++) {
		const char *name = sql_catalog_name(lite, i);

		text = sql_catalog_get(lite, name, err, sizeof(err));
		assert_non_null(text);
		assert_null(strstr(text, "--"));
		assert_int_not_equal(text[strlen(text) - 1], ';');
		if (!sql_catalog_unavailable(ms, name)) {
			text = sql_catalog_get(ms, name, err, sizeof(err));
			assert_non_null(text);
			assert_null(strstr(text, "--"));
		}
	}
	/* procedures: named parameters, always both */
	text = sql_statement_text(SQL_DIALECT_MSSQL, "update_schedule", err, sizeof(err));
	assert_non_null(text);
	assert_string_equal(text, "EXEC dbo.sp_update_schedule @schedule_id = ?, @enabled = ?");
	text = sql_statement_text(SQL_DIALECT_MSSQL, "failover_integration_runtime", err, sizeof(err));
	assert_non_null(text);
	assert_non_null(strstr(text, "@data_factory_name = ?"));
	assert_non_null(strstr(text, "@integration_runtime_name = ?"));
	text = sql_statement_text(SQL_DIALECT_SQLITE, "update_schedule", err, sizeof(err));
	assert_non_null(text);
	assert_non_null(strstr(text, "INSERT INTO \"dbo.sp_update_schedule\" (schedule_id, enabled)"));
	/* ir_binding: the simulator only */
	assert_non_null(sql_catalog_unavailable(ms, "ir_binding"));
	assert_null(sql_catalog_unavailable(lite, "ir_binding"));
	assert_null(sql_statement_text(SQL_DIALECT_MSSQL, "ir_binding", err, sizeof(err)));
	assert_non_null(strstr(err, "'ir_binding' is not available in the mssql catalog: SQL Server"));
	/* a statement the code asks for that a dialect lacks: both named */
	assert_null(sql_statement_text(SQL_DIALECT_SQLITE, "no_such_statement", err, sizeof(err)));
	assert_string_equal(err, "statement 'no_such_statement' is missing from the sqlite catalog");
	sql_catalog_free(ms);
	sql_catalog_free(lite);
}

/* embed.awk keeps the text byte for byte (but carriage returns). */
static void test_embedded_matches_files(void **state)
{
	const char *names[2] = { "mssql", "sqlite" };
	const char *texts[2] = { sql_text_mssql, sql_text_sqlite };

	(void)state;
	for (int i = 0; i < 2; i++) {
		char path[512], *buf = malloc(1 << 20), *w, *r;
		FILE *fp;
		size_t n;

		assert_non_null(buf);
		snprintf(path, sizeof(path), "%s/../assets/sql/%s.sql", TEST_SRCDIR, names[i]);
		fp = fopen(path, "rb");
		if (!fp)
			fail_msg("cannot open %s", path);
		n = fread(buf, 1, (1 << 20) - 1, fp);
		fclose(fp);
		buf[n] = '\0';
		for (w = r = buf; *r; r++)
			if (*r != '\r')
				*w++ = *r;
		*w = '\0';
		if (strcmp(buf, texts[i]) != 0)
			fail_msg("core/sql_text_%s.c does not hold %s (rebuild it)", names[i], path);
		free(buf);
	}
}

static void expect_reject(const char *text, const char *message)
{
	struct sql_catalog *cat = (struct sql_catalog *)1;
	char err[512] = "";

	assert_int_equal(sql_catalog_parse(text, "t", &cat, err, sizeof(err)), -1);
	assert_null(cat);
	if (!strstr(err, message))
		fail_msg("'%s' does not hold '%s'", err, message);
}

static void test_catalog_malformed(void **state)
{
	struct sql_catalog *cat = NULL;
	char err[512] = "";

	(void)state;
	expect_reject("-- name: a\nSELECT 1;\n-- name: b\nSELECT 2\n-- name: a\nSELECT 3\n",
		      "t line 5: duplicate statement name 'a' (first at line 1)");
	expect_reject("-- name: a\nSELECT 1\n-- name: b\n-- just a comment\n  ;  \n-- name: c\nSELECT 3\n",
		      "t line 3: statement 'b' is empty");
	expect_reject("-- name: a\n", "t line 1: statement 'a' is empty");
	expect_reject("-- header\nSELECT 0;\n-- name: a\nSELECT 1\n",
		      "t line 2: text before the first '-- name:' line");
	expect_reject("-- name: bad name\nSELECT 1\n", "t line 1: invalid statement name 'bad name'");
	expect_reject("-- name:\nSELECT 1\n", "t line 1: invalid statement name ''");
	expect_reject("-- name: a\n-- unavailable: no such view\nSELECT 1\n",
		      "t line 1: statement 'a' is declared unavailable but has a text");
	expect_reject("-- name: a\n-- unavailable:\n", "t line 2: '-- unavailable:' needs a reason");
	expect_reject("-- only comments\n\n", "t: no statements");
	expect_reject("", "t: no statements");

	/* what is accepted: a header of comments and blank lines, CRLF, text
	 * trimmed, one trailing ';' and the comment lines removed */
	assert_int_equal(sql_catalog_parse("-- header\n\n--name:a\r\n  -- note\r\nSELECT 1\r\n"
					   "FROM t;;\r\n\r\n-- name: b\n-- unavailable: why not\n",
					   "t", &cat, err, sizeof(err)),
			 0);
	assert_int_equal(sql_catalog_count(cat), 2);
	assert_string_equal(sql_catalog_get(cat, "a", err, sizeof(err)), "SELECT 1\nFROM t;");
	assert_null(sql_catalog_get(cat, "b", err, sizeof(err)));
	assert_string_equal(err, "statement 'b' is not available in the t catalog: why not");
	assert_null(sql_catalog_get(cat, "c", err, sizeof(err)));
	assert_string_equal(err, "statement 'c' is missing from the t catalog");
	sql_catalog_free(cat);
}

static void test_catalog_name_sets_differ(void **state)
{
	struct sql_catalog *a = NULL, *b = NULL;
	char err[512] = "";

	(void)state;
	assert_int_equal(sql_catalog_parse("-- name: x\nSELECT 1\n-- name: y\nSELECT 2\n", "mssql", &a,
					   err, sizeof(err)),
			 0);
	assert_int_equal(sql_catalog_parse("-- name: x\nSELECT 1\n", "sqlite", &b, err, sizeof(err)), 0);
	assert_int_equal(sql_catalog_same_names(a, b, err, sizeof(err)), -1);
	assert_string_equal(err, "statement 'y' is in the mssql catalog but not in the sqlite catalog");
	assert_int_equal(sql_catalog_same_names(b, a, err, sizeof(err)), -1);
	sql_catalog_free(a);
	sql_catalog_free(b);
}

/* ---- helpers ---- */

static void test_parse_time(void **state)
{
	double t = -1;

	(void)state;
	assert_int_equal(sql_parse_time("2024-01-02 03:04:05.1234567 +00:00", &t), 0);
	assert_true(fabs(t - (1704164645.0 + 0.1234567)) < 1e-6);
	assert_int_equal(sql_parse_time("2024-01-02 03:04:05", &t), 0);
	assert_true(t == 1704164645.0);
	assert_int_equal(sql_parse_time("2024-01-02T03:04:05.123Z", &t), 0);
	assert_true(fabs(t - 1704164645.123) < 1e-6);
	assert_int_equal(sql_parse_time("2024-01-02T05:04:05+02:00", &t), 0);
	assert_true(t == 1704164645.0);
	assert_int_equal(sql_parse_time("2024-01-01T22:04:05-0500", &t), 0);
	assert_true(t == 1704164645.0);
	assert_int_equal(sql_parse_time("2024-01-02 03:04:05 Z", &t), 0);
	assert_true(t == 1704164645.0);
	assert_int_equal(sql_parse_time("1970-01-01 00:00:00", &t), 0);
	assert_true(t == 0.0);
	assert_int_equal(sql_parse_time("", &t), -1);
	assert_int_equal(sql_parse_time("2024-13-02 03:04:05", &t), -1);
	assert_int_equal(sql_parse_time("2024-01-02 03:04", &t), -1);
	assert_int_equal(sql_parse_time("2024-01-02 03:04:05.", &t), -1);
	assert_int_equal(sql_parse_time("2024-01-02 03:04:05 +0", &t), -1);
	assert_int_equal(sql_parse_time("2024-01-02 03:04:05 junk", &t), -1);
	assert_int_equal(sql_parse_time(NULL, &t), -1);
}

static void test_scrub(void **state)
{
	char out[256];

	(void)state;
	sql_scrub("08001 [0] login failed for DSN=x;UID=u;PWD=hunter2;Database=y", NULL, NULL, out,
		  sizeof(out));
	assert_string_equal(out, "08001 [0] login failed for DSN=x;UID=u;PWD=***;Database=y");
	sql_scrub("bad: Driver=X;pwd = {a;b}}c};Server=s", NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "bad: Driver=X;pwd = ***;Server=s");
	/* a value runs to ';' or a quote: spaces may be part of a password */
	sql_scrub("Password=p4ss word 'Password=q'", NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "Password=***'Password=***'");
	sql_scrub("echo: the password is s3cr}et here", "s3cr}et", NULL, out, sizeof(out));
	assert_string_equal(out, "echo: the password is *** here");
	sql_scrub("cannot use Driver=SQLite3;Database=/x.db here", NULL, "Driver=SQLite3;Database=/x.db",
		  out, sizeof(out));
	assert_string_equal(out, "cannot use (connection string) here");
	sql_scrub("no PWDX=1 or XPWD=2", NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "no PWDX=1 or XPWD=2");
	sql_scrub("PWD=abcdefghij", NULL, NULL, out, 8);
	assert_string_equal(out, "PWD=***");
}

/* ---- against the simulator ---- */

static void test_dialect_sqlite(void **state)
{
	struct fixture *f = *state;
	struct sql_conn *c = must_connect(f->demo_sites[0].ssisdb);

	assert_int_equal(sql_conn_dialect(c), SQL_DIALECT_SQLITE);
	assert_string_equal(sql_dialect_name(sql_conn_dialect(c)), "sqlite");
	assert_int_equal(strncmp(sql_conn_dbms(c), "SQLite", 6), 0);
	assert_true(sql_ir_binding_available(c));
	sql_disconnect(c);
}

static void test_link_roles(void **state)
{
	struct fixture *f = *state;
	struct model_link l[2];
	char err[512] = "";

	for (int s = 0; s < 2; s++) {
		struct sql_conn *c = must_connect(f->demo_sites[s].ssisdb);

		memset(&l[s], 0, sizeof(l[s]));
		l[s].d.read_at = 42; /* not the reader's business */
		assert_int_equal(sql_read_link(c, &l[s], err, sizeof(err)), 0);
		assert_true(l[s].d.read_at == 42);
		assert_true(l[s].present);
		assert_string_equal(l[s].state_desc, "CATCH_UP");
		assert_true(l[s].last_commit_epoch > 1e9);
		sql_disconnect(c);
	}
	assert_int_equal(l[0].role, ROLE_PRIMARY);
	assert_int_equal(l[1].role, ROLE_SECONDARY);
	assert_true(l[0].lag_known);
	assert_int_equal(l[0].lag_seconds, 0);
	assert_true(l[0].last_replication[0] != '\0');
	assert_false(l[1].lag_known);
	assert_string_equal(l[1].last_replication, "");
	assert_string_equal(l[0].partner_server, "sql-ssisdr-westus");
	assert_string_equal(l[1].partner_server, "sql-ssisdr-eastus");

	/* the managed instances too: northeurope primary with 2 s of lag */
	for (int s = 0; s < 2; s++) {
		struct sql_conn *c = must_connect(f->mi_sites[s].ssisdb);
		struct model_link m;

		memset(&m, 0, sizeof(m));
		assert_int_equal(sql_read_link(c, &m, err, sizeof(err)), 0);
		assert_int_equal(m.role, s == 0 ? ROLE_PRIMARY : ROLE_SECONDARY);
		assert_int_equal(m.lag_known, s == 0);
		if (s == 0)
			assert_int_equal(m.lag_seconds, 2);
		sql_disconnect(c);
	}
}

static void test_last_commit_advances(void **state)
{
	struct fixture *f = *state;
	struct sql_conn *c = must_connect(f->demo_sites[0].ssisdb);
	struct model_link before, after;
	char err[512] = "";

	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	assert_int_equal(sql_read_link(c, &before, err, sizeof(err)), 0);
	assert_int_equal(sql_parse_time(before.last_commit, &before.last_commit_epoch), 0);
	assert_int_equal(simproc_advance(&f->demo, 10), 0);
	assert_int_equal(sql_read_link(c, &after, err, sizeof(err)), 0);
	assert_true(after.last_commit_epoch >= before.last_commit_epoch + 9.0);
	assert_true(after.last_commit_epoch < before.last_commit_epoch + 30.0);
	sql_disconnect(c);
}

static void test_catalog_read(void **state)
{
	struct fixture *f = *state;
	struct model_catalog cat[2];
	char err[512] = "";

	for (int s = 0; s < 2; s++) {
		struct sql_conn *c = must_connect(f->demo_sites[s].ssisdb);

		memset(&cat[s], 0, sizeof(cat[s]));
		cat[s].running = cat[s].pending = -1;
		assert_int_equal(sql_read_catalog(c, &cat[s], err, sizeof(err)), 0);
		assert_true(cat[s].schema_version[0] != '\0');
		assert_true(cat[s].schema_build[0] != '\0');
		assert_int_equal(cat[s].running, 0);
		assert_int_equal(cat[s].pending, 0);
		sql_disconnect(c);
	}
	assert_string_equal(cat[0].schema_version, cat[1].schema_version);
	assert_string_equal(cat[0].schema_build, cat[1].schema_build);

	/* a running, a pending and a created execution on the primary */
	assert_int_equal(raw_exec(f->demo_sites[0].ssisdb,
				  "INSERT INTO \"catalog.executions\" (execution_id, status) VALUES"
				  " (90001, 2), (90002, 5), (90003, 1), (90004, 7), (90005, 4)"),
			 0);
	{
		struct sql_conn *c = must_connect(f->demo_sites[0].ssisdb);

		assert_int_equal(sql_read_catalog(c, &cat[0], err, sizeof(err)), 0);
		assert_int_equal(cat[0].running, 1);
		assert_int_equal(cat[0].pending, 2);
		sql_disconnect(c);
	}
	assert_int_equal(raw_exec(f->demo_sites[0].ssisdb,
				  "DELETE FROM \"catalog.executions\" WHERE execution_id > 90000"),
			 0);
}

static void test_mi_jobs(void **state)
{
	struct fixture *f = *state;
	struct model_jobs *j = calloc(2, sizeof(*j));
	char err[512] = "";

	assert_non_null(j);
	for (int s = 0; s < 2; s++) {
		struct sql_conn *c = must_connect(f->mi_sites[s].msdb);

		j[s].d.tried_at = 7;
		assert_int_equal(sql_read_jobs(c, &j[s], err, sizeof(err)), 0);
		assert_true(j[s].d.tried_at == 7);
		assert_int_equal(j[s].n, 2);
		for (int i = 0; i < j[s].n; i++) {
			assert_true(j[s].items[i].job_enabled);
			assert_true(j[s].items[i].schedule_id > 0);
			assert_true(j[s].items[i].schedule[0] != '\0');
			/* schedules enabled on the primary only */
			assert_int_equal(j[s].items[i].schedule_enabled, s == 0);
		}
		assert_true(j[s].switch_job_present);
		assert_true(j[s].switch_job_enabled);
		sql_disconnect(c);
	}
	/* sorted by job name; the same jobs and schedule ids on both sides */
	assert_string_equal(j[0].items[0].name, "HourlyMarts");
	assert_string_equal(j[0].items[1].name, "NightlyWarehouse");
	assert_string_equal(j[0].items[1].schedule, "NightlyAt0200");
	for (int i = 0; i < 2; i++) {
		assert_string_equal(j[0].items[i].name, j[1].items[i].name);
		assert_int_equal(j[0].items[i].schedule_id, j[1].items[i].schedule_id);
	}
	free(j);
}

static void test_switch_job_absent(void **state)
{
	struct fixture *f = *state;
	struct sql_conn *c = must_connect(f->mi_sites[1].msdb);
	struct model_jobs *j = calloc(1, sizeof(*j));
	char err[512] = "";

	assert_non_null(j);
	/* the switch job disabled, then its step no longer calling sp_update_schedule */
	assert_int_equal(raw_exec(f->mi_sites[1].msdb, "UPDATE \"dbo.sysjobs\" SET enabled = 0"
						       " WHERE name = 'SSIS schedule switch'"),
			 0);
	assert_int_equal(sql_read_jobs(c, j, err, sizeof(err)), 0);
	assert_true(j->switch_job_present);
	assert_false(j->switch_job_enabled);
	assert_int_equal(raw_exec(f->mi_sites[1].msdb,
				  "UPDATE \"dbo.sysjobsteps\" SET command = replace(command,"
				  " 'sp_update_schedule', 'sp_help_schedule') WHERE subsystem = 'TSQL'"),
			 0);
	assert_int_equal(sql_read_jobs(c, j, err, sizeof(err)), 0);
	assert_false(j->switch_job_present);
	assert_false(j->switch_job_enabled);
	assert_int_equal(j->n, 2);
	assert_int_equal(raw_exec(f->mi_sites[1].msdb,
				  "UPDATE \"dbo.sysjobsteps\" SET command = replace(command,"
				  " 'sp_help_schedule', 'sp_update_schedule') WHERE subsystem = 'TSQL'"),
			 0);
	assert_int_equal(raw_exec(f->mi_sites[1].msdb, "UPDATE \"dbo.sysjobs\" SET enabled = 1"
						       " WHERE name = 'SSIS schedule switch'"),
			 0);
	assert_int_equal(sql_read_jobs(c, j, err, sizeof(err)), 0);
	assert_true(j->switch_job_enabled);
	free(j);
	sql_disconnect(c);
}

static void test_update_schedule(void **state)
{
	struct fixture *f = *state;
	struct sql_conn *c = must_connect(f->mi_sites[1].msdb);
	struct model_jobs *j = calloc(1, sizeof(*j));
	char err[512] = "";
	bool on = true;
	int id;

	assert_non_null(j);
	assert_int_equal(sql_read_jobs(c, j, err, sizeof(err)), 0);
	id = j->items[0].schedule_id;
	assert_false(j->items[0].schedule_enabled);
	assert_int_equal(sql_read_schedule_enabled(c, id, &on, err, sizeof(err)), 0);
	assert_false(on);

	/* on the secondary instance: msdb is not replicated, so it is writable */
	assert_int_equal(sql_update_schedule(c, id, true, err, sizeof(err)), 0);
	assert_int_equal(sql_read_schedule_enabled(c, id, &on, err, sizeof(err)), 0);
	assert_true(on);
	assert_int_equal(sql_read_jobs(c, j, err, sizeof(err)), 0);
	assert_true(j->items[0].schedule_enabled);
	assert_false(j->items[1].schedule_enabled);

	/* and back: @enabled = 0 is passed, not left to its default of 1 */
	assert_int_equal(sql_update_schedule(c, id, false, err, sizeof(err)), 0);
	assert_int_equal(sql_read_schedule_enabled(c, id, &on, err, sizeof(err)), 0);
	assert_false(on);

	assert_int_equal(sql_update_schedule(c, 9999, true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "The specified @schedule_id does not exist."));
	assert_string_equal(sql_conn_last_error(c), err);
	assert_int_equal(sql_read_schedule_enabled(c, 9999, &on, err, sizeof(err)), -1);
	assert_string_equal(err, "schedule 9999 does not exist");
	assert_int_equal(sql_update_schedule(c, 0, true, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid schedule id 0");
	free(j);
	sql_disconnect(c);
}

static void test_failover_integration_runtime(void **state)
{
	struct fixture *f = *state;
	struct sql_conn *sec = must_connect(f->demo_sites[1].ssisdb);
	struct sql_conn *pri = must_connect(f->demo_sites[0].ssisdb);
	struct sql_ir_binding b;
	char err[512] = "";

	/* the geo-secondary is read-only */
	assert_int_equal(sql_failover_integration_runtime(sec, "adf-new", "ssis-ir-new", err, sizeof(err)),
			 -1);
	if (!strstr(err, "Failed to update database \"SSISDB\" because the database is read-only."))
		fail_msg("unexpected error: %s", err);
	assert_int_equal(sql_read_ir_binding(pri, &b, err, sizeof(err)), 0);
	assert_string_equal(b.factory, "adf-ssisdr-eastus");
	assert_string_equal(b.ir, "ssis-ir-eastus");

	assert_int_equal(sql_failover_integration_runtime(pri, "adf-new", "ssis-ir-new", err, sizeof(err)),
			 0);
	assert_int_equal(sql_read_ir_binding(pri, &b, err, sizeof(err)), 0);
	assert_string_equal(b.factory, "adf-new");
	assert_string_equal(b.ir, "ssis-ir-new");
	assert_true(b.modified[0] != '\0');

	assert_int_equal(sql_failover_integration_runtime(pri, "", "x", err, sizeof(err)), -1);
	assert_string_equal(err, "the data factory name is empty");
	/* and back */
	assert_int_equal(sql_failover_integration_runtime(pri, "adf-ssisdr-eastus", "ssis-ir-eastus",
							  err, sizeof(err)),
			 0);
	sql_disconnect(sec);
	sql_disconnect(pri);
}

static void test_outage(void **state)
{
	struct fixture *f = *state;
	struct sql_conn *c = NULL;
	char err[512] = "";

	assert_int_equal(simproc_fault(&f->demo, "{\"kind\": \"outage\", \"site\": \"westus\"}"), 0);
	assert_int_equal(sql_connect(&c, f->demo_sites[1].ssisdb, NULL, TIMEOUT_S, err, sizeof(err)), -1);
	assert_null(c);
	if (!strstr(err, "connect failed"))
		fail_msg("unexpected error: %s", err);
	assert_null(strstr(err, "Database="));
	assert_int_equal(simproc_clear(&f->demo), 0);
	c = must_connect(f->demo_sites[1].ssisdb);
	sql_disconnect(c);
}

static void test_db_locked_and_backoff(void **state)
{
	struct fixture *f = *state;
	char connstr[CONFIG_ODBC_MAX + 16], err[512] = "";
	struct sql_site_db *db;
	struct sql_conn *c;
	struct model_link l;
	double t0, t = 1000.0;
	int rc;

	with_timeout(f->demo_sites[0].ssisdb, 500, connstr, sizeof(connstr));
	db = sql_site_db_new(connstr, NULL, TIMEOUT_S);
	assert_non_null(db);
	assert_int_equal(simproc_fault(&f->demo, "{\"kind\": \"db-locked\", \"site\": \"eastus\"}"), 0);

	/* the connect or the read fails within the busy timeout */
	t0 = now_s();
	memset(&l, 0, sizeof(l));
	rc = sql_site_db_get(db, t, &c, err, sizeof(err));
	if (rc == 0) {
		assert_int_equal(sql_read_link(c, &l, err, sizeof(err)), -1);
		sql_site_db_failed(db, t);
	}
	assert_true(now_s() - t0 < 3.0);
	if (!strstr(err, "database is locked"))
		fail_msg("unexpected error: %s", err);
	assert_true(sql_site_db_retry_at(db) == t + 1);

	/* backing off: no connect before 1 s, saying why */
	assert_int_equal(sql_site_db_get(db, t + 0.2, &c, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "waiting 1 s before reconnecting: ", 33), 0);
	assert_non_null(strstr(err, "database is locked"));

	/* still locked at t + 1: the next wait is 2 s */
	rc = sql_site_db_get(db, t + 1, &c, err, sizeof(err));
	if (rc == 0) {
		assert_int_equal(sql_read_link(c, &l, err, sizeof(err)), -1);
		sql_site_db_failed(db, t + 1);
	}
	assert_true(sql_site_db_retry_at(db) == t + 3);
	assert_int_equal(sql_site_db_get(db, t + 2, &c, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "waiting 1 s before reconnecting: ", 33), 0);

	/* cleared: the same sql_site_db reconnects once the wait is over */
	assert_int_equal(simproc_clear(&f->demo), 0);
	assert_int_equal(sql_site_db_get(db, t + 2.5, &c, err, sizeof(err)), -1);
	assert_int_equal(sql_site_db_get(db, t + 3, &c, err, sizeof(err)), 0);
	assert_int_equal(sql_read_link(c, &l, err, sizeof(err)), 0);
	assert_int_equal(l.role, ROLE_PRIMARY);
	/* it survived a round: the backoff is reset */
	assert_int_equal(sql_site_db_get(db, t + 3.1, &c, err, sizeof(err)), 0);
	assert_true(sql_site_db_retry_at(db) == 0);
	sql_site_db_free(db);
}

static void test_site_db_backoff_caps(void **state)
{
	char dir[] = "/tmp/ssisdr-test-sql-XXXXXX", path[64], connstr[160], err[512] = "";
	struct sql_site_db *db;
	struct sql_conn *c;
	double t = 50.0, delays[] = { 1, 2, 4, 5, 5 };
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/later.db", dir);
	snprintf(connstr, sizeof(connstr), "Driver=SQLite3;Database=%s;NoCreat=1;Timeout=100", path);
	db = sql_site_db_new(connstr, NULL, 2);
	assert_non_null(db);
	sql_site_db_set_backoff(db, 1, 5);
	for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		assert_int_equal(sql_site_db_get(db, t, &c, err, sizeof(err)), -1);
		assert_null(c);
		assert_non_null(strstr(err, "connect failed"));
		assert_true(sql_site_db_retry_at(db) == t + delays[i]);
		t += delays[i];
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(sql_site_db_get(db, t - 0.5, &c, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "waiting 1 s before reconnecting: ", 33), 0);
	assert_int_equal(sql_site_db_get(db, t, &c, err, sizeof(err)), 0);
	assert_non_null(c);
	assert_int_equal(sql_site_db_get(db, t + 1, &c, err, sizeof(err)), 0);
	assert_true(sql_site_db_retry_at(db) == 0);
	/* a failed call drops the connection and starts again at 1 s */
	sql_site_db_failed(db, t + 2);
	assert_true(sql_site_db_retry_at(db) == t + 3);
	sql_site_db_free(db);
	unlink(path);
	rmdir(dir);
}

static void test_wrong_driver(void **state)
{
	struct sql_conn *c = NULL;
	char err[512] = "";

	(void)state;
	assert_int_equal(sql_connect(&c, "Driver=NoSuchDriver;Database=/tmp/none.db", NULL, 2, err,
				     sizeof(err)),
			 -1);
	assert_null(c);
	if (!strstr(err, "NoSuchDriver") || !strstr(err, "Can't open lib"))
		fail_msg("unexpected error: %s", err);
	assert_int_equal(sql_connect(&c, "", NULL, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "no ODBC connection string");
}

static void test_password_never_in_errors(void **state)
{
	struct fixture *f = *state;
	const char *bad[] = {
		"Driver=SQLite3;Database=/nonexistent/dir/x.db;NoCreat=1;PWD=hunter2-in-connstr",
		"Driver=NoSuchDriver;UID=sa;PWD={hunter2-in-connstr}",
		"DSN=no-such-dsn;PWD=hunter2-in-connstr",
	};
	struct secret pw;
	struct sql_conn *c = NULL;
	char err[512] = "";

	(void)f;
	assert_int_equal(secret_parse(&pw, "s3cr}et-password", err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		assert_int_equal(sql_connect(&c, bad[i], &pw, 2, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
		if (strstr(err, "hunter2") || strstr(err, "s3cr"))
			fail_msg("secret leaked: %s", err);
	}
	/* a real connect with a password: SQLite ignores PWD={...} */
	c = must_connect(f->demo_sites[0].ssisdb);
	sql_disconnect(c);
	assert_int_equal(sql_connect(&c, f->demo_sites[0].ssisdb, &pw, 2, err, sizeof(err)), 0);
	sql_disconnect(c);
	secret_clear(&pw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_embedded),
		cmocka_unit_test(test_embedded_matches_files),
		cmocka_unit_test(test_catalog_malformed),
		cmocka_unit_test(test_catalog_name_sets_differ),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_dialect_sqlite),
		cmocka_unit_test(test_link_roles),
		cmocka_unit_test(test_last_commit_advances),
		cmocka_unit_test(test_catalog_read),
		cmocka_unit_test(test_mi_jobs),
		cmocka_unit_test(test_switch_job_absent),
		cmocka_unit_test(test_update_schedule),
		cmocka_unit_test(test_failover_integration_runtime),
		cmocka_unit_test(test_outage),
		cmocka_unit_test(test_db_locked_and_backoff),
		cmocka_unit_test(test_site_db_backoff_caps),
		cmocka_unit_test(test_wrong_driver),
		cmocka_unit_test(test_password_never_in_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
