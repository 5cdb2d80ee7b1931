"""Screen tests of a guided DR drill in the console (drill RUNBOOK) against
ssisdr-sim (demo scenario, time scale 120): sqldb-failover stepped with n
and r, its plans confirmed by typing their target, the header saying DRILL,
the steps turning passed, PASS and the RTO at the end; a read-only console
(and exec) refusing the drill before it starts; a declined action skipped
with a reason, the console killed (SIGKILL) during the wait that follows,
the resume offered at the next start, and `drill sqldb-failover --resume`
going on against live state to the end."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap  # noqa: E402
from simharness import Sim  # noqa: E402
from tuiharness import SSISDR_BIN, Screen, overlay, site_pane_titles, TMUX  # noqa: E402

SCALE = 120
CONFIRM_RE = re.compile(r"Type (\S+) .*to confirm")
QUESTION_RE = re.compile(r"drill step (\d+): ")


def need_tmux():
    if not TMUX:
        raise tap.Skip("tmux is not installed")


def console(sim, *args, **kw):
    return Screen(["--config", os.path.join(sim.dir, "ssisdr.conf")] + list(args), **kw)


def ready(scr):
    scr.wait_for(lambda t: site_pane_titles(t).get("eastus") == "PRIMARY"
                 and site_pane_titles(t).get("westus") == "secondary", timeout=20)


def header(text):
    return text.split("\n")[0]


def log_text(text):
    """The events pane as one string: rows joined, the time column dropped,
    so that a wrapped line reads whole again."""
    rows = overlay(text, "events") or []
    words = []
    for row in rows:
        row = re.sub(r"^\s*\d\d:\d\d:\d\d \S?", "", row.rstrip("\u2502| ")).strip()
        words.append(row)
    return re.sub(r"\s+", " ", " ".join(words))


def box_text(text, title):
    """An overlay's text as one string (None when it is not there)."""
    rows = overlay(text, title)
    return None if rows is None else re.sub(r"\s+", " ", " ".join(r.strip() for r in rows))


def step_state(text, step_id):
    """The state word the drill view shows for a step ("passed", ...)."""
    m = re.search(r"\d+ \S+ (pending|running|passed|failed|skipped) +%s\b" % re.escape(step_id), text)
    return m.group(1) if m else None


def question(scr):
    """What the prompt asks for the drill: ('confirm', target), ('manual',
    None) or None."""
    p = scr.prompt()
    m = CONFIRM_RE.search(p)
    if m:
        return ("confirm", m.group(1))
    if p.startswith("Done?"):
        return ("manual", None)
    return None


def answer(scr, text):
    """Answer the question on the prompt; wait until it is gone (or another
    step asks)."""
    m = QUESTION_RE.search(scr.capture())
    step = m.group(1) if m else None
    scr.line(text)
    scr.wait_for(lambda t: question(scr) is None
                 or (QUESTION_RE.search(t) and QUESTION_RE.search(t).group(1) != step), timeout=5)


def drive(scr, until, timeout=40, stop_at=None):
    """Answer the drill's questions (the target for a plan, yes for a manual
    step) until until(screen) holds, or a confirmation of stop_at (a
    target) is asked: then return it unanswered. Returns the targets
    confirmed."""
    confirmed = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        q = question(scr)
        if q and q[0] == "confirm" and stop_at and q[1] == stop_at:
            return confirmed
        if q and q[0] == "confirm":
            answer(scr, q[1])
            confirmed.append(q[1])
            continue
        if q:
            answer(scr, "yes the window is announced")
            continue
        if until(scr.capture()):
            return confirmed
        time.sleep(0.1)
    raise tap.Failure("the drill did not get there", screen=scr.capture(), confirmed=confirmed)


def reports(state_dir):
    d = os.path.join(state_dir, "ssisdr", "drills")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".json")) if os.path.isdir(d) else []


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def test_drill_runs_step_by_step_to_pass():
    need_tmux()
    with Sim("demo", time_scale=SCALE) as sim, console(sim) as scr:
        ready(scr)
        tap.ok("OPERATE" in scr.header(), "OPERATE before the drill", header=scr.header())
        scr.line("drill sqldb-failover")
        text = scr.wait_for(lambda t: "DRILL" in header(t) and step_state(t, "intro"), timeout=10)
        tap.is_in("sqldb-failover", header(text), "the header says DRILL and names the runbook")
        tap.eq(step_state(text, "intro"), "pending", "the drill view lists the steps, pending", screen=text)
        tap.ok(re.search(r"step 1/19 .* note", text), "and shows the current step", screen=text)
        tap.is_in("What this drill does", text, "with its title")
        tap.is_in("becomes primary", text, "and its explanation")
        footer = scr.footer()
        for key, what in (("n", "next"), ("r", "run"), ("s", "skip"), ("a", "abort")):
            tap.ok(re.search(r"\b%s %s\b" % (key, what), footer), "the footer offers %s %s" % (key, what),
                   footer=footer)

        scr.type("q")
        scr.wait_for(lambda t: "is not over" in scr.prompt(), timeout=5)
        tap.is_in("drill sqldb-failover --resume", scr.prompt(), "quitting mid-drill asks first, saying how to resume")
        scr.type("n")
        scr.wait_for("not quitting", timeout=5)
        tap.eq(scr.dead(), None, "n: the console stays")

        scr.type("n")
        text = scr.wait_for(lambda t: step_state(t, "intro") == "passed", timeout=10)
        tap.ok(re.search(r"step 2/19 .* check", text), "n ran the note; the next step is current", screen=text)
        scr.type("n")
        scr.wait_for(lambda t: step_state(t, "preflight-replication") == "passed", timeout=10)
        scr.type("r")
        targets = drive(scr, lambda t: re.search(r"drill sqldb-failover: (PASS|FAIL)", t))
        tap.eq(targets[0], "fg-ssisdb", "the failover's plan asks for the failover group's name", targets=targets)
        tap.is_in("westus", targets, "the IR start asks for the site")
        text = scr.capture()
        body = box_text(text, "drill sqldb-failover: PASS")
        tap.ok(body, "the end shows PASS", screen=text)
        body = body or ""
        tap.ok(re.search(r"RTO \d+ s \(target 30 min\)", body), "and the measured RTO against its target", result=body)
        tap.ok(re.search(r"data-loss window 0 s \(RPO target 5 min\)", body), "and the data-loss window", result=body)
        tap.ok(body.count("report: /") == 2 and ".md" in body and ".json" in body, "and the report paths",
               result=body)
        scr.key("Escape")
        scr.wait_for(lambda t: "OPERATE" in scr.header(), timeout=5)
        tap.not_in("DRILL", scr.header(), "the drill is released: the header says OPERATE again")
        docs = [read_json(p) for p in reports(scr.state_dir)]
        tap.eq([d["result"] for d in docs], ["PASS"], "one report, PASS")
        tap.eq({s["state"] for s in docs[0]["steps"]}, {"passed", "skipped"}, "every step passed or was not needed")
        tap.eq(docs[0]["steps"][5]["comment"], "the window is announced", "the manual step keeps the comment")
        with open(os.path.join(sim.dir, "audit.jsonl"), encoding="utf-8") as f:
            events = [json.loads(line)["event"] for line in f if line.strip()]
        tap.eq((events[0], events[-1], events.count("confirmed")), ("drill-started", "drill-finished", 6),
               "the audit log has the drill and its six confirmed actions", events=events)


def test_read_only_refuses_before_the_drill_starts():
    need_tmux()
    with Sim("demo", time_scale=SCALE) as sim, console(sim, "--read-only") as scr:
        ready(scr)
        scr.line("drill sqldb-failover")
        text = scr.wait_for(lambda t: "nothing was run" in log_text(t), timeout=5)
        log = log_text(text)
        tap.ok(re.search(r"refused: runbook sqldb-failover has \d+ action steps .*this console is read-only", log),
               "the refusal says why", log=log)
        tap.ok("READ-ONLY" in scr.header() and "DRILL" not in scr.header(), "no drill mode", header=scr.header())
        tap.eq(os.path.isdir(os.path.join(scr.state_dir, "ssisdr", "drills")), False, "no state file")
        tap.eq([r["path"] for r in sim.requests() if r["method"] == "POST" and "/_sim/" not in r["path"]
                and "/oauth2/" not in r["path"] and not r["path"].endswith("/getStatus")], [],
               "no change was asked of the simulator")
        # exec cannot answer a drill's questions: it points to ssisdr drill
        state = tempfile.mkdtemp(prefix="ssisdr-tui-drill.")
        try:
            cp = subprocess.run([SSISDR_BIN, "--config", os.path.join(sim.dir, "ssisdr.conf"), "exec",
                                 "drill sqldb-failover"], capture_output=True, text=True, timeout=30,
                                env=dict(os.environ, XDG_STATE_HOME=state), stdin=subprocess.DEVNULL)
        finally:
            shutil.rmtree(state, ignore_errors=True)
        tap.eq(cp.returncode, 3, "exec drill: refused (exit 3)", out=cp.stdout, err=cp.stderr)
        tap.is_in("use: ssisdr drill RUNBOOK --yes", cp.stdout, "pointing to ssisdr drill --yes")


def test_skip_kill_during_a_wait_and_resume():
    need_tmux()
    state = tempfile.mkdtemp(prefix="ssisdr-tui-drill.")
    env = {"XDG_STATE_HOME": state, "HOME": state}
    path = os.path.join(state, "ssisdr", "drills", "ssis-pair-sqldb-failover.state.json")
    try:
        with Sim("demo", time_scale=SCALE) as sim:
            with console(sim, env=env) as scr:
                ready(scr)
                scr.line("drill sqldb-failover")
                scr.wait_for(lambda t: "DRILL" in scr.header(), timeout=10)
                scr.type("r")
                drive(scr, lambda t: False, stop_at="westus")  # up to the IR start's confirmation
                scr.key("Escape")  # declined: the step fails and the drill halts
                text = scr.wait_for(lambda t: step_state(t, "start-ir") == "failed", timeout=10)
                tap.is_in("n runs it again, s skips it", text, "a failed step says what can be done")
                scr.type("s")
                scr.wait_for(lambda t: "reason:" in scr.prompt(), timeout=5)
                scr.line("the IR is started by hand")
                text = scr.wait_for(lambda t: step_state(t, "start-ir") == "skipped", timeout=10)
                tap.is_in("start-ir skipped after 0 s: skipped by the operator: the IR is started by hand",
                          log_text(text), "the skip and its reason are in the log")
                scr.type("r")
                text = scr.wait_for(lambda t: step_state(t, "wait-ir") == "running" and " left" in t, timeout=10)
                tap.ok(re.search(r"running \d+ s . \d+ min( \d+ s)? left", text), "the wait shows its timer",
                       screen=text)
                st = read_json(path)
                tap.eq(st and st["steps"][10]["state"], "running", "the state file has the wait running")
                os.kill(scr.console_pid(), signal.SIGKILL)
                scr.wait_exit()
            st = read_json(path)
            tap.eq([s["state"] for s in st["steps"]][8:12], ["passed", "skipped", "running", "pending"],
                   "killed during the wait: saved as it was")

            with console(sim, env=env) as scr:
                text = scr.wait_for(lambda t: "drill sqldb-failover --resume" in log_text(t), timeout=20)
                tap.is_in("unfinished drill of runbook sqldb-failover", log_text(text), "the log offers the resume")
                scr.wait_for(lambda t: site_pane_titles(t).get("westus") == "PRIMARY", timeout=20)
                scr.line("drill sqldb-failover --resume")
                text = scr.wait_for(lambda t: "DRILL" in scr.header() and step_state(t, "wait-ir") == "running",
                                    timeout=10)
                tap.eq(step_state(text, "start-ir"), "skipped", "finished steps stay finished")
                scr.type("r")
                scr.wait_for(lambda t: "resumed against live state" in log_text(t), timeout=10)
                # the rest of the screen works meanwhile: start the IR from the prompt
                scr.type(":")
                scr.line("ir start westus")
                scr.wait_for(lambda t: CONFIRM_RE.search(scr.prompt()), timeout=5)
                scr.line("westus")
                scr.wait_for(lambda t: (read_json(path) or {"steps": [{}] * 11})["steps"][10].get("state") == "passed",
                             timeout=20)
                tap.ok(True, "the resumed wait sees the IR Started and passes")
                drive(scr, lambda t: "drill sqldb-failover: FAIL" in t)
                body = box_text(scr.capture(), "drill sqldb-failover: FAIL") or ""
                tap.is_in("start-ir", body, "it finished, failing on the skipped action", result=body)
                tap.ok(re.search(r"RTO \d+ s", body), "with an RTO", result=body)
            docs = [read_json(p) for p in reports(state)]
            tap.eq(len(docs), 1, "one report")
            tap.eq(docs[0]["resumed"], 1, "which says the drill was resumed")
            tap.eq(docs[0]["steps"][10]["state"], "passed", "the interrupted wait passed")
            tap.eq(os.path.exists(path), False, "the state file is gone")
    finally:
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    tap.main()
