/* The SQL side through unixODBC: SSISDB (geo-replication link, catalog)
 * and, on a managed instance, msdb (SQL Agent jobs and schedules).
 *
 * Every statement is a named statement of assets/sql/<dialect>.sql run with
 * bound parameters. The dialect comes from SQLGetInfo(SQL_DBMS_NAME):
 * "Microsoft SQL Server" is T-SQL, "SQLite" is the simulator's files.
 *
 * Errors are the ODBC diagnostics as "SQLSTATE [native] message", joined
 * with "; " (e.g. "HY000 [14] [SQLite]connect failed"); the caller adds the
 * site and the database. Messages never hold the password or the
 * connection string: PWD=/Password= values, the password itself and an
 * echoed connection string are scrubbed from anything a driver says.
 *
 * A struct sql_conn is used by one thread at a time; different connections
 * may be used by different threads. */
#ifndef CORE_SQL_H
#define CORE_SQL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/secret.h"

enum sql_dialect { SQL_DIALECT_MSSQL, SQL_DIALECT_SQLITE };

struct sql_conn;

/* The partner database link_status looks for. */
#define SQL_SSISDB_NAME "SSISDB"
/* Longest factory or IR name failover_integration_runtime accepts. */
#define SQL_OBJECT_NAME_MAX (MODEL_NAME_MAX - 1)

/* Connect with login, connection and query timeouts of TIMEOUT_S seconds
 * (0: the driver's defaults). PASSWORD, when set and loaded, is appended as
 * PWD={...} with '}' doubled; the text holding it is wiped after use.
 * Fails when the DBMS is neither SQL Server nor SQLite, naming it. */
int sql_connect(struct sql_conn **out, const char *connstr, const struct secret *password,
		long timeout_s, char *err, size_t errlen);
void sql_disconnect(struct sql_conn *c); /* NULL is fine */
enum sql_dialect sql_conn_dialect(const struct sql_conn *c);
/* "Microsoft SQL Server 12.00.5000" or "SQLite 3.39.3", for the screen. */
const char *sql_conn_dbms(const struct sql_conn *c);
/* The (scrubbed) error of the connection's last failed call; "" if none. */
const char *sql_conn_last_error(const struct sql_conn *c);
const char *sql_dialect_name(enum sql_dialect d); /* "mssql" "sqlite" */

/* Reads. Each fills the struct but not its datum (the caller sets read_at,
 * tried_at and error); on failure they return -1 and leave it untouched. */

/* SSISDB: sys.dm_geo_replication_link_status for partner SSISDB. No row:
 * present = false. lag_known only when replication_lag_sec is not NULL
 * (the primary). last_commit_epoch is 0 when last_commit is NULL. */
int sql_read_link(struct sql_conn *c, struct model_link *out, char *err, size_t errlen);
/* SSISDB: SCHEMA_VERSION / SCHEMA_BUILD ("" when absent) and the number of
 * running (status 2) and created or pending (1, 5) executions. */
int sql_read_catalog(struct sql_conn *c, struct model_catalog *out, char *err, size_t errlen);
/* msdb: one item per SSIS job and schedule attached to it (jobs without a
 * schedule are not listed; at most MODEL_MAX_JOBS), and the seed's
 * schedule-switch job: present, and enabled = the job is enabled and has
 * an enabled schedule (it only runs "regularly" with one). */
int sql_read_jobs(struct sql_conn *c, struct model_jobs *out, char *err, size_t errlen);
/* msdb: one schedule's enabled flag (to verify sql_update_schedule); a
 * schedule that does not exist is an error. */
int sql_read_schedule_enabled(struct sql_conn *c, int schedule_id, bool *enabled, char *err,
			      size_t errlen);

/* SSISDB: which factory / IR the catalog is bound to, to verify
 * sql_failover_integration_runtime. Only the simulator has it: SQL Server
 * publishes no such view, so on mssql it fails with "... not available ...". */
struct sql_ir_binding {
	char factory[MODEL_NAME_MAX];
	char ir[MODEL_NAME_MAX];
	char modified[48];
};
bool sql_ir_binding_available(const struct sql_conn *c);
int sql_read_ir_binding(struct sql_conn *c, struct sql_ir_binding *out, char *err, size_t errlen);

/* Writes. */
/* msdb: EXEC dbo.sp_update_schedule @schedule_id = ?, @enabled = ? (both by
 * name, always: @enabled defaults to 1). */
int sql_update_schedule(struct sql_conn *c, int schedule_id, bool enabled, char *err,
			size_t errlen);
/* SSISDB (primary): EXEC [catalog].[failover_integration_runtime]
 * @data_factory_name = ?, @integration_runtime_name = ? (by name: the
 * order is not published). Names must be 1..SQL_OBJECT_NAME_MAX bytes. */
int sql_failover_integration_runtime(struct sql_conn *c, const char *factory, const char *ir,
				     char *err, size_t errlen);

/* The text of a named statement in a dialect, e.g. to show in a plan; NULL
 * with ERR when it is missing or unavailable in that dialect. */
const char *sql_statement_text(enum sql_dialect d, const char *name, char *err, size_t errlen);
/* Both embedded catalogs parse, declare the same names, and hold every
 * statement this module runs. */
int sql_catalog_check(char *err, size_t errlen);

/* Reconnect with backoff: owns a connection string, a copy of the password
 * and at most one connection. Not thread-safe (one poller thread). Times
 * are the caller's clock in seconds (injectable for tests). */
struct sql_site_db;

struct sql_site_db *sql_site_db_new(const char *connstr, const struct secret *password,
				    long timeout_s); /* NULL: out of memory */
/* The open connection, connecting first if needed. While backing off after
 * a failure: -1 and "waiting N s before reconnecting: <last error>". A
 * failed connect starts or extends the backoff and returns its error. */
int sql_site_db_get(struct sql_site_db *db, double now, struct sql_conn **conn, char *err,
		    size_t errlen);
/* Report that a call on the connection from sql_site_db_get failed: the
 * connection is dropped (any error may mean it is gone, e.g. after a
 * failover) and the next connect waits 1 s, doubling up to 60 s while
 * failures continue; a connection that survives until the next get resets
 * the backoff. */
void sql_site_db_failed(struct sql_site_db *db, double now);
void sql_site_db_free(struct sql_site_db *db); /* wipes the password copy */
/* Change the backoff (defaults 1 s and 60 s). */
void sql_site_db_set_backoff(struct sql_site_db *db, double first_s, double max_s);
/* When the next connect may be tried; 0 when not backing off. */
double sql_site_db_retry_at(const struct sql_site_db *db);

/* Helpers, exposed for tests. */
/* "YYYY-MM-DD HH:MM:SS[.fffffff] [+HH:MM]" or the ISO form with 'T' and
 * Z / +HH:MM / +HHMM (no zone: UTC) to seconds since 1970. 0 or -1. */
int sql_parse_time(const char *text, double *epoch);
/* Copy IN to OUT with PWD=/Password= values (plain or {braced}) replaced by
 * ***, every occurrence of SECRET (when 3+ bytes) by ***, and CONNSTR (when
 * not NULL or empty) by "(connection string)". */
void sql_scrub(const char *in, const char *secret, const char *connstr, char *out, size_t outlen);

#endif
