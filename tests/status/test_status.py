"""ssisdr status against ssisdr-sim: the JSON schema and the exit codes for
every scenario, and what an operator sees when a region fails: an outage
(the other site stays fresh, the dead one is reported with its error), a 429
storm (retried within its bound), a hung endpoint (the cycle ends at the
request timeout), a locked SSISDB (reported, not fatal), the time a status
takes."""

import json
import os
import subprocess
import time

import tap
from simharness import Sim

TOP_BUILD = os.environ.get("SSISDR_TOP_BUILDDIR", ".")
SSISDR = os.path.join(TOP_BUILD, "tui", "ssisdr")
EXIT = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


def status(sim, *args, conf=None, timeout=60):
    conf = conf or os.path.join(sim.dir, "ssisdr.conf")
    t0 = time.monotonic()
    cp = subprocess.run([SSISDR, "--config", conf, "status", "--json"] + list(args),
                        capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - t0
    try:
        doc = json.loads(cp.stdout)
    except ValueError:
        raise tap.Failure("status --json did not print JSON", stdout=cp.stdout[:2000], stderr=cp.stderr[:2000])
    return cp.returncode, doc, elapsed, cp.stderr


def with_console_key(sim, key, value):
    """A copy of the simulator's ssisdr.conf with one [console] key set."""
    path = os.path.join(sim.dir, "ssisdr.conf")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("[console]\n", "[console]\n%s = %s\n" % (key, value), 1)
    out = os.path.join(sim.dir, "ssisdr-%s.conf" % key)
    with open(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
        f.write(text)
    return out


def finding_ids(doc):
    return sorted(f["id"] for p in doc["pairs"] for f in p["findings"])


def site(doc, name):
    for s in doc["pairs"][0]["sites"]:
        if s["name"] == name:
            return s
    raise tap.Failure("no site %s in the status" % name, sites=[s["name"] for s in doc["pairs"][0]["sites"]])


def check_schema(doc):
    tap.is_in(doc["status"], EXIT, "status is one of OK WARNING CRITICAL UNKNOWN")
    for p in doc["pairs"]:
        for key in ("name", "failover_group", "sites", "findings"):
            tap.is_in(key, p, "pairs[] has %s" % key)
        for key in ("name", "policy", "replication_state", "lag_seconds"):
            tap.is_in(key, p["failover_group"], "failover_group has %s" % key)
        tap.eq(len(p["sites"]), 2, "two sites")
        for s in p["sites"]:
            for key in ("name", "role", "ir", "ssisdb", "triggers"):
                tap.is_in(key, s, "sites[] has %s" % key)
            tap.is_in(s["role"], ("primary", "secondary", "unknown"), "role word")
            for key in ("name", "state", "nodes", "role"):
                tap.is_in(key, s["ir"], "ir has %s" % key)
            for key in ("role", "as_of", "error"):
                tap.is_in(key, s["ssisdb"], "ssisdb has %s" % key)
            for t in s["triggers"]:
                for key in ("name", "state", "expected"):
                    tap.is_in(key, t, "triggers[] has %s" % key)
        for f in p["findings"]:
            for key in ("id", "severity", "message", "site", "fix"):
                tap.is_in(key, f, "findings[] has %s" % key)


def test_demo_is_ok_but_for_the_stopped_secondary():
    with Sim("demo") as sim:
        rc, doc, elapsed, _ = status(sim)
        check_schema(doc)
        tap.eq(finding_ids(doc), ["secondary-ir-stopped"], "only the stopped secondary IR is worth a word")
        tap.eq(doc["status"], "WARNING", "which is a warning")
        tap.eq(rc, 1, "exit code 1 for WARNING")
        tap.eq(doc["pairs"][0]["primary"], "eastus", "eastus is primary")
        east, west = site(doc, "eastus"), site(doc, "westus")
        tap.eq((east["role"], west["role"]), ("primary", "secondary"), "roles from the failover group")
        tap.eq((east["ssisdb"]["role"], west["ssisdb"]["role"]), ("primary", "secondary"), "and from SSISDB")
        tap.eq((east["ir"]["state"], west["ir"]["state"]), ("Started", "Stopped"), "IR states")
        tap.eq({t["state"] for t in east["triggers"]}, {"Started"}, "triggers Started in eastus")
        tap.eq({t["expected"] for t in west["triggers"]}, {"Stopped"}, "expected Stopped in westus")
        tap.eq(doc["pairs"][0]["failover_group"]["replication_state"], "CATCH_UP", "replication healthy")
        tap.ok(east["ssisdb"]["as_of"] and east["ssisdb"]["error"] is None, "SSISDB read, no error")
        tap.diag("status against the simulator took %.3f s" % elapsed)
        tap.lt(elapsed, 5.0, "status answers quickly (%.3f s)" % elapsed)


def test_mi_reads_schedules():
    with Sim("mi") as sim:
        rc, doc, _, _ = status(sim)
        check_schema(doc)
        ne, we = site(doc, "northeurope"), site(doc, "westeurope")
        tap.ok(ne["schedules"] and all(s["enabled"] for s in ne["schedules"]), "schedules enabled on the primary")
        tap.ok(we["schedules"] and not any(s["enabled"] for s in we["schedules"]), "disabled on the secondary")
        tap.eq(finding_ids(doc), ["secondary-ir-stopped"], "healthy but for the stopped secondary IR")
        tap.eq(rc, 1, "WARNING")
        lag = doc["pairs"][0]["failover_group"]["lag_seconds"]
        tap.ok(lag is not None and 1 <= lag <= 3, "the scenario's 2 s lag is seen (%r)" % lag)


def test_vnet_start_time_in_finding():
    with Sim("vnet") as sim:
        rc, doc, _, _ = status(sim)
        f = [f for f in doc["pairs"][0]["findings"] if f["id"] == "secondary-ir-stopped"]
        tap.eq(len(f), 1, "secondary-ir-stopped")
        tap.ok("25" in f[0]["message"], "the message names the 25-minute start: %s" % f[0]["message"])
        tap.eq(f[0]["fix"], "ir start centralus", "fix command")


def test_split_brain_is_critical():
    with Sim("split-brain") as sim:
        rc, doc, _, _ = status(sim)
        ids = finding_ids(doc)
        tap.is_in("triggers-on-secondary", ids, "triggers Started on the secondary")
        tap.is_in("schedules-on-secondary", ids, "schedules enabled on the secondary")
        tap.eq(doc["status"], "CRITICAL", "CRITICAL")
        tap.eq(rc, 2, "exit code 2")
        fixes = {f["id"]: f["fix"] for f in doc["pairs"][0]["findings"]}
        tap.eq(fixes["triggers-on-secondary"], "triggers sync", "fix: triggers sync")
        tap.eq(fixes["schedules-on-secondary"], "schedules sync", "fix: schedules sync")


def test_text_output_and_pair_selection():
    with Sim("demo") as sim:
        conf = os.path.join(sim.dir, "ssisdr.conf")
        cp = subprocess.run([SSISDR, "--config", conf, "status"], capture_output=True, text=True, timeout=60)
        tap.eq(cp.returncode, 1, "text status exits like the JSON one")
        tap.ok("eastus" in cp.stdout and "PRIMARY" in cp.stdout, "names the primary site")
        tap.ok("secondary-ir-stopped" in cp.stdout and "ir start westus" in cp.stdout, "finding with its fix")
        cp = subprocess.run([SSISDR, "--config", conf, "status", "--pair", "nope"], capture_output=True,
                            text=True, timeout=60)
        tap.eq(cp.returncode, 3, "an unknown pair is UNKNOWN")
        tap.ok("nope" in cp.stderr, "and says which name")


def test_outage_reports_the_dead_site_and_keeps_the_other_fresh():
    with Sim("demo") as sim:
        sim.fault(kind="outage", site="eastus")
        rc, doc, _, _ = status(sim)
        east, west = site(doc, "eastus"), site(doc, "westus")
        tap.ok(west["ir"]["as_of"] and west["ir"]["error"] is None, "westus IR fresh")
        tap.ok(west["ssisdb"]["as_of"] and west["ssisdb"]["error"] is None, "westus SSISDB fresh")
        tap.ok(east["ir"]["as_of"] is None and east["ir"]["error"], "eastus IR never read, with its error")
        tap.ok("503" in east["ir"]["error"] or "ServiceUnavailable" in east["ir"]["error"],
               "the ARM error code is shown: %s" % east["ir"]["error"])
        tap.ok(east["ssisdb"]["error"], "eastus SSISDB error: %s" % east["ssisdb"]["error"])
        tap.is_in("site-unreachable", finding_ids(doc), "site-unreachable")
        tap.eq(rc, 2, "CRITICAL")


def test_throttling_is_retried_within_bound():
    with Sim("demo") as sim:
        sim.fault(kind="throttle", count=4, retry_after=1)
        rc, doc, elapsed, _ = status(sim)
        errors = [s[k]["error"] for s in doc["pairs"][0]["sites"] for k in ("ir", "ssisdb")]
        tap.eq(errors, [None] * 4, "every datum read despite four 429s")
        tap.ge(elapsed, 1.0, "the Retry-After was honoured (%.2f s)" % elapsed)
        tap.eq(rc, 1, "the usual WARNING")
        throttled = [r for r in sim.requests() if r["status"] == 429]
        tap.eq(len(throttled), 4, "four requests were throttled")


def test_hung_endpoint_does_not_hold_the_cycle():
    with Sim("demo") as sim:
        conf = with_console_key(sim, "request_timeout", "2s")
        sim.fault(kind="hang", site="westus")
        rc, doc, elapsed, _ = status(sim, conf=conf)
        sim.clear_faults()
        east, west = site(doc, "eastus"), site(doc, "westus")
        tap.lt(elapsed, 20.0, "status ended despite the hang (%.1f s)" % elapsed)
        tap.ok(east["ir"]["error"] is None and east["ir"]["as_of"], "eastus read")
        tap.ok(west["ir"]["error"], "westus reports its timeout: %s" % west["ir"]["error"])


def test_locked_database_is_reported_not_fatal():
    with Sim("demo") as sim:
        sim.fault(kind="db-locked", site="westus")
        rc, doc, _, _ = status(sim)
        west, east = site(doc, "westus"), site(doc, "eastus")
        tap.ok(west["ssisdb"]["error"] and "locked" in west["ssisdb"]["error"],
               "westus SSISDB: %s" % west["ssisdb"]["error"])
        tap.ok(west["ir"]["error"] is None, "ARM for westus unaffected")
        tap.ok(east["ssisdb"]["error"] is None, "eastus SSISDB fine")
        tap.ne(rc, 3, "not UNKNOWN")


def test_bad_config_is_unknown():
    with Sim("demo") as sim:
        conf = os.path.join(sim.dir, "broken.conf")
        with open(os.open(conf, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("[console]\nrefresh = soon\n")
        cp = subprocess.run([SSISDR, "--config", conf, "status", "--json"], capture_output=True, text=True,
                            timeout=30)
        tap.eq(cp.returncode, 3, "UNKNOWN")
        tap.ok("broken.conf:2" in cp.stderr and "refresh" in cp.stderr, "names file, line, key: %s" % cp.stderr)


if __name__ == "__main__":
    tap.main()
