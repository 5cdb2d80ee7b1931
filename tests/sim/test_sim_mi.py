"""The managed-instance pair (mi scenario) and the split-brain scenario: the
instance failover group as each region sees it (role, partnerRegions,
managedInstancePairs), failover refused in the primary's region, failover in
the secondary's region as a long-running operation with an absolute Location
and an Azure-AsyncOperation status URL, the role swap in ARM and in SSISDB,
and msdb through ODBC: SSIS Agent jobs, their schedules (enabled only on the
primary), the schedule-switch T-SQL job, and dbo.sp_update_schedule on both
instances (msdb is not replicated).

Failover tests run at time scale 1 (a failover takes 60 virtual seconds) so
"still running" checks cannot race the real clock; the virtual clock is
moved with POST /_sim/clock."""

import simharness as h
import tap
from simharness import with_sim

LINK = '"sys.dm_geo_replication_link_status"'
SSIS_SCHEDULES = (
    'SELECT j.name, s.schedule_id, s.enabled FROM "dbo.sysjobs" j'
    ' JOIN "dbo.sysjobsteps" st ON st.job_id = j.job_id'
    ' JOIN "dbo.sysjobschedules" js ON js.job_id = j.job_id'
    ' JOIN "dbo.sysschedules" s ON s.schedule_id = js.schedule_id'
    " WHERE st.subsystem = 'SSIS' ORDER BY s.schedule_id")
UPDATE = 'INSERT INTO "dbo.sp_update_schedule" (schedule_id, enabled) VALUES (?, ?)'
PRIMARY, SECONDARY = "northeurope", "westeurope"


def _fog(sim, site):
    status, _, text, body = sim.arm("GET", sim.fog_path(site))
    tap.eq(status, 200, "GET the instance failover group in %s: %s" % (site, text[:300]))
    return body


def _q(sim, conn, sql, *params, what=""):
    rc, rows, err = sim.odbc(conn, sql, *params)
    tap.eq(rc, 0, "%s: the query runs (%s)" % (what or sql[:60], err.strip()))
    return rows


def _schedules(sim, site):
    return {name: int(enabled) for name, _, enabled in _q(sim, sim.msdb(site), SSIS_SCHEDULES, what="SSIS schedules")}


def _state_jobs(sim, site):
    for s in sim.state()["pairs"][0]["sites"]:
        if s["name"] == site:
            return {j["name"]: j for j in s["jobs"]}
    raise KeyError(site)


def _failover(sim, site, action="failover"):
    status, headers, text, _ = sim.arm("POST", sim.fog_path(site) + "/" + action)
    tap.eq(status, 202, "%s in %s is accepted: %s" % (action, site, text[:300]))
    return headers


# ---- the group per region -------------------------------------------------------------

def test_instance_failover_group_per_region(sim):
    neu, weu = sim.site(PRIMARY), sim.site(SECONDARY)
    for site, me, partner, other in ((PRIMARY, "Primary", weu, "Secondary"), (SECONDARY, "Secondary", neu, "Primary")):
        fog = _fog(sim, site)
        p = fog["properties"]
        tap.eq(fog["name"], "fog-ssis-mi", "name")
        tap.eq(fog["type"], "Microsoft.Sql/locations/instanceFailoverGroups", "type")
        tap.ok("/locations/%s/" % site in fog["id"].lower(), "the id is under the region", id=fog["id"])
        tap.eq(p["replicationRole"], me, "%s reports %s" % (site, me))
        tap.eq(p["partnerRegions"], [{"location": partner["location"], "replicationRole": other}],
               "%s's partnerRegions" % site)
        pairs = p["managedInstancePairs"]
        tap.eq(len(pairs), 1, "one managed instance pair")
        tap.eq(pairs[0]["primaryManagedInstanceId"].lower(), neu["managed_instance_id"].lower(),
               "primaryManagedInstanceId is the primary's managed instance")
        tap.eq(pairs[0]["partnerManagedInstanceId"].lower(), weu["managed_instance_id"].lower(),
               "partnerManagedInstanceId is the secondary's managed instance")
        tap.ok("/managedinstances/" in pairs[0]["primaryManagedInstanceId"].lower(), "an MI resource id", pairs=pairs)
        tap.eq(p["readWriteEndpoint"]["failoverPolicy"], "Manual", "failoverPolicy")
        tap.eq(p["replicationState"], "CATCH_UP", "replicationState")


def test_region_in_the_path_is_matched_loosely(sim):
    path = sim.fog_path(SECONDARY).replace("/locations/westeurope/", "/locations/WestEurope/")
    status, _, _, body = sim.arm("GET", path)
    tap.eq(status, 200, "the location segment is matched case-insensitively (WestEurope)")
    tap.eq(body["properties"]["replicationRole"], "Secondary", "and is the West Europe group")
    status, _, _, body = sim.arm("GET", path.replace("/locations/WestEurope/", "/locations/uksouth/"))
    tap.eq(status, 404, "a region with no instance of the group is 404")


def test_instance_failover_group_list_per_region(sim):
    for site in (PRIMARY, SECONDARY):
        base = sim.fog_path(site).rsplit("/", 1)[0]
        status, _, _, body = sim.arm("GET", base)
        tap.eq(status, 200, "list in %s" % site)
        tap.eq([f["name"] for f in body["value"]], ["fog-ssis-mi"], "the region's one group")
        tap.eq(body["value"][0], _fog(sim, site), "the listed group equals its GET")


def test_mi_ir_catalog_endpoint_is_the_instance(sim):
    status, _, _, ir = sim.arm("GET", sim.ir_path(PRIMARY))
    cat = ir["properties"]["typeProperties"]["ssisProperties"]["catalogInfo"]
    tap.eq(cat["catalogServerEndpoint"], "sqlmi-ssisdr-neu.7a1b2c3d4e5f.database.windows.net",
           "an MI catalog endpoint is <instance>.<dns zone>.database.windows.net")
    tap.eq(cat["dualStandbyPairName"], "ssis-mi-pair", "dualStandbyPairName")


# ---- failover ------------------------------------------------------------------------------

@with_sim("mi", time_scale=1)
def test_failover_in_primary_region_is_refused(sim):
    for action in ("failover", "forceFailoverAllowDataLoss"):
        status, _, _, body = sim.arm("POST", sim.fog_path(PRIMARY) + "/" + action)
        tap.eq(status, 400, "%s in the primary's region is 400" % action)
        tap.eq(body["error"]["code"], "InstanceFailoverGroupFailoverRequestOnPrimary", "%s: error.code" % action)
    tap.eq(_fog(sim, PRIMARY)["properties"]["replicationRole"], "Primary", "nothing changed")


@with_sim("mi", time_scale=1)
def test_failover_in_secondary_region_is_a_long_running_operation(sim):
    headers = _failover(sim, SECONDARY)
    loc, aop = headers.get("Location"), headers.get("Azure-AsyncOperation")
    tap.ok(loc and loc.startswith(sim.url + "/"), "the Location is absolute", location=loc)
    tap.ok(aop and aop.startswith(sim.url + "/"), "the Azure-AsyncOperation URL is absolute", aop=aop)
    tap.is_in("Retry-After", headers, "the 202 has Retry-After")
    status, _, text, body = sim.arm("GET", aop)
    tap.eq(status, 200, "the async operation status is 200 while running")
    tap.eq(body["status"], "InProgress", "status InProgress")
    tap.is_in("startTime", body, "the status has startTime")
    tap.eq(sim.arm("GET", loc)[0], 202, "the Location is 202 while running")
    tap.eq(_fog(sim, SECONDARY)["properties"]["replicationRole"], "Secondary", "no swap before it is done")
    sim.advance(30)
    tap.eq(sim.arm("GET", aop)[3]["status"], "InProgress", "30 s into a 60 s failover: InProgress")
    sim.advance(30)
    status, _, _, body = sim.arm("GET", aop)
    tap.eq((status, body["status"]), (200, "Succeeded"), "after 60 s the status is Succeeded")
    tap.is_in("endTime", body, "a finished operation has endTime")
    tap.not_in("error", body, "and no error")
    status, _, _, body = sim.arm("GET", loc)
    tap.eq(status, 200, "the Location is 200 when done")
    tap.eq(body["properties"]["replicationRole"], "Primary", "with the group now Primary in West Europe")
    for site, role, desc in ((SECONDARY, "Primary", "PRIMARY"), (PRIMARY, "Secondary", "SECONDARY")):
        fog = _fog(sim, site)
        tap.eq(fog["properties"]["replicationRole"], role, "%s is %s in ARM after the failover" % (site, role))
        rows = _q(sim, sim.ssisdb(site), "SELECT role_desc FROM %s" % LINK)
        tap.eq(rows, [[desc]], "%s's SSISDB is %s after the failover" % (site, desc))
    pairs = _fog(sim, PRIMARY)["properties"]["managedInstancePairs"]
    tap.eq(pairs[0]["primaryManagedInstanceId"].lower(), sim.site(SECONDARY)["managed_instance_id"].lower(),
           "primaryManagedInstanceId follows the failover")


@with_sim("mi", time_scale=1)
def test_failover_busy_while_running(sim):
    _failover(sim, SECONDARY)
    status, _, _, body = sim.arm("POST", sim.fog_path(SECONDARY) + "/failover")
    tap.eq(status, 409, "a second failover while one runs is 409")
    tap.eq(body["error"]["code"], "InstanceFailoverGroupBusy", "error.code")


@with_sim("mi", time_scale=1)
def test_failed_failover_reports_failed_status(sim):
    sim.fault(kind="outage", site=PRIMARY)
    headers = _failover(sim, SECONDARY)
    sim.advance(60)
    status, _, _, body = sim.arm("GET", headers["Azure-AsyncOperation"])
    tap.eq(status, 200, "the async status of a failed operation is still 200")
    tap.eq(body["status"], "Failed", "status Failed")
    tap.eq(body.get("error", {}).get("code"), "OperationTimedOut", "with the error")
    status, _, _, body = sim.arm("GET", headers["Location"])
    tap.ok(status >= 400, "the Location of a failed operation is an error", status=status)
    tap.eq(_fog(sim, SECONDARY)["properties"]["replicationRole"], "Secondary", "roles stay")


@with_sim("mi", time_scale=1)
def test_forced_failover_in_outage_swaps(sim):
    sim.fault(kind="outage", site=PRIMARY)
    headers = _failover(sim, SECONDARY, "forceFailoverAllowDataLoss")
    sim.advance(60)
    tap.eq(sim.arm("GET", headers["Azure-AsyncOperation"])[3]["status"], "Succeeded", "the forced failover succeeds")
    last = sim.state()["pairs"][0]["failover_group"]["last_failover"]
    tap.eq((last["kind"], last["to"]), ("forced", SECONDARY), "recorded as forced")
    tap.eq(last["data_loss_seconds"], 2, "the mi scenario's 2 s lag is lost")


# ---- msdb ----------------------------------------------------------------------------------

def test_ssis_schedules_enabled_only_on_primary(sim):
    neu, weu = _schedules(sim, PRIMARY), _schedules(sim, SECONDARY)
    tap.eq(sorted(neu), ["HourlyMarts", "NightlyWarehouse"], "the SSIS jobs on the primary")
    tap.eq(sorted(weu), ["HourlyMarts", "NightlyWarehouse"], "the same SSIS jobs on the secondary")
    tap.eq(set(neu.values()), {1}, "SSIS schedules are enabled on the primary")
    tap.eq(set(weu.values()), {0}, "SSIS schedules are disabled on the secondary")
    for site, want in ((PRIMARY, True), (SECONDARY, False)):
        jobs = _state_jobs(sim, site)
        tap.eq({n: j["schedule_enabled"] for n, j in jobs.items()},
               {"NightlyWarehouse": want, "HourlyMarts": want}, "/_sim/state agrees for %s" % site)


def test_jobs_have_ssis_steps_pointing_into_ssisdb(sim):
    for site in (PRIMARY, SECONDARY):
        rows = _q(sim, sim.msdb(site),
                  'SELECT j.name, st.subsystem, st.command FROM "dbo.sysjobs" j JOIN "dbo.sysjobsteps" st'
                  ' ON st.job_id = j.job_id WHERE j.name = ?', "NightlyWarehouse")
        tap.eq(len(rows), 1, "NightlyWarehouse has one step on %s" % site)
        name, subsystem, command = rows[0]
        tap.eq(subsystem, "SSIS", "the step's subsystem is SSIS")
        tap.is_in("/ISSERVER", command, "an SSISDB package step")
        tap.is_in("\\SSISDB\\Warehouse\\ETL\\LoadWarehouse.dtsx", command, "it runs the scenario's package")


def test_schedule_switch_job_exists(sim):
    for site in (PRIMARY, SECONDARY):
        rows = _q(sim, sim.msdb(site),
                  # odbc-query prints one line per row: fold the script's newlines
                  'SELECT j.enabled, st.subsystem, replace(st.command, char(10), \' \'), s.enabled FROM "dbo.sysjobs" j'
                  ' JOIN "dbo.sysjobsteps" st ON st.job_id = j.job_id'
                  ' JOIN "dbo.sysjobschedules" js ON js.job_id = j.job_id'
                  ' JOIN "dbo.sysschedules" s ON s.schedule_id = js.schedule_id'
                  " WHERE st.subsystem = 'TSQL'")
        tap.eq(len(rows), 1, "one T-SQL job on %s" % site)
        job_enabled, subsystem, command, sched_enabled = rows[0]
        tap.eq((job_enabled, sched_enabled), ("1", "1"), "the switch job and its schedule are enabled on %s" % site)
        tap.is_in("dm_geo_replication_link_status", command, "it tests the SSISDB role")
        tap.is_in("sp_update_schedule", command, "and switches schedules with sp_update_schedule")
        for sid in (r[1] for r in _q(sim, sim.msdb(site), SSIS_SCHEDULES)):
            tap.is_in("@schedule_id = %s" % sid, command, "it switches SSIS schedule %s" % sid)


def test_sp_update_schedule_on_both_instances(sim):
    ids = {name: sid for name, sid, _ in _q(sim, sim.msdb(SECONDARY), SSIS_SCHEDULES)}
    sid = ids["NightlyWarehouse"]
    before = _q(sim, sim.msdb(SECONDARY), 'SELECT version_number FROM "dbo.sysschedules" WHERE schedule_id = ?', sid)
    rc, rows, err = sim.odbc(sim.msdb(SECONDARY), UPDATE, sid, "1")
    tap.eq(rc, 0, "sp_update_schedule enables a schedule on the secondary instance: " + err)
    tap.eq(_schedules(sim, SECONDARY)["NightlyWarehouse"], 1, "enabled in msdb on the secondary")
    tap.eq(_schedules(sim, SECONDARY)["HourlyMarts"], 0, "only that schedule changed")
    after = _q(sim, sim.msdb(SECONDARY), 'SELECT version_number FROM "dbo.sysschedules" WHERE schedule_id = ?', sid)
    tap.eq(int(after[0][0]), int(before[0][0]) + 1, "version_number is bumped")
    tap.eq(_state_jobs(sim, SECONDARY)["NightlyWarehouse"]["schedule_enabled"], True, "/_sim/state shows it enabled")
    tap.eq(_schedules(sim, PRIMARY)["NightlyWarehouse"], 1, "the primary's msdb is separate (not replicated)")
    rc, rows, err = sim.odbc(sim.msdb(PRIMARY), UPDATE, sid, "0")
    tap.eq(rc, 0, "sp_update_schedule disables a schedule on the primary instance: " + err)
    tap.eq(_schedules(sim, PRIMARY)["NightlyWarehouse"], 0, "disabled in msdb on the primary")
    tap.eq(_state_jobs(sim, PRIMARY)["NightlyWarehouse"]["schedule_enabled"], False, "/_sim/state shows it disabled")
    tap.eq(_state_jobs(sim, SECONDARY)["NightlyWarehouse"]["schedule_enabled"], True, "the secondary kept its change")


def test_sp_update_schedule_by_name(sim):
    rc, _, err = sim.odbc(sim.msdb(SECONDARY), 'INSERT INTO "dbo.sp_update_schedule" (name, enabled) VALUES (?, ?)',
                          "EveryHour", "1")
    tap.eq(rc, 0, "sp_update_schedule by @name: " + err)
    tap.eq(_schedules(sim, SECONDARY)["HourlyMarts"], 1, "the named schedule is enabled")


def test_sp_update_schedule_refuses_bad_calls(sim):
    sid = _q(sim, sim.msdb(PRIMARY), SSIS_SCHEDULES)[0][1]
    cases = (
        ((sid, "NULL"), "@enabled", "enabled NULL"),
        (("9999", "1"), "does not exist", "an unknown schedule id"),
        ((sid, "2"), "invalid", "enabled 2"),
        (("NULL", "1"), "@schedule_id or @name", "neither id nor name"),
    )
    for params, text, what in cases:
        rc, _, err = sim.odbc(sim.msdb(PRIMARY), UPDATE, *params)
        tap.eq(rc, 1, "sp_update_schedule refuses %s" % what)
        tap.is_in(text, err, "the refusal of %s explains itself" % what)
    tap.eq(set(_schedules(sim, PRIMARY).values()), {1}, "nothing changed on the primary")
    rc, _, err = sim.odbc(sim.msdb(PRIMARY), 'INSERT INTO "dbo.sp_update_schedule" (name, enabled) VALUES (?, ?)',
                          "NoSuchSchedule", "0")
    tap.eq(rc, 1, "an unknown schedule name is refused")


@with_sim("mi", time_scale=1)
def test_msdb_is_not_touched_by_failover(sim):
    headers = _failover(sim, SECONDARY)
    sim.advance(60)
    tap.eq(sim.arm("GET", headers["Location"])[0], 200, "failover done")
    tap.eq(set(_schedules(sim, PRIMARY).values()), {1}, "the old primary's schedules are as they were")
    tap.eq(set(_schedules(sim, SECONDARY).values()), {0},
           "the new primary's schedules stay disabled until someone (the switch job or the console) enables them")
    rc, _, err = sim.odbc(sim.msdb(PRIMARY), UPDATE, "100", "0")
    tap.eq(rc, 0, "msdb on the old primary (now SSISDB secondary) is still writable: " + err)


# ---- split brain -------------------------------------------------------------------------

@with_sim("split-brain")
def test_split_brain_everything_enabled_on_both_sides(sim):
    for site in ("uksouth", "ukwest"):
        status, _, _, body = sim.arm("GET", sim.factory_path(site) + "/triggers")
        tap.eq(status, 200, "trigger list in %s" % site)
        tap.eq({t["name"]: t["properties"]["runtimeState"] for t in body["value"]},
               {"NightlyLoad": "Started", "HourlyMarts": "Started"}, "every trigger is Started in %s" % site)
        status, _, _, ir = sim.arm("GET", sim.ir_path(site))
        tap.eq(ir["properties"]["state"], "Started", "the IR in %s is Started" % site)
        tap.eq(_schedules(sim, site), {"NightlyWarehouse": 1}, "the SSIS schedule is enabled on %s" % site)
        tap.eq(_state_jobs(sim, site)["NightlyWarehouse"]["schedule_enabled"], True, "/_sim/state agrees for %s" % site)
    roles = {s["name"]: s["role"] for s in sim.state()["pairs"][0]["sites"]}
    tap.eq(roles, {"uksouth": "primary", "ukwest": "secondary"}, "yet only one side is the SSISDB primary")


if __name__ == "__main__":
    h.main("mi")
