-- ssisdr: every T-SQL statement the console runs against SQL Server
-- (Azure SQL Database, SQL Managed Instance), as named statements.
--
-- Format (read by core/sql_catalog.c, embedded by assets/sql/embed.awk):
--   * "-- name: NAME" starts a statement; its text runs to the next name
--     line. Names are unique and the same in sqlite.sql.
--   * Lines that start with "--" are comments and are never sent.
--   * A trailing ";" is removed.
--   * "-- unavailable: WHY" in place of a text declares that the dialect
--     has no such statement; asking for it is an error that says WHY.
--   * Values are always "?" markers bound by core/sql.c, never pasted text.
--   * core/sql.c reads columns by position: keep the order of the columns
--     the same here and in sqlite.sql.
--
-- Connections: SSISDB statements run on a connection whose database is
-- SSISDB; msdb statements (managed instance only) on one whose database is
-- msdb, so two-part names are enough.
--
-- Procedures are called with NAMED parameters only: sp_update_schedule
-- defaults @enabled to 1, and the parameter order of
-- catalog.failover_integration_runtime is not published.
--
-- Checked by tests/lint/test_tsql.sh (sqlfluff parse --dialect tsql).

-- name: link_status
-- SSISDB. The geo-replication link as the local database sees it; one row
-- per link, so take the first one for the SSISDB partner. The datetimeoffset
-- columns come back as ISO 8601 text in UTC (style 127: ...T...Z).
-- Parameter: partner database name ('SSISDB').
SELECT TOP (1)
    role_desc,
    replication_state_desc,
    replication_lag_sec,
    CONVERT(varchar(40), SWITCHOFFSET(last_replication, '+00:00'), 127) AS last_replication,
    CONVERT(varchar(40), SWITCHOFFSET(last_commit, '+00:00'), 127) AS last_commit,
    partner_server
FROM sys.dm_geo_replication_link_status
WHERE partner_database = ?
ORDER BY partner_server;

-- name: catalog_version
-- SSISDB. Rows (property_name, property_value); both sides of the
-- failover group should agree after a failover.
SELECT
    property_name,
    property_value
FROM catalog.catalog_properties
WHERE property_name IN (N'SCHEMA_VERSION', N'SCHEMA_BUILD');

-- name: executions_active
-- SSISDB. One row: running (status 2) and created or pending (1, 5).
SELECT
    COALESCE(SUM(CASE WHEN status = 2 THEN 1 ELSE 0 END), 0) AS running,
    COALESCE(SUM(CASE WHEN status IN (1, 5) THEN 1 ELSE 0 END), 0) AS pending
FROM catalog.executions;

-- name: ssis_jobs
-- msdb (managed instance). One row per SQL Agent job with an SSIS step and
-- per schedule attached to it. Jobs without a schedule are not listed.
SELECT
    j.name AS job_name,
    CAST(j.enabled AS int) AS job_enabled,
    sc.schedule_id,
    sc.name AS schedule_name,
    CAST(sc.enabled AS int) AS schedule_enabled
FROM dbo.sysjobs AS j
INNER JOIN dbo.sysjobschedules AS js ON js.job_id = j.job_id
INNER JOIN dbo.sysschedules AS sc ON sc.schedule_id = js.schedule_id
WHERE EXISTS (
    SELECT 1
    FROM dbo.sysjobsteps AS st
    WHERE st.job_id = j.job_id AND st.subsystem = N'SSIS'
)
ORDER BY j.name, sc.schedule_id;

-- name: switch_job
-- msdb (managed instance). The seed's schedule-switch job: a T-SQL step
-- that reads dm_geo_replication_link_status and calls sp_update_schedule.
-- Columns: job_name, job_enabled, has_enabled_schedule (the job only runs
-- "regularly" with one). An enabled job is preferred when there are several.
SELECT TOP (1)
    j.name AS job_name,
    CAST(j.enabled AS int) AS job_enabled,
    CASE WHEN EXISTS (
        SELECT 1
        FROM dbo.sysjobschedules AS js
        INNER JOIN dbo.sysschedules AS sc ON sc.schedule_id = js.schedule_id
        WHERE js.job_id = j.job_id AND sc.enabled = 1
    ) THEN 1 ELSE 0 END AS has_enabled_schedule
FROM dbo.sysjobs AS j
WHERE EXISTS (
    SELECT 1
    FROM dbo.sysjobsteps AS st
    WHERE
        st.job_id = j.job_id
        AND st.subsystem = N'TSQL'
        AND CHARINDEX(N'dm_geo_replication_link_status', st.command) > 0
        AND CHARINDEX(N'sp_update_schedule', st.command) > 0
)
ORDER BY j.enabled DESC, j.name;

-- name: schedule_enabled
-- msdb. The enabled flag of one schedule, to verify update_schedule.
-- Parameter: schedule_id.
SELECT CAST(enabled AS int) AS enabled
FROM dbo.sysschedules
WHERE schedule_id = ?;

-- name: update_schedule
-- msdb. Parameters: schedule_id, enabled (0 or 1). Both always by name:
-- @enabled defaults to 1 when left out.
EXEC dbo.sp_update_schedule @schedule_id = ?, @enabled = ?;

-- name: failover_integration_runtime
-- SSISDB (the primary: the geo-secondary is read-only). Re-pairs SSISDB
-- with another data factory / Azure-SSIS IR. Parameters by name: their
-- order is not published.
EXEC [catalog].[failover_integration_runtime] @data_factory_name = ?, @integration_runtime_name = ?;

-- name: ir_binding
-- SSISDB. Which data factory / IR the catalog accepts connections from.
-- unavailable: SQL Server publishes no view of the SSISDB binding that catalog.failover_integration_runtime changes (only the simulator has one); verify the new IR in ARM instead
