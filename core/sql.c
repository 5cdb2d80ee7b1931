/* The SQL side through unixODBC (see sql.h): connect, detect the dialect,
 * run named statements with bound parameters, read their rows. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* explicit_bzero, strcasecmp */
#endif

#include "core/sql.h"

#include "core/sql_catalog.h"
#include "core/util.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sql.h>
#include <sqlext.h>

#define DIAG_RECORDS_MAX 8

struct sql_conn {
	SQLHENV env;
	SQLHDBC dbc;
	enum sql_dialect dialect;
	const struct sql_catalog *cat;
	long timeout_s;
	char dbms[128];
	char last_error[MODEL_ERR_MAX];
};

/* ---- the embedded catalogs, parsed once ---- */

/* Every statement this module runs: both catalogs must declare them. */
static const char *const needed_statements[] = {
	"link_status", "catalog_version", "executions_active", "ssis_jobs", "switch_job",
	"schedule_enabled", "update_schedule", "failover_integration_runtime", "ir_binding",
};

static struct sql_catalog *g_catalogs[2];
static char g_catalog_err[MODEL_ERR_MAX];
static pthread_once_t g_catalog_once = PTHREAD_ONCE_INIT;

static void load_catalogs(void)
{
	static const char *const labels[2] = { "mssql", "sqlite" };
	const char *texts[2] = { sql_text_mssql, sql_text_sqlite };
	char *e = g_catalog_err;
	size_t elen = sizeof(g_catalog_err);
	size_t i;
	int d;

	for (d = 0; d < 2; d++)
		if (sql_catalog_parse(texts[d], labels[d], &g_catalogs[d], e, elen) != 0)
			goto fail;
	if (sql_catalog_same_names(g_catalogs[0], g_catalogs[1], e, elen) != 0)
		goto fail;
	for (i = 0; i < sizeof(needed_statements) / sizeof(needed_statements[0]); i++)
		for (d = 0; d < 2; d++)
			if (!sql_catalog_has(g_catalogs[d], needed_statements[i])) {
				errf(e, elen, "statement '%s' is missing from the %s catalog",
				     needed_statements[i], labels[d]);
				goto fail;
			}
	return;
fail:
	for (d = 0; d < 2; d++) {
		sql_catalog_free(g_catalogs[d]);
		g_catalogs[d] = NULL;
	}
}

static const struct sql_catalog *builtin_catalog(enum sql_dialect d, char *err, size_t errlen)
{
	pthread_once(&g_catalog_once, load_catalogs);
	if (!g_catalogs[0] || !g_catalogs[1]) {
		errf(err, errlen, "the embedded SQL catalog is broken: %s", g_catalog_err);
		return NULL;
	}
	return g_catalogs[d == SQL_DIALECT_MSSQL ? 0 : 1];
}

int sql_catalog_check(char *err, size_t errlen)
{
	return builtin_catalog(SQL_DIALECT_MSSQL, err, errlen) ? 0 : -1;
}

const char *sql_statement_text(enum sql_dialect d, const char *name, char *err, size_t errlen)
{
	const struct sql_catalog *cat = builtin_catalog(d, err, errlen);

	return cat ? sql_catalog_get(cat, name, err, errlen) : NULL;
}

const char *sql_dialect_name(enum sql_dialect d)
{
	return d == SQL_DIALECT_MSSQL ? "mssql" : "sqlite";
}

/* ---- diagnostics ---- */

/* The handle's diagnostic records as "SQLSTATE [native] message; ...",
 * scrubbed, into ERR. Always returns -1. */
static int diag(SQLSMALLINT type, SQLHANDLE h, const char *fn, const char *secret,
		const char *connstr, char *err, size_t errlen)
{
	char raw[2048];
	size_t used = 0;
	SQLSMALLINT i;

	raw[0] = '\0';
	for (i = 1; h != SQL_NULL_HANDLE && i <= DIAG_RECORDS_MAX; i++) {
		SQLCHAR state[6], msg[768];
		SQLINTEGER native = 0;
		SQLSMALLINT len = 0;
		size_t mlen;
		int n;

		if (!SQL_SUCCEEDED(SQLGetDiagRec(type, h, i, state, &native, msg,
						 (SQLSMALLINT)sizeof(msg), &len)))
			break;
		msg[sizeof(msg) - 1] = '\0';
		mlen = strlen((char *)msg);
		while (mlen > 0 && (msg[mlen - 1] == '\n' || msg[mlen - 1] == '\r' ||
				    msg[mlen - 1] == ' '))
			msg[--mlen] = '\0';
		n = snprintf(raw + used, sizeof(raw) - used, "%s%s [%ld] %s", used ? "; " : "",
			     (char *)state, (long)native, (char *)msg);
		if (n < 0 || (size_t)n >= sizeof(raw) - used) {
			used = sizeof(raw) - 1;
			break;
		}
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(raw, sizeof(raw), "HY000 [0] %s failed without a diagnostic record", fn);
	sql_scrub(raw, secret, connstr, err, errlen);
	return -1;
}

/* Record a failure on C (its last error) and copy it to ERR. */
static int conn_diag(struct sql_conn *c, SQLSMALLINT type, SQLHANDLE h, const char *fn, char *err,
		     size_t errlen)
{
	diag(type, h, fn, NULL, NULL, c->last_error, sizeof(c->last_error));
	return errf(err, errlen, "%s", c->last_error);
}

static int conn_fail(struct sql_conn *c, char *err, size_t errlen, const char *fmt, ...)
	SSISDR_PRINTF(4, 5);

static int conn_fail(struct sql_conn *c, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->last_error, sizeof(c->last_error), fmt, ap);
	va_end(ap);
	return errf(err, errlen, "%s", c->last_error);
}

/* ---- connect ---- */

/* CONNSTR plus ";PWD={...}" ('}' doubled) when a password is given. */
static char *full_connstr(const char *connstr, const struct secret *password)
{
	const char *pw = password && secret_is_set(password) ? secret_value(password) : "";
	size_t base = strlen(connstr), plen = strlen(pw), i, n;
	char *out;

	while (base > 0 && (connstr[base - 1] == ';' || connstr[base - 1] == ' '))
		base--;
	out = malloc(base + 2 * plen + 16);
	if (!out)
		return NULL;
	memcpy(out, connstr, base);
	n = base;
	if (*pw) {
		memcpy(out + n, ";PWD={", 6);
		n += 6;
		for (i = 0; i < plen; i++) {
			out[n++] = pw[i];
			if (pw[i] == '}')
				out[n++] = '}';
		}
		out[n++] = '}';
	}
	out[n++] = ';';
	out[n] = '\0';
	return out;
}

static void free_handles(struct sql_conn *c, bool connected)
{
	if (connected)
		SQLDisconnect(c->dbc);
	if (c->dbc != SQL_NULL_HDBC)
		SQLFreeHandle(SQL_HANDLE_DBC, c->dbc);
	if (c->env != SQL_NULL_HENV)
		SQLFreeHandle(SQL_HANDLE_ENV, c->env);
	c->dbc = SQL_NULL_HDBC;
	c->env = SQL_NULL_HENV;
}

static int detect_dialect(struct sql_conn *c, char *err, size_t errlen)
{
	char name[96] = "", ver[32] = "";
	SQLSMALLINT len = 0;
	const struct sql_catalog *cat;

	if (!SQL_SUCCEEDED(SQLGetInfo(c->dbc, SQL_DBMS_NAME, name, (SQLSMALLINT)sizeof(name), &len)))
		return diag(SQL_HANDLE_DBC, c->dbc, "SQLGetInfo(SQL_DBMS_NAME)", NULL, NULL, err,
			    errlen);
	if (!SQL_SUCCEEDED(SQLGetInfo(c->dbc, SQL_DBMS_VER, ver, (SQLSMALLINT)sizeof(ver), &len)))
		ver[0] = '\0';
	snprintf(c->dbms, sizeof(c->dbms), "%s%s%s", name, ver[0] ? " " : "", ver);
	if (strcasecmp(name, "Microsoft SQL Server") == 0)
		c->dialect = SQL_DIALECT_MSSQL;
	else if (strcasecmp(name, "SQLite") == 0)
		c->dialect = SQL_DIALECT_SQLITE;
	else
		return errf(err, errlen,
			    "unsupported DBMS '%s': ssisdr speaks to Microsoft SQL Server"
			    " (and to SQLite for the simulator)",
			    name);
	cat = builtin_catalog(c->dialect, err, errlen);
	if (!cat)
		return -1;
	c->cat = cat;
	return 0;
}

int sql_connect(struct sql_conn **out, const char *connstr, const struct secret *password,
		long timeout_s, char *err, size_t errlen)
{
	const char *secret = password && secret_is_set(password) ? secret_value(password) : NULL;
	struct sql_conn *c;
	char *full;
	SQLRETURN rc;

	*out = NULL;
	if (!connstr || !*connstr)
		return errf(err, errlen, "no ODBC connection string");
	c = calloc(1, sizeof(*c));
	if (!c)
		return errf(err, errlen, "out of memory");
	c->timeout_s = timeout_s > 0 ? timeout_s : 0;
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &c->env))) {
		free(c);
		return errf(err, errlen, "HY000 [0] cannot allocate an ODBC environment");
	}
	if (!SQL_SUCCEEDED(SQLSetEnvAttr(c->env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3,
					 0)) ||
	    !SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, c->env, &c->dbc))) {
		diag(SQL_HANDLE_ENV, c->env, "SQLAllocHandle(SQL_HANDLE_DBC)", NULL, NULL, err,
		     errlen);
		free_handles(c, false);
		free(c);
		return -1;
	}
	if (c->timeout_s > 0) {
		/* Drivers that have no such timeout say so; that is not an error. */
		SQLSetConnectAttr(c->dbc, SQL_ATTR_LOGIN_TIMEOUT, (SQLPOINTER)(SQLULEN)c->timeout_s, 0);
		SQLSetConnectAttr(c->dbc, SQL_ATTR_CONNECTION_TIMEOUT,
				  (SQLPOINTER)(SQLULEN)c->timeout_s, 0);
	}
	full = full_connstr(connstr, password);
	if (!full) {
		free_handles(c, false);
		free(c);
		return errf(err, errlen, "out of memory");
	}
	rc = SQLDriverConnect(c->dbc, NULL, (SQLCHAR *)full, SQL_NTS, NULL, 0, NULL,
			      SQL_DRIVER_NOPROMPT);
	explicit_bzero(full, strlen(full));
	free(full);
	if (!SQL_SUCCEEDED(rc)) {
		diag(SQL_HANDLE_DBC, c->dbc, "SQLDriverConnect", secret, connstr, err, errlen);
		free_handles(c, false);
		free(c);
		return -1;
	}
	if (detect_dialect(c, err, errlen) != 0) {
		free_handles(c, true);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void sql_disconnect(struct sql_conn *c)
{
	if (!c)
		return;
	free_handles(c, true);
	free(c);
}

enum sql_dialect sql_conn_dialect(const struct sql_conn *c)
{
	return c->dialect;
}

const char *sql_conn_dbms(const struct sql_conn *c)
{
	return c ? c->dbms : "";
}

const char *sql_conn_last_error(const struct sql_conn *c)
{
	return c ? c->last_error : "";
}

/* ---- statements ---- */

struct param {
	const char *text; /* SQL_C_CHAR -> SQL_VARCHAR when not NULL */
	SQLINTEGER num;   /* else SQL_C_SLONG -> SQL_INTEGER */
	SQLLEN ind;
};

static void stmt_free(SQLHSTMT st)
{
	if (st != SQL_NULL_HSTMT)
		SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static int stmt_fail(struct sql_conn *c, SQLHSTMT st, const char *fn, char *err, size_t errlen)
{
	conn_diag(c, SQL_HANDLE_STMT, st, fn, err, errlen);
	stmt_free(st);
	return -1;
}

/* Prepare statement NAME, bind PS and execute it; *OUT is the statement
 * handle to fetch from and free. */
static int run(struct sql_conn *c, const char *name, struct param *ps, int np, SQLHSTMT *out,
	       char *err, size_t errlen)
{
	char cerr[MODEL_ERR_MAX];
	const char *text;
	SQLHSTMT st = SQL_NULL_HSTMT;
	SQLRETURN rc;
	int i;

	*out = SQL_NULL_HSTMT;
	if (!c || c->dbc == SQL_NULL_HDBC)
		return errf(err, errlen, "not connected");
	c->last_error[0] = '\0';
	text = sql_catalog_get(c->cat, name, cerr, sizeof(cerr));
	if (!text)
		return conn_fail(c, err, errlen, "%s", cerr);
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, c->dbc, &st)))
		return conn_diag(c, SQL_HANDLE_DBC, c->dbc, "SQLAllocHandle(SQL_HANDLE_STMT)", err,
				 errlen);
	if (c->timeout_s > 0)
		SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)(SQLULEN)c->timeout_s, 0);
	if (!SQL_SUCCEEDED(SQLPrepare(st, (SQLCHAR *)text, SQL_NTS)))
		return stmt_fail(c, st, "SQLPrepare", err, errlen);
	for (i = 0; i < np; i++) {
		struct param *p = &ps[i];
		SQLUSMALLINT no = (SQLUSMALLINT)(i + 1);

		if (p->text) {
			size_t len = strlen(p->text);

			p->ind = SQL_NTS;
			rc = SQLBindParameter(st, no, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR,
					      len ? len : 1, 0, (SQLPOINTER)p->text, (SQLLEN)len + 1,
					      &p->ind);
		} else {
			p->ind = 0;
			rc = SQLBindParameter(st, no, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0,
					      &p->num, 0, &p->ind);
		}
		if (!SQL_SUCCEEDED(rc))
			return stmt_fail(c, st, "SQLBindParameter", err, errlen);
	}
	rc = SQLExecute(st);
	if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		return stmt_fail(c, st, "SQLExecute", err, errlen);
	*out = st;
	return 0;
}

/* Fetch the next row: 1, 0 at the end, -1 on error (ST freed). */
static int fetch(struct sql_conn *c, SQLHSTMT st, char *err, size_t errlen)
{
	SQLRETURN rc = SQLFetch(st);

	if (rc == SQL_NO_DATA)
		return 0;
	if (SQL_SUCCEEDED(rc))
		return 1;
	return stmt_fail(c, st, "SQLFetch", err, errlen);
}

/* Column COL as text ("" when NULL; *isnull says which). -1: ST freed. */
static int get_text(struct sql_conn *c, SQLHSTMT st, SQLUSMALLINT col, char *buf, size_t len,
		    bool *isnull, char *err, size_t errlen)
{
	SQLLEN ind = 0;
	SQLRETURN rc = SQLGetData(st, col, SQL_C_CHAR, buf, (SQLLEN)len, &ind);

	if (!SQL_SUCCEEDED(rc))
		return stmt_fail(c, st, "SQLGetData", err, errlen);
	if (ind == SQL_NULL_DATA)
		buf[0] = '\0';
	buf[len - 1] = '\0';
	if (isnull)
		*isnull = ind == SQL_NULL_DATA;
	return 0;
}

/* Column COL as an int (0 when NULL; *isnull says which). -1: ST freed. */
static int get_int(struct sql_conn *c, SQLHSTMT st, SQLUSMALLINT col, int *v, bool *isnull,
		   char *err, size_t errlen)
{
	SQLINTEGER n = 0;
	SQLLEN ind = 0;
	SQLRETURN rc = SQLGetData(st, col, SQL_C_SLONG, &n, 0, &ind);

	if (!SQL_SUCCEEDED(rc))
		return stmt_fail(c, st, "SQLGetData", err, errlen);
	*v = ind == SQL_NULL_DATA ? 0 : (int)n;
	if (isnull)
		*isnull = ind == SQL_NULL_DATA;
	return 0;
}

/* After a write: step through any further results so that errors raised
 * by the procedure after its first result are seen. Frees ST. */
static int finish_write(struct sql_conn *c, SQLHSTMT st, char *err, size_t errlen)
{
	SQLRETURN rc;
	int i;

	for (i = 0; i < 1000; i++) {
		rc = SQLMoreResults(st);
		if (rc == SQL_NO_DATA)
			break;
		if (!SQL_SUCCEEDED(rc))
			return stmt_fail(c, st, "SQLMoreResults", err, errlen);
	}
	stmt_free(st);
	return 0;
}

/* ---- reads ---- */

static enum model_role parse_role(const char *s)
{
	char buf[32];

	str_copy(buf, s, sizeof(buf));
	s = str_trim(buf);
	if (strcasecmp(s, "PRIMARY") == 0)
		return ROLE_PRIMARY;
	if (strcasecmp(s, "SECONDARY") == 0)
		return ROLE_SECONDARY;
	return ROLE_UNKNOWN;
}

int sql_read_link(struct sql_conn *c, struct model_link *out, char *err, size_t errlen)
{
	struct param p[1] = { { .text = SQL_SSISDB_NAME } };
	struct model_link v;
	char role[32];
	bool null;
	SQLHSTMT st;
	int row, lag;

	if (run(c, "link_status", p, 1, &st, err, errlen) != 0)
		return -1;
	memset(&v, 0, sizeof(v));
	v.d = out->d;
	row = fetch(c, st, err, errlen);
	if (row < 0)
		return -1;
	if (row == 1) {
		v.present = true;
		if (get_text(c, st, 1, role, sizeof(role), NULL, err, errlen) ||
		    get_text(c, st, 2, v.state_desc, sizeof(v.state_desc), NULL, err, errlen) ||
		    get_int(c, st, 3, &lag, &null, err, errlen) ||
		    get_text(c, st, 4, v.last_replication, sizeof(v.last_replication), NULL, err,
			     errlen) ||
		    get_text(c, st, 5, v.last_commit, sizeof(v.last_commit), NULL, err, errlen) ||
		    get_text(c, st, 6, v.partner_server, sizeof(v.partner_server), NULL, err, errlen))
			return -1;
		v.role = parse_role(role);
		v.lag_known = !null;
		v.lag_seconds = null ? 0 : lag;
		if (v.last_commit[0] && sql_parse_time(v.last_commit, &v.last_commit_epoch) != 0)
			v.last_commit_epoch = 0;
	}
	stmt_free(st);
	*out = v;
	return 0;
}

int sql_read_catalog(struct sql_conn *c, struct model_catalog *out, char *err, size_t errlen)
{
	struct model_catalog v;
	char name[64], value[64];
	SQLHSTMT st;
	int row;

	memset(&v, 0, sizeof(v));
	v.d = out->d;
	if (run(c, "catalog_version", NULL, 0, &st, err, errlen) != 0)
		return -1;
	while ((row = fetch(c, st, err, errlen)) == 1) {
		if (get_text(c, st, 1, name, sizeof(name), NULL, err, errlen) ||
		    get_text(c, st, 2, value, sizeof(value), NULL, err, errlen))
			return -1;
		if (strcmp(name, "SCHEMA_VERSION") == 0)
			str_copy(v.schema_version, value, sizeof(v.schema_version));
		else if (strcmp(name, "SCHEMA_BUILD") == 0)
			str_copy(v.schema_build, value, sizeof(v.schema_build));
	}
	if (row < 0)
		return -1;
	stmt_free(st);
	if (run(c, "executions_active", NULL, 0, &st, err, errlen) != 0)
		return -1;
	row = fetch(c, st, err, errlen);
	if (row < 0)
		return -1;
	if (row == 1 && (get_int(c, st, 1, &v.running, NULL, err, errlen) ||
			 get_int(c, st, 2, &v.pending, NULL, err, errlen)))
		return -1;
	stmt_free(st);
	*out = v;
	return 0;
}

int sql_read_jobs(struct sql_conn *c, struct model_jobs *out, char *err, size_t errlen)
{
	struct model_jobs *v;
	SQLHSTMT st;
	int row, n;

	v = calloc(1, sizeof(*v)); /* large: keep it off the poller's stack */
	if (!v)
		return errf(err, errlen, "out of memory");
	v->d = out->d;
	if (run(c, "ssis_jobs", NULL, 0, &st, err, errlen) != 0)
		goto fail;
	while ((row = fetch(c, st, err, errlen)) == 1) {
		struct model_job *j;

		if (v->n == MODEL_MAX_JOBS)
			continue;
		j = &v->items[v->n];
		if (get_text(c, st, 1, j->name, sizeof(j->name), NULL, err, errlen) ||
		    get_int(c, st, 2, &n, NULL, err, errlen))
			goto fail;
		j->job_enabled = n != 0;
		if (get_int(c, st, 3, &j->schedule_id, NULL, err, errlen) ||
		    get_text(c, st, 4, j->schedule, sizeof(j->schedule), NULL, err, errlen) ||
		    get_int(c, st, 5, &n, NULL, err, errlen))
			goto fail;
		j->schedule_enabled = n != 0;
		v->n++;
	}
	if (row < 0)
		goto fail;
	stmt_free(st);
	if (run(c, "switch_job", NULL, 0, &st, err, errlen) != 0)
		goto fail;
	row = fetch(c, st, err, errlen);
	if (row < 0)
		goto fail;
	if (row == 1) {
		char name[MODEL_NAME_MAX];
		int scheduled;

		if (get_text(c, st, 1, name, sizeof(name), NULL, err, errlen) ||
		    get_int(c, st, 2, &n, NULL, err, errlen) ||
		    get_int(c, st, 3, &scheduled, NULL, err, errlen))
			goto fail;
		v->switch_job_present = true;
		v->switch_job_enabled = n != 0 && scheduled != 0;
	}
	stmt_free(st);
	*out = *v;
	free(v);
	return 0;
fail:
	free(v);
	return -1;
}

int sql_read_schedule_enabled(struct sql_conn *c, int schedule_id, bool *enabled, char *err,
			      size_t errlen)
{
	struct param p[1] = { { .num = schedule_id } };
	SQLHSTMT st;
	int row, n = 0;

	if (run(c, "schedule_enabled", p, 1, &st, err, errlen) != 0)
		return -1;
	row = fetch(c, st, err, errlen);
	if (row < 0 || (row == 1 && get_int(c, st, 1, &n, NULL, err, errlen)))
		return -1;
	stmt_free(st);
	if (row == 0)
		return conn_fail(c, err, errlen, "schedule %d does not exist", schedule_id);
	*enabled = n != 0;
	return 0;
}

bool sql_ir_binding_available(const struct sql_conn *c)
{
	return c && c->cat && sql_catalog_has(c->cat, "ir_binding") &&
	       !sql_catalog_unavailable(c->cat, "ir_binding");
}

int sql_read_ir_binding(struct sql_conn *c, struct sql_ir_binding *out, char *err, size_t errlen)
{
	struct sql_ir_binding v;
	SQLHSTMT st;
	int row;

	memset(&v, 0, sizeof(v));
	if (run(c, "ir_binding", NULL, 0, &st, err, errlen) != 0)
		return -1;
	row = fetch(c, st, err, errlen);
	if (row < 0)
		return -1;
	if (row == 1 &&
	    (get_text(c, st, 1, v.factory, sizeof(v.factory), NULL, err, errlen) ||
	     get_text(c, st, 2, v.ir, sizeof(v.ir), NULL, err, errlen) ||
	     get_text(c, st, 3, v.modified, sizeof(v.modified), NULL, err, errlen)))
		return -1;
	stmt_free(st);
	if (row == 0)
		return conn_fail(c, err, errlen, "SSISDB holds no integration runtime binding");
	*out = v;
	return 0;
}

/* ---- writes ---- */

int sql_update_schedule(struct sql_conn *c, int schedule_id, bool enabled, char *err,
			size_t errlen)
{
	struct param p[2] = { { .num = schedule_id }, { .num = enabled ? 1 : 0 } };
	SQLHSTMT st;

	if (!c)
		return errf(err, errlen, "not connected");
	if (schedule_id <= 0)
		return conn_fail(c, err, errlen, "invalid schedule id %d", schedule_id);
	if (run(c, "update_schedule", p, 2, &st, err, errlen) != 0)
		return -1;
	return finish_write(c, st, err, errlen);
}

static int check_name(struct sql_conn *c, const char *what, const char *s, char *err,
		      size_t errlen)
{
	if (!s || !*s)
		return conn_fail(c, err, errlen, "the %s name is empty", what);
	if (strlen(s) > SQL_OBJECT_NAME_MAX)
		return conn_fail(c, err, errlen, "the %s name is longer than %d bytes", what,
				 SQL_OBJECT_NAME_MAX);
	return 0;
}

int sql_failover_integration_runtime(struct sql_conn *c, const char *factory, const char *ir,
				     char *err, size_t errlen)
{
	struct param p[2] = { { .text = factory }, { .text = ir } };
	SQLHSTMT st;

	if (!c)
		return errf(err, errlen, "not connected");
	if (check_name(c, "data factory", factory, err, errlen) ||
	    check_name(c, "integration runtime", ir, err, errlen))
		return -1;
	if (run(c, "failover_integration_runtime", p, 2, &st, err, errlen) != 0)
		return -1;
	return finish_write(c, st, err, errlen);
}
