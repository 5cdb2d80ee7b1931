"""Key-structure comparison of the simulator's ARM responses with the real
examples in tests/fixtures/arm-examples/ (Azure REST API specs).

For every example with a simulated counterpart, each response code of the
example is produced by the simulator and compared: the status; every key
path of the example body (objects by key, arrays as "[]" over all items)
must exist in the simulated body with the same JSON type (null in the
example matches anything); an example without a body must get an empty body;
and the example's x-ms-* response header names (and Location) must be
present.  EXAMPLES below is the one table of what is compared and what is
excluded, with the reason for each exclusion."""

import json
import os
import tempfile

import simharness as h
import tap

EXAMPLE_DIR = os.path.join(h.FIXTURES, "arm-examples")

# Key paths of a resource envelope: used when the example's resource is of a
# different subtype from the simulated one (SelfHosted versus Managed IR).
ENVELOPE = ("id", "name", "type", "etag", "properties", "properties.type", "properties.state")

# One row per comparison.
#   example   file in tests/fixtures/arm-examples/
#   call      how the simulator produces the counterpart (CALLS below)
#   scenario  "demo", "mi", or "auto-demo"/"auto-mi" (the same with failover_policy = Automatic)
#   only      compare only these key paths (None: every path of the example)
#   ignore    {key path: reason} paths of the example that are not compared
EXAMPLES = [
    dict(example="IntegrationRuntimes_Get.json", call="ir_get", scenario="demo", only=ENVELOPE,
         ignore={}, why="the example is a SelfHosted IR; only the common envelope applies to a Managed one"),
    dict(example="IntegrationRuntimes_GetStatus.json", call="ir_status", scenario="demo",
         only=("name", "properties", "properties.type", "properties.state", "properties.typeProperties",
               "properties.typeProperties.nodes", "properties.typeProperties.createTime"),
         ignore={}, why="the example is a SelfHosted status (autoUpdate, versions, node machines); Managed status differs"),
    dict(example="IntegrationRuntimes_ListByFactory.json", call="ir_list", scenario="demo",
         only=("value",) + tuple("value[]." + p for p in ENVELOPE) + ("value[]",),
         ignore={}, why="the example lists a SelfHosted IR; only the envelope applies"),
    dict(example="IntegrationRuntimes_Create.json", call="ir_get", scenario="demo", only=None,
         ignore={}, why="a Managed IR with ssisProperties: the full Azure-SSIS IR shape"),
    dict(example="IntegrationRuntimes_Create.json", call="ir_get", scenario="mi", only=None,
         ignore={"properties.typeProperties.ssisProperties.catalogInfo.catalogPricingTier":
                 "a managed instance catalog has no pricing tier (SQL Database only)"},
         why="the Managed IR shape on a managed instance"),
    dict(example="IntegrationRuntimes_Get_IfNoneMatch.json", call="ir_get_304", scenario="demo", only=None,
         ignore={}, why="304 with no body"),
    dict(example="IntegrationRuntimes_Start.json", call="ir_start", scenario="demo", only=None,
         ignore={}, why="202, then 200 with the status body"),
    dict(example="IntegrationRuntimes_Stop.json", call="ir_stop", scenario="demo", only=None,
         ignore={}, why="202, then 200 with no body"),
    dict(example="Triggers_Get.json", call="trigger_get", scenario="demo", only=None,
         ignore={"properties.typeProperties.recurrence.endTime": "the simulated schedules are open-ended (endTime is optional)",
                 "properties.pipelines[].parameters.OutputBlobNameList": "a parameter of the example's own pipeline"},
         why="ScheduleTrigger GET (and 304)"),
    dict(example="Triggers_ListByFactory.json", call="trigger_list", scenario="demo", only=None,
         ignore={"value[].properties.typeProperties.recurrence.endTime": "the simulated schedules are open-ended",
                 "value[].properties.pipelines[].parameters.OutputBlobNameList": "a parameter of the example's own pipeline"},
         why="trigger list"),
    dict(example="Triggers_Start.json", call="trigger_start", scenario="demo", only=None, ignore={},
         why="200 with no body"),
    dict(example="Triggers_Stop.json", call="trigger_stop", scenario="demo", only=None, ignore={},
         why="200 with no body"),
    dict(example="Pipelines_Get.json", call="pipeline_get", scenario="demo", only=None,
         ignore={"properties.activities[]": "the example's activities (ForEach/Copy) differ from the simulated ExecuteSSISPackage",
                 "properties.parameters.OutputBlobNameList": "a parameter of the example's own pipeline",
                 "properties.variables.TestVariableArray": "a variable of the example's own pipeline"},
         why="pipeline envelope; properties.activities must be a list"),
    dict(example="Pipelines_ListByFactory.json", call="pipeline_list", scenario="demo", only=None,
         ignore={"value[].properties.activities[]": "the example's activities differ from the simulated ones",
                 "value[].properties.parameters.OutputBlobNameList": "a parameter of the example's own pipeline"},
         why="pipeline list envelope"),
    dict(example="FailoverGroupGet.json", call="fog_get", scenario="demo", only=None,
         ignore={"properties.readWriteEndpoint.failoverWithDataLossGracePeriodMinutes":
                 "only sent with failoverPolicy Automatic; the demo group is Manual (compared in the auto-demo row)"},
         why="SQL Database failover group, Manual policy"),
    dict(example="FailoverGroupGet.json", call="fog_get", scenario="auto-demo", only=None, ignore={},
         why="SQL Database failover group, Automatic policy"),
    dict(example="FailoverGroupList.json", call="fog_list", scenario="auto-demo", only=None, ignore={},
         why="SQL Database failover group list"),
    dict(example="FailoverGroupFailover.json", call="fog_failover", scenario="auto-demo", only=None, ignore={},
         why="202 with a Location, then the group (now Primary)"),
    dict(example="FailoverGroupForceFailoverAllowDataLoss.json", call="fog_force", scenario="auto-demo", only=None,
         ignore={}, why="forced failover: 202 with a Location, then the group"),
    dict(example="InstanceFailoverGroupGet.json", call="fog_get", scenario="auto-mi", only=None, ignore={},
         why="managed-instance failover group"),
    dict(example="InstanceFailoverGroupGet.json", call="fog_get", scenario="mi", only=None,
         ignore={"properties.readWriteEndpoint.failoverWithDataLossGracePeriodMinutes":
                 "only sent with failoverPolicy Automatic; the mi group is Manual"},
         why="managed-instance failover group, Manual policy"),
    dict(example="InstanceFailoverGroupList.json", call="fog_list", scenario="auto-mi", only=None, ignore={},
         why="managed-instance failover group list"),
    dict(example="InstanceFailoverGroupFailover.json", call="fog_failover", scenario="auto-mi", only=None,
         ignore={}, why="202 with an absolute Location, then the group"),
    dict(example="InstanceFailoverGroupForceFailoverAllowDataLoss.json", call="fog_force", scenario="auto-mi",
         only=None, ignore={}, why="forced failover of a managed-instance group"),
]

# Examples with no simulated counterpart.
NOT_SIMULATED = {
    "PipelineRuns_QueryByFactory.json": "the simulator does not serve queryPipelineRuns",
}


# ---- key structure ----------------------------------------------------------------------

def json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def key_paths(value, prefix="", out=None):
    """{path: set of JSON types} for every key path below value."""
    if out is None:
        out = {}
    if isinstance(value, dict):
        for k, v in value.items():
            p = prefix + "." + k if prefix else k
            out.setdefault(p, set()).add(json_type(v))
            key_paths(v, p, out)
    elif isinstance(value, list):
        for v in value:
            p = prefix + "[]"
            out.setdefault(p, set()).add(json_type(v))
            key_paths(v, p, out)
    return out


def _excluded(path, ignore):
    for ex in ignore:
        if path == ex or path.startswith(ex + ".") or path.startswith(ex + "[]"):
            return True
    return False


def compare(example_body, sim_body, only=None, ignore=None):
    """List of problems (empty when the sim body has the example's key structure)."""
    ignore = ignore or {}
    want = key_paths(example_body)
    got = key_paths(sim_body)
    problems = []
    for path, types in sorted(want.items()):
        if only is not None and path not in only:
            continue
        if _excluded(path, ignore):
            continue
        types = types - {"null"}
        if path not in got:
            problems.append("missing %s (%s)" % (path, "/".join(sorted(types)) or "any"))
        elif types and not (types & got[path]):
            problems.append("%s is %s, the example has %s" % (path, "/".join(sorted(got[path])),
                                                               "/".join(sorted(types))))
    return problems


# ---- producing the simulated counterparts --------------------------------------------------

def _sites(sim):
    st = sim.state()["pairs"][0]["sites"]
    primary = [s for s in st if s["role"] == "primary"][0]
    secondary = [s for s in st if s["role"] == "secondary"][0]
    return primary, secondary


def _r(resp):
    status, headers, text, body = resp
    return status, headers, text, body


def call_ir_get(sim):
    p, _ = _sites(sim)
    first = _r(sim.arm("GET", p["ir"]["id"]))
    return {200: first, 304: _r(sim.arm("GET", p["ir"]["id"], headers={"If-None-Match": first[3]["etag"]}))}


def call_ir_get_304(sim):
    p, _ = _sites(sim)
    etag = sim.arm("GET", p["ir"]["id"])[3]["etag"]
    return {304: _r(sim.arm("GET", p["ir"]["id"], headers={"If-None-Match": etag}))}


def call_ir_status(sim):
    p, _ = _sites(sim)
    return {200: _r(sim.arm("POST", p["ir"]["id"] + "/getStatus"))}


def call_ir_list(sim):
    p, _ = _sites(sim)
    return {200: _r(sim.arm("GET", p["factory_id"] + "/integrationRuntimes"))}


def _lro(sim, path, seconds):
    first = _r(sim.arm("POST", path))
    loc = first[1].get("Location")
    tap.ok(loc, "the 202 has a Location", headers=dict(first[1]))
    sim.advance(seconds)
    return {202: first, 200: _r(sim.arm("GET", sim.abs_url(loc)))}


def call_ir_start(sim):
    _, s = _sites(sim)
    return _lro(sim, s["ir"]["id"] + "/start", 1500)


def call_ir_stop(sim):
    p, _ = _sites(sim)
    return _lro(sim, p["ir"]["id"] + "/stop", 600)


def _trigger(sim):
    p, _ = _sites(sim)
    return p["factory_id"] + "/triggers/" + p["triggers"][0]["name"]


def call_trigger_get(sim):
    path = _trigger(sim)
    first = _r(sim.arm("GET", path))
    return {200: first, 304: _r(sim.arm("GET", path, headers={"If-None-Match": first[3]["etag"]}))}


def call_trigger_list(sim):
    p, _ = _sites(sim)
    return {200: _r(sim.arm("GET", p["factory_id"] + "/triggers"))}


def call_trigger_start(sim):
    return {200: _r(sim.arm("POST", _trigger(sim) + "/start"))}


def call_trigger_stop(sim):
    return {200: _r(sim.arm("POST", _trigger(sim) + "/stop"))}


def _pipeline(sim):
    p, _ = _sites(sim)
    return p["factory_id"] + "/pipelines/" + p["pipelines"][0]["name"]


def call_pipeline_get(sim):
    path = _pipeline(sim)
    first = _r(sim.arm("GET", path))
    return {200: first, 304: _r(sim.arm("GET", path, headers={"If-None-Match": first[3]["etag"]}))}


def call_pipeline_list(sim):
    p, _ = _sites(sim)
    return {200: _r(sim.arm("GET", p["factory_id"] + "/pipelines"))}


def call_fog_get(sim):
    p, _ = _sites(sim)
    return {200: _r(sim.arm("GET", p["failover_group_id"]))}


def call_fog_list(sim):
    p, _ = _sites(sim)
    return {200: _r(sim.arm("GET", p["failover_group_id"].rsplit("/", 1)[0]))}


def call_fog_failover(sim):
    _, s = _sites(sim)
    return _lro(sim, s["failover_group_id"] + "/failover", 120)


def call_fog_force(sim):
    _, s = _sites(sim)
    return _lro(sim, s["failover_group_id"] + "/forceFailoverAllowDataLoss", 120)


CALLS = {k[len("call_"):]: v for k, v in dict(globals()).items() if k.startswith("call_")}


def _scenario_path(d, scenario):
    if not scenario.startswith("auto-"):
        return scenario
    base = scenario[len("auto-"):]
    text = h.set_scenario_key(h.scenario_text(base), "failover_policy", "Automatic")
    text = h.set_scenario_key(text, "grace_minutes", "120")
    return h.write_scenario(d, scenario, text)


def _load(name):
    with open(os.path.join(EXAMPLE_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def _check(row):
    example = _load(row["example"])
    with tempfile.TemporaryDirectory(prefix="ssisdr-shape-test.") as d:
        with h.Sim(_scenario_path(d, row["scenario"]), time_scale=1) as sim:
            results = CALLS[row["call"]](sim)
    for code, resp in sorted(example["responses"].items()):
        code = int(code)
        tap.is_in(code, results, "%s: the simulator produced a %d" % (row["example"], code))
        status, headers, text, body = results[code]
        what = "%s %d" % (row["example"], code)
        tap.eq(status, code, "%s: status" % what, text=text[:500])
        ex_body = resp.get("body")
        if isinstance(ex_body, (dict, list)):
            tap.ok(body is not None, "%s: the simulated response has a JSON body" % what, text=text[:500])
            problems = compare(ex_body, body, row["only"], row["ignore"])
            tap.eq(problems, [], "%s: the simulated body has the example's key structure" % what, simulated=body)
        else:
            tap.eq(text, "", "%s: the example has no body, nor has the simulated response" % what)
        for name in (resp.get("headers") or {}):
            if name.lower().startswith("x-ms-") or name.lower() == "location":
                tap.is_in(name, headers, "%s: the simulated response has the example's %s header" % (what, name),
                          simulated_headers=sorted(headers))


# ---- the tests -----------------------------------------------------------------------------

def test_every_example_is_compared_or_listed():
    files = sorted(f for f in os.listdir(EXAMPLE_DIR) if f.endswith(".json"))
    covered = {r["example"] for r in EXAMPLES} | set(NOT_SIMULATED)
    tap.eq([f for f in files if f not in covered], [], "every example is in EXAMPLES or NOT_SIMULATED")
    tap.eq(sorted(covered - set(files)), [], "the table names no missing example")
    for r in EXAMPLES:
        tap.is_in(r["call"], CALLS, "row %s names a known call" % r["example"])
        tap.ok(r.get("why"), "row %s says why" % r["example"])
        for path, reason in r["ignore"].items():
            tap.ok(reason, "exclusion %s of %s has a reason" % (path, r["example"]))


def test_exclusions_are_not_vacuous():
    # An ignored or envelope path that the example does not have would hide nothing: keep the table honest.
    for r in EXAMPLES:
        ex = _load(r["example"])
        paths = set()
        for resp in ex["responses"].values():
            if isinstance(resp.get("body"), (dict, list)):
                paths |= set(key_paths(resp["body"]))
        for ig in r["ignore"]:
            tap.ok(any(p == ig or p.startswith(ig + ".") or p.startswith(ig + "[]") for p in paths),
                   "exclusion %s matches a path of %s" % (ig, r["example"]))
        if r["only"] is not None:
            tap.ok(set(r["only"]) & paths, "the envelope of %s matches some of its paths" % r["example"])


def test_compare_detects_differences():
    ex = {"a": 1, "b": {"c": "x", "d": [{"e": True}]}, "n": None}
    tap.eq(compare(ex, {"a": 2, "b": {"c": "y", "d": [{"e": False}]}, "n": 5}), [], "same structure")
    tap.eq(compare(ex, {"a": "1", "b": {"c": "y", "d": [{"e": False}]}}),
           ["a is string, the example has number", "missing n (any)"], "a type change and a missing key")
    tap.eq(compare(ex, {"a": 1, "b": {"c": "y", "d": []}, "n": 1}), ["missing b.d[] (object)",
                                                                     "missing b.d[].e (boolean)"],
           "an empty list lacks the items' keys")
    tap.eq(compare(ex, {"a": 1, "b": {"c": "y", "d": []}, "n": 1}, ignore={"b.d[]": "r"}), [], "an exclusion")
    tap.eq(compare(ex, {"a": 1}, only=("a",)), [], "envelope mode")


def _make(row, index):
    def fn():
        _check(row)
    suffix = row["example"][:-len(".json")].replace("-", "_")
    fn.__name__ = "test_shape_%02d_%s_%s" % (index, suffix, row["scenario"].replace("-", "_"))
    return fn


for _i, _row in enumerate(EXAMPLES, 1):
    _fn = _make(_row, _i)
    globals()[_fn.__name__] = _fn


if __name__ == "__main__":
    tap.main()
