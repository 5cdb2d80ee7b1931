"""The Azure SQL Database failover group (demo scenario): each server's view
of the group, failover requests on the primary (refused), planned failover
on the secondary as a long-running operation with a relative Location, the
role swap in ARM and in each SSISDB's sys.dm_geo_replication_link_status,
FailoverGroupBusy, planned/forced/tryPlanned failovers during a region
outage of the primary, data loss recorded for a forced failover with
replication lag, and the read-only geo-secondary SSISDB.

These tests run the simulator at time scale 1: a failover takes 30 virtual
seconds, and the checks of "still running" must not race the real clock;
the virtual clock is moved with POST /_sim/clock instead."""

import tempfile

import simharness as h
import tap
from simharness import with_sim, wait_until

ACTIONS = ("failover", "forceFailoverAllowDataLoss", "tryPlannedBeforeForcedFailover")
LINK = '"sys.dm_geo_replication_link_status"'
FIR = 'INSERT INTO "catalog.failover_integration_runtime" (data_factory_name, integration_runtime_name) VALUES (?, ?)'


def _fog(sim, site):
    status, _, text, body = sim.arm("GET", sim.fog_path(site))
    tap.eq(status, 200, "GET the failover group on %s's server: %s" % (site, text[:300]))
    return body


def _role(sim, site):
    return _fog(sim, site)["properties"]["replicationRole"]


def _db_role(sim, site):
    rc, rows, err = sim.odbc(sim.ssisdb(site), "SELECT role_desc FROM %s" % LINK)
    tap.eq(rc, 0, "read the link row of %s's SSISDB: %s" % (site, err))
    tap.eq(len(rows), 1, "one link row in %s's SSISDB" % site)
    return rows[0][0]


def _failover(sim, site, action="failover"):
    status, headers, text, body = sim.arm("POST", sim.fog_path(site) + "/" + action)
    tap.eq(status, 202, "%s on %s is accepted (202): %s" % (action, site, text[:300]))
    loc = headers.get("Location")
    tap.ok(loc, "the 202 has a Location", headers=dict(headers))
    return loc, headers


def _poll(sim, loc):
    return sim.arm("GET", sim.abs_url(loc))


def _roles_are(sim, primary, secondary, what):
    tap.eq(_role(sim, primary), "Primary", "%s: %s's server reports Primary" % (what, primary))
    tap.eq(_role(sim, secondary), "Secondary", "%s: %s's server reports Secondary" % (what, secondary))
    tap.eq(sim.primary()["name"], primary, "%s: /_sim/state names %s primary" % (what, primary))


def _lag_scenario(d, lag):
    text = h.set_scenario_key(h.scenario_text("demo"), "lag_seconds", str(lag))
    return h.write_scenario(d, "lag", text)


# ---- the group as each server sees it ---------------------------------------------

@with_sim("demo", time_scale=1)
def test_each_server_reports_its_own_role(sim):
    for site, me, other, partner in (("eastus", "Primary", "Secondary", "westus"),
                                     ("westus", "Secondary", "Primary", "eastus")):
        fog = _fog(sim, site)
        p = fog["properties"]
        tap.eq(fog["name"], "fg-ssisdb", "the group's name")
        tap.eq(fog["type"], "Microsoft.Sql/servers/failoverGroups", "the group's type")
        tap.eq(fog["id"].lower(), sim.fog_path(site).lower(), "the id is under %s's server" % site)
        tap.eq(p["replicationRole"], me, "%s reports %s" % (site, me))
        tap.eq(len(p["partnerServers"]), 1, "one partner server")
        tap.eq(p["partnerServers"][0]["replicationRole"], other, "%s's partner is %s" % (site, other))
        tap.eq(p["partnerServers"][0]["id"].lower(), sim.site(partner)["server_id"].lower(),
               "the partner is %s's server" % partner)
        tap.eq(p["partnerServers"][0]["location"], sim.site(partner)["location"], "the partner's location")
        tap.eq(p["replicationState"], "CATCH_UP", "replicationState")
        tap.eq(p["readWriteEndpoint"]["failoverPolicy"], "Manual", "readWriteEndpoint.failoverPolicy")
        tap.ok(any(d.lower().endswith("/databases/ssisdb") for d in p["databases"]), "SSISDB is in the group",
               databases=p["databases"])


@with_sim("demo", time_scale=1)
def test_failover_group_list_on_each_server(sim):
    for site in ("eastus", "westus"):
        server = sim.site(site)["server_id"]
        status, _, _, body = sim.arm("GET", server + "/failoverGroups")
        tap.eq(status, 200, "list on %s's server" % site)
        tap.eq([f["name"] for f in body["value"]], ["fg-ssisdb"], "the server has the one group")
        tap.eq(body["value"][0], _fog(sim, site), "the listed group equals its GET")


@with_sim("demo", time_scale=1)
def test_ssisdb_link_rows_start_with_scenario_roles(sim):
    tap.eq(_db_role(sim, "eastus"), "PRIMARY", "eastus's SSISDB is PRIMARY")
    tap.eq(_db_role(sim, "westus"), "SECONDARY", "westus's SSISDB is SECONDARY")


@with_sim("demo", time_scale=1)
def test_failover_on_primary_is_refused(sim):
    for action in ACTIONS:
        status, _, _, body = sim.arm("POST", sim.fog_path("eastus") + "/" + action)
        tap.eq(status, 400, "%s on the primary is 400" % action)
        tap.eq(body["error"]["code"], "FailoverGroupFailoverRequestOnPrimary", "%s on the primary: error.code" % action)
    _roles_are(sim, "eastus", "westus", "after the refused requests")
    tap.eq(sim.state()["pairs"][0]["failover_group"]["failover_running"], False, "nothing is running")


# ---- planned failover ----------------------------------------------------------------

@with_sim("demo", time_scale=1)
def test_planned_failover_swaps_roles_in_arm_and_sql(sim):
    loc, headers = _failover(sim, "westus")
    tap.ok(loc.startswith("/subscriptions/"), "the SQL failover Location is relative, as in the published example",
           location=loc)
    tap.is_in("/failoverGroupOperationResults/", loc, "the Location is a failoverGroupOperationResults URL")
    tap.is_in("Retry-After", headers, "the 202 has Retry-After")
    status, h2, text, _ = _poll(sim, loc)
    tap.eq(status, 202, "polling while the failover runs is 202")
    tap.eq(sim.state()["pairs"][0]["failover_group"]["failover_running"], True, "the state shows it running")
    _roles_are(sim, "eastus", "westus", "while the failover runs")
    sim.advance(15)
    tap.eq(_poll(sim, loc)[0], 202, "15 s into a 30 s failover: still 202")
    sim.advance(15)
    status, _, text, body = _poll(sim, loc)
    tap.eq(status, 200, "after 30 s the operation is done: " + text[:300])
    tap.eq(body["properties"]["replicationRole"], "Primary", "the final body says the asked server is Primary")
    tap.eq(body["id"].lower(), sim.fog_path("westus").lower(), "the final body is the group on westus's server")
    # straight after completion, before any ticker pass, SQL shows the swap too
    tap.eq(_db_role(sim, "westus"), "PRIMARY", "westus's SSISDB is PRIMARY right after the operation")
    tap.eq(_db_role(sim, "eastus"), "SECONDARY", "eastus's SSISDB is SECONDARY right after the operation")
    _roles_are(sim, "westus", "eastus", "after the planned failover")
    fog = _fog(sim, "eastus")
    tap.eq(fog["properties"]["partnerServers"][0]["replicationRole"], "Primary", "eastus's partner is now Primary")
    last = sim.state()["pairs"][0]["failover_group"]["last_failover"]
    tap.eq((last["kind"], last["from"], last["to"]), ("planned", "eastus", "westus"), "the state records the failover")
    tap.eq(last["data_loss_seconds"], 0, "a planned failover loses nothing")


@with_sim("demo", time_scale=1)
def test_failover_back_again(sim):
    loc, _ = _failover(sim, "westus")
    sim.advance(30)
    tap.eq(_poll(sim, loc)[0], 200, "first failover done")
    status, _, _, body = sim.arm("POST", sim.fog_path("westus") + "/failover")
    tap.eq((status, body["error"]["code"]), (400, "FailoverGroupFailoverRequestOnPrimary"),
           "westus is now the primary, so a failover asked of it is refused")
    loc, _ = _failover(sim, "eastus")
    sim.advance(30)
    tap.eq(_poll(sim, loc)[0], 200, "the failover back is done")
    _roles_are(sim, "eastus", "westus", "after failing back")
    tap.eq(_db_role(sim, "eastus"), "PRIMARY", "eastus's SSISDB is PRIMARY again")


@with_sim("demo", time_scale=1)
def test_second_failover_while_running_is_busy(sim):
    loc, _ = _failover(sim, "westus")
    for action in ACTIONS:
        status, _, _, body = sim.arm("POST", sim.fog_path("westus") + "/" + action)
        tap.eq(status, 409, "%s while a failover runs is 409" % action)
        tap.eq(body["error"]["code"], "FailoverGroupBusy", "%s while running: error.code" % action)
    sim.advance(30)
    tap.eq(_poll(sim, loc)[0], 200, "the first failover still completes")
    _roles_are(sim, "westus", "eastus", "after the one failover")


@with_sim("demo", time_scale=1)
def test_unknown_operation_is_404(sim):
    loc, _ = _failover(sim, "westus")
    bogus = loc.split("/failoverGroupOperationResults/")[0] + \
        "/failoverGroupOperationResults/00000000-0000-4000-8000-000000000000?api-version=2025-01-01"
    tap.eq(_poll(sim, bogus)[0], 404, "an unknown failover operation id is 404")


# ---- outages -----------------------------------------------------------------------

@with_sim("demo", time_scale=1)
def test_planned_failover_during_primary_outage_fails(sim):
    sim.fault(kind="outage", site="eastus")
    loc, _ = _failover(sim, "westus")
    sim.advance(30)
    status, _, text, body = _poll(sim, loc)
    tap.ok(status >= 400, "the planned failover ends in an error", status=status, body=text)
    tap.eq((body or {}).get("error", {}).get("code"), "OperationTimedOut", "error.code OperationTimedOut")
    tap.eq(_role(sim, "westus"), "Secondary", "westus is still Secondary")
    tap.eq(sim.primary()["name"], "eastus", "eastus is still primary in the state")
    tap.not_in("last_failover", sim.state()["pairs"][0]["failover_group"], "no failover is recorded")
    tap.eq(_db_role(sim, "westus"), "SECONDARY", "westus's SSISDB is still SECONDARY")
    sim.clear_faults()
    _roles_are(sim, "eastus", "westus", "after the outage")
    tap.eq(_db_role(sim, "eastus"), "PRIMARY", "eastus's SSISDB is PRIMARY after the outage")


@with_sim("demo", time_scale=1)
def test_forced_failover_during_primary_outage_swaps(sim):
    sim.fault(kind="outage", site="eastus")
    loc, _ = _failover(sim, "westus", "forceFailoverAllowDataLoss")
    sim.advance(30)
    status, _, text, body = _poll(sim, loc)
    tap.eq(status, 200, "the forced failover succeeds without the primary: " + text[:300])
    tap.eq(body["properties"]["replicationRole"], "Primary", "westus is Primary")
    tap.eq(_db_role(sim, "westus"), "PRIMARY", "westus's SSISDB is PRIMARY")
    last = sim.state()["pairs"][0]["failover_group"]["last_failover"]
    tap.eq((last["kind"], last["to"]), ("forced", "westus"), "recorded as forced")
    sim.clear_faults()
    _roles_are(sim, "westus", "eastus", "after the outage ends")
    tap.eq(_db_role(sim, "eastus"), "SECONDARY", "the old primary's SSISDB comes back SECONDARY")


@with_sim("demo", time_scale=1)
def test_try_planned_during_outage_becomes_forced(sim):
    sim.fault(kind="outage", site="eastus")
    loc, _ = _failover(sim, "westus", "tryPlannedBeforeForcedFailover")
    sim.advance(30)
    tap.eq(_poll(sim, loc)[0], 200, "tryPlannedBeforeForcedFailover succeeds during the outage")
    last = sim.state()["pairs"][0]["failover_group"]["last_failover"]
    tap.eq(last["kind"], "forced", "it fell back to a forced failover")
    tap.eq(sim.primary()["name"], "westus", "westus is primary")


@with_sim("demo", time_scale=1)
def test_try_planned_without_outage_is_planned(sim):
    loc, _ = _failover(sim, "westus", "tryPlannedBeforeForcedFailover")
    sim.advance(30)
    tap.eq(_poll(sim, loc)[0], 200, "tryPlannedBeforeForcedFailover succeeds")
    tap.eq(sim.state()["pairs"][0]["failover_group"]["last_failover"]["kind"], "planned",
           "with the primary reachable it is a planned failover")


def test_forced_failover_with_lag_records_data_loss():
    with tempfile.TemporaryDirectory(prefix="ssisdr-fo-test.") as d:
        with h.Sim(_lag_scenario(d, 5), time_scale=1) as sim:
            tap.eq(sim.state()["pairs"][0]["failover_group"]["lag_seconds"], 5, "the scenario's lag is 5 s")
            loc, _ = _failover(sim, "westus", "forceFailoverAllowDataLoss")
            sim.advance(30)
            tap.eq(_poll(sim, loc)[0], 200, "forced failover done")
            last = sim.state()["pairs"][0]["failover_group"]["last_failover"]
            tap.eq(last["kind"], "forced", "kind forced")
            tap.eq(last["data_loss_seconds"], 5, "data_loss_seconds is the lag")
            tap.gt(last["lost_transactions"], 0, "some transactions were lost")


def test_planned_failover_with_lag_loses_nothing():
    with tempfile.TemporaryDirectory(prefix="ssisdr-fo-test.") as d:
        with h.Sim(_lag_scenario(d, 5), time_scale=1) as sim:
            loc, _ = _failover(sim, "westus")
            sim.advance(30)
            tap.eq(_poll(sim, loc)[0], 200, "planned failover done")
            last = sim.state()["pairs"][0]["failover_group"]["last_failover"]
            tap.eq((last["kind"], last["data_loss_seconds"], last["lost_transactions"]), ("planned", 0, 0),
                   "a planned failover records no data loss")


def test_automatic_policy_fails_over_after_the_grace_period():
    with tempfile.TemporaryDirectory(prefix="ssisdr-fo-test.") as d:
        text = h.set_scenario_key(h.scenario_text("demo"), "failover_policy", "Automatic")
        text = h.set_scenario_key(text, "grace_minutes", "5")
        with h.Sim(h.write_scenario(d, "auto", text), time_scale=1) as sim:
            rw = _fog(sim, "westus")["properties"]["readWriteEndpoint"]
            tap.eq(rw, {"failoverPolicy": "Automatic", "failoverWithDataLossGracePeriodMinutes": 5},
                   "an Automatic group shows its grace period")
            sim.fault(kind="outage", site="eastus")
            sim.advance(4 * 60)
            tap.eq(_role(sim, "westus"), "Secondary", "4 minutes into the outage nothing has happened")
            sim.advance(61)
            tap.eq(_role(sim, "westus"), "Primary", "after the 5-minute grace period westus is Primary")
            tap.eq(_db_role(sim, "westus"), "PRIMARY", "and its SSISDB says PRIMARY")
            last = sim.state()["pairs"][0]["failover_group"]["last_failover"]
            tap.eq((last["kind"], last["from"], last["to"]), ("forced", "eastus", "westus"),
                   "an automatic failover is a forced one")


@with_sim("demo", time_scale=1)
def test_manual_policy_never_fails_over_by_itself(sim):
    sim.fault(kind="outage", site="eastus")
    sim.advance(24 * 3600)
    tap.eq(_role(sim, "westus"), "Secondary", "a Manual group waits for the operator, even after a day")


@with_sim("demo", time_scale=1, pairs=2)
def test_failover_of_one_pair_leaves_the_other(sim):
    st = sim.state()
    second = [s for s in st["pairs"][1]["sites"] if s["role"] == "secondary"][0]
    status, headers, _, _ = sim.arm("POST", second["failover_group_id"] + "/failover")
    tap.eq(status, 202, "failover of pair 2 accepted")
    sim.advance(30)
    status, _, _, body = _poll(sim, headers["Location"])
    tap.eq(status, 200, "pair 2's failover is done")
    tap.eq(body["name"], st["pairs"][1]["failover_group"]["name"], "the operation was pair 2's group")
    st = sim.state()
    tap.eq(st["pairs"][1]["failover_group"]["primary"], second["name"], "pair 2 swapped")
    tap.eq(st["pairs"][0]["failover_group"]["primary"], "eastus", "pair 1 did not")
    tap.eq(_db_role(sim, "eastus"), "PRIMARY", "pair 1's SSISDB in eastus is still PRIMARY")
    rc, rows, err = sim.odbc(second["ssisdb_odbc"], "SELECT role_desc FROM %s" % LINK)
    tap.eq(rows, [["PRIMARY"]], "pair 2's SSISDB in %s is PRIMARY" % second["name"])


# ---- the read-only geo-secondary ------------------------------------------------------

@with_sim("demo", time_scale=1)
def test_secondary_ssisdb_refuses_failover_integration_runtime(sim):
    rc, rows, err = sim.odbc(sim.ssisdb("westus"), FIR, "adf-new", "ir-new")
    tap.eq(rc, 1, "the procedure fails on the geo-secondary")
    tap.is_in("read-only", err, "with the read-only error text")
    tap.eq(sim.state()["pairs"][0]["sites"][1]["ssisdb_binding"],
           {"data_factory_name": "adf-ssisdr-westus", "integration_runtime_name": "ssis-ir-westus"},
           "the secondary's binding is unchanged")


@with_sim("demo", time_scale=1)
def test_primary_ssisdb_accepts_failover_integration_runtime(sim):
    rc, rows, err = sim.odbc(sim.ssisdb("eastus"), FIR, "adf-new", "ir-new")
    tap.eq(rc, 0, "the procedure runs on the primary: " + err)
    want = {"data_factory_name": "adf-new", "integration_runtime_name": "ir-new"}
    tap.eq(sim.state()["pairs"][0]["sites"][0]["ssisdb_binding"], want, "/_sim/state shows the new binding")
    rc, rows, err = sim.odbc(sim.ssisdb("eastus"),
                             'SELECT data_factory_name, integration_runtime_name FROM "catalog.integration_runtime_binding"')
    tap.eq(rows, [["adf-new", "ir-new"]], "the binding table has the new names")
    replicated = wait_until(lambda: sim.state()["pairs"][0]["sites"][1]["ssisdb_binding"] == want, timeout=3)
    tap.ok(replicated, "the change replicates to the geo-secondary",
           secondary=sim.state()["pairs"][0]["sites"][1]["ssisdb_binding"])


@with_sim("demo", time_scale=1)
def test_failover_integration_runtime_needs_both_names(sim):
    for args in (("NULL", "ir-new"), ("adf-new", "NULL"), ("", "ir-new")):
        rc, _, err = sim.odbc(sim.ssisdb("eastus"), FIR, *args)
        tap.eq(rc, 1, "the procedure refuses %r" % (args,))
        tap.is_in("must be given", err, "with a message naming the parameters")


@with_sim("demo", time_scale=1)
def test_secondary_refuses_direct_writes(sim):
    for sql in ('UPDATE "catalog.integration_runtime_binding" SET data_factory_name = \'x\'',
                'DELETE FROM "catalog.executions"',
                'INSERT INTO "catalog.catalog_properties" VALUES (\'X\', \'1\')'):
        rc, _, err = sim.odbc(sim.ssisdb("westus"), sql)
        tap.eq(rc, 1, "the geo-secondary refuses: %s" % sql)
        tap.is_in("read-only", err, "with the read-only text: %s" % sql)
    for site in ("eastus", "westus"):
        rc, _, err = sim.odbc(sim.ssisdb(site), "UPDATE %s SET role_desc = 'PRIMARY'" % LINK)
        tap.eq(rc, 1, "the DMV cannot be written on %s" % site)


@with_sim("demo", time_scale=1)
def test_read_only_side_follows_the_failover(sim):
    loc, _ = _failover(sim, "westus")
    sim.advance(30)
    tap.eq(_poll(sim, loc)[0], 200, "failover done")
    rc, _, err = sim.odbc(sim.ssisdb("eastus"), FIR, "adf-x", "ir-x")
    tap.eq(rc, 1, "the old primary is now read-only")
    tap.is_in("read-only", err, "read-only text on the old primary")
    rc, _, err = sim.odbc(sim.ssisdb("westus"), FIR, "adf-ssisdr-westus", "ssis-ir-westus")
    tap.eq(rc, 0, "the new primary accepts the procedure: " + err)


if __name__ == "__main__":
    h.main("demo", time_scale=1)
