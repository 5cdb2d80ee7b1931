/* Each site's SSISDB (and msdb on a managed instance) as a SQLite file in
 * WAL mode, with the table and column names of the SQL Server objects the
 * console reads. The simulator keeps one connection per file open for the
 * whole run; it is also the connection that holds the lock for the
 * db-locked and outage faults. */
#ifndef SIM_DB_H
#define SIM_DB_H

#include <stdbool.h>
#include <stddef.h>

struct sim_world;

/* Create (replacing any old ones) and seed every site's files under w->dir.
 * Fills site->ssisdb_path and site->msdb_path. */
int sim_db_open_all(struct sim_world *w, char *err, size_t errlen);
void sim_db_close_all(struct sim_world *w);

/* Write both sites' sys.dm_geo_replication_link_status rows from the world:
 * role, replication state, lag, last_replication, last_commit. */
int sim_db_sync_links_locked(struct sim_world *w, int pair);

/* db-locked fault: hold (or release) a lock on the site's files so that
 * new connections get "database is locked" (already-open ones keep
 * reading); the simulator's own connection keeps working. */
int sim_db_set_locked(struct sim_world *w, int pair, int site, bool locked);
/* outage fault: the site's files can no longer be opened (they are moved
 * aside, so new connections get "connect failed"), and connections already
 * open fail at their next statement (the tables they read are swapped for
 * views that do not resolve). false restores and rewrites the rows. */
int sim_db_set_outage(struct sim_world *w, int pair, int site, bool outage);

/* Read back what the console may have changed through ODBC. */
int sim_db_read_binding(struct sim_world *w, int pair, int site,
			char *factory, size_t flen, char *ir, size_t irlen);
int sim_db_read_schedules(struct sim_world *w, int pair, int site);  /* refreshes site->jobs[] */
int sim_db_count_running(struct sim_world *w, int pair, int site);

#endif
