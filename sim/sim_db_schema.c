/* The SQL text of the simulator's SQLite stand-ins for SSISDB and msdb
 * (used by sim_db.c and sim_db_seed.c; declared in sim_db_private.h).
 *
 * Table names are SQL Server's two-part names written as one quoted
 * identifier. Procedures are views with an INSTEAD OF INSERT trigger; the
 * inserted columns play the role of T-SQL's named parameters. The SSISDB
 * tables are read-only while the file's link row says SECONDARY, unless the
 * simulator has set sim_guard.bypass inside its own transaction. Triggers
 * read the virtual clock through the sim_now view. */

#include "sim/sim_db_private.h" /* the declarations, LINK_TABLE, BINDING_TABLE */

#define READ_ONLY_MSG "Failed to update database \"SSISDB\" because the database is read-only."
#define IS_SECONDARY                                                              \
	"(SELECT bypass FROM sim_guard) = 0 AND (SELECT role_desc FROM " LINK_TABLE \
	" WHERE partner_database = 'SSISDB' LIMIT 1) = 'SECONDARY'"

#define GUARD(table, op)                                                                  \
	"CREATE TRIGGER \"sim_ro " table " " op "\" BEFORE " op " ON \"" table "\" WHEN " \
	IS_SECONDARY " BEGIN SELECT RAISE(ABORT, '" READ_ONLY_MSG "'); END;"
#define GUARDS(table) GUARD(table, "INSERT") GUARD(table, "UPDATE") GUARD(table, "DELETE")
/* A DMV cannot be written on either side. */
#define DMV_GUARD(op)                                                                    \
	"CREATE TRIGGER \"sim_dmv " op "\" BEFORE " op " ON " LINK_TABLE                  \
	" WHEN (SELECT bypass FROM sim_guard) = 0 BEGIN SELECT RAISE(ABORT,"              \
	" 'Ad hoc updates to system catalogs are not allowed.'); END;"

const char *const sim_db_common_schema[] = {
	"CREATE TABLE sim_clock(start_epoch REAL NOT NULL, scale REAL NOT NULL,"
	" advanced REAL NOT NULL);",
	"CREATE VIEW sim_now AS SELECT"
	" strftime('%Y-%m-%d %H:%M:%f', e, 'unixepoch') || '0000 +00:00' AS dto,"
	" strftime('%Y-%m-%d %H:%M:%f', e, 'unixepoch') AS dt FROM (SELECT start_epoch"
	" + ((julianday('now') - 2440587.5) * 86400.0 - start_epoch) * scale + advanced AS e"
	" FROM sim_clock);",
	0
};

const char *const sim_db_ssisdb_schema[] = {
	"CREATE TABLE sim_guard(bypass INTEGER NOT NULL);",
	"INSERT INTO sim_guard VALUES (0);",
	"CREATE TABLE " LINK_TABLE "(link_guid TEXT, partner_server TEXT,"
	" partner_database TEXT, last_replication TEXT, replication_lag_sec INTEGER,"
	" replication_state INTEGER, replication_state_desc TEXT, role INTEGER,"
	" role_desc TEXT, secondary_allow_connections INTEGER,"
	" secondary_allow_connections_desc TEXT, last_commit TEXT);",
	"CREATE TABLE \"catalog.catalog_properties\"(property_name TEXT PRIMARY KEY,"
	" property_value TEXT);",
	"CREATE TABLE \"catalog.executions\"(execution_id INTEGER PRIMARY KEY,"
	" folder_name TEXT, project_name TEXT, package_name TEXT, reference_id INTEGER,"
	" reference_type TEXT, environment_folder_name TEXT, environment_name TEXT,"
	" project_lsn INTEGER, executed_as_sid BLOB, executed_as_name TEXT,"
	" use32bitruntime INTEGER, object_type INTEGER, object_id INTEGER, status INTEGER,"
	" start_time TEXT, end_time TEXT, caller_sid BLOB, caller_name TEXT,"
	" process_id INTEGER, stopped_by_sid BLOB, stopped_by_name TEXT,"
	" total_physical_memory_kb INTEGER, available_physical_memory_kb INTEGER,"
	" total_page_file_kb INTEGER, available_page_file_kb INTEGER, cpu_count INTEGER,"
	" server_name TEXT, machine_name TEXT, dump_id TEXT);",
	"CREATE TABLE " BINDING_TABLE "(data_factory_name TEXT NOT NULL,"
	" integration_runtime_name TEXT NOT NULL, modified_time TEXT);",
	"CREATE VIEW \"catalog.failover_integration_runtime\" AS SELECT"
	" CAST(NULL AS TEXT) AS data_factory_name,"
	" CAST(NULL AS TEXT) AS integration_runtime_name WHERE 0;",
	"CREATE TRIGGER sim_proc_failover_integration_runtime INSTEAD OF INSERT ON"
	" \"catalog.failover_integration_runtime\" BEGIN"
	" SELECT RAISE(ABORT, '" READ_ONLY_MSG "') WHERE " IS_SECONDARY ";"
	" SELECT RAISE(ABORT, '@data_factory_name and @integration_runtime_name must be"
	" given.') WHERE coalesce(NEW.data_factory_name, '') = ''"
	" OR coalesce(NEW.integration_runtime_name, '') = '';"
	" UPDATE " BINDING_TABLE " SET data_factory_name = NEW.data_factory_name,"
	" integration_runtime_name = NEW.integration_runtime_name,"
	" modified_time = (SELECT dto FROM sim_now);"
	" END;",
	GUARDS("catalog.executions"),
	GUARDS("catalog.catalog_properties"),
	GUARDS("catalog.integration_runtime_binding"),
	DMV_GUARD("INSERT"),
	DMV_GUARD("UPDATE"),
	DMV_GUARD("DELETE"),
	0
};

const char *const sim_db_msdb_schema[] = {
	"CREATE TABLE \"dbo.sysjobs\"(job_id TEXT PRIMARY KEY,"
	" originating_server_id INTEGER DEFAULT 0, name TEXT NOT NULL UNIQUE,"
	" enabled INTEGER, description TEXT, start_step_id INTEGER DEFAULT 1,"
	" category_id INTEGER DEFAULT 0, owner_sid BLOB, notify_level_eventlog INTEGER DEFAULT 2,"
	" notify_level_email INTEGER DEFAULT 0, notify_level_netsend INTEGER DEFAULT 0,"
	" notify_level_page INTEGER DEFAULT 0, notify_email_operator_id INTEGER DEFAULT 0,"
	" notify_netsend_operator_id INTEGER DEFAULT 0, notify_page_operator_id INTEGER DEFAULT 0,"
	" delete_level INTEGER DEFAULT 0, date_created TEXT, date_modified TEXT,"
	" version_number INTEGER DEFAULT 1);",
	"CREATE TABLE \"dbo.sysjobsteps\"(job_id TEXT NOT NULL, step_id INTEGER NOT NULL,"
	" step_name TEXT, subsystem TEXT, command TEXT, flags INTEGER DEFAULT 0,"
	" additional_parameters TEXT, cmdexec_success_code INTEGER DEFAULT 0,"
	" on_success_action INTEGER DEFAULT 1, on_success_step_id INTEGER DEFAULT 0,"
	" on_fail_action INTEGER DEFAULT 2, on_fail_step_id INTEGER DEFAULT 0, server TEXT,"
	" database_name TEXT, database_user_name TEXT, retry_attempts INTEGER DEFAULT 0,"
	" retry_interval INTEGER DEFAULT 0, os_run_priority INTEGER DEFAULT 0,"
	" output_file_name TEXT, last_run_outcome INTEGER DEFAULT 5,"
	" last_run_duration INTEGER DEFAULT 0, last_run_retries INTEGER DEFAULT 0,"
	" last_run_date INTEGER DEFAULT 0, last_run_time INTEGER DEFAULT 0,"
	" proxy_id INTEGER, step_uid TEXT, PRIMARY KEY (job_id, step_id));",
	"CREATE TABLE \"dbo.sysschedules\"(schedule_id INTEGER PRIMARY KEY,"
	" schedule_uid TEXT, originating_server_id INTEGER DEFAULT 0, name TEXT NOT NULL,"
	" owner_sid BLOB, enabled INTEGER, freq_type INTEGER, freq_interval INTEGER,"
	" freq_subday_type INTEGER, freq_subday_interval INTEGER,"
	" freq_relative_interval INTEGER DEFAULT 0, freq_recurrence_factor INTEGER DEFAULT 0,"
	" active_start_date INTEGER, active_end_date INTEGER, active_start_time INTEGER,"
	" active_end_time INTEGER, date_created TEXT, date_modified TEXT,"
	" version_number INTEGER DEFAULT 1);",
	"CREATE TABLE \"dbo.sysjobschedules\"(schedule_id INTEGER NOT NULL,"
	" job_id TEXT NOT NULL, next_run_date INTEGER, next_run_time INTEGER);",
	/* NEW.* arrives with the type it was bound with (text through ODBC),
	 * so values are compared as text and stored through column affinity. */
	"CREATE VIEW \"dbo.sp_update_schedule\" AS SELECT CAST(NULL AS INTEGER) AS schedule_id,"
	" CAST(NULL AS TEXT) AS name, CAST(NULL AS TEXT) AS new_name,"
	" CAST(NULL AS INTEGER) AS enabled, CAST(NULL AS INTEGER) AS freq_type,"
	" CAST(NULL AS INTEGER) AS freq_interval, CAST(NULL AS INTEGER) AS freq_subday_type,"
	" CAST(NULL AS INTEGER) AS freq_subday_interval,"
	" CAST(NULL AS INTEGER) AS active_start_date, CAST(NULL AS INTEGER) AS active_end_date,"
	" CAST(NULL AS INTEGER) AS active_start_time, CAST(NULL AS INTEGER) AS active_end_time"
	" WHERE 0;",
	"CREATE TRIGGER sim_proc_sp_update_schedule INSTEAD OF INSERT ON"
	" \"dbo.sp_update_schedule\" BEGIN"
	" SELECT RAISE(ABORT, 'You must supply either @schedule_id or @name.')"
	" WHERE NEW.schedule_id IS NULL AND NEW.name IS NULL;"
	" SELECT RAISE(ABORT, 'The specified @schedule_id does not exist.')"
	" WHERE NEW.schedule_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
	" \"dbo.sysschedules\" WHERE schedule_id = NEW.schedule_id);"
	" SELECT RAISE(ABORT, 'The specified @name does not exist.')"
	" WHERE NEW.schedule_id IS NULL AND NOT EXISTS (SELECT 1 FROM"
	" \"dbo.sysschedules\" WHERE name = NEW.name);"
	" SELECT RAISE(ABORT, 'There are two or more schedules named @name."
	" Specify @schedule_id instead.') WHERE NEW.schedule_id IS NULL AND (SELECT count(*)"
	" FROM \"dbo.sysschedules\" WHERE name = NEW.name) > 1;"
	" SELECT RAISE(ABORT, '@enabled must be given (sp_update_schedule defaults it to 1).')"
	" WHERE NEW.enabled IS NULL;"
	" SELECT RAISE(ABORT, 'The specified @enabled is invalid (valid values are: 0, 1).')"
	" WHERE CAST(NEW.enabled AS TEXT) NOT IN ('0', '1');"
	" UPDATE \"dbo.sysschedules\" SET enabled = NEW.enabled,"
	" name = coalesce(NEW.new_name, name), freq_type = coalesce(NEW.freq_type, freq_type),"
	" freq_interval = coalesce(NEW.freq_interval, freq_interval),"
	" freq_subday_type = coalesce(NEW.freq_subday_type, freq_subday_type),"
	" freq_subday_interval = coalesce(NEW.freq_subday_interval, freq_subday_interval),"
	" active_start_date = coalesce(NEW.active_start_date, active_start_date),"
	" active_end_date = coalesce(NEW.active_end_date, active_end_date),"
	" active_start_time = coalesce(NEW.active_start_time, active_start_time),"
	" active_end_time = coalesce(NEW.active_end_time, active_end_time),"
	" date_modified = (SELECT dt FROM sim_now), version_number = version_number + 1"
	" WHERE CASE WHEN NEW.schedule_id IS NOT NULL THEN schedule_id = NEW.schedule_id"
	" ELSE name = NEW.name END;"
	" END;",
	0
};

const char *const sim_db_catalog_properties[][2] = {
	{ "SCHEMA_BUILD", "15.0.2000.5" },
	{ "RETENTION_WINDOW", "365" },
	{ "OPERATION_CLEANUP_ENABLED", "TRUE" },
	{ "MAX_PROJECT_VERSIONS", "10" },
	{ "VERSION_CLEANUP_ENABLED", "TRUE" },
	{ "SERVER_LOGGING_LEVEL", "1" },
	{ "SERVER_CUSTOMIZED_LOGGING_LEVEL", "" },
	{ "SERVER_OPERATION_ENCRYPTION_LEVEL", "2" },
	{ "ENCRYPTION_ALGORITHM", "AES_256" },
	{ "VALIDATION_TIMEOUT", "1800" },
	{ "DEFAULT_EXECUTION_MODE", "0" },
	{ "IS_SCALEOUT_ENABLED", "False" },
};

const int sim_db_ncatalog_properties =
	(int)(sizeof(sim_db_catalog_properties) / sizeof(sim_db_catalog_properties[0]));
