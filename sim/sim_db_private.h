/* What sim_db.c (files, the ticker's link sync, faults, reads),
 * sim_db_seed.c (seeding SSISDB and msdb from the world) and
 * sim_db_schema.c (the SQL text) share. Not for the rest of the simulator:
 * it uses sim_db.h. */
#ifndef SIM_DB_PRIVATE_H
#define SIM_DB_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "sim/sim_world.h"

#define LINK_TABLE "\"sys.dm_geo_replication_link_status\""
#define BINDING_TABLE "\"catalog.integration_runtime_binding\""

/* sim_db_schema.c: NULL-terminated lists of statements */
extern const char *const sim_db_common_schema[];
extern const char *const sim_db_ssisdb_schema[];
extern const char *const sim_db_msdb_schema[];
extern const char *const sim_db_catalog_properties[][2];
extern const int sim_db_ncatalog_properties;

/* Statements run often enough to keep prepared (their SQL is in sim_db.c). */
enum slot { ST_LINK, ST_BINDING, ST_RUNNING, ST_SCHEDULE, ST_JOB, ST_NSLOTS };

struct link_vals {
	int role;
	int state;
	char state_desc[24];
	char last_commit[48];
	char last_repl[48];
	long long lag;
	int has_lag;
};

struct dbfile {
	sqlite3 *db;
	char path[SIM_PATH_MAX];
	char err[SIM_MSG_MAX + SIM_PATH_MAX];
	sqlite3_stmt *st[ST_NSLOTS];
	bool held;     /* lock_fd holds the db-locked / outage lock */
	int lock_fd;
	bool moved;    /* files renamed aside (outage) */
	bool failing;  /* the last sync failed; report only the first failure */
	double clock_scale, clock_advanced;
	struct link_vals link; /* last link row written */
	bool link_valid;
};

/* sim_db.c. On failure these return -1 with the message in f->err. */
int sim_db_exec_sql(struct dbfile *f, const char *sql);
int sim_db_exec_all(struct dbfile *f, const char *const *sql);
/* Run `sql` once with parameters typed by `types`: i int, l long,
 * d double, t text (a NULL pointer binds NULL). */
int sim_db_exec_args(struct dbfile *f, const char *sql, const char *types, ...);
/* The pair's geo-primary site (the first one when neither or both are). */
struct sim_site *sim_db_primary_site(struct sim_pair *pr);

/* sim_db_seed.c. sim_db_seed_begin fixes the virtual time the seeded rows
 * derive from; call it once before seeding any site's files. The seeders
 * run inside the transaction open_file began; the caller commits. */
void sim_db_seed_begin(double now);
int sim_db_seed_ssisdb(struct dbfile *f, struct sim_world *w, int p, int s);
int sim_db_seed_msdb(struct dbfile *f, struct sim_world *w, int p, int s);

#endif
