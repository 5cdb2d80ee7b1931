"""Every Data Factory endpoint the simulator serves (api-version 2018-06-01):
integration runtimes (GET with etag and If-None-Match, list, getStatus,
start/stop as long-running operations polled through an absolute Location,
conflicts, the 25-minute VNet start, the ir-start-failure fault), triggers
(list with absolute nextLink paging, GET, start/stop, unknown trigger),
pipelines (ExecuteSSISPackage bound to the site's IR), api-version and
not-found errors, and the ARM response headers (request id, rate-limit
counters, the echoed client request id) with /_sim/requests."""

import tempfile
import threading
import time
import urllib.parse
import uuid

import simharness as h
import tap
from simharness import wait_until, with_sim

DEMO_TRIGGERS = ["NightlyLoad", "HourlyMarts", "MonthEndClose"]


def _f(sim, site):
    return sim.factory_path(site)


def _get_ok(sim, path, what):
    status, headers, text, body = sim.arm("GET", path)
    tap.eq(status, 200, "%s: GET is 200 (%s)" % (what, text[:300]))
    return body


def _ir_state(sim, site):
    return _get_ok(sim, sim.ir_path(site), "IR of %s" % site)["properties"]["state"]


def _status(sim, site):
    status, _, text, body = sim.arm("POST", sim.ir_path(site) + "/getStatus")
    tap.eq(status, 200, "getStatus of %s is 200 (%s)" % (site, text[:300]))
    return body


def _start(sim, site, action="start"):
    status, headers, text, body = sim.arm("POST", sim.ir_path(site) + "/" + action)
    tap.eq(status, 202, "%s of %s's IR is accepted (202): %s" % (action, site, text[:300]))
    loc = headers.get("Location")
    tap.ok(loc, "the 202 has a Location header", headers=dict(headers))
    return loc, headers


def _error(status, body, want_status, want_code, what):
    tap.eq(status, want_status, "%s: HTTP status" % what)
    tap.ok(isinstance(body, dict) and isinstance(body.get("error"), dict), "%s: ARM error body" % what, body=body)
    if want_code is None:
        tap.ok(isinstance(body["error"].get("code"), str) and body["error"]["code"], "%s: error.code is set" % what,
               body=body)
    else:
        tap.eq(body["error"].get("code"), want_code, "%s: error.code" % what)
    tap.ok(isinstance(body["error"].get("message"), str) and body["error"]["message"],
           "%s: error.message is a non-empty string" % what, body=body)


# ---- integration runtimes ---------------------------------------------------------

def test_ir_get_is_a_managed_ssis_ir(sim):
    for site in ("eastus", "westus"):
        path = sim.ir_path(site)
        status, headers, _, ir = sim.arm("GET", path)
        tap.eq(status, 200, "GET IR of %s" % site)
        tap.eq(ir["id"].lower(), path.lower(), "id is the IR's resource id")
        tap.eq(ir["name"], sim.site(site)["ir"]["name"], "name")
        tap.eq(ir["type"], "Microsoft.DataFactory/factories/integrationruntimes", "type")
        props = ir["properties"]
        tap.eq(props["type"], "Managed", "an Azure-SSIS IR is Managed")
        cat = props["typeProperties"]["ssisProperties"]["catalogInfo"]
        tap.eq(cat["catalogServerEndpoint"], sim.site(site)["server"] + ".database.windows.net",
               "catalogServerEndpoint is the site's logical server")
        tap.eq(cat["dualStandbyPairName"], "ssis-pair", "dualStandbyPairName is the pair name")
        tap.ok(isinstance(ir.get("etag"), str) and ir["etag"], "the IR has an etag", ir=ir)
        tap.eq(headers.get("ETag"), ir["etag"], "the ETag header matches the body's etag")
    tap.eq(_ir_state(sim, "eastus"), "Started", "eastus's IR is Started in the demo")
    tap.eq(_ir_state(sim, "westus"), "Stopped", "westus's IR is Stopped in the demo")


def test_ir_if_none_match_gives_304_until_it_changes(sim):
    path = sim.ir_path("westus")
    etag = _get_ok(sim, path, "IR")["etag"]
    status, headers, text, _ = sim.arm("GET", path, headers={"If-None-Match": etag})
    tap.eq(status, 304, "If-None-Match with the current etag is 304")
    tap.eq(text, "", "a 304 has no body")
    tap.is_in("x-ms-request-id", headers, "a 304 still has x-ms-request-id")
    status, _, _, body = sim.arm("GET", path, headers={"If-None-Match": '"00000000-0000-0000-0000-000000000000"'})
    tap.eq(status, 200, "If-None-Match with another etag is 200")
    _start(sim, "westus")
    status, _, _, body = sim.arm("GET", path, headers={"If-None-Match": etag})
    tap.eq(status, 200, "after a start the old etag no longer matches")
    tap.ne(body["etag"], etag, "the etag changed with the state")


def test_ir_list(sim):
    for site in ("eastus", "westus"):
        body = _get_ok(sim, _f(sim, site) + "/integrationRuntimes", "IR list of %s" % site)
        tap.ok(isinstance(body.get("value"), list), "value is a list", body=body)
        tap.eq([ir["name"] for ir in body["value"]], [sim.site(site)["ir"]["name"]], "the factory's one IR")
        tap.eq(body["value"][0], _get_ok(sim, sim.ir_path(site), "IR"), "the listed IR equals its GET")
        tap.not_in("nextLink", body, "a one-item list has no nextLink")


def test_ir_get_status_stopped_and_started(sim):
    st = _status(sim, "westus")
    tap.eq(st["name"], "ssis-ir-westus", "status name")
    p = st["properties"]
    tap.eq(p["state"], "Stopped", "westus is Stopped")
    tap.eq(p["type"], "Managed", "type Managed")
    tap.eq(p["dataFactoryName"], "adf-ssisdr-westus", "dataFactoryName")
    tap.eq(p["typeProperties"]["nodes"], [], "a stopped IR has no nodes")
    last = p["typeProperties"]["lastOperation"]
    tap.is_in(last["type"], ("start", "stop"), "lastOperation.type")
    tap.eq(last["result"], "Succeeded", "lastOperation.result")
    st = _status(sim, "eastus")
    p = st["properties"]
    tap.eq(p["state"], "Started", "eastus is Started")
    tap.eq(len(p["typeProperties"]["nodes"]), 2, "a started IR has its 2 nodes")
    tap.eq({n["status"] for n in p["typeProperties"]["nodes"]}, {"Available"}, "its nodes are Available")


def test_ir_get_status_requires_post(sim):
    status, _, _, body = sim.arm("GET", sim.ir_path("eastus") + "/getStatus")
    tap.ok(status in (404, 405), "GET on getStatus is refused", status=status, body=body)


def test_ir_start_is_a_long_running_operation(sim):
    loc, headers = _start(sim, "westus")
    tap.ok(loc.startswith(sim.url + "/"), "the Location is absolute, on the sim", location=loc)
    tap.is_in("/start/operationresults/", loc, "the Location is the start operation's result URL")
    tap.is_in("api-version=2018-06-01", loc, "the Location carries the api-version")
    ra = headers.get("Retry-After")
    tap.ok(ra and ra.isdigit() and int(ra) >= 1, "Retry-After is a whole number of seconds", retry_after=ra)
    status, headers2, text, _ = sim.arm("GET", loc)
    tap.eq(status, 202, "polling the Location while Starting is 202")
    tap.eq(text, "", "the 202 poll has no body")
    tap.eq(_ir_state(sim, "westus"), "Starting", "GET shows Starting")
    st = _status(sim, "westus")["properties"]
    tap.eq(st["state"], "Starting", "getStatus shows Starting")
    tap.eq(st["typeProperties"]["lastOperation"]["type"], "start", "lastOperation.type is start")
    status, _, _, body = sim.arm("POST", sim.ir_path("westus") + "/start")
    _error(status, body, 409, None, "a second start while Starting")
    sim.advance(300)
    status, _, text, body = sim.arm("GET", loc)
    tap.eq(status, 200, "after 300 s the Location is 200: " + text[:300])
    tap.eq(body["properties"]["state"], "Started", "the final body is the IR status with state Started")
    tap.eq(body["name"], "ssis-ir-westus", "of this IR")
    tap.eq(_ir_state(sim, "westus"), "Started", "GET shows Started")
    st = _status(sim, "westus")["properties"]
    tap.eq(len(st["typeProperties"]["nodes"]), 2, "a started IR has nodes")
    tap.eq(st["typeProperties"]["lastOperation"]["result"], "Succeeded", "lastOperation.result Succeeded")
    tap.eq(sim.state()["pairs"][0]["sites"][1]["ir"]["state"], "Started", "the state endpoint agrees")


def test_ir_start_not_done_before_its_duration(sim):
    loc, _ = _start(sim, "westus")
    sim.advance(200)
    tap.eq(sim.arm("GET", loc)[0], 202, "200 s into a 300 s start the operation is still running")
    tap.eq(_ir_state(sim, "westus"), "Starting", "and the IR is still Starting")


def test_ir_start_while_started_is_400(sim):
    status, _, _, body = sim.arm("POST", sim.ir_path("eastus") + "/start")
    _error(status, body, 400, None, "start while Started")


def test_ir_stop_is_a_long_running_operation(sim):
    loc, headers = _start(sim, "eastus", "stop")
    tap.ok(loc.startswith(sim.url + "/"), "the stop Location is absolute", location=loc)
    tap.is_in("/stop/operationresults/", loc, "the Location is the stop operation's result URL")
    tap.is_in("Retry-After", headers, "the 202 has Retry-After")
    tap.eq(sim.arm("GET", loc)[0], 202, "polling while Stopping is 202")
    tap.eq(_ir_state(sim, "eastus"), "Stopping", "GET shows Stopping")
    status, _, _, body = sim.arm("POST", sim.ir_path("eastus") + "/stop")
    _error(status, body, 409, None, "a second stop while Stopping")
    status, _, _, body = sim.arm("POST", sim.ir_path("eastus") + "/start")
    _error(status, body, 409, None, "a start while Stopping")
    sim.advance(60)
    status, _, text, body = sim.arm("GET", loc)
    tap.eq(status, 200, "after the stop's duration the Location is 200")
    tap.eq(text, "", "the stop's final 200 has no body")
    tap.eq(_ir_state(sim, "eastus"), "Stopped", "GET shows Stopped")
    tap.eq(_status(sim, "eastus")["properties"]["typeProperties"]["nodes"], [], "no nodes once stopped")


def test_ir_stop_while_stopped_is_400(sim):
    status, _, _, body = sim.arm("POST", sim.ir_path("westus") + "/stop")
    _error(status, body, 400, None, "stop while Stopped")


def test_ir_operation_result_of_another_ir_is_404(sim):
    loc, _ = _start(sim, "westus")
    other = loc.replace("/factories/adf-ssisdr-westus/", "/factories/adf-ssisdr-eastus/") \
               .replace("/rg-ssisdr-westus/", "/rg-ssisdr-eastus/") \
               .replace("/ssis-ir-westus/", "/ssis-ir-eastus/")
    tap.ne(other, loc, "the URL was rewritten to the other site")
    tap.eq(sim.arm("GET", other)[0], 404, "an operation id is only valid on its own IR")
    bogus = loc.rsplit("/", 1)[0] + "/" + str(uuid.uuid4()) + "?api-version=2018-06-01"
    tap.eq(sim.arm("GET", bogus)[0], 404, "an unknown operation id is 404")


@with_sim("demo", time_scale=1)
def test_retry_after_is_15_s_at_real_time(sim):
    loc, headers = _start(sim, "westus")
    tap.eq(headers.get("Retry-After"), "15", "at time scale 1 an IR start says Retry-After: 15, as ARM does")


@with_sim("demo", time_scale=600)
def test_time_scale_runs_the_virtual_clock(sim):
    t0 = time.monotonic()
    v0 = sim.state()["virtual_seconds"]
    loc, _ = _start(sim, "westus")
    done = wait_until(lambda: sim.arm("GET", loc)[0] == 200, timeout=5, interval=0.05)
    took = time.monotonic() - t0
    tap.ok(done, "at time scale 600 a 300 s start finishes by itself (no clock advance) within 5 s")
    tap.ge(took, 0.4, "but not before about 0.5 real seconds")
    v1 = sim.state()["virtual_seconds"]
    tap.ge(v1 - v0, 300, "the virtual clock moved by at least the start's 300 s", v0=v0, v1=v1)
    tap.eq(_ir_state(sim, "westus"), "Started", "the IR is Started")


@with_sim("vnet")
def test_vnet_ir_start_takes_25_minutes(sim):
    ir = _get_ok(sim, sim.ir_path("centralus"), "vnet IR")
    tap.ok(ir["properties"]["typeProperties"].get("customerVirtualNetwork", {}).get("subnetId"),
           "a VNet-injected IR names its subnet", ir=ir)
    loc, _ = _start(sim, "centralus")
    sim.advance(20 * 60)
    tap.eq(sim.arm("GET", loc)[0], 202, "20 minutes in, the VNet IR start is still running")
    tap.eq(_ir_state(sim, "centralus"), "Starting", "and the IR is Starting")
    sim.advance(5 * 60)
    status, _, _, body = sim.arm("GET", loc)
    tap.eq(status, 200, "after 25 minutes the start is done")
    tap.eq(body["properties"]["state"], "Started", "with state Started")
    tap.eq(_ir_state(sim, "centralus"), "Started", "GET shows Started")


def test_ir_start_failure_fault(sim):
    sim.fault(kind="ir-start-failure", site="westus", code="VNetSubnetNotReady")
    loc, _ = _start(sim, "westus")
    sim.advance(300)
    status, _, text, body = sim.arm("GET", loc)
    tap.ok(400 <= status < 600, "the failed start's Location answers with an error status", status=status, body=text)
    tap.eq((body or {}).get("error", {}).get("code"), "VNetSubnetNotReady", "the error carries the fault's code")
    tap.ok(body["error"].get("message"), "and a message", body=body)
    tap.eq(_ir_state(sim, "westus"), "Stopped", "the IR is back to Stopped")
    last = _status(sim, "westus")["properties"]["typeProperties"]["lastOperation"]
    tap.eq(last["type"], "start", "lastOperation.type start")
    tap.eq(last["result"], "Failed", "lastOperation.result Failed")
    tap.eq(last["errorCode"], "VNetSubnetNotReady", "lastOperation.errorCode is the code")
    loc2, _ = _start(sim, "westus")
    sim.advance(300)
    tap.eq(sim.arm("GET", loc2)[0], 200, "only the next start fails: the one after succeeds")
    tap.eq(_ir_state(sim, "westus"), "Started", "and the IR is Started")


def test_ir_start_failure_fault_default_code_and_other_site(sim):
    sim.fault(kind="ir-start-failure", site="westus")
    loc, _ = _start(sim, "westus")
    stop_loc, _ = _start(sim, "eastus", "stop")
    sim.advance(300)
    status, _, _, body = sim.arm("GET", loc)
    tap.ok(status >= 400, "the start failed", status=status)
    tap.eq(body["error"]["code"], "IntegrationRuntimeStartFailed", "the default error code")
    sim.advance(60)
    tap.eq(sim.arm("GET", stop_loc)[0], 200, "the other site's operation is unaffected")
    tap.eq(_ir_state(sim, "eastus"), "Stopped", "eastus stopped normally")


# ---- triggers -------------------------------------------------------------------------

def test_trigger_list_per_site(sim):
    for site, want in (("eastus", "Started"), ("westus", "Stopped")):
        body = _get_ok(sim, _f(sim, site) + "/triggers", "trigger list of %s" % site)
        names = [t["name"] for t in body["value"]]
        tap.eq(names, DEMO_TRIGGERS, "the demo's three triggers in %s" % site)
        tap.eq({t["properties"]["runtimeState"] for t in body["value"]}, {want},
               "every trigger in %s is %s" % (site, want))
        tap.not_in("nextLink", body, "three triggers fit one page")
        for t in body["value"]:
            tap.eq(t["type"], "Microsoft.DataFactory/factories/triggers", "trigger type")
            tap.ok(t["id"].lower().endswith("/triggers/" + t["name"].lower()), "trigger id ends with its name", id=t["id"])


def test_trigger_get(sim):
    path = _f(sim, "eastus") + "/triggers/HourlyMarts"
    status, headers, _, t = sim.arm("GET", path)
    tap.eq(status, 200, "GET a trigger")
    tap.eq(t["name"], "HourlyMarts", "name")
    tap.eq(t["properties"]["runtimeState"], "Started", "runtimeState")
    tap.eq(t["properties"]["pipelines"][0]["pipelineReference"]["referenceName"], "RefreshMarts",
           "the trigger runs its pipeline")
    tap.eq(t["properties"]["pipelines"][0]["pipelineReference"]["type"], "PipelineReference", "reference type")
    tap.eq(sim.arm("GET", path, headers={"If-None-Match": t["etag"]})[0], 304, "If-None-Match works on triggers")
    status, _, _, t2 = sim.arm("GET", path.replace("HourlyMarts", "hourlymarts"))
    tap.eq((status, t2 and t2["name"]), (200, "HourlyMarts"), "trigger names are case-insensitive")


def test_trigger_start_and_stop_change_runtime_state(sim):
    path = _f(sim, "westus") + "/triggers/NightlyLoad"
    before = _get_ok(sim, path, "trigger")
    status, headers, text, _ = sim.arm("POST", path + "/start")
    tap.eq(status, 200, "trigger start is 200")
    tap.eq(text, "", "trigger start has an empty body")
    after = _get_ok(sim, path, "trigger")
    tap.eq(after["properties"]["runtimeState"], "Started", "runtimeState is Started after start")
    tap.ne(after["etag"], before["etag"], "the etag changed")
    others = {t["name"]: t["properties"]["runtimeState"] for t in _get_ok(sim, _f(sim, "westus") + "/triggers", "list")["value"]}
    tap.eq(others, {"NightlyLoad": "Started", "HourlyMarts": "Stopped", "MonthEndClose": "Stopped"},
           "only that trigger changed")
    st = {t["name"]: t["state"] for t in sim.state()["pairs"][0]["sites"][1]["triggers"]}
    tap.eq(st["NightlyLoad"], "Started", "/_sim/state agrees")
    status, _, text, _ = sim.arm("POST", path + "/stop")
    tap.eq((status, text), (200, ""), "trigger stop is 200 with an empty body")
    tap.eq(_get_ok(sim, path, "trigger")["properties"]["runtimeState"], "Stopped", "Stopped after stop")
    status, _, _, _ = sim.arm("POST", path + "/stop")
    tap.eq(status, 200, "stopping a stopped trigger is still 200")


def test_unknown_trigger_is_404(sim):
    path = _f(sim, "eastus") + "/triggers/NoSuchTrigger"
    for method, p in (("GET", path), ("POST", path + "/start"), ("POST", path + "/stop")):
        status, _, _, body = sim.arm(method, p)
        _error(status, body, 404, "ResourceNotFound", "%s %s" % (method, p.rsplit("/", 2)[-2:]))


def _many_triggers_scenario(d, n, page_size=None):
    text = h.scenario_text("demo")
    extra = "".join("trigger = Bulk%03d LoadWarehouse Stopped\n" % i for i in range(n))
    text = text.replace("trigger = MonthEndClose LoadWarehouse Stopped\n",
                        "trigger = MonthEndClose LoadWarehouse Stopped\n" + extra, 1)
    if page_size:
        text = h.set_scenario_key(text, "trigger_page_size", str(page_size))
    return h.write_scenario(d, "many", text)


def _follow_pages(sim, first, what):
    names, pages, url = [], 0, first
    while url:
        pages += 1
        tap.le(pages, 50, "%s: paging ends" % what)
        status, _, text, body = sim.arm("GET", url)
        tap.eq(status, 200, "%s: page %d is 200 (%s)" % (what, pages, text[:200]))
        names += [t["name"] for t in body["value"]]
        url = body.get("nextLink")
        if url is not None:
            tap.ok(isinstance(url, str) and url.startswith(sim.url + "/"),
                   "%s: nextLink is an absolute URL on the sim" % what, nextLink=url)
            tap.ok(body["value"], "%s: a page with a nextLink is not empty" % what)
    return names, pages


def test_trigger_paging_follows_absolute_next_links():
    with tempfile.TemporaryDirectory(prefix="ssisdr-adf-test.") as d:
        with h.Sim(_many_triggers_scenario(d, 117)) as sim:
            want = DEMO_TRIGGERS + ["Bulk%03d" % i for i in range(117)]
            names, pages = _follow_pages(sim, _f(sim, "westus") + "/triggers", "120 triggers")
            tap.eq(pages, 3, "120 triggers at the default page size (50) take 3 pages")
            tap.eq(len(names), len(set(names)), "no trigger appears twice")
            tap.eq(sorted(names), sorted(want), "every trigger appears exactly once")
            names, pages = _follow_pages(sim, _f(sim, "eastus") + "/triggers", "3 triggers")
            tap.eq((pages, names), (1, DEMO_TRIGGERS), "the other factory has one page")


def test_small_page_size_pages_triggers_and_pipelines():
    with tempfile.TemporaryDirectory(prefix="ssisdr-adf-test.") as d:
        path = h.write_scenario(d, "paged", h.set_scenario_key(h.scenario_text("demo"), "trigger_page_size", "2"))
        with h.Sim(path) as sim:
            status, _, _, first = sim.arm("GET", _f(sim, "eastus") + "/triggers")
            tap.eq(len(first["value"]), 2, "page size 2: the first page has 2 triggers")
            tap.ok(first.get("nextLink"), "and a nextLink", body=first)
            names, pages = _follow_pages(sim, _f(sim, "eastus") + "/triggers", "page size 2")
            tap.eq((pages, names), (2, DEMO_TRIGGERS), "3 triggers in 2 pages, each once, in order")
            names, pages = _follow_pages(sim, _f(sim, "eastus") + "/pipelines", "pipelines, page size 2")
            tap.eq((pages, names), (2, ["LoadWarehouse", "RefreshMarts", "ArchiveRaw"]), "pipelines page too")


def test_trigger_page_next_link_keeps_the_api_version():
    with tempfile.TemporaryDirectory(prefix="ssisdr-adf-test.") as d:
        with h.Sim(_many_triggers_scenario(d, 60)) as big:
            status, _, _, body = big.arm("GET", _f(big, "westus") + "/triggers")
            link = body["nextLink"]
            q = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)
            tap.eq(q.get("api-version"), ["2018-06-01"], "the nextLink carries api-version", nextLink=link)
            tap.eq(big.arm("GET", link, api_version=None)[0], 200, "the nextLink works as-is")


# ---- pipelines -----------------------------------------------------------------------

def test_pipelines_list_and_get(sim):
    for site in ("eastus", "westus"):
        ir_name = sim.site(site)["ir"]["name"]
        body = _get_ok(sim, _f(sim, site) + "/pipelines", "pipelines of %s" % site)
        by_name = {p["name"]: p for p in body["value"]}
        tap.eq(sorted(by_name), ["ArchiveRaw", "LoadWarehouse", "RefreshMarts"], "the demo's pipelines")
        for name, pkg in (("LoadWarehouse", "Warehouse/ETL/LoadWarehouse.dtsx"),
                          ("RefreshMarts", "Warehouse/ETL/RefreshMarts.dtsx")):
            p = _get_ok(sim, _f(sim, site) + "/pipelines/" + name, "pipeline %s" % name)
            tap.eq(p, by_name[name], "the listed pipeline equals its GET")
            tap.eq(p["type"], "Microsoft.DataFactory/factories/pipelines", "pipeline type")
            acts = [a for a in p["properties"]["activities"] if a["type"] == "ExecuteSSISPackage"]
            tap.eq(len(acts), 1, "%s has one ExecuteSSISPackage activity" % name)
            tp = acts[0]["typeProperties"]
            tap.eq(tp["connectVia"]["referenceName"], ir_name, "%s runs on %s's IR" % (name, site))
            tap.eq(tp["connectVia"]["type"], "IntegrationRuntimeReference", "connectVia is an IR reference")
            tap.eq(tp["packageLocation"]["packagePath"], pkg, "packagePath")
        raw = _get_ok(sim, _f(sim, site) + "/pipelines/ArchiveRaw", "copy pipeline")
        tap.eq([a["type"] for a in raw["properties"]["activities"]], ["Copy"], "ArchiveRaw is a copy pipeline")


def test_unknown_pipeline_is_404(sim):
    status, _, _, body = sim.arm("GET", _f(sim, "eastus") + "/pipelines/NoSuchPipeline")
    _error(status, body, 404, "ResourceNotFound", "unknown pipeline")


# ---- errors ---------------------------------------------------------------------------

def test_missing_api_version_is_400(sim):
    for method, path in (("GET", sim.ir_path("eastus")), ("POST", sim.ir_path("eastus") + "/getStatus"),
                         ("GET", _f(sim, "eastus") + "/triggers")):
        status, _, _, body = sim.arm(method, path, api_version=None)
        _error(status, body, 400, "MissingApiVersionParameter", "%s without api-version" % method)


def test_unknown_api_version_is_400(sim):
    for version in ("2017-09-01-preview", "2025-01-01", "garbage"):
        status, _, _, body = sim.arm("GET", sim.ir_path("eastus"), api_version=version)
        _error(status, body, 400, "InvalidApiVersionParameter", "api-version=%s on Data Factory" % version)


def test_unknown_factory_ir_and_subscription_are_404(sim):
    ir = sim.ir_path("eastus")
    cases = {
        "unknown factory": ir.replace("/factories/adf-ssisdr-eastus/", "/factories/adf-nope/"),
        "unknown IR": ir.rsplit("/", 1)[0] + "/no-such-ir",
        "unknown resource group": ir.replace("/resourceGroups/rg-ssisdr-eastus/", "/resourceGroups/rg-nope/"),
        "factory in the other site's group": ir.replace("/resourceGroups/rg-ssisdr-eastus/", "/resourceGroups/rg-ssisdr-westus/"),
        "unknown subscription": ir.replace(sim.state()["subscription"], "11111111-2222-4333-8444-555555555555"),
        "unknown factory (triggers)": _f(sim, "eastus").replace("adf-ssisdr-eastus", "adf-nope") + "/triggers",
    }
    for what, path in cases.items():
        tap.ne(path, ir, "%s: the path was changed" % what)
        status, _, _, body = sim.arm("GET", path)
        _error(status, body, 404, None, what)


def test_arm_paths_are_case_insensitive(sim):
    ir = sim.ir_path("eastus")
    upper = ir.replace("resourceGroups/rg-ssisdr-eastus", "RESOURCEGROUPS/RG-SSISDR-EASTUS") \
              .replace("factories/adf-ssisdr-eastus", "factories/ADF-SSISDR-EASTUS") \
              .replace("integrationruntimes/", "integrationRuntimes/")
    status, _, _, body = sim.arm("GET", upper)
    tap.eq(status, 200, "resource group, factory and IR names match case-insensitively")
    tap.eq(body["name"], "ssis-ir-eastus", "the same IR")


def test_wrong_method_is_refused(sim):
    status, _, _, body = sim.arm("PUT", sim.ir_path("eastus"), body={})
    tap.ok(status in (404, 405), "PUT on an IR is refused (the sim does not create IRs)", status=status)
    status, _, _, body = sim.arm("DELETE", _f(sim, "eastus") + "/triggers/NightlyLoad")
    tap.ok(status in (404, 405), "DELETE on a trigger is refused", status=status)
    tap.eq(_get_ok(sim, _f(sim, "eastus") + "/triggers/NightlyLoad", "trigger")["name"], "NightlyLoad",
           "and the trigger is still there")


# ---- headers and the request log --------------------------------------------------------

def test_every_arm_response_has_request_id_and_rate_limit_headers(sim):
    ir = sim.ir_path("eastus")
    calls = [
        ("GET", ir, None), ("GET", ir + "/nope", None), ("GET", _f(sim, "eastus") + "/triggers", None),
        ("POST", ir + "/getStatus", None), ("POST", _f(sim, "westus") + "/triggers/NightlyLoad/start", None),
        ("POST", sim.ir_path("westus") + "/start", None), ("POST", ir + "/start", None),
        ("GET", ir, "no-token"),
    ]
    ids = []
    reads, writes = [], []
    for method, path, mode in calls:
        kw = {"token": None} if mode == "no-token" else {}
        status, headers, _, _ = sim.arm(method, path, **kw)
        what = "%s %s -> %d" % (method, path.rsplit("/", 2)[-2:], status)
        rid = headers.get("x-ms-request-id")
        tap.ok(rid, "%s has x-ms-request-id" % what, headers=dict(headers))
        ids.append(rid)
        if method == "GET" or path.endswith("/getStatus"):  # getStatus is an ARM read action (see the example)
            v = headers.get("x-ms-ratelimit-remaining-subscription-reads")
            tap.ok(v and v.isdigit(), "%s has x-ms-ratelimit-remaining-subscription-reads" % what, headers=dict(headers))
            reads.append(int(v))
        else:
            v = headers.get("x-ms-ratelimit-remaining-subscription-writes")
            tap.ok(v and v.isdigit(), "%s has x-ms-ratelimit-remaining-subscription-writes" % what, headers=dict(headers))
            writes.append(int(v))
    tap.eq(len(set(ids)), len(ids), "every response has its own request id")
    tap.ok(reads == sorted(reads, reverse=True) and reads[0] > reads[-1], "the read counter counts down", reads=reads)
    tap.ok(writes == sorted(writes, reverse=True) and writes[0] > writes[-1], "the write counter counts down",
           writes=writes)


def test_client_request_id_is_echoed_and_logged(sim):
    cid = str(uuid.uuid4())
    ua = "ssisdr-test/1.0 (+integration)"
    path = sim.ir_path("eastus")
    status, headers, _, _ = sim.arm("GET", path, headers={"x-ms-client-request-id": cid, "User-Agent": ua})
    tap.eq(status, 200, "GET with a client request id")
    tap.eq(headers.get("x-ms-client-request-id"), cid, "x-ms-client-request-id is echoed")
    status, headers, _, _ = sim.arm("GET", path)
    tap.not_in("x-ms-client-request-id", headers, "no echo when the client sent none")
    log = sim.requests()
    tap.ok(isinstance(log, list) and log, "/_sim/requests lists requests")
    mine = [r for r in log if r.get("client_request_id") == cid]
    tap.eq(len(mine), 1, "the request with that client id is logged once")
    r = mine[0]
    tap.eq(r["user_agent"], ua, "the User-Agent is recorded")
    tap.eq(r["method"], "GET", "the method is recorded")
    tap.eq(r["status"], 200, "the status is recorded")
    tap.eq(r["path"].lower(), path.lower(), "the path is recorded")
    tap.is_in("at", r, "the virtual time is recorded")


def test_keep_alive_connection_serves_several_requests(sim):
    import http.client
    token = sim.token()
    port = int(sim.url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        for i in range(3):
            conn.request("GET", sim.ir_path("eastus") + "?api-version=2018-06-01",
                         headers={"Authorization": "Bearer " + token})
            resp = conn.getresponse()
            body = resp.read()
            tap.eq(resp.status, 200, "request %d on one connection" % (i + 1))
            tap.ok(b"ssis-ir-eastus" in body, "request %d got the IR" % (i + 1))
    finally:
        conn.close()


def test_concurrent_requests_are_all_served(sim):
    token = sim.token()
    results = []
    lock = threading.Lock()

    def one(i):
        site = ("eastus", "westus")[i % 2]
        try:
            status = sim.arm("GET", sim.ir_path(site), token=token, timeout=5)[0]
        except Exception as e:  # noqa: BLE001
            status = repr(e)
        with lock:
            results.append(status)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    tap.eq(results, [200] * 40, "40 concurrent GETs are all answered 200")


def test_request_log_records_failures_and_posts(sim):
    sim.arm("GET", sim.ir_path("eastus"), api_version=None, headers={"User-Agent": "probe-a"})
    sim.arm("POST", sim.ir_path("westus") + "/start", headers={"User-Agent": "probe-b"})
    log = sim.requests()
    a = [r for r in log if r["user_agent"] == "probe-a"]
    b = [r for r in log if r["user_agent"] == "probe-b"]
    tap.eq([(r["method"], r["status"]) for r in a], [("GET", 400)], "a 400 is logged with its status")
    tap.eq([(r["method"], r["status"]) for r in b], [("POST", 202)], "a 202 POST is logged")


if __name__ == "__main__":
    h.main("demo")
