"""ssisdr-sim's command line: usage and argument errors, scenario lookup and
scenario-file errors (file:line), the loopback-only --listen, --time-scale,
the single ready line, clean shutdown on SIGTERM and SIGINT, the
DIR/ssisdr.conf it writes (0600, loopback endpoints, the secret in a 0600
file), every shipped scenario, and --pairs."""

import configparser
import os
import re
import signal
import stat
import tempfile

import simharness as h
import tap
from simharness import Sim, run_cli

SCENARIOS = ("demo", "mi", "vnet", "split-brain")


def _tmpdir():
    return tempfile.TemporaryDirectory(prefix="ssisdr-cli-test.")


def _line_of(text, needle, start=0):
    """1-based number of the first line (from line `start`) equal to needle."""
    for i, line in enumerate(text.splitlines(), 1):
        if i > start and line.strip() == needle:
            return i
    raise AssertionError("%r not in the scenario text" % needle)


def _load_error(text, name="bad"):
    """Start the sim on a scenario file with `text`; returns (rc, stderr, path)."""
    with _tmpdir() as d:
        path = h.write_scenario(d, name, text)
        rc, out, err = run_cli(["--scenario", path, "--dir", os.path.join(d, "run")])
        return rc, err, path, out


# ---- usage and argument errors ---------------------------------------------------

def test_help_prints_usage_and_exits_0():
    rc, out, err = run_cli(["--help"])
    tap.eq(rc, 0, "--help exits 0")
    tap.ok(out.startswith("Usage: ssisdr-sim"), "--help prints the usage on stdout", stdout=out)
    for opt in ("--scenario", "--dir", "--listen", "--time-scale", "--pairs"):
        tap.is_in(opt, out, "the usage names %s" % opt)
    tap.eq(err, "", "--help writes nothing on stderr")


def test_missing_scenario_exits_2_with_message():
    with _tmpdir() as d:
        rc, out, err = run_cli(["--dir", d])
    tap.eq(rc, 2, "no --scenario is a usage error (exit 2)")
    tap.is_in("--scenario", err.splitlines()[0] if err else "", "the first stderr line says what is missing")
    tap.eq(out, "", "nothing on stdout (no ready line)")


def test_missing_dir_exits_2_with_message():
    rc, out, err = run_cli(["--scenario", "demo"])
    tap.eq(rc, 2, "no --dir is a usage error (exit 2)")
    tap.is_in("--dir", err.splitlines()[0] if err else "", "the first stderr line says what is missing")
    tap.eq(out, "", "nothing on stdout (no ready line)")


def test_unknown_option_and_stray_argument_exit_2():
    with _tmpdir() as d:
        rc, _, err = run_cli(["--scenario", "demo", "--dir", d, "--frobnicate"])
        tap.eq(rc, 2, "an unknown option exits 2")
        rc, _, err = run_cli(["--scenario", "demo", "--dir", d, "stray"])
        tap.eq(rc, 2, "a stray argument exits 2")
        tap.is_in("unexpected argument", err, "the stray argument is named as the problem")


def test_unknown_scenario_names_places_searched():
    with _tmpdir() as d:
        rc, out, err = run_cli(["--scenario", "no-such-scenario", "--dir", d])
    tap.ok(rc not in (0, None), "an unknown scenario name makes the sim exit non-zero", rc=rc)
    tap.is_in("no-such-scenario", err, "the message names the scenario asked for")
    tap.is_in("SSISDR_SCENARIO_PATH", err, "the message names $SSISDR_SCENARIO_PATH as a place searched")
    tap.ok(re.search(r"/[^ ;)]*scenarios", err), "the message names the installed scenario folder", stderr=err)
    tap.ok("ready" not in out, "no ready line", stdout=out)


def test_unknown_scenario_names_source_scenario_dir():
    with _tmpdir() as d:
        rc, _, err = run_cli(["--scenario", "no-such-scenario", "--dir", d])
    tap.ok(rc not in (0, None), "exit non-zero", rc=rc)
    named = {os.path.realpath(p) for p in re.findall(r"/[^\s;,()]+", err)}
    tap.is_in(os.path.realpath(h.SCENARIO_DIR), named,
              "the message names the source-tree scenario folder, which was searched too", stderr=err)


def test_scenario_path_env_is_searched():
    with _tmpdir() as d:
        h.write_scenario(d, "custom-one", h.scenario_text("demo"))
        env = dict(os.environ, SSISDR_SCENARIO_PATH=d)
        with Sim("custom-one", env=env) as sim:
            tap.eq(sim.state()["scenario"], "custom-one", "a name is found in $SSISDR_SCENARIO_PATH")


def test_scenario_file_with_unknown_key_names_file_and_line():
    text = h.scenario_text("demo")
    line = _line_of(text, "role = primary")
    lines = text.splitlines()
    lines.insert(line, "colour = blue")
    rc, err, path, out = _load_error("\n".join(lines) + "\n")
    tap.ok(rc not in (0, None), "an unknown key is rejected", rc=rc)
    tap.is_in("%s:%d:" % (path, line + 1), err, "the message starts with file:line of the bad key")
    tap.is_in("colour", err, "the message names the unknown key")
    tap.eq(out, "", "no ready line")


def test_scenario_file_with_bad_value_names_file_and_line():
    text = h.scenario_text("demo")
    line = _line_of(text, "ir_state = Started")
    text = text.replace("ir_state = Started", "ir_state = Sideways", 1)
    rc, err, path, _ = _load_error(text)
    tap.ok(rc not in (0, None), "a bad value is rejected", rc=rc)
    tap.is_in("%s:%d:" % (path, line), err, "the message gives file:line of the bad value")
    tap.is_in("ir_state", err, "the message names the key whose value is bad")


def test_scenario_file_with_bad_scenario_value_names_file_and_line():
    text = h.scenario_text("demo")
    line = _line_of(text, "failover_policy = Manual")
    text = text.replace("failover_policy = Manual", "failover_policy = Sometimes", 1)
    rc, err, path, _ = _load_error(text)
    tap.ok(rc not in (0, None), "a bad [scenario] value is rejected", rc=rc)
    tap.is_in("%s:%d:" % (path, line), err, "the message gives file:line")
    tap.is_in("failover_policy", err, "the message names the key")


def test_scenario_file_with_third_site_is_rejected_with_line():
    text = h.scenario_text("demo").rstrip("\n") + "\n\n[site centralus]\nrole = secondary\nlocation = Central US\n"
    header = _line_of(text, "[site centralus]")
    rc, err, path, _ = _load_error(text)
    tap.ok(rc not in (0, None), "a third [site] section is rejected", rc=rc)
    m = re.search(re.escape(path) + r":(\d+):", err)
    tap.ok(m, "the message has file:line", stderr=err)
    tap.is_in(int(m.group(1)), (header, header + 1), "the line is the third [site] header or its first key")
    tap.ok("two" in err and "site" in err, "the message says a scenario has two sites", stderr=err)


def test_scenario_file_error_message_is_about_the_line_it_names():
    # Two errors: the first bad line is what must be reported, and only it.
    text = h.scenario_text("demo")
    first = _line_of(text, "ir_state = Started")
    text = text.replace("ir_state = Started", "ir_state = Sideways", 1)
    text = text.replace("ir_state = Stopped", "ir_state = Upside", 1)
    rc, err, path, _ = _load_error(text)
    tap.ok(rc not in (0, None), "rejected", rc=rc)
    tap.is_in("%s:%d:" % (path, first), err, "file:line of the first error")
    tap.is_in("Sideways", err, "the first error's value is in the message")
    tap.not_in("Upside", err, "the message for line %d does not carry a later line's error" % first)


def test_scenario_file_missing_required_key_is_rejected():
    text = h.scenario_text("demo").replace("server = sql-ssisdr-westus\n", "", 1)
    rc, err, _, _ = _load_error(text)
    tap.ok(rc not in (0, None), "a site without a server is rejected", rc=rc)
    tap.is_in("server", err, "the message names the missing key")


def test_listen_non_loopback_refused():
    for addr in ("0.0.0.0:0", "10.0.0.1:0"):
        with _tmpdir() as d:
            rc, out, err = run_cli(["--scenario", "demo", "--dir", d, "--listen", addr])
        tap.ok(rc not in (0, None), "--listen %s is refused (the sim exits non-zero)" % addr, rc=rc, stderr=err)
        tap.is_in("loopback", err, "the refusal of %s says loopback only" % addr)
        tap.ok("ready" not in out, "no ready line for %s" % addr, stdout=out)


def test_listen_malformed_refused():
    for addr in ("127.0.0.1", "127.0.0.1:99999", "localhost:0", ":0"):
        with _tmpdir() as d:
            rc, out, err = run_cli(["--scenario", "demo", "--dir", d, "--listen", addr])
        tap.ok(rc not in (0, None), "--listen %s is refused" % addr, rc=rc, stderr=err)
        tap.ok("ready" not in out, "no ready line for %s" % addr, stdout=out)


def test_default_listen_is_loopback():
    sim = Sim("demo")
    sim.argv = lambda: [h.SIM_BIN, "--scenario", "demo", "--dir", sim.dir, "--time-scale", "60"]
    with sim:
        tap.ok(sim.url.startswith("http://127.0.0.1:"), "without --listen the sim listens on 127.0.0.1", url=sim.url)
        tap.eq(sim.state()["scenario"], "demo", "and answers")


def test_time_scale_zero_refused():
    for value in ("0", "-5", "fast", "100001"):
        with _tmpdir() as d:
            rc, out, err = run_cli(["--scenario", "demo", "--dir", d, "--time-scale", value])
        tap.eq(rc, 2, "--time-scale %s is a usage error" % value)
        tap.is_in("--time-scale", err, "the message names --time-scale")


def test_pairs_out_of_range_refused():
    for value in ("0", "201", "x"):
        with _tmpdir() as d:
            rc, _, err = run_cli(["--scenario", "demo", "--dir", d, "--pairs", value])
        tap.eq(rc, 2, "--pairs %s is a usage error" % value)


# ---- running ----------------------------------------------------------------------

def test_ready_line_is_exactly_one_line():
    with Sim("demo") as sim:
        tap.ok(h.READY_RE.match(sim.ready_line), "the first line is 'ssisdr-sim ready http://127.0.0.1:PORT'",
               line=sim.ready_line)
        port = int(sim.url.rsplit(":", 1)[1])
        tap.ok(0 < port < 65536, "the port is real", port=port)
        sim.arm("GET", sim.ir_path("eastus"))
        sim.advance(60)
        rc, _ = sim.stop()
        tap.eq(rc, 0, "exit 0")
        tap.eq(sim.rest_of_stdout, b"", "nothing else was printed on stdout after the ready line")


def _stops_cleanly_on(sig):
    with Sim("demo") as sim:
        sim.arm("GET", sim.ir_path("eastus"))
        rc, took = sim.stop(sig=sig, grace=5.0, check=False)
        tap.eq(rc, 0, "signal %d makes the sim exit 0" % sig)
        tap.lt(took, 2.0, "the sim exits within 2 s of signal %d" % sig)
        tap.eq(sim.stderr_text(), "", "and writes nothing on stderr")


def test_sigterm_shuts_down_cleanly():
    _stops_cleanly_on(signal.SIGTERM)


def test_sigint_shuts_down_cleanly():
    _stops_cleanly_on(signal.SIGINT)


def test_sigterm_with_keepalive_connection_open_exits_fast():
    import http.client
    with Sim("demo") as sim:
        port = int(sim.url.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/_sim/state")
            resp = conn.getresponse()
            resp.read()
            tap.eq(resp.status, 200, "state over a kept-alive connection")
            rc, took = sim.stop(check=False)
        finally:
            conn.close()
        tap.eq(rc, 0, "exit 0 with an idle keep-alive connection open")
        tap.lt(took, 2.0, "exits within 2 s with an idle keep-alive connection open")


def test_conf_written_private_with_loopback_endpoints_and_no_inline_secret():
    with Sim("demo") as sim:
        path = os.path.join(sim.dir, "ssisdr.conf")
        tap.ok(os.path.isfile(path), "DIR/ssisdr.conf exists", dir=os.listdir(sim.dir))
        tap.eq(oct(stat.S_IMODE(os.stat(path).st_mode)), oct(0o600), "ssisdr.conf is mode 0600")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        cred = sim.state()["credentials"]
        tap.not_in(cred["client_secret"], text, "the client secret is not written inline")
        cp = configparser.ConfigParser(interpolation=None)
        cp.read_string(text)
        tap.eq(cp.get("azure", "arm_endpoint"), sim.url, "arm_endpoint is the sim's loopback URL")
        tap.eq(cp.get("azure", "authority"), sim.url, "authority is the sim's loopback URL")
        tap.eq(cp.get("azure", "tenant_id"), cred["tenant_id"], "tenant_id matches the state")
        tap.eq(cp.get("azure", "client_id"), cred["client_id"], "client_id matches the state")
        secret_ref = cp.get("azure", "client_secret")
        tap.ok(secret_ref.startswith("file:"), "client_secret = file:PATH", client_secret=secret_ref)
        secret_path = secret_ref[len("file:"):]
        tap.ok(os.path.isabs(secret_path) and os.path.isfile(secret_path), "the secret file exists", path=secret_path)
        tap.eq(oct(stat.S_IMODE(os.stat(secret_path).st_mode)), oct(0o600), "the secret file is mode 0600")
        with open(secret_path, encoding="utf-8") as f:
            tap.eq(f.read().strip(), cred["client_secret"], "the secret file holds the secret")
        urls = re.findall(r"https?://[^\s;]+", text)
        tap.ok(urls, "the conf names endpoints")
        for u in urls:
            tap.ok(u.startswith("http://127.0.0.1:"), "every URL in the conf is loopback", url=u)
        sites = [s for s in cp.sections() if s.startswith("site ")]
        tap.eq(len(sites), 2, "two [site] sections")
        for s in sites:
            conn = cp.get(s, "ssisdb_odbc")
            m = re.search(r"Database=([^;]+)", conn)
            tap.ok(m and os.path.isfile(m.group(1)), "the ssisdb_odbc of [%s] names an existing file" % s, conn=conn)
            rc, rows, err = h.odbc(conn, 'SELECT count(*) FROM "sys.dm_geo_replication_link_status"')
            tap.eq((rc, rows), (0, [["1"]]), "the conf's connection string works through ODBC: %s" % err)


def test_relative_dir_is_made_absolute():
    with _tmpdir() as d:
        sim = Sim("demo", cwd=d)
        sim.argv = lambda: [h.SIM_BIN, "--scenario", "demo", "--listen", "127.0.0.1:0", "--dir", "rel-run",
                            "--time-scale", "60"]
        with sim:
            run = os.path.join(os.path.realpath(d), "rel-run")
            tap.ok(os.path.isdir(run), "--dir rel-run is created under the working directory")
            for s in sim.state()["pairs"][0]["sites"]:
                tap.ok(s["ssisdb_path"].startswith(run + "/"), "the SSISDB path is absolute", path=s["ssisdb_path"])
            with open(os.path.join(run, "ssisdr.conf"), encoding="utf-8") as f:
                text = f.read()
            tap.is_in("client_secret = file:" + run + "/", text, "the conf names the secret by absolute path")
            tap.eq(oct(stat.S_IMODE(os.stat(run).st_mode)), oct(0o700), "a --dir the sim creates is mode 0700")


def test_all_four_scenarios_start():
    kinds = {"demo": "sqldb", "vnet": "sqldb", "mi": "mi", "split-brain": "mi"}
    for name in SCENARIOS:
        with Sim(name) as sim:
            st = sim.state()
            tap.eq(st["scenario"], name, "scenario %s starts and reports its name" % name)
            tap.eq(st["kind"], kinds[name], "scenario %s is of kind %s" % (name, kinds[name]))
            roles = sorted(s["role"] for s in st["pairs"][0]["sites"])
            tap.eq(roles, ["primary", "secondary"], "scenario %s has one primary and one secondary" % name)
            st_code, _, _, body = sim.arm("GET", sim.ir_path(st["pairs"][0]["sites"][0]["name"]))
            tap.eq(st_code, 200, "scenario %s serves its IR" % name)


def test_pairs_3_serves_three_distinct_pairs():
    with Sim("demo", pairs=3) as sim:
        st = sim.state()
        pairs = st["pairs"]
        tap.eq(len(pairs), 3, "--pairs 3 gives three pairs")
        for what, values in (
            ("pair names", [p["name"] for p in pairs]),
            ("failover group names", [p["failover_group"]["name"] for p in pairs]),
            ("site names", [s["name"] for p in pairs for s in p["sites"]]),
            ("factories", [s["factory"] for p in pairs for s in p["sites"]]),
            ("IR names", [s["ir"]["name"] for p in pairs for s in p["sites"]]),
            ("servers", [s["server"] for p in pairs for s in p["sites"]]),
            ("SSISDB files", [s["ssisdb_path"] for p in pairs for s in p["sites"]]),
        ):
            tap.eq(len(set(values)), len(values), "%s are distinct" % what)
        for k in range(3):
            for s in pairs[k]["sites"]:
                code, _, _, body = sim.arm("GET", s["ir"]["id"])
                tap.eq(code, 200, "pair %d site %s's IR answers" % (k, s["name"]))
                tap.eq(body["name"], s["ir"]["name"], "with its own name")
                tap.eq(body["properties"]["typeProperties"]["ssisProperties"]["catalogInfo"]["dualStandbyPairName"],
                       s["ir"]["dual_standby_pair_name"], "and its pair's dualStandbyPairName")
            names = {s["ir"]["dual_standby_pair_name"] for s in pairs[k]["sites"]}
            tap.eq(len(names), 1, "both IRs of pair %d share one dualStandbyPairName" % k)
        with open(os.path.join(sim.dir, "ssisdr.conf"), encoding="utf-8") as f:
            text = f.read()
        tap.eq(len(re.findall(r"^\[pair ", text, re.M)), 3, "ssisdr.conf has three [pair] sections")


if __name__ == "__main__":
    tap.main()
