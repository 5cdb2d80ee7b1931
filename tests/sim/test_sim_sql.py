"""The simulator's SQL side through unixODBC and the SQLite ODBC driver, as the
console reads it: every SSISDB object the console reads
(sys.dm_geo_replication_link_status with its 12 columns,
catalog.executions, catalog.catalog_properties, catalog.integration_runtime_binding)
and the msdb tables of a managed instance exist with the documented
columns; the link rows' values (NULL lag columns on the secondary, lag on the
primary, last_commit following the virtual clock, replication state from
the scenario); seeded executions replicated to the secondary; WAL mode; and
NoCreat=1 on a missing file."""

import datetime
import os
import re
import tempfile

import simharness as h
import tap
from simharness import with_sim

LINK = '"sys.dm_geo_replication_link_status"'
LINK_COLUMNS = ("link_guid", "partner_server", "partner_database", "last_replication", "replication_lag_sec",
                "replication_state", "replication_state_desc", "role", "role_desc", "secondary_allow_connections",
                "secondary_allow_connections_desc", "last_commit")
EXECUTION_COLUMNS = ("execution_id", "folder_name", "project_name", "package_name", "reference_id",
                     "reference_type", "environment_folder_name", "environment_name", "project_lsn",
                     "executed_as_sid", "executed_as_name", "use32bitruntime", "object_type", "object_id", "status",
                     "start_time", "end_time", "caller_sid", "caller_name", "process_id", "stopped_by_sid",
                     "stopped_by_name", "total_physical_memory_kb", "available_physical_memory_kb",
                     "total_page_file_kb", "available_page_file_kb", "cpu_count", "server_name", "machine_name",
                     "dump_id")
CATALOG_PROPERTIES = ("SCHEMA_VERSION", "SCHEMA_BUILD", "RETENTION_WINDOW", "OPERATION_CLEANUP_ENABLED",
                      "MAX_PROJECT_VERSIONS", "VERSION_CLEANUP_ENABLED", "SERVER_LOGGING_LEVEL",
                      "SERVER_CUSTOMIZED_LOGGING_LEVEL", "SERVER_OPERATION_ENCRYPTION_LEVEL", "ENCRYPTION_ALGORITHM",
                      "VALIDATION_TIMEOUT", "DEFAULT_EXECUTION_MODE", "IS_SCALEOUT_ENABLED")
MSDB_COLUMNS = {
    "dbo.sysjobs": ("job_id", "originating_server_id", "name", "enabled", "description", "start_step_id",
                    "category_id", "owner_sid", "notify_level_eventlog", "notify_level_email",
                    "notify_level_netsend", "notify_level_page", "notify_email_operator_id",
                    "notify_netsend_operator_id", "notify_page_operator_id", "delete_level", "date_created",
                    "date_modified", "version_number"),
    "dbo.sysjobsteps": ("job_id", "step_id", "step_name", "subsystem", "command", "flags", "additional_parameters",
                        "cmdexec_success_code", "on_success_action", "on_success_step_id", "on_fail_action",
                        "on_fail_step_id", "server", "database_name", "database_user_name", "retry_attempts",
                        "retry_interval", "os_run_priority", "output_file_name", "last_run_outcome",
                        "last_run_duration", "last_run_retries", "last_run_date", "last_run_time", "proxy_id",
                        "step_uid"),
    "dbo.sysschedules": ("schedule_id", "schedule_uid", "originating_server_id", "name", "owner_sid", "enabled",
                         "freq_type", "freq_interval", "freq_subday_type", "freq_subday_interval",
                         "freq_relative_interval", "freq_recurrence_factor", "active_start_date", "active_end_date",
                         "active_start_time", "active_end_time", "date_created", "date_modified", "version_number"),
    "dbo.sysjobschedules": ("schedule_id", "job_id", "next_run_date", "next_run_time"),
}
DTO_RE = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\.(\d{7}) \+00:00$")
GUID_RE = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def _q(sim, conn, sql, *params, what=None):
    rc, rows, err = sim.odbc(conn, sql, *params)
    tap.eq(rc, 0, "%s: runs through ODBC (%s)" % (what or sql[:70], err.strip()))
    return rows


def _columns(sim, conn, table):
    rows = _q(sim, conn, 'SELECT * FROM "%s" LIMIT 0' % table, what="SELECT * FROM %s" % table)
    return rows.columns


def _link(sim, site):
    rows = _q(sim, sim.ssisdb(site), "SELECT %s FROM %s" % (", ".join(LINK_COLUMNS), LINK))
    tap.eq(len(rows), 1, "one link row on %s" % site)
    return dict(zip(LINK_COLUMNS, rows[0]))


def _dto(text, what):
    m = DTO_RE.match(text or "")
    tap.ok(m, "%s is a datetimeoffset literal 'YYYY-MM-DD hh:mm:ss.fffffff +00:00'" % what, value=text)
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return base.timestamp() + int(m.group(2)) / 1e7


def _scenario(d, base, **keys):
    text = h.scenario_text(base)
    for k, v in keys.items():
        text = h.set_scenario_key(text, k, v)
    return h.write_scenario(d, "custom", text)


# ---- SSISDB objects -------------------------------------------------------------------------

def test_link_status_has_the_12_columns(sim):
    for site in ("eastus", "westus"):
        tap.eq(_columns(sim, sim.ssisdb(site), "sys.dm_geo_replication_link_status"), LINK_COLUMNS,
               "sys.dm_geo_replication_link_status on %s has the DMV's 12 columns in order" % site)


def test_link_rows_describe_the_partner(sim):
    east, west = _link(sim, "eastus"), _link(sim, "westus")
    tap.eq(east["partner_server"], "sql-ssisdr-westus", "eastus's partner server is westus's")
    tap.eq(west["partner_server"], "sql-ssisdr-eastus", "westus's partner server is eastus's")
    for site, row, role in (("eastus", east, ("0", "PRIMARY")), ("westus", west, ("1", "SECONDARY"))):
        tap.eq(row["partner_database"], "SSISDB", "%s: partner_database" % site)
        tap.eq((row["role"], row["role_desc"]), role, "%s: role and role_desc" % site)
        tap.eq((row["replication_state"], row["replication_state_desc"]), ("2", "CATCH_UP"),
               "%s: replication state 2 CATCH_UP" % site)
        tap.eq((row["secondary_allow_connections"], row["secondary_allow_connections_desc"]), ("2", "All"),
               "%s: secondary_allow_connections" % site)
        tap.ok(GUID_RE.match(row["link_guid"]), "%s: link_guid is an upper-case GUID" % site, value=row["link_guid"])
        _dto(row["last_commit"], "%s's last_commit" % site)
    tap.eq(east["link_guid"], west["link_guid"], "both ends of the link share its guid")


def test_lag_columns_only_on_the_primary():
    with h.Sim("mi", time_scale=1) as sim:
        pri, sec = _link(sim, "northeurope"), _link(sim, "westeurope")
        tap.eq(pri["replication_lag_sec"], "2", "the primary reports the scenario's 2 s lag")
        last_repl = _dto(pri["last_replication"], "the primary's last_replication")
        last_commit = _dto(pri["last_commit"], "the primary's last_commit")
        tap.ok(abs((last_commit - last_repl) - 2) < 0.01, "last_replication is last_commit minus the lag",
               last_commit=pri["last_commit"], last_replication=pri["last_replication"])
        tap.eq(sec["replication_lag_sec"], "NULL", "the secondary's replication_lag_sec is NULL")
        tap.eq(sec["last_replication"], "NULL", "the secondary's last_replication is NULL")
        sec_commit = _dto(sec["last_commit"], "the secondary's last_commit")
        tap.ok(abs((last_commit - sec_commit) - 2) < 1.01, "the secondary's last_commit trails by about the lag",
               primary=pri["last_commit"], secondary=sec["last_commit"])


@with_sim("demo", time_scale=1)
def test_lag_columns_move_with_a_failover(sim):
    status, headers, _, _ = sim.arm("POST", sim.fog_path("westus") + "/failover")
    tap.eq(status, 202, "failover accepted")
    sim.advance(30)
    tap.eq(sim.arm("GET", sim.abs_url(headers["Location"]))[0], 200, "failover done")
    east, west = _link(sim, "eastus"), _link(sim, "westus")
    tap.eq((west["role_desc"], west["replication_lag_sec"]), ("PRIMARY", "0"), "the new primary reports a lag of 0")
    tap.ok(west["last_replication"] != "NULL", "and a last_replication", row=west)
    tap.eq((east["role_desc"], east["replication_lag_sec"], east["last_replication"]), ("SECONDARY", "NULL", "NULL"),
           "the new secondary has NULL lag columns")


@with_sim("demo", time_scale=1)
def test_last_commit_follows_the_virtual_clock(sim):
    before = _dto(_link(sim, "eastus")["last_commit"], "last_commit before")
    sim.advance(10)
    after = _dto(_link(sim, "eastus")["last_commit"], "last_commit after")
    tap.ge(after - before, 10, "the primary's last_commit moved by at least the 10 s advanced")
    tap.lt(after - before, 15, "and not by much more (time scale 1)")
    st = sim.state()
    now = datetime.datetime.strptime(st["now"][:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    tap.lt(abs(after - now), 3, "last_commit is close to the simulator's virtual now", now=st["now"])


def test_replication_state_comes_from_the_scenario():
    with tempfile.TemporaryDirectory(prefix="ssisdr-sql-test.") as d:
        with h.Sim(_scenario(d, "demo", replication_state="SEEDING")) as sim:
            for site in ("eastus", "westus"):
                row = _link(sim, site)
                tap.eq((row["replication_state"], row["replication_state_desc"]), ("1", "SEEDING"),
                       "%s's link row says SEEDING" % site)
            status, _, _, fog = sim.arm("GET", sim.fog_path("eastus"))
            tap.eq(fog["properties"]["replicationState"], "SEEDING", "and ARM agrees")


def test_catalog_executions_columns_and_rows(sim):
    for site in ("eastus", "westus"):
        conn = sim.ssisdb(site)
        tap.eq(set(_columns(sim, conn, "catalog.executions")), set(EXECUTION_COLUMNS),
               "catalog.executions on %s has the documented columns" % site)
        rows = _q(sim, conn, 'SELECT folder_name, project_name, package_name, status, start_time, end_time'
                             ' FROM "catalog.executions"')
        tap.eq(len(rows), 1, "the demo's one execution on %s" % site)
        folder, project, package, status, start, end = rows[0]
        tap.eq((folder, project, package, status), ("Warehouse", "ETL", "LoadWarehouse.dtsx", "7"),
               "folder/project/package and status 7 (succeeded)")
        tap.lt(_dto(start, "start_time"), _dto(end, "end_time"), "a finished execution ends after it starts")


def test_running_execution_is_replicated_to_the_secondary():
    with tempfile.TemporaryDirectory(prefix="ssisdr-sql-test.") as d:
        text = h.scenario_text("demo").replace(
            "execution = Warehouse/ETL/LoadWarehouse.dtsx succeeded\n\n[site westus]",
            "execution = Warehouse/ETL/LoadWarehouse.dtsx succeeded\n"
            "execution = Warehouse/ETL/RefreshMarts.dtsx running\n\n[site westus]", 1)
        tap.ok("RefreshMarts.dtsx running" in text, "the scenario was edited")
        with h.Sim(h.write_scenario(d, "running", text)) as sim:
            for site in ("eastus", "westus"):
                rows = _q(sim, sim.ssisdb(site), 'SELECT package_name, status, end_time FROM "catalog.executions"'
                                                 ' WHERE status = 2')
                tap.eq(rows, [["RefreshMarts.dtsx", "2", "NULL"]],
                       "%s's SSISDB (a replica of the primary) has the running execution, no end_time" % site)
            counts = [s["running_packages"] for s in sim.state()["pairs"][0]["sites"]]
            tap.eq(counts, [1, 1], "/_sim/state counts one running package per site")


def test_catalog_properties_match_on_both_sides(sim):
    props = {}
    for site in ("eastus", "westus"):
        rows = _q(sim, sim.ssisdb(site), 'SELECT property_name, property_value FROM "catalog.catalog_properties"')
        props[site] = dict(rows)
        for name in CATALOG_PROPERTIES:
            tap.is_in(name, props[site], "%s has catalog property %s" % (site, name))
    tap.eq(props["eastus"]["SCHEMA_VERSION"], props["westus"]["SCHEMA_VERSION"], "SCHEMA_VERSION is equal on both sides")
    tap.eq(props["eastus"]["SCHEMA_BUILD"], props["westus"]["SCHEMA_BUILD"], "SCHEMA_BUILD is equal on both sides")


def test_schema_version_mismatch_from_scenario_shows():
    with tempfile.TemporaryDirectory(prefix="ssisdr-sql-test.") as d:
        text = h.scenario_text("demo").replace("server = sql-ssisdr-westus\n",
                                               "server = sql-ssisdr-westus\nschema_version = 14.0.3000.0\n", 1)
        with h.Sim(h.write_scenario(d, "skew", text)) as sim:
            got = {}
            for site in ("eastus", "westus"):
                rows = _q(sim, sim.ssisdb(site),
                          "SELECT property_value FROM \"catalog.catalog_properties\" WHERE property_name = 'SCHEMA_VERSION'")
                got[site] = rows[0][0]
            tap.eq(got["westus"], "14.0.3000.0", "the scenario's schema_version reaches westus's SSISDB")
            tap.ne(got["eastus"], got["westus"], "so the console can see a mismatch")


def test_integration_runtime_binding(sim):
    for site in ("eastus", "westus"):
        conn = sim.ssisdb(site)
        cols = _columns(sim, conn, "catalog.integration_runtime_binding")
        for c in ("data_factory_name", "integration_runtime_name"):
            tap.is_in(c, cols, "catalog.integration_runtime_binding on %s has %s" % (site, c))
        rows = _q(sim, conn, 'SELECT data_factory_name, integration_runtime_name FROM "catalog.integration_runtime_binding"')
        s = sim.site(site)
        tap.eq(rows, [[s["factory"], s["ir"]["name"]]], "%s's SSISDB is bound to its own factory and IR" % site)
    rows = _q(sim, sim.ssisdb("eastus"), 'SELECT data_factory_name, integration_runtime_name'
                                         ' FROM "catalog.failover_integration_runtime"')
    tap.eq(rows, [], "the procedure's view reads as empty")


@with_sim("mi")
def test_msdb_tables_have_the_documented_columns(sim):
    for site in ("northeurope", "westeurope"):
        for table, cols in MSDB_COLUMNS.items():
            tap.eq(set(_columns(sim, sim.msdb(site), table)), set(cols),
                   "%s on %s has the documented columns" % (table, site))
        rows = _q(sim, sim.msdb(site), 'SELECT count(*) FROM "dbo.sysjobs"')
        tap.eq(rows, [["3"]], "two SSIS jobs and the switch job on %s" % site)
        rows = _q(sim, sim.msdb(site), 'SELECT count(*) FROM "dbo.sysjobschedules" js'
                                       ' LEFT JOIN "dbo.sysschedules" s ON s.schedule_id = js.schedule_id'
                                       ' WHERE s.schedule_id IS NULL')
        tap.eq(rows, [["0"]], "every job schedule row points at a schedule")


@with_sim("mi")
def test_mi_ssisdb_objects_exist_too(sim):
    for site in ("northeurope", "westeurope"):
        tap.eq(_columns(sim, sim.ssisdb(site), "sys.dm_geo_replication_link_status"), LINK_COLUMNS,
               "the MI's SSISDB has the link DMV")
        tap.eq(set(_columns(sim, sim.ssisdb(site), "catalog.executions")), set(EXECUTION_COLUMNS),
               "the MI's SSISDB has catalog.executions")


def test_sqldb_sites_have_no_msdb(sim):
    for s in sim.state()["pairs"][0]["sites"]:
        tap.not_in("msdb_odbc", s, "a SQL Database site (%s) has no msdb (no SQL Agent)" % s["name"])


# ---- the files ---------------------------------------------------------------------------

@with_sim("mi")
def test_files_are_in_wal_mode(sim):
    for site in ("northeurope", "westeurope"):
        for conn, what in ((sim.ssisdb(site), "SSISDB"), (sim.msdb(site), "msdb")):
            rows = _q(sim, conn, "PRAGMA journal_mode", what="PRAGMA journal_mode on %s %s" % (site, what))
            tap.eq(rows, [["wal"]], "%s's %s is in WAL mode" % (site, what))


def test_nocreat_on_a_missing_file_fails(sim):
    missing = os.path.join(sim.dir, "no-such-ssisdb.db")
    rc, rows, err = sim.odbc("Driver=SQLite3;Database=%s;NoCreat=1" % missing, "SELECT 1")
    tap.eq(rc, 1, "connecting with NoCreat=1 to a missing file fails")
    tap.ok(err.strip(), "with a diagnostic", stderr=err)
    tap.ok(not os.path.exists(missing), "and does not create the file")


def test_state_names_the_files_and_connection_strings(sim):
    for s in sim.state()["pairs"][0]["sites"]:
        tap.ok(os.path.isfile(s["ssisdb_path"]), "%s's SSISDB file exists" % s["name"], path=s["ssisdb_path"])
        tap.ok(s["ssisdb_path"].startswith(os.path.realpath(sim.dir) + "/") or s["ssisdb_path"].startswith(sim.dir + "/"),
               "it is under --dir", path=s["ssisdb_path"], dir=sim.dir)
        tap.is_in("NoCreat=1", s["ssisdb_odbc"], "the connection string has NoCreat=1")
        tap.is_in(s["ssisdb_path"], s["ssisdb_odbc"], "and names the file")


if __name__ == "__main__":
    h.main("demo")
