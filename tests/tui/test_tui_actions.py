"""Screen tests of the console's actions against ssisdr-sim (started here,
time scale 60): failover, ir start, triggers sync, each planned, confirmed
by typing its target, run in the background and seen on screen; the audit
log; cancelling a confirmation."""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap  # noqa: E402
from simharness import Sim  # noqa: E402
from tuiharness import Screen, site_pane_titles, TMUX  # noqa: E402

CONFIRM_RE = re.compile(r"Type (\S+) .*to confirm")
FIX_SYNC_RE = re.compile(r"(\u2192|->)( fix:)? triggers sync")


def need_tmux():
    if not TMUX:
        raise tap.Skip("tmux is not installed")


def console(sim, *args, **kw):
    return Screen(["--config", os.path.join(sim.dir, "ssisdr.conf")] + list(args), **kw)


def roles(scr):
    return site_pane_titles(scr.capture())


def ready(scr):
    scr.wait_for(lambda t: site_pane_titles(t).get("eastus") == "PRIMARY"
                 and site_pane_titles(t).get("westus") == "secondary", timeout=20)


def run_confirmed(scr, line, target=None):
    """Type a mutating command, check the plan and the confirmation prompt,
    type the target. Returns the target typed."""
    scr.line(line)
    scr.wait_for(lambda t: CONFIRM_RE.search(scr.prompt()), timeout=5)
    m = CONFIRM_RE.search(scr.prompt())
    if target is not None:
        tap.eq(m.group(1), target, "the confirmation asks for %s" % target, prompt=scr.prompt())
    text = scr.capture()
    tap.ok("to confirm" in text and "Esc cancels" in text, "the plan is shown with how to confirm", screen=text)
    scr.line(m.group(1))
    scr.wait_for(lambda t: scr.prompt().startswith("ssisdr>"), timeout=5)
    return m.group(1)


def ir_state(text, ir):
    m = re.search(r"IR %s\s+\S+ (\w+)" % re.escape(ir), text)
    return m.group(1) if m else None


def test_failover_swaps_the_roles_on_screen():
    need_tmux()
    with Sim("demo", time_scale=60) as sim, console(sim) as scr:
        ready(scr)
        run_confirmed(scr, "failover", target="fg-ssisdb")
        text = scr.wait_for(lambda t: site_pane_titles(t).get("westus") == "PRIMARY"
                            and site_pane_titles(t).get("eastus") == "secondary", timeout=30)
        tap.ok(re.search(r"primary (→|->) westus", text), "the failover group line names westus", screen=text)
        tap.eq(sim.primary()["name"], "westus", "the simulator agrees: westus is primary")


def test_ir_start_shows_started():
    need_tmux()
    with Sim("demo", time_scale=60) as sim, console(sim) as scr:
        ready(scr)
        tap.eq(ir_state(scr.capture(), "ssis-ir-westus"), "Stopped", "westus IR starts Stopped")
        run_confirmed(scr, "ir start westus", target="westus")
        text = scr.wait_for(lambda t: ir_state(t, "ssis-ir-westus") == "Started", timeout=40)
        tap.ok(re.search(r"IR ssis-ir-westus\s+\S+ Started 2/2", text), "westus IR shows Started 2/2", screen=text)


def test_triggers_sync_clears_the_trigger_findings():
    need_tmux()
    with Sim("demo", time_scale=60) as sim, console(sim) as scr:
        ready(scr)
        run_confirmed(scr, "failover", target="fg-ssisdb")
        # After the failover the triggers are on the wrong side.
        text = scr.wait_for(lambda t: site_pane_titles(t).get("westus") == "PRIMARY"
                            and "triggers sync" in t and "want all" in t, timeout=30)
        tap.ok(re.search(r"NightlyLoad\s+\S+ Started\s+\S+ Stopped", text),
               "the triggers table marks the triggers on the wrong side", screen=text)
        run_confirmed(scr, "triggers sync")
        text = scr.wait_for(lambda t: not FIX_SYNC_RE.search(t) and "want all" not in t
                            and re.search(r"NightlyLoad\s+\S+ Stopped\s+\S+ Started", t), timeout=30)
        tap.ok(not FIX_SYNC_RE.search(text), "no finding proposes triggers sync any more", screen=text)
        tap.ok(re.search(r"triggers 0 started . 3 stopped\s+\S+ ok", text), "eastus triggers: stopped, ok",
               screen=text)
        tap.ok(re.search(r"triggers 3 started . 0 stopped\s+\S+ ok", text), "westus triggers: started, ok",
               screen=text)


def test_audit_log_holds_the_confirmed_action():
    need_tmux()
    with Sim("demo", time_scale=60) as sim, console(sim) as scr:
        ready(scr)
        run_confirmed(scr, "ir start westus", target="westus")
        scr.wait_for(lambda t: ir_state(t, "ssis-ir-westus") == "Started", timeout=40)
        scr.wait_for(re.compile(r"succeeded"), timeout=20)
        conf = open(os.path.join(sim.dir, "ssisdr.conf"), encoding="utf-8").read()
        m = re.search(r"^audit_log\s*=\s*(\S+)", conf, re.M)
        tap.ok(m, "the simulator's configuration names the audit log", conf=conf)
        path = m.group(1)
        tap.ok(os.path.exists(path), "the audit log exists", path=path)
        records = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        mine = [r for r in records if r.get("command") == "ir start westus"]
        tap.ok([r for r in mine if r.get("event") == "confirmed"], "a 'confirmed' record for ir start westus",
               records=records)
        tap.ok([r for r in mine if r.get("event") == "outcome" and r.get("result") == "succeeded"],
               "an 'outcome: succeeded' record", records=records)


def test_cancelling_a_confirmation():
    need_tmux()
    with Sim("demo", time_scale=60) as sim, console(sim) as scr:
        ready(scr)
        for how in ("Escape", "C-c", "Enter"):
            scr.line("failover")
            scr.wait_for(lambda t: CONFIRM_RE.search(scr.prompt()), timeout=5)
            scr.key(how)
            scr.wait_for(lambda t: scr.prompt().rstrip() == "ssisdr>", timeout=5)
            tap.ok("cancelled" in scr.capture(), "%s cancels the confirmation" % how)
        scr.line("failover")
        scr.wait_for(lambda t: CONFIRM_RE.search(scr.prompt()), timeout=5)
        scr.line("fg-wrong")
        scr.wait_for("not confirmed", timeout=5)
        tap.eq(sim.primary()["name"], "eastus", "nothing failed over")
        tap.eq(roles(scr).get("eastus"), "PRIMARY", "the screen still shows eastus PRIMARY")


def test_quit_asks_while_an_operation_runs():
    need_tmux()
    with Sim("demo", time_scale=60) as sim, console(sim) as scr:
        ready(scr)
        run_confirmed(scr, "ir start westus", target="westus")
        scr.line("quit")
        scr.wait_for(lambda t: "Quit anyway" in scr.prompt(), timeout=3)
        scr.type("n")
        scr.wait_for("not quitting", timeout=3)
        tap.eq(scr.dead(), None, "n: the console stays")
        scr.wait_for(lambda t: ir_state(t, "ssis-ir-westus") == "Started", timeout=40)
        scr.wait_for(lambda t: "op running" not in scr.header(), timeout=20)
        scr.line("quit")
        tap.eq(scr.wait_exit(), 0, "with nothing running, quit does not ask")


if __name__ == "__main__":
    tap.main()
