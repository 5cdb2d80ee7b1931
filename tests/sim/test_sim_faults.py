"""Fault injection through POST /_sim/fault and its clearing with DELETE:
latency, hang, throttle (429 + Retry-After), error (5xx), malformed
bodies, region outage (ARM 503/504 and the site's SQLite files gone),
token-expiry, db-locked ("database is locked" through ODBC while ARM still
answers); fault scoping to one site or all; GET /_sim/fault; rejected fault
specs; and POST /_sim/clock validation."""

import socket
import threading
import time
import urllib.error

import simharness as h
import tap
from simharness import wait_until

LINK = 'SELECT role_desc FROM "sys.dm_geo_replication_link_status"'


def _timed_get(sim, site, timeout=h.HTTP_TIMEOUT):
    t0 = time.monotonic()
    status, headers, text, body = sim.arm("GET", sim.ir_path(site), timeout=timeout)
    return time.monotonic() - t0, status, headers, text, body


def _statuses(sim, site, n):
    return [sim.arm("GET", sim.ir_path(site))[0] for _ in range(n)]


def _arm_error_body(body, what):
    tap.ok(isinstance(body, dict) and isinstance(body.get("error"), dict)
           and body["error"].get("code") and body["error"].get("message"),
           "%s: ARM error body {error: {code, message}}" % what, body=body)


def _with_timeout(conn, ms=200):
    return conn + ";Timeout=%d" % ms


# ---- latency and hang ----------------------------------------------------------------

def test_latency_on_one_site(sim):
    sim.token()
    sim.fault(kind="latency", ms=300, site="eastus")
    slow, status, _, _, _ = _timed_get(sim, "eastus")
    tap.eq(status, 200, "a slow request still answers")
    tap.ge(slow, 0.3, "eastus's GET takes at least the 300 ms of latency")
    fast, status, _, _, _ = _timed_get(sim, "westus")
    tap.eq(status, 200, "westus answers")
    tap.lt(fast, 0.25, "westus's GET is not delayed")
    slow2, _, _, _, _ = _timed_get(sim, "eastus")
    tap.ge(slow2, 0.3, "the latency lasts until cleared")
    sim.clear_faults()
    after, status, _, _, _ = _timed_get(sim, "eastus")
    tap.lt(after, 0.25, "after DELETE /_sim/fault eastus is fast again")


def test_hang_on_one_site(sim):
    sim.token()
    sim.fault(kind="hang", site="eastus")
    t0 = time.monotonic()
    try:
        status = sim.arm("GET", sim.ir_path("eastus"), timeout=1.0)[0]
        tap.fail("a request to the hung site answered", status=status)
    except (socket.timeout, TimeoutError, urllib.error.URLError) as e:
        if isinstance(e, urllib.error.URLError) and not isinstance(e.reason, (socket.timeout, TimeoutError)):
            raise
    waited = time.monotonic() - t0
    tap.ge(waited, 0.9, "the client gave up after its 1 s timeout, not earlier")
    fast, status, _, _, _ = _timed_get(sim, "westus", timeout=1.0)
    tap.eq(status, 200, "the other site answers")
    tap.lt(fast, 0.5, "at once")
    tap.eq(sim.control("GET", "state")[0], 200, "the control endpoint answers during a hang")
    sim.clear_faults()
    fast, status, _, _, _ = _timed_get(sim, "eastus", timeout=2.0)
    tap.eq(status, 200, "after DELETE a new request to eastus answers")
    tap.lt(fast, 1.0, "promptly")


def test_hang_does_not_block_shutdown(sim):
    sim.token()
    sim.fault(kind="hang", site="eastus")
    result = {}

    def hung():
        try:
            result["status"] = sim.arm("GET", sim.ir_path("eastus"), timeout=8.0)[0]
        except Exception as e:  # noqa: BLE001 -- any end is fine; we only need it to end
            result["error"] = repr(e)

    t = threading.Thread(target=hung, daemon=True)
    t.start()
    time.sleep(0.3)
    tap.ok(t.is_alive(), "the request to the hung site is still waiting")
    rc, took = sim.stop(check=False)
    tap.eq(rc, 0, "SIGTERM with a hung request outstanding exits 0")
    tap.lt(took, 2.0, "within 2 s")
    t.join(9)
    tap.ok(not t.is_alive(), "the hung client got an answer or an error once the sim stopped", result=result)


def test_latency_does_not_block_shutdown(sim):
    sim.token()
    sim.fault(kind="latency", ms=3000, site="eastus")
    result = {}

    def slow():
        try:
            result["status"] = sim.arm("GET", sim.ir_path("eastus"), timeout=8.0)[0]
        except Exception as e:  # noqa: BLE001 -- any end is fine
            result["error"] = repr(e)

    t = threading.Thread(target=slow, daemon=True)
    t.start()
    time.sleep(0.3)
    rc, took = sim.stop(check=False)
    t.join(9)
    tap.eq(rc, 0, "SIGTERM during an injected latency exits 0")
    tap.lt(took, 2.0, "within 2 s, not after the 3 s latency")


# ---- throttle, error, malformed ------------------------------------------------------

def test_throttle_count_3_then_ok(sim):
    sim.token()
    sim.fault(kind="throttle", count=3, retry_after=2)
    for i in range(3):
        status, headers, _, body = sim.arm("GET", sim.ir_path("eastus"))
        tap.eq(status, 429, "request %d is throttled" % (i + 1))
        tap.eq(headers.get("Retry-After"), "2", "request %d has Retry-After: 2" % (i + 1))
        _arm_error_body(body, "429 number %d" % (i + 1))
        tap.is_in("x-ms-request-id", headers, "a 429 still has x-ms-request-id")
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 200, "the fourth request is served")
    tap.eq(sim.faults(), [], "the used-up fault is gone from GET /_sim/fault")


def test_throttle_on_one_site_only(sim):
    sim.token()
    sim.fault(kind="throttle", count=2, site="westus")
    tap.eq(_statuses(sim, "eastus", 2), [200, 200], "eastus is not throttled")
    tap.eq(_statuses(sim, "westus", 3), [429, 429, 200], "westus gets its two 429s")


def test_error_503_count_2_then_ok(sim):
    sim.token()
    sim.fault(kind="error", status=503, count=2)
    for i in range(2):
        status, _, _, body = sim.arm("GET", sim.ir_path("eastus"))
        tap.eq(status, 503, "request %d is a 503" % (i + 1))
        _arm_error_body(body, "503 number %d" % (i + 1))
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 200, "then 200")


def test_error_defaults_to_500(sim):
    sim.token()
    sim.fault(kind="error", count=1)
    status, _, _, body = sim.arm("GET", sim.ir_path("eastus"))
    tap.eq(status, 500, "an error fault without status is a 500")
    _arm_error_body(body, "default error")
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 200, "count 1: the next is served")


def test_siteless_error_hits_every_site_in_turn(sim):
    sim.token()
    sim.fault(kind="error", status=502, count=2)
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 502, "the first request (eastus) takes one")
    tap.eq(sim.arm("GET", sim.ir_path("westus"))[0], 502, "the second request (westus) takes the other")
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 200, "then the fault is used up")


def test_arm_faults_do_not_touch_the_token_endpoint(sim):
    sim.fault(kind="error", status=503, count=1)
    sim.fault(kind="throttle", count=1)
    sim.fault(kind="malformed", count=1)
    status, _, text, body = sim.token_request()
    tap.eq(status, 200, "the token endpoint (Entra ID, not ARM) is not hit by ARM error/throttle/malformed faults")
    tap.ok(isinstance(body, dict) and body.get("access_token"), "and its body is intact", text=text)
    tap.eq(len(sim.faults()), 3, "the faults were not used up by the token request")
    status, _, _, _ = sim.arm("GET", sim.ir_path("eastus"), token=body["access_token"])
    tap.eq(status, 503, "the next ARM request takes the error fault (the first one added)")


def test_latency_applies_to_the_token_endpoint(sim):
    sim.fault(kind="latency", ms=300)
    t0 = time.monotonic()
    status = sim.token_request()[0]
    tap.eq(status, 200, "a slow token endpoint still answers")
    tap.ge(time.monotonic() - t0, 0.3, "a site-less latency slows the token endpoint too")


def test_error_fault_does_not_change_state(sim):
    sim.token()
    sim.fault(kind="error", status=500, count=1)
    status, _, _, _ = sim.arm("POST", sim.ir_path("westus") + "/start")
    tap.eq(status, 500, "the start request hits the fault")
    tap.eq(sim.state()["pairs"][0]["sites"][1]["ir"]["state"], "Stopped", "and the IR was not started")


def test_malformed_count_1(sim):
    sim.token()
    sim.fault(kind="malformed", count=1)
    status, headers, text, body = sim.arm("GET", sim.ir_path("eastus"))
    tap.ok(text.strip(), "the malformed response has a body", status=status)
    tap.eq(body, None, "the body is not valid JSON", text=text)
    status, _, text, body = sim.arm("GET", sim.ir_path("eastus"))
    tap.eq(status, 200, "the next request is served")
    tap.ok(isinstance(body, dict) and body.get("name") == "ssis-ir-eastus", "with valid JSON", text=text)


def test_malformed_on_one_site(sim):
    sim.token()
    sim.fault(kind="malformed", site="westus", count=2)
    tap.ok(isinstance(sim.arm("GET", sim.ir_path("eastus"))[3], dict), "eastus's body is valid JSON")
    tap.eq(sim.arm("GET", sim.ir_path("westus"))[3], None, "westus's body is not")


# ---- outage ------------------------------------------------------------------------

def test_outage_of_one_site(sim):
    sim.token()
    east_conn, west_conn = sim.ssisdb("eastus"), sim.ssisdb("westus")
    sim.fault(kind="outage", site="eastus")
    for path in (sim.ir_path("eastus"), sim.factory_path("eastus") + "/triggers", sim.fog_path("eastus")):
        status, headers, _, body = sim.arm("GET", path)
        tap.eq(status, 503, "ARM for the site in outage is 503: %s" % path.rsplit("/", 2)[-2:])
        _arm_error_body(body, "outage 503")
    status, _, _, _ = sim.arm("POST", sim.ir_path("eastus") + "/getStatus")
    tap.eq(status, 503, "a POST to the site in outage is 503 too")
    rc, _, err = sim.odbc(_with_timeout(east_conn), LINK)
    tap.eq(rc, 1, "ODBC to the SSISDB of the site in outage fails")
    tap.eq(sim.arm("GET", sim.ir_path("westus"))[0], 200, "the other site's ARM is fine")
    rc, rows, err = sim.odbc(west_conn, LINK)
    tap.eq((rc, rows), (0, [["SECONDARY"]]), "the other site's SSISDB is fine: " + err)
    tap.eq(sim.token(fresh=True) is not None, True, "the token endpoint still works")
    st = sim.state()["pairs"][0]["sites"]
    tap.eq((st[0]["outage"], st[1]["outage"]), (True, False), "/_sim/state shows the outage")
    sim.clear_faults()
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 200, "after DELETE eastus's ARM works")
    rc, rows, err = sim.odbc(east_conn, LINK)
    tap.eq((rc, rows), (0, [["PRIMARY"]]), "after DELETE eastus's SSISDB works through ODBC: " + err)
    rc, _, err = sim.odbc(east_conn, 'INSERT INTO "catalog.failover_integration_runtime"'
                          ' (data_factory_name, integration_runtime_name) VALUES (?, ?)', "adf-a", "ir-a")
    tap.eq(rc, 0, "and is writable again: " + err)


def test_outage_status_504_is_gateway_timeout(sim):
    sim.token()
    sim.fault(kind="outage", site="westus", status=504)
    status, _, _, body = sim.arm("GET", sim.ir_path("westus"))
    tap.eq(status, 504, "the 504 variant of an outage")
    tap.eq(body["error"]["code"], "GatewayTimeout", "error.code GatewayTimeout")
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 200, "the other site is fine")


@h.with_sim("mi")
def test_outage_takes_msdb_too(sim):
    sim.fault(kind="outage", site="northeurope")
    rc, _, err = sim.odbc(_with_timeout(sim.msdb("northeurope")), 'SELECT count(*) FROM "dbo.sysjobs"')
    tap.eq(rc, 1, "msdb of the managed instance in outage cannot be reached")
    rc, rows, err = sim.odbc(sim.msdb("westeurope"), 'SELECT count(*) FROM "dbo.sysjobs"')
    tap.eq(rc, 0, "the other instance's msdb is fine: " + err)
    sim.clear_faults()
    rc, rows, err = sim.odbc(sim.msdb("northeurope"), 'SELECT count(*) FROM "dbo.sysjobs"')
    tap.eq(rc, 0, "msdb is back after DELETE: " + err)


# ---- db-locked -----------------------------------------------------------------------

def test_db_locked(sim):
    sim.token()
    conn = sim.ssisdb("eastus")
    sim.fault(kind="db-locked", site="eastus")
    rc, _, err = sim.odbc(_with_timeout(conn), LINK)
    tap.eq(rc, 1, "a SELECT on the locked SSISDB fails")
    tap.is_in("database is locked", err, "with 'database is locked'")
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 200, "ARM for the site still answers")
    tap.eq(sim.arm("GET", sim.fog_path("eastus"))[0], 200, "including its failover group")
    rc, rows, err = sim.odbc(_with_timeout(sim.ssisdb("westus")), LINK)
    tap.eq(rc, 0, "the other site's SSISDB is not locked: " + err)
    tap.eq(sim.state()["pairs"][0]["sites"][0]["db_locked"], True, "/_sim/state shows the lock")
    sim.clear_faults()
    rc, rows, err = sim.odbc(_with_timeout(conn), LINK)
    tap.eq((rc, rows), (0, [["PRIMARY"]]), "after DELETE the SELECT works: " + err)


@h.with_sim("mi")
def test_db_locked_takes_msdb_too(sim):
    sim.fault(kind="db-locked", site="westeurope")
    rc, _, err = sim.odbc(_with_timeout(sim.msdb("westeurope")), 'SELECT count(*) FROM "dbo.sysschedules"')
    tap.eq(rc, 1, "msdb of the locked instance cannot be read")
    tap.is_in("database is locked", err, "with 'database is locked'")
    rc, _, err = sim.odbc(_with_timeout(sim.msdb("northeurope")), 'SELECT count(*) FROM "dbo.sysschedules"')
    tap.eq(rc, 0, "the other instance's msdb is fine: " + err)
    sim.clear_faults()
    rc, _, err = sim.odbc(_with_timeout(sim.msdb("westeurope")), 'SELECT count(*) FROM "dbo.sysschedules"')
    tap.eq(rc, 0, "msdb is readable after DELETE: " + err)


def test_db_locked_site_keeps_replicating(sim):
    sim.fault(kind="db-locked", site="eastus")
    sim.advance(10)
    sim.clear_faults()
    ok = wait_until(lambda: sim.odbc(sim.ssisdb("eastus"), LINK)[0] == 0, timeout=3)
    tap.ok(ok, "the locked database is readable after the fault is cleared")
    tap.eq(sim.stderr_text().count("database is locked"), 0,
           "the simulator's own writes were not blocked by its lock", stderr=sim.stderr_text())


# ---- token-expiry --------------------------------------------------------------------

def test_token_expiry_fault(sim):
    token = sim.token()
    sim.fault(kind="token-expiry")
    status, _, _, body = sim.arm("GET", sim.ir_path("eastus"), token=token)
    tap.eq(status, 401, "the existing token is refused")
    tap.eq(body["error"]["code"], "ExpiredAuthenticationToken", "as expired")
    tap.eq(sim.arm("GET", sim.ir_path("eastus"), token=sim.token(fresh=True))[0], 200, "a new token works")


# ---- the fault endpoint itself -------------------------------------------------------

def test_get_fault_lists_active_faults(sim):
    sim.token()
    tap.eq(sim.faults(), [], "no faults at start")
    sim.fault(kind="latency", ms=50, site="westus")
    sim.fault(kind="throttle", count=1, retry_after=3)
    listed = sim.faults()
    tap.eq([(f["kind"], f.get("site")) for f in listed], [("latency", "westus"), ("throttle", None)],
           "both faults are listed, in order, with their site")
    tap.eq(listed[1]["retry_after"], 3, "with their parameters")
    tap.eq(listed[0]["ms"], 50, "latency ms")
    sim.arm("GET", sim.ir_path("eastus"))
    tap.eq([f["kind"] for f in sim.faults()], ["latency"], "the throttle, used up, is gone")
    sim.clear_faults()
    tap.eq(sim.faults(), [], "DELETE clears them all")


def test_bad_fault_specs_are_400(sim):
    cases = [
        ({"kind": "earthquake"}, "an unknown kind"),
        ({"ms": 100}, "no kind"),
        ({"kind": 5}, "a kind that is not a string"),
        ({"kind": "latency", "site": "mars"}, "an unknown site"),
        ({"kind": "throttle", "count": -2}, "a negative count"),
        ({"kind": "latency", "ms": -1}, "negative ms"),
        ({"kind": "latency", "ms": "lots"}, "ms not a number"),
        ({"kind": "error", "status": 200}, "an error status that is not an error"),
        ({"kind": "error", "status": 700}, "a status beyond 599"),
    ]
    for spec, what in cases:
        status, body, text = sim.control("POST", "fault", body=spec)
        tap.eq(status, 400, "%s is refused with 400" % what)
        tap.ok(isinstance(body, dict) and body.get("error", {}).get("message"), "%s: an error message" % what,
               text=text)
    for raw, what in ((b"not json", "a non-JSON body"), (b"[1,2]", "a JSON array"), (b"", "an empty body")):
        status, _, _ = sim.control("POST", "fault", body=raw)
        tap.eq(status, 400, "%s is refused with 400" % what)
    tap.eq(sim.faults(), [], "no refused spec became a fault")


def test_fault_with_count_0_injects_nothing(sim):
    sim.token()
    status, _, _ = sim.control("POST", "fault", body={"kind": "error", "status": 503, "count": 0})
    if status == 400:
        return  # refusing it is fine too
    tap.eq(status, 201, "count 0 accepted")
    tap.eq(sim.arm("GET", sim.ir_path("eastus"))[0], 200, "a fault with no requests left injects nothing")


def test_clock_rejects_bad_advances(sim):
    cases = [({"advance": -1}, "a negative advance"), ({"advance": "10"}, "a string"), ({}, "no advance"),
             (b"advance=10", "a non-JSON body")]
    before = sim.state()["virtual_seconds"]
    for body, what in cases:
        status, parsed, text = sim.control("POST", "clock", body=body)
        tap.eq(status, 400, "POST /_sim/clock with %s is 400" % what)
    status, parsed, _ = sim.control("GET", "clock")
    tap.ok(status in (400, 404, 405), "GET /_sim/clock is not an advance", status=status)
    after = sim.state()["virtual_seconds"]
    tap.lt(after - before, 60, "the refused advances did not move the clock", before=before, after=after)
    moved = sim.advance(3600)
    tap.ge(moved["virtual_seconds"] - before, 3600, "a good advance moves the clock by at least that much")


def test_unknown_control_path_is_404(sim):
    tap.eq(sim.control("GET", "nope")[0], 404, "an unknown /_sim/ path is 404")
    tap.eq(sim.control("POST", "state")[0], 404, "POST /_sim/state is not a route")


if __name__ == "__main__":
    h.main("demo")
