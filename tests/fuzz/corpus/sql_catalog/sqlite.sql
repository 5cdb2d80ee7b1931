-- ssisdr: the same named statements for the simulator's SQLite files
-- (ssisdr-sim(1), SQL SIDE), read through unixODBC and the SQLite3 ODBC
-- driver. Same format and names as mssql.sql (see there).
--
-- Objects are single quoted identifiers that keep SQL Server's two-part
-- names ("catalog.executions"); SQLite has no TOP (LIMIT instead), no EXEC
-- and no three-part names. Procedures are views with an INSTEAD OF INSERT
-- trigger whose columns play the named parameters.

-- name: link_status
SELECT
    role_desc,
    replication_state_desc,
    replication_lag_sec,
    last_replication,
    last_commit,
    partner_server
FROM "sys.dm_geo_replication_link_status"
WHERE partner_database = ?
ORDER BY partner_server
LIMIT 1;

-- name: catalog_version
SELECT
    property_name,
    property_value
FROM "catalog.catalog_properties"
WHERE property_name IN ('SCHEMA_VERSION', 'SCHEMA_BUILD');

-- name: executions_active
SELECT
    COALESCE(SUM(CASE WHEN status = 2 THEN 1 ELSE 0 END), 0) AS running,
    COALESCE(SUM(CASE WHEN status IN (1, 5) THEN 1 ELSE 0 END), 0) AS pending
FROM "catalog.executions";

-- name: ssis_jobs
SELECT
    j.name AS job_name,
    CAST(j.enabled AS INTEGER) AS job_enabled,
    sc.schedule_id,
    sc.name AS schedule_name,
    CAST(sc.enabled AS INTEGER) AS schedule_enabled
FROM "dbo.sysjobs" AS j
INNER JOIN "dbo.sysjobschedules" AS js ON js.job_id = j.job_id
INNER JOIN "dbo.sysschedules" AS sc ON sc.schedule_id = js.schedule_id
WHERE EXISTS (
    SELECT 1
    FROM "dbo.sysjobsteps" AS st
    WHERE st.job_id = j.job_id AND st.subsystem = 'SSIS'
)
ORDER BY j.name, sc.schedule_id;

-- name: switch_job
SELECT
    j.name AS job_name,
    CAST(j.enabled AS INTEGER) AS job_enabled,
    CASE WHEN EXISTS (
        SELECT 1
        FROM "dbo.sysjobschedules" AS js
        INNER JOIN "dbo.sysschedules" AS sc ON sc.schedule_id = js.schedule_id
        WHERE js.job_id = j.job_id AND sc.enabled = 1
    ) THEN 1 ELSE 0 END AS has_enabled_schedule
FROM "dbo.sysjobs" AS j
WHERE EXISTS (
    SELECT 1
    FROM "dbo.sysjobsteps" AS st
    WHERE
        st.job_id = j.job_id
        AND st.subsystem = 'TSQL'
        AND instr(st.command, 'dm_geo_replication_link_status') > 0
        AND instr(st.command, 'sp_update_schedule') > 0
)
ORDER BY j.enabled DESC, j.name
LIMIT 1;

-- name: schedule_enabled
SELECT CAST(enabled AS INTEGER) AS enabled
FROM "dbo.sysschedules"
WHERE schedule_id = ?;

-- name: update_schedule
INSERT INTO "dbo.sp_update_schedule" (schedule_id, enabled) VALUES (?, ?);

-- name: failover_integration_runtime
INSERT INTO "catalog.failover_integration_runtime" (data_factory_name, integration_runtime_name)
VALUES (?, ?);

-- name: ir_binding
-- The simulator's stand-in for the metadata that
-- catalog.failover_integration_runtime changes (see mssql.sql).
SELECT
    data_factory_name,
    integration_runtime_name,
    modified_time
FROM "catalog.integration_runtime_binding"
LIMIT 1;
