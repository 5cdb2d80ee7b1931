/* Seeding each site's SSISDB (and msdb on a managed instance) from the
 * world when sim_db_open_all creates the files: SSISDB's link row, catalog
 * properties, executions and IR binding; msdb's SSIS jobs, their schedules
 * and the schedule-switch job. The link row's changing columns are written
 * afterwards by sim_db_sync_links_locked (sim_db.c). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* gmtime_r */
#endif

#include "sim/sim_db_private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "sim/sim_world.h"

#define SWITCH_JOB "SSIS schedule switch"

/* Virtual time of sim_db_open_all: every seeded timestamp derives from it,
 * so both replicas of a pair get the same rows. */
static double g_seed_now;

void sim_db_seed_begin(double now)
{
	g_seed_now = now;
}

/* ---- values derived from the world ---- */

static void fnv(unsigned long long *h, const char *s)
{
	for (; *s; s++) {
		*h ^= (unsigned char)*s;
		*h *= 1099511628211ULL;
	}
	*h ^= 0xff;
	*h *= 1099511628211ULL;
}

/* A stable uniqueidentifier (upper case, as SQL Server prints it). */
static void make_guid(char *out, size_t len, const char *a, const char *b, const char *c)
{
	unsigned long long h1 = 14695981039346656037ULL, h2 = 0x9e3779b97f4a7c15ULL;

	fnv(&h1, a), fnv(&h1, b), fnv(&h1, c);
	fnv(&h2, c), fnv(&h2, b), fnv(&h2, a);
	snprintf(out, len, "%08llX-%04llX-4%03llX-%04llX-%012llX", h1 >> 32, (h1 >> 16) & 0xffff,
		 h1 & 0xfff, 0x8000 | ((h2 >> 48) & 0x3fff), h2 & 0xffffffffffffULL);
}

/* Virtual time `t` as msdb's yyyymmdd and hhmmss integers. */
static void ymd_hms(const struct sim_world *w, double t, long *ymd, long *hms)
{
	time_t secs = (time_t)floor(sim_clock_epoch(&w->clock, t));
	struct tm tm;

	gmtime_r(&secs, &tm);
	*ymd = (tm.tm_year + 1900) * 10000L + (tm.tm_mon + 1) * 100L + tm.tm_mday;
	*hms = tm.tm_hour * 10000L + tm.tm_min * 100L + tm.tm_sec;
}

/* A datetime (msdb) literal: the datetimeoffset text cut to milliseconds. */
static void datetime_text(const struct sim_world *w, double t, char *buf, size_t len)
{
	char dto[64];

	sim_clock_dto(&w->clock, t, dto, sizeof(dto));
	snprintf(buf, len, "%.23s", dto);
}

/* When a daily schedule starting at `start_hms` (or, with every_min, one
 * that repeats every so many minutes from midnight) next runs. */
static void next_run(const struct sim_world *w, long start_hms, int every_min, long *ymd, long *hms)
{
	double now = sim_clock_now(&w->clock);
	double epoch = sim_clock_epoch(&w->clock, now);
	double day0 = floor(epoch / 86400.0) * 86400.0;
	double start = (double)(start_hms / 10000 * 3600 + start_hms / 100 % 100 * 60 + start_hms % 100);
	double next;

	if (every_min > 0)
		next = (floor(epoch / (every_min * 60.0)) + 1) * every_min * 60.0;
	else
		next = day0 + start > epoch ? day0 + start : day0 + 86400.0 + start;
	ymd_hms(w, now + (next - epoch), ymd, hms);
}

/* "folder/project/package.dtsx" into its parts (the last three components). */
static void split_package(const char *path, char *folder, char *project, char *package, size_t len)
{
	char buf[SIM_PATH_MAX];
	char *parts[3] = { NULL, NULL, NULL };
	char *p;
	int i;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf; *p; p++)
		if (*p == '\\')
			*p = '/';
	for (i = 2; i >= 0; i--) {
		p = strrchr(buf, '/');
		parts[i] = p ? p + 1 : buf;
		if (!p)
			break;
		*p = '\0';
	}
	snprintf(folder, len, "%s", parts[0] ? parts[0] : "");
	snprintf(project, len, "%s", parts[1] ? parts[1] : "");
	snprintf(package, len, "%s", parts[2] ? parts[2] : "");
}

/* ---- seeding SSISDB ---- */

static int seed_link(struct dbfile *f, struct sim_pair *pr, int s)
{
	char guid[40];

	make_guid(guid, sizeof(guid), "link", pr->name, pr->fog);
	return sim_db_exec_args(f,
				"INSERT INTO " LINK_TABLE " (link_guid, partner_server,"
				" partner_database, secondary_allow_connections,"
				" secondary_allow_connections_desc)"
				" VALUES (?1, ?2, 'SSISDB', 2, 'All')",
				"tt", guid, pr->sites[1 - s].server);
}

static int seed_properties(struct dbfile *f, const struct sim_site *site)
{
	const char *sql = "INSERT INTO \"catalog.catalog_properties\" VALUES (?1, ?2)";
	const char *version = site->catalog_schema_version[0] ? site->catalog_schema_version : "8";
	int i;

	if (sim_db_exec_args(f, sql, "tt", "SCHEMA_VERSION", version) != 0)
		return -1;
	for (i = 0; i < sim_db_ncatalog_properties; i++)
		if (sim_db_exec_args(f, sql, "tt", sim_db_catalog_properties[i][0],
				     sim_db_catalog_properties[i][1]) != 0)
			return -1;
	return 0;
}

static bool execution_finished(int status)
{
	return status == 3 || status == 4 || status == 6 || status == 7 || status == 9;
}

/* The secondary is a replica: both files get the primary's executions. */
static int seed_executions(struct dbfile *f, struct sim_world *w, struct sim_pair *pr)
{
	struct sim_site *src = sim_db_primary_site(pr);
	double now = g_seed_now;
	char machine[SIM_NAME_MAX + 16];
	int i;

	if (src->nexecutions == 0)
		src = src == &pr->sites[0] ? &pr->sites[1] : &pr->sites[0];
	snprintf(machine, sizeof(machine), "%s-vm000000", src->ir.name);
	for (i = 0; i < src->nexecutions; i++) {
		const struct sim_execution *e = &src->executions[i];
		char folder[SIM_PATH_MAX], project[SIM_PATH_MAX], package[SIM_PATH_MAX];
		char start[48], end[48];
		double t0 = now - (src->nexecutions - i) * 900.0;
		bool done = execution_finished(e->status);

		split_package(e->package_path, folder, project, package, sizeof(folder));
		sim_clock_dto(&w->clock, t0, start, sizeof(start));
		sim_clock_dto(&w->clock, t0 + 300.0, end, sizeof(end));
		if (sim_db_exec_args(f,
				     "INSERT INTO \"catalog.executions\" (execution_id,"
				     " folder_name, project_name, package_name, reference_id,"
				     " environment_name, project_lsn, executed_as_name,"
				     " use32bitruntime, object_type, object_id, status, start_time,"
				     " end_time, caller_name, process_id, cpu_count, server_name,"
				     " machine_name)"
				     " VALUES (?1, ?2, ?3, ?4, NULL, NULL, 1, 'ssisadmin', 0, 20,"
				     " ?5, ?6, ?7, ?8, 'ssisadmin', nullif(?9, 0), 4, ?10, ?11)",
				     "itttiittitt", 40001 + i, folder, project, package, 101 + i,
				     e->status, e->status == 1 ? NULL : start, done ? end : NULL,
				     e->status == 1 || e->status == 5 ? 0 : 4100 + i, src->server,
				     machine) != 0)
			return -1;
	}
	return 0;
}

static int seed_binding(struct dbfile *f, struct sim_world *w, const struct sim_site *site)
{
	char now[48];

	sim_clock_dto(&w->clock, g_seed_now, now, sizeof(now));
	return sim_db_exec_args(f, "INSERT INTO " BINDING_TABLE " VALUES (?1, ?2, ?3)", "ttt",
				site->bound_factory[0] ? site->bound_factory : site->factory,
				site->bound_ir[0] ? site->bound_ir : site->ir.name, now);
}

int sim_db_seed_ssisdb(struct dbfile *f, struct sim_world *w, int p, int s)
{
	struct sim_pair *pr = &w->pairs[p];

	if (sim_db_exec_all(f, sim_db_ssisdb_schema) != 0 ||
	    sim_db_exec_sql(f, "UPDATE sim_guard SET bypass = 1") != 0 ||
	    seed_link(f, pr, s) != 0 || seed_properties(f, &pr->sites[s]) != 0 ||
	    seed_executions(f, w, pr) != 0 ||
	    seed_binding(f, w, &pr->sites[s]) != 0)
		return -1;
	return sim_db_exec_sql(f, "UPDATE sim_guard SET bypass = 0");
}

/* ---- seeding msdb ---- */

static int seed_job(struct dbfile *f, struct sim_world *w, int p, int s, const char *name,
		    bool enabled, const char *subsystem, const char *database, const char *command)
{
	char guid[40], created[32];
	const char *pname = w->pairs[p].name, *sname = w->pairs[p].sites[s].name;
	double now = g_seed_now;

	make_guid(guid, sizeof(guid), pname, sname, name);
	datetime_text(w, now - 30 * 86400.0, created, sizeof(created));
	if (sim_db_exec_args(f,
			     "INSERT INTO \"dbo.sysjobs\" (job_id, name, enabled, description,"
			     " start_step_id, category_id, date_created, date_modified,"
			     " version_number)"
			     " VALUES (?1, ?2, ?3, 'No description available.', 1, 0, ?4, ?4, 1)",
			     "ttit", guid, name, enabled ? 1 : 0, created) != 0)
		return -1;
	make_guid(guid, sizeof(guid), pname, name, "step");
	return sim_db_exec_args(f,
				"INSERT INTO \"dbo.sysjobsteps\" (job_id, step_id, step_name,"
				" subsystem, command, database_name, on_success_action,"
				" on_fail_action, last_run_outcome, last_run_date, last_run_time,"
				" step_uid)"
				" SELECT job_id, 1, ?2, ?3, ?4, ?5, 1, 2, 5, 0, 0, ?6"
				" FROM \"dbo.sysjobs\" WHERE name = ?1",
				"tttttt", name, name, subsystem, command, database, guid);
}

static int seed_schedule(struct dbfile *f, struct sim_world *w, const char *job, int id,
			 const char *name, bool enabled, long start_hms, int every_min)
{
	char uid[40], created[32], idtext[16];
	long ymd, hms, next_ymd = 0, next_hms = 0;
	double now = g_seed_now;

	snprintf(idtext, sizeof(idtext), "%d", id);
	make_guid(uid, sizeof(uid), "schedule", name, idtext);
	datetime_text(w, now - 30 * 86400.0, created, sizeof(created));
	ymd_hms(w, now - 30 * 86400.0, &ymd, &hms);
	if (enabled)
		next_run(w, start_hms, every_min, &next_ymd, &next_hms);
	if (sim_db_exec_args(f,
			     "INSERT OR IGNORE INTO \"dbo.sysschedules\" (schedule_id,"
			     " schedule_uid, name, enabled, freq_type, freq_interval,"
			     " freq_subday_type, freq_subday_interval, active_start_date,"
			     " active_end_date, active_start_time, active_end_time,"
			     " date_created, date_modified, version_number)"
			     " VALUES (?1, ?2, ?3, ?4, 4, 1, ?5, ?6, ?7, 99991231, ?8, 235959,"
			     " ?9, ?9, 1)",
			     "ittiiillt", id, uid, name, enabled ? 1 : 0, every_min > 0 ? 4 : 1,
			     every_min > 0 ? every_min : 0, ymd, start_hms, created) != 0)
		return -1;
	return sim_db_exec_args(f,
				"INSERT INTO \"dbo.sysjobschedules\" SELECT ?1, job_id, ?2, ?3"
				" FROM \"dbo.sysjobs\" WHERE name = ?4",
				"illt", id, next_ymd, next_hms, job);
}

static void ssis_command(const struct sim_site *site, const char *package_path, char *out,
			 size_t len)
{
	char folder[SIM_PATH_MAX], project[SIM_PATH_MAX], package[SIM_PATH_MAX];
	char server[SIM_NAME_MAX * 3];

	split_package(package_path, folder, project, package, sizeof(folder));
	if (site->dns_zone[0])
		snprintf(server, sizeof(server), "%s.%s.database.windows.net", site->server,
			 site->dns_zone);
	else
		snprintf(server, sizeof(server), "%s", site->server);
	snprintf(out, len,
		 "/ISSERVER \"\\\"\\SSISDB\\%s\\%s\\%s\\\"\" /SERVER \"\\\"%s\\\"\""
		 " /CALLERINFO SQLAGENT /REPORTING E",
		 folder, project, package, server);
}

/* The seed's T-SQL job step: enable the SSIS schedules where SSISDB is the
 * geo-primary, disable them where it is the secondary. */
static char *switch_script(const struct sim_site *site)
{
	sqlite3_str *s = sqlite3_str_new(NULL);
	int i, j;

	for (i = 0; i < site->njobs; i++) {
		int id = site->jobs[i].schedule_id;

		for (j = 0; j < i && site->jobs[j].schedule_id != id; j++)
			;
		if (j < i)
			continue;
		sqlite3_str_appendf(
			s,
			"IF (SELECT Top 1 role_desc FROM SSISDB.sys.dm_geo_replication_link_status"
			" WHERE partner_database = 'SSISDB') = 'PRIMARY'\n   BEGIN\n      IF"
			" (SELECT enabled FROM msdb.dbo.sysschedules WHERE schedule_id = %d) = 0\n"
			"         EXEC msdb.dbo.sp_update_schedule @schedule_id = %d, @enabled ="
			" 1\n   END\nELSE\n   BEGIN\n      IF (SELECT enabled FROM"
			" msdb.dbo.sysschedules WHERE schedule_id = %d) = 1\n         EXEC"
			" msdb.dbo.sp_update_schedule @schedule_id = %d, @enabled = 0\n   END\n",
			id, id, id, id);
	}
	if (site->njobs == 0)
		sqlite3_str_appendall(s, "-- no SSIS job schedules to switch\n");
	return sqlite3_str_finish(s);
}

int sim_db_seed_msdb(struct dbfile *f, struct sim_world *w, int p, int s)
{
	struct sim_site *site = &w->pairs[p].sites[s];
	char command[SIM_PATH_MAX * 2];
	char *script;
	int i, max_id = 0, rc;

	if (sim_db_exec_all(f, sim_db_msdb_schema) != 0)
		return -1;
	for (i = 0; i < site->njobs; i++) {
		struct sim_job *j = &site->jobs[i];

		if (j->schedule_id <= 0)
			j->schedule_id = 100 + i;
		if (j->schedule_id > max_id)
			max_id = j->schedule_id;
		ssis_command(site, j->package_path, command, sizeof(command));
		if (seed_job(f, w, p, s, j->name, j->job_enabled, "SSIS", "master", command) != 0 ||
		    seed_schedule(f, w, j->name, j->schedule_id, j->schedule[0] ? j->schedule : j->name,
				  j->schedule_enabled, (1 + i % 23) * 10000L, 0) != 0)
			return -1;
	}
	script = switch_script(site);
	if (!script) {
		snprintf(f->err, sizeof(f->err), "%s: out of memory", f->path);
		return -1;
	}
	rc = seed_job(f, w, p, s, SWITCH_JOB, true, "TSQL", "msdb", script);
	sqlite3_free(script);
	return rc != 0 ? -1
		       : seed_schedule(f, w, SWITCH_JOB, max_id + 1, SWITCH_JOB " every 5 minutes",
				       true, 0, 5);
}
