"""ssisdr exec against ssisdr-sim: every command of the table, run without
the screen, with its plan, its refusals and the ARM and SQL errors it
reports; the audit log (and refusing changes when it cannot be written);
--demo starting and stopping the simulator."""

import json
import os
import signal
import subprocess
import time

import tap
from simharness import Sim, wait_until

TOP_BUILD = os.environ.get("SSISDR_TOP_BUILDDIR", ".")
SSISDR = os.path.join(TOP_BUILD, "tui", "ssisdr")


def conf_of(sim):
    return os.path.join(sim.dir, "ssisdr.conf")


def exe(sim, line, *extra, conf=None, timeout=90):
    cp = subprocess.run([SSISDR, "--config", conf or conf_of(sim)] + list(extra[:1] if extra and extra[0] == "--read-only" else [])
                        + ["exec", line] + [a for a in extra if a != "--read-only"],
                        capture_output=True, text=True, timeout=timeout)
    return cp.returncode, cp.stdout, cp.stderr


def audit_lines(sim):
    path = os.path.join(sim.dir, "audit.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def site_state(sim, name):
    for s in sim.state()["pairs"][0]["sites"]:
        if s["name"] == name:
            return s
    raise tap.Failure("no site " + name)


def test_read_commands():
    with Sim("demo") as sim:
        for line, want in (("status", "primary eastus"), ("findings", "secondary-ir-stopped"),
                           ("refresh", "refreshing"), ("log 5", "poll ok"), ("pair", "ssis-pair"),
                           ("pair ssis-pair", "now on pair"), ("set refresh 5", "every 5 s"),
                           ("help", "failover_integration_runtime"), ("help failover", "--force"),
                           ("quit", "")):
            rc, out, err = exe(sim, line)
            tap.eq(rc, 0, "%s exits 0 (%s)" % (line, err.strip()))
            tap.ok(want in out, "%s prints %r" % (line, want), out=out)


def test_usage_errors_print_usage():
    with Sim("demo") as sim:
        for line, usage in (("ir start", "usage: ir start SITE"), ("ir", "needs a subcommand"),
                            ("failover --fast", "usage: failover"), ("set refresh soon", "usage: set refresh"),
                            ("log 9999", "usage: log"), ("bogus", "unknown command"),
                            ("triggers enable", "usage: triggers enable SITE"),
                            ("failover_integration_runtime onlyone", "usage: failover_integration_runtime")):
            rc, out, _ = exe(sim, line)
            tap.eq(rc, 2, "%r is a usage error" % line)
            tap.ok(usage in out, "%r says %r" % (line, usage), out=out)
        rc, out, _ = exe(sim, "ir start nowhere", "--yes")
        tap.eq(rc, 1, "an unknown site fails")
        tap.ok("no site named nowhere" in out and "eastus" in out, "and names the sites", out=out)
        tap.eq([r for r in sim.requests() if r["method"] == "POST" and "/start" in r["path"]], [],
               "nothing was started")


def test_change_needs_yes_and_dry_run_changes_nothing():
    with Sim("demo") as sim:
        rc, out, _ = exe(sim, "failover")
        tap.eq(rc, 3, "without --yes: refused")
        tap.ok("plan:" in out and "/failoverGroups/fg-ssisdb/failover" in out, "the plan is printed", out=out)
        tap.ok("[westus] ARM" in out, "naming the site the call goes to", out=out)
        rc, out, _ = exe(sim, "failover --dry-run", "--yes")
        tap.eq(rc, 0, "--dry-run exits 0")
        tap.ok("dry run: nothing was changed" in out, "and says so", out=out)
        tap.eq(sim.state()["pairs"][0]["failover_group"]["primary"], "eastus", "no failover happened")
        tap.eq(audit_lines(sim), [], "and nothing was audited")


def test_failover_then_ir_start_then_triggers_sync():
    with Sim("demo") as sim:
        rc, out, _ = exe(sim, "failover", "--yes")
        tap.eq(rc, 0, "failover verified: " + out[-400:])
        tap.ok("verified" in out and "westus is primary now" in out, "reports the verified outcome", out=out)
        tap.ok("next: ir start westus" in out, "and the next step", out=out)
        tap.eq(sim.state()["pairs"][0]["failover_group"]["primary"], "westus", "the simulator agrees")
        rc, out, _ = exe(sim, "ir start westus", "--yes")
        tap.eq(rc, 0, "ir start verified")
        tap.eq(site_state(sim, "westus")["ir"]["state"], "Started", "westus IR Started")
        rc, out, _ = exe(sim, "ir start westus", "--yes")
        tap.ok(rc == 0 and "nothing to do" in out, "starting a Started IR does nothing", out=out)
        rc, out, _ = exe(sim, "triggers sync", "--yes")
        tap.eq(rc, 0, "triggers sync verified")
        tap.ok(out.index("stopped NightlyLoad in eastus") < out.index("started NightlyLoad in westus"),
               "stops come before starts", out=out)
        states = {s["name"]: {t["state"] for t in s["triggers"]} for s in sim.state()["pairs"][0]["sites"]}
        tap.eq(states, {"eastus": {"Stopped"}, "westus": {"Started"}}, "triggers follow the primary")
        cp = subprocess.run([SSISDR, "--config", conf_of(sim), "status"], capture_output=True, text=True, timeout=60)
        tap.eq(cp.returncode, 0, "status is OK after the whole procedure: " + cp.stdout)
        recs = audit_lines(sim)
        tap.eq([r["event"] for r in recs], ["confirmed", "outcome"] * 3, "each change audited twice")
        tap.eq([r["command"] for r in recs[::2]], ["failover", "ir start westus", "triggers sync"], "commands")
        tap.ok(all(r["result"] == "succeeded" for r in recs[1::2]), "outcomes succeeded")
        tap.ok(all(r["arm_request_ids"] for r in recs[1::2]), "outcomes carry ARM request ids")
        tap.ok(all(r["user"] and r["host"] and r["time"] for r in recs), "who, where, when")
        text = open(os.path.join(sim.dir, "audit.jsonl"), encoding="utf-8").read()
        secret = sim.state()["credentials"]["client_secret"]
        tap.not_in(secret, text, "no secret in the audit log")
        tap.not_in("Bearer", text, "no token in the audit log")


def test_triggers_enable_disable_by_name():
    with Sim("demo") as sim:
        rc, out, _ = exe(sim, "triggers enable westus NightlyLoad", "--yes")
        tap.eq(rc, 0, "enable one trigger")
        tap.ok("against: westus holds the secondary role" in out, "the plan argues against it", out=out)
        trig = {t["name"]: t["state"] for t in site_state(sim, "westus")["triggers"]}
        tap.eq(trig["NightlyLoad"], "Started", "NightlyLoad Started")
        tap.eq(trig["HourlyMarts"], "Stopped", "the others untouched")
        rc, out, _ = exe(sim, "triggers disable westus", "--yes")
        tap.eq(rc, 0, "disable all managed")
        tap.eq({t["state"] for t in site_state(sim, "westus")["triggers"]}, {"Stopped"}, "all Stopped")
        rc, out, _ = exe(sim, "triggers enable westus NoSuchTrigger", "--yes")
        tap.eq(rc, 1, "an unknown trigger fails")
        tap.ok("no trigger NoSuchTrigger" in out, "and says so", out=out)


def test_ir_stop_on_primary_is_argued_against():
    with Sim("demo") as sim:
        rc, out, _ = exe(sim, "ir stop eastus --dry-run")
        tap.eq(rc, 0, "dry run")
        tap.ok("against: eastus holds the primary role" in out, "stopping the primary IR is argued against", out=out)


def test_ir_start_failure_reports_the_arm_error():
    with Sim("demo") as sim:
        sim.fault(kind="ir-start-failure", site="westus", code="VNetSubnetFull")
        rc, out, _ = exe(sim, "ir start westus", "--yes")
        tap.eq(rc, 1, "the operation failed")
        tap.ok("VNetSubnetFull" in out, "with the ARM error code", out=out[-600:])
        recs = audit_lines(sim)
        tap.eq(recs[-1]["result"], "failed", "the audit outcome says failed")
        tap.ok("VNetSubnetFull" in recs[-1]["message"], "with the error")


def test_planned_failover_in_outage_fails_forced_succeeds():
    with Sim("demo") as sim:
        sim.fault(kind="outage", site="eastus")
        rc, out, _ = exe(sim, "failover --dry-run")
        tap.ok("does not answer" in out and "failover --force" in out, "the plan suggests --force", out=out)
        rc, out, _ = exe(sim, "failover", "--yes")
        tap.eq(rc, 1, "planned failover fails while the primary is out")
        tap.ok("OperationTimedOut" in out, "with ARM's code", out=out[-600:])
        rc, out, _ = exe(sim, "failover --force", "--yes")
        tap.eq(rc, 0, "forced failover succeeds: " + out[-400:])
        tap.eq(sim.state()["pairs"][0]["failover_group"]["last_failover"]["kind"], "forced", "recorded as forced")


def test_try_planned_and_refusals_on_primary():
    with Sim("demo") as sim:
        rc, out, _ = exe(sim, "failover --force --try-planned")
        tap.eq(rc, 1, "--force and --try-planned together are refused")
        rc, out, _ = exe(sim, "failover --try-planned", "--yes")
        tap.eq(rc, 0, "try-planned succeeds")
        tap.eq(sim.state()["pairs"][0]["failover_group"]["last_failover"]["kind"], "planned", "as a planned one")


def test_schedules_sync_and_forced_failover_on_mi():
    with Sim("mi") as sim:
        rc, out, _ = exe(sim, "schedules sync", "--yes")
        tap.ok(rc == 0 and "nothing to do" in out, "in sync already", out=out)
        rc, out, _ = exe(sim, "failover", "--yes")
        tap.eq(rc, 0, "MI failover verified: " + out[-400:])
        rc, out, _ = exe(sim, "schedules sync", "--yes")
        tap.eq(rc, 0, "schedules sync verified: " + out[-400:])
        tap.ok("sp_update_schedule @schedule_id = " in out and "@enabled = 0" in out, "named parameters in the plan",
               out=out)
        jobs = {s["name"]: {j["schedule_enabled"] for j in s["jobs"]} for s in sim.state()["pairs"][0]["sites"]}
        tap.eq(jobs, {"westeurope": {True}, "northeurope": {False}}, "schedules follow the primary")
        rc, out, _ = exe(sim, "failover --try-planned")
        tap.eq(rc, 1, "no try-planned for managed instances")


def test_schedules_sync_on_sqldb_is_refused():
    with Sim("demo") as sim:
        rc, out, _ = exe(sim, "schedules sync", "--yes")
        tap.eq(rc, 1, "no SQL Agent on SQL Database")
        tap.ok("no SQL Agent" in out, "says why", out=out)


def test_failover_integration_runtime():
    with Sim("demo") as sim:
        rc, out, _ = exe(sim, "failover_integration_runtime adf-new ssis-ir-new", "--yes")
        tap.eq(rc, 0, "verified: " + out[-400:])
        tap.ok("@data_factory_name = 'adf-new'" in out, "the plan shows the named parameters", out=out)
        tap.ok("ir stop eastus" in out, "and argues that the old IR still runs", out=out)
        bind = site_state(sim, "eastus")["ssisdb_binding"]
        tap.eq((bind["data_factory_name"], bind["integration_runtime_name"]), ("adf-new", "ssis-ir-new"),
               "SSISDB on the primary accepts the new IR")


def test_read_only_refuses_every_change():
    with Sim("demo") as sim:
        for line in ("failover", "ir start westus", "triggers sync", "schedules sync",
                     "failover_integration_runtime a b", "triggers enable westus"):
            rc, out, _ = exe(sim, line, "--read-only", "--yes")
            tap.eq(rc, 3, "%s refused in read-only mode" % line)
            tap.ok("read-only" in out, "and says why", out=out)
        rc, out, _ = exe(sim, "help", "--read-only")
        tap.not_in("failover ", out, "help hides failover")
        tap.ok("read-only" in out, "and says it is read-only", out=out)
        tap.eq([r for r in sim.requests() if r["method"] == "POST" and r["path"].startswith("/subscriptions/")
                and "getStatus" not in r["path"]], [], "no change reached ARM")


def test_read_only_in_config_cannot_be_loosened():
    with Sim("demo") as sim:
        path = conf_of(sim)
        text = open(path, encoding="utf-8").read().replace("[console]\n", "[console]\nread_only = true\n", 1)
        ro = os.path.join(sim.dir, "ro.conf")
        with open(os.open(ro, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(text)
        rc, out, _ = exe(sim, "failover", "--yes", conf=ro)
        tap.eq(rc, 3, "refused by the configuration")


def test_audit_log_unwritable_refuses_changes():
    with Sim("demo") as sim:
        blocker = os.path.join(sim.dir, "not-a-dir")
        with open(blocker, "w") as f:
            f.write("a file where the audit directory should be\n")
        text = open(conf_of(sim), encoding="utf-8").read()
        text = "\n".join("audit_log = %s/audit.jsonl" % blocker if l.startswith("audit_log") else l
                         for l in text.splitlines()) + "\n"
        conf = os.path.join(sim.dir, "bad-audit.conf")
        with open(os.open(conf, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(text)
        rc, out, _ = exe(sim, "ir start westus", "--yes", conf=conf)
        tap.eq(rc, 3, "refused")
        tap.ok("audit log cannot be written" in out and "not-a-dir" in out, "fail closed, saying why", out=out)
        tap.eq(site_state(sim, "westus")["ir"]["state"], "Stopped", "nothing was started")
        rc, out, _ = exe(sim, "status", conf=conf)
        tap.eq(rc, 0, "reading still works")


def test_demo_runs_and_stops_the_simulator():
    proc = subprocess.Popen([SSISDR, "--demo", "exec", "status"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    out, err = proc.communicate(timeout=60)
    tap.eq(proc.returncode, 0, "exec status on the demo: " + err)
    tap.ok("primary eastus" in out, "the demo pair", out=out)
    # the console killed hard: the simulator must not outlive it
    proc = subprocess.Popen([SSISDR, "--demo", "exec", "ir start westus", "--yes"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sim_pids = []

    def sim_started():
        cp = subprocess.run(["pgrep", "-P", str(proc.pid), "-f", "ssisdr-sim"], capture_output=True, text=True)
        sim_pids[:] = [int(p) for p in cp.stdout.split()]
        return bool(sim_pids)

    tap.ok(wait_until(sim_started, timeout=10), "the demo started ssisdr-sim")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    def gone():
        return all(not os.path.exists("/proc/%d" % p) or open("/proc/%d/stat" % p).read().split()[2] == "Z"
                   for p in sim_pids)

    tap.ok(wait_until(gone, timeout=10), "ssisdr-sim ends when the console is killed")


if __name__ == "__main__":
    tap.main()
