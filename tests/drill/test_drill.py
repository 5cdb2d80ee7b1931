"""ssisdr drill against ssisdr-sim: the built-in runbooks end to end (demo:
sqldb-failover, mi: mi-failover, vnet: sqldb-failover with a 25-minute IR
start, attach-new-ir), with reports whose phases add up to the measured RTO
and whose RTO holds the IR start; an IR start that fails with its ARM error;
a drill killed during a wait and resumed; a malformed runbook and a
read-only console refused before anything runs."""

import json
import os
import signal
import subprocess
import time

import tap
from simharness import Sim, wait_until

TOP_BUILD = os.environ.get("SSISDR_TOP_BUILDDIR", ".")
TOP_SRC = os.environ.get("SSISDR_TOP_SRCDIR", ".")
# SSISDR_DRILL_BIN: another build of the program (a sanitizer build, say)
SSISDR = os.environ.get("SSISDR_DRILL_BIN") or os.path.join(TOP_BUILD, "tui", "ssisdr")
RUNBOOKS = os.path.join(TOP_SRC, "assets", "runbooks")
PHASES = ["failover-group", "ssisdb-role", "ir-start", "trigger-sync", "schedule-sync"]

# A runbook of the test's own: fail over, then wait for an IR that nobody
# in the drill starts (the test does, while the console is down).
WAIT_RUNBOOK = """\
# a failover, then a wait that the test kills the console in
[runbook]
name = wait-for-ir
title = Failover, then wait for an IR started outside the console
kind = sqldb

[step failover]
kind = action
title = Planned failover to {secondary}
command = failover
failover = true
skip_if = fog-role {secondary} primary

[step wait-ir]
kind = wait
title = {secondary}'s IR is Started
require = ir {secondary} Started
timeout = 10m
phase = ir-start

[step sync]
kind = action
title = Triggers Started in {secondary}'s factory only
command = triggers sync
phase = trigger-sync
"""


def env_for(sim):
    env = dict(os.environ)
    env["XDG_STATE_HOME"] = os.path.join(sim.dir, "state")
    env["SSISDR_RUNBOOK_PATH"] = RUNBOOKS
    env.pop("SSISDR_CONFIG", None)
    return env


def argv(sim, runbook, *args, read_only=False):
    a = [SSISDR, "--config", os.path.join(sim.dir, "ssisdr.conf")]
    if read_only:
        a.append("--read-only")
    return a + ["drill", runbook] + list(args)


def drill(sim, runbook, *args, read_only=False, timeout=25):
    cp = subprocess.run(argv(sim, runbook, *args, read_only=read_only), capture_output=True, text=True,
                        timeout=timeout, env=env_for(sim), stdin=subprocess.DEVNULL)
    return cp.returncode, cp.stdout, cp.stderr


def report_dir(sim):
    return os.path.join(sim.dir, "reports")


def state_dir(sim):
    return os.path.join(sim.dir, "state", "ssisdr", "drills")


def load_report(sim):
    d = report_dir(sim)
    js = sorted(f for f in os.listdir(d) if f.endswith(".json"))
    md = sorted(f for f in os.listdir(d) if f.endswith(".md"))
    tap.eq(len(js), 1, "one JSON report in %s" % d, files=os.listdir(d))
    tap.eq(len(md), 1, "one Markdown report")
    tap.eq(js[0][:-5], md[0][:-3], "the two reports share their name")
    with open(os.path.join(d, js[0]), encoding="utf-8") as f:
        doc = json.load(f)
    with open(os.path.join(d, md[0]), encoding="utf-8") as f:
        text = f.read()
    return doc, text, js[0]


def step(doc, step_id):
    for s in doc["steps"]:
        if s["id"] == step_id:
            return s
    raise tap.Failure("no step %s in the report" % step_id, steps=[s["id"] for s in doc["steps"]])


def posts(sim):
    return [r for r in sim.requests() if r["method"] == "POST" and not r["path"].startswith("/_sim/")
            and "/oauth2/" not in r["path"]]


def check_measures(doc, phases, ir_start_real):
    """The phases are consecutive, add up to the RTO, and the IR start is
    in both."""
    tap.eq([p["phase"] for p in doc["phases"]], phases, "the phases, in order")
    rto = doc["rto"]["seconds"]
    tap.ok(rto is not None, "an RTO was measured")
    total = sum(p["seconds"] for p in doc["phases"])
    tap.ok(abs(total - rto) < 0.01, "the phases add up to the RTO (%.3f vs %.3f)" % (total, rto),
           phases=doc["phases"])
    ir = [p for p in doc["phases"] if p["phase"] == "ir-start"][0]["seconds"]
    tap.ge(ir, ir_start_real * 0.9, "the ir-start phase holds the IR's start time (%.1f s)" % ir)
    tap.ge(rto, ir, "and so does the RTO")
    tap.lt(rto, ir_start_real + 15, "nothing else takes long on the simulator (RTO %.1f s)" % rto)
    tap.eq(doc["rto"]["within_target"], True, "within the 30 min target")
    tap.eq(doc["data_loss"]["seconds"], 0, "a planned failover loses nothing")
    tap.is_in("planned failover succeeded", doc["data_loss"]["basis"], "and the report says why")
    for s in doc["steps"]:
        tap.ok(s["started"] and s["ended"], "step %s has its times" % s["id"])
        tap.is_in(s["state"], ("passed", "skipped"), "step %s passed or was not needed" % s["id"], result=s["result"])
    tap.diag("RTO %.1f s: %s" % (rto, ", ".join("%s %.1f s" % (p["phase"], p["seconds"]) for p in doc["phases"])))


def test_demo_sqldb_failover(sim):
    rc, out, err = drill(sim, "sqldb-failover", "--yes", "--report", report_dir(sim))
    tap.eq(rc, 0, "the drill passes", stdout=out[-3000:], stderr=err)
    doc, text, name = load_report(sim)
    tap.ok(name.startswith("ssis-pair-sqldb-failover-") and name.endswith("Z.json"), "named pair-runbook-stamp")
    tap.eq(doc["result"], "PASS", "PASS in the JSON")
    tap.is_in("PASS", text.splitlines()[0], "and in the Markdown title")
    tap.eq((doc["pair"], doc["runbook"]), ("ssis-pair", "sqldb-failover"), "pair and runbook")
    tap.ok("@" in doc["operator"], "operator is user@host")
    tap.eq((doc["placeholders"]["primary"], doc["placeholders"]["secondary"]), ("eastus", "westus"),
           "roles fixed at the start")
    check_measures(doc, PHASES[:4], 300 / 60)
    tap.is_in("| IR start | wait-ir |", text, "the Markdown has the phases table")
    pre = step(doc, "preflight-replication")
    tap.ok(any(e.startswith("[ok] replication CATCH_UP") for e in pre["evidence"]), "checks record what they read",
           evidence=pre["evidence"])
    fo = step(doc, "failover")
    tap.ok(any("fg-ssisdb" in e and "plan:" in e for e in fo["evidence"]), "the plan is evidence", evidence=fo["evidence"])
    tap.eq(step(doc, "announce")["comment"], "confirmed by --yes (headless)", "manual step confirmed by --yes")
    tap.eq(step(doc, "failback-ir")["skipped_by"], "runbook", "failback-ir was not needed")
    tap.eq([f["id"] for f in doc["findings_before"]], ["secondary-ir-stopped"], "findings before")
    tap.eq([f["id"] for f in doc["findings_after"]], ["secondary-ir-stopped"], "the failback left it as it was")
    st = sim.state()["pairs"][0]["sites"]
    tap.eq([(s["name"], s["role"], s["ir"]["state"]) for s in st],
           [("eastus", "primary", "Started"), ("westus", "secondary", "Stopped")], "the pair is back as it was")
    tap.eq(os.listdir(state_dir(sim)), [], "the state file is gone once the report is written")
    with open(os.path.join(sim.dir, "audit.jsonl"), encoding="utf-8") as f:
        events = [json.loads(line)["event"] for line in f]
    tap.eq((events[0], events[-1]), ("drill-started", "drill-finished"), "the drill is in the audit log")
    tap.eq(events.count("confirmed"), 6, "with every confirmed action")


def test_mi_failover():
    with Sim("mi", time_scale=120) as sim:
        rc, out, err = drill(sim, "mi-failover", "--yes", "--report", report_dir(sim))
        tap.eq(rc, 0, "the drill passes", stdout=out[-3000:], stderr=err)
        doc, text, _ = load_report(sim)
        check_measures(doc, PHASES, 300 / 120)
        tap.eq(doc["data_loss"]["lag_at_failover_seconds"], 2, "the scenario's 2 s lag at the failover")
        agent = step(doc, "preflight-agent")
        tap.ok(any("switch-job-present" in e and "present and enabled" in e for e in agent["evidence"]),
               "the schedule-switch job is checked", evidence=agent["evidence"])
        tap.eq(step(doc, "service-master-key")["kind"], "manual", "the SMK is a manual step")
        tap.eq(step(doc, "sync-schedules")["state"], "passed", "schedules synced")
        jobs = {s["name"]: s["jobs"] for s in sim.state()["pairs"][0]["sites"]}
        tap.ok(jobs["northeurope"] and jobs["westeurope"], "jobs on both instances")


def test_vnet_rto_holds_the_ir_start():
    with Sim("vnet", time_scale=300) as sim:
        rc, out, err = drill(sim, "sqldb-failover", "--yes", "--no-optional", "--report", report_dir(sim))
        tap.eq(rc, 0, "the drill passes", stdout=out[-3000:], stderr=err)
        doc, _, _ = load_report(sim)
        check_measures(doc, PHASES[:4], 25 * 60 / 300)
        ev = step(doc, "preflight-secondary-ir")["evidence"]
        tap.ok(any("about 25 min with VNet injection" in e for e in ev), "the pre-flight names the 25 min", evidence=ev)
        tap.eq(step(doc, "failback")["skip_reason"], "optional step left out (--no-optional)", "--no-optional")


def test_ir_start_failure_fails_the_step(sim):
    sim.fault(kind="ir-start-failure", site="westus")
    rc, out, err = drill(sim, "sqldb-failover", "--yes", "--report", report_dir(sim))
    tap.eq(rc, 1, "exit 1: the drill failed", stdout=out[-3000:], stderr=err)
    doc, text, _ = load_report(sim)
    tap.eq(doc["result"], "FAIL", "FAIL")
    s = step(doc, "start-ir")
    tap.eq(s["state"], "failed", "the IR start step failed")
    tap.is_in("IntegrationRuntimeStartFailed", s["result"], "with the ARM error code")
    tap.ok(any("IntegrationRuntimeStartFailed" in r for r in doc["reasons"]), "the verdict names it",
           reasons=doc["reasons"])
    tap.is_in("IntegrationRuntimeStartFailed", text, "so does the Markdown")
    tap.eq(step(doc, "sync-triggers")["state"], "pending", "later steps did not run")
    tap.eq(doc["rto"]["seconds"], None, "no RTO: the IR never started")
    tap.is_in("IntegrationRuntimeStartFailed", out, "the log shows it too")


def read_state(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def test_killed_during_a_wait_resumes(sim):
    rb = os.path.join(sim.dir, "wait-for-ir.runbook")
    with open(rb, "w", encoding="utf-8") as f:
        f.write(WAIT_RUNBOOK)
    path = os.path.join(state_dir(sim), "ssis-pair-wait-for-ir.state.json")
    proc = subprocess.Popen(argv(sim, rb, "--yes", "--report", report_dir(sim)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env_for(sim))
    try:
        st = wait_until(lambda: (lambda s: s if s and s["steps"][1]["state"] == "running" else None)(read_state(path)),
                        timeout=15)
        tap.ok(st, "the state file shows the wait running")
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
    st = read_state(path)
    tap.eq([s["state"] for s in st["steps"]], ["passed", "running", "pending"], "killed during the wait")
    tap.gt(st["steps"][1]["deadline"], time.time() + 60, "the wait's deadline is an absolute time")
    t0 = st["t0"]
    rc, out, err = drill(sim, rb, "--yes", "--report", report_dir(sim))
    tap.eq(rc, 3, "without --resume it is refused", stderr=err)
    tap.is_in(path, err, "naming the state file")
    # the IR is started outside the console while it is down
    status, _, text, _ = sim.arm("POST", sim.ir_path("westus") + "/start")
    tap.eq(status, 202, "IR start accepted", body=text[:300])
    sim.advance(400)
    rc, out, err = drill(sim, rb, "--yes", "--resume", "--report", report_dir(sim))
    tap.eq(rc, 0, "the resumed drill passes", stdout=out[-3000:], stderr=err)
    tap.is_in("resumed against live state", out, "the wait resumed")
    doc, _, _ = load_report(sim)
    tap.eq(doc["resumed"], 1, "the report says it was resumed")
    tap.eq([s["state"] for s in doc["steps"]], ["passed", "passed", "passed"], "every step passed")
    tap.eq(step(doc, "failover")["attempts"], 1, "the failover ran once")
    tap.eq([p["phase"] for p in doc["phases"]], ["ir-start", "trigger-sync"], "phases")
    tap.ok(abs(sum(p["seconds"] for p in doc["phases"]) - doc["rto"]["seconds"]) < 0.01, "they add up")
    from datetime import datetime
    started = datetime.strptime(doc["rto"]["started"], "%Y-%m-%dT%H:%M:%S.%fZ")
    tap.ok(abs((started - datetime(1970, 1, 1)).total_seconds() - t0) < 0.01,
           "the RTO clock kept its start across the kill")
    tap.eq(os.path.exists(path), False, "the state file is gone")


def test_malformed_runbook_is_rejected(sim):
    bad = os.path.join(sim.dir, "bad.runbook")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(WAIT_RUNBOOK.replace("require = ir {secondary} Started", "require = ir {secondary} Runing"))
    line = WAIT_RUNBOOK.splitlines().index("require = ir {secondary} Started") + 1
    rc, out, err = drill(sim, bad, "--yes", "--report", report_dir(sim))
    tap.eq(rc, 2, "exit 2", stderr=err)
    tap.is_in("%s:%d: [step wait-ir] require: unknown IR state \"Runing\"" % (bad, line), err, "file, line and reason")
    tap.is_in("nothing was run", err, "and it says so")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(WAIT_RUNBOOK.replace("phase = trigger-sync", "phase = failover-group"))
    rc, _, err = drill(sim, bad, "--yes")
    tap.eq(rc, 2, "phases out of order: exit 2", stderr=err)
    tap.is_in("phase failover-group after ir-start", err, "phase order is checked")
    tap.eq(posts(sim), [], "no POST reached the simulator")
    tap.eq(os.path.exists(report_dir(sim)), False, "no report")


def test_read_only_refuses_before_it_starts(sim):
    rc, out, err = drill(sim, "sqldb-failover", "--yes", "--report", report_dir(sim), read_only=True)
    tap.eq(rc, 3, "exit 3: refused", stderr=err)
    tap.is_in("read-only", err, "because the console is read-only")
    tap.is_in("nothing was run", err, "before it starts")
    tap.eq(posts(sim), [], "no POST reached the simulator")
    tap.eq(os.path.exists(state_dir(sim)), False, "no state file")
    rc, out, err = drill(sim, "sqldb-failover")
    tap.eq(rc, 3, "without --yes: refused too", stderr=err)
    tap.is_in("--yes", err, "which asks for --yes")
    tap.is_in("failover", out, "after listing the steps")


def test_attach_new_ir(sim):
    rc, out, err = drill(sim, "attach-new-ir", "--yes", "--report", report_dir(sim))
    tap.eq(rc, 0, "the drill passes", stdout=out[-3000:], stderr=err)
    doc, _, _ = load_report(sim)
    tap.eq((doc["placeholders"]["factory"], doc["placeholders"]["ir"], doc["placeholders"]["ir_site"]),
           ("adf-ssisdr-westus", "ssis-ir-westus", "westus"), "the new IR defaults to the secondary's")
    tap.is_in("no SSISDB failover", doc["data_loss"]["basis"], "no data moves")
    tap.eq([p["phase"] for p in doc["phases"]], ["ir-start"], "one phase")
    tap.ge(doc["rto"]["seconds"], 300 / 60 * 0.9, "the RTO holds the new IR's start")
    sites = {s["name"]: s for s in sim.state()["pairs"][0]["sites"]}
    tap.eq(sites["eastus"]["ssisdb_binding"], {"data_factory_name": "adf-ssisdr-westus",
                                               "integration_runtime_name": "ssis-ir-westus"}, "SSISDB accepts the new IR")
    tap.eq((sites["eastus"]["ir"]["state"], sites["westus"]["ir"]["state"]), ("Stopped", "Started"), "old stopped, new runs")
    rc, _, err = drill(sim, "attach-new-ir", "--yes", "factory=adf-nowhere", "ir=ssis-ir-nowhere")
    tap.eq(rc, 2, "an IR the console does not know: exit 2", stderr=err)
    tap.is_in("not a site of pair ssis-pair", err, "and why")


if __name__ == "__main__":
    import simharness
    simharness.main("demo")
