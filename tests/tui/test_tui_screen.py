"""Screen tests of the console (ssisdr --demo inside tmux): the panes, the
layout at 80x24 and across resizes, NO_COLOR, the ASCII fallback, the
prompt (completion, ^C, Esc, help) and its history file."""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap  # noqa: E402
from simharness import Sim  # noqa: E402
from tuiharness import Screen, colour_escapes, overlay, site_pane_titles, TMUX  # noqa: E402


def need_tmux():
    if not TMUX:
        raise tap.Skip("tmux is not installed")


def demo_ready(text):
    roles = site_pane_titles(text)
    return roles.get("eastus") == "PRIMARY" and "westus" in roles


def whole(scr, text=None):
    """The header, both site panes and the prompt are on the screen."""
    text = text if text is not None else scr.capture()
    lines = text.split("\n")
    return (len(lines) >= scr.height and "ssisdr" in lines[0] and "OPERATE" in lines[0]
            and "eastus" in text and "westus" in text and "failover group" in text
            and lines[scr.height - 1].startswith("ssisdr>"))


def test_panes_show_both_sites_and_the_primary():
    need_tmux()
    with Screen(["--demo"]) as scr:
        text = scr.wait_for(demo_ready, timeout=20)
        tap.eq(site_pane_titles(text), {"eastus": "PRIMARY", "westus": "secondary"},
               "eastus is PRIMARY and westus secondary in the pane titles", screen=text)
        tap.ok(re.search(r"failover group fg-ssisdb .*primary (→|->) eastus", text),
               "the failover group line names eastus as primary", screen=text)
        tap.ok(re.search(r"IR ssis-ir-eastus\s+\S+ Started", text), "eastus IR shows Started", screen=text)
        tap.ok(re.search(r"IR ssis-ir-westus\s+\S+ Stopped", text), "westus IR shows Stopped", screen=text)
        tap.ok(re.search(r"updated \d+s ago", scr.header()), "the header gives the age of the data",
               header=scr.header())
        tap.ok(re.search(r"poll ok", text), "the event log shows the poll's result", screen=text)
        tap.ok("ir start westus" in text, "the finding's fix command is shown", screen=text)
        scr.line("quit")
        tap.eq(scr.wait_exit(), 0, "quit leaves with status 0")


def test_80x24_and_resizes_keep_the_screen_whole():
    need_tmux()
    with Screen(["--demo"], width=80, height=24) as scr:
        text = scr.wait_for(demo_ready, timeout=20)
        tap.ok(whole(scr, text), "at 80x24: header, both sites, failover group and prompt", screen=text)
        tap.ok(all(len(line) <= 80 for line in text.split("\n")), "nothing wider than 80 columns")
        scr.resize(100, 30)
        text = scr.wait_for(lambda t: whole(scr, t) and len(t.split("\n")[0]) > 80, timeout=5)
        tap.ok(whole(scr, text), "at 100x30 the screen is whole again", screen=text)
        scr.resize(60, 15)
        text = scr.wait_for("terminal too small", timeout=5)
        tap.ok("needs at least" in text, "the too-small message says the minimum", screen=text)
        scr.type("abc")
        scr.wait_for(lambda t: t.split("\n")[14].startswith("ssisdr> abc"), timeout=2)
        scr.key("C-c")
        scr.resize(80, 24)
        text = scr.wait_for(lambda t: whole(scr, t), timeout=5)
        tap.not_in("too small", text, "back at 80x24 the message is gone", screen=text)
        scr.line("quit")
        tap.eq(scr.wait_exit(), 0, "quit after the resizes leaves with status 0")


def test_no_color_emits_no_colour_escapes():
    need_tmux()
    with Screen(["--demo"]) as scr:
        scr.wait_for(demo_ready, timeout=20)
        coloured = colour_escapes(scr.capture(escapes=True))
        tap.ok(coloured, "with colour allowed the screen does use colour (the check can see it)")
    with Screen(["--demo"], env={"NO_COLOR": "1"}, record=True) as scr:
        scr.wait_for(demo_ready, timeout=20)
        raw = scr.capture(escapes=True)
        tap.eq(colour_escapes(raw), [], "NO_COLOR=1: no SGR colour escape on the screen (capture-pane -e)")
        tap.ok("PRIMARY" in raw and "secondary" in raw and "warning" in raw, "the states are still words")
        scr.line("failover")  # a plan overlay, a warning prompt: more kinds of text
        scr.wait_for("to confirm", timeout=5)
        raw = scr.capture(escapes=True)
        tap.eq(colour_escapes(raw), [], "NO_COLOR=1: none with the plan overlay either")
        scr.key("Escape")
        scr.wait_for("cancelled", timeout=5)
        out = scr.recorded()
        tap.gt(len(out), 1000, "the recording holds the console's output")
        tap.eq(colour_escapes(out, defaults_too=True), [],
               "NO_COLOR=1: the console wrote no colour escape at all, not even 39/49")
    with Screen(["--no-color", "--demo"]) as scr:
        scr.wait_for(demo_ready, timeout=20)
        tap.eq(colour_escapes(scr.capture(escapes=True)), [], "--no-color: no SGR colour escape either")


def test_ascii_fallback():
    need_tmux()
    box = re.compile("[\u2500-\u257f\u25cf\u25cb\u25b2\u2714\u2716\u26a0\u00b7\u2026\u2192]")
    with Screen(["--ascii", "--demo"]) as scr:
        text = scr.wait_for(demo_ready, timeout=20)
        tap.eq(box.findall(text), [], "--ascii: no line drawing or symbols outside ASCII", screen=text)
        tap.ok(re.search(r"\+ eastus - PRIMARY -", text), "ASCII box with the role in its title", screen=text)
    with Screen(["--demo"], locale="C") as scr:
        text = scr.wait_for(demo_ready, timeout=20)
        tap.eq(box.findall(text), [], "a non-UTF-8 locale falls back to ASCII", screen=text)


def test_prompt_completion_ctrl_c_escape_and_help():
    need_tmux()
    with Screen(["--demo"]) as scr:
        scr.wait_for(demo_ready, timeout=20)
        scr.type("triggers sy")
        scr.key("Tab")
        scr.wait_for(lambda t: scr.prompt().startswith("ssisdr> triggers sync"), timeout=3)
        scr.key("C-c")
        scr.wait_for(lambda t: scr.prompt().rstrip() == "ssisdr>", timeout=3)
        scr.type("fail")
        scr.key("Tab")
        scr.wait_for(lambda t: scr.prompt().startswith("ssisdr> failover"), timeout=3)
        scr.key("C-c")
        scr.wait_for(lambda t: scr.prompt().rstrip() == "ssisdr>", timeout=3)
        # Esc: the keys of the panes
        scr.key("Escape")
        scr.wait_for(lambda t: "quit" in scr.footer() and "command" in scr.footer(), timeout=3)
        footer = scr.footer()
        tap.ok("failover" in footer, "operate mode: the footer shows the failover key", footer=footer)
        scr.type("?")
        text = scr.wait_for("Keys on the panes", timeout=3)
        rows = overlay(text, "help") or []
        tap.ok([r for r in rows if r.strip().startswith("failover ")], "help lists failover", help=rows)
        scr.key("Escape")
        scr.wait_gone("Keys on the panes", timeout=3)
        scr.type(":")
        scr.wait_for(lambda t: "complete" in scr.footer(), timeout=3)
        scr.line("help ir start")
        scr.wait_for("help: ir start", timeout=3)
        scr.key("Escape")
        scr.wait_gone("help: ir start", timeout=3)
        tap.ok(True, "help COMMAND opens and Esc closes the overlay")


def test_history_is_kept():
    need_tmux()
    with Screen(["--demo"]) as scr:
        scr.wait_for(demo_ready, timeout=20)
        scr.line("status")
        scr.line("quit")
        tap.eq(scr.wait_exit(), 0, "quit leaves with status 0")
        path = os.path.join(scr.state_dir, "ssisdr", "history")
        tap.ok(os.path.exists(path), "the history file is in $XDG_STATE_HOME/ssisdr/history", path=path)
        with open(path, encoding="utf-8") as f:
            tap.is_in("status", f.read().split("\n"), "the history holds the command")


def test_ctrl_d_quits_and_sigterm_restores_the_terminal():
    need_tmux()
    with Screen(["--demo"]) as scr:
        scr.wait_for(demo_ready, timeout=20)
        tap.eq(scr.tmux("display-message", "-p", "-t", "t", "#{alternate_on}").strip(), "1",
               "the console runs on the alternate screen")
        scr.type("x")
        scr.key("C-d")  # not on an empty line: deletes nothing, quits nothing
        scr.key("C-c")
        scr.key("C-d")
        tap.eq(scr.wait_exit(), 0, "^D on an empty line quits with status 0")
        tap.eq(scr.tmux("display-message", "-p", "-t", "t", "#{alternate_on}").strip(), "0",
               "the terminal is back on the normal screen")
    with Screen(["--demo"]) as scr:
        scr.wait_for(demo_ready, timeout=20)
        os.kill(scr.console_pid(), 15)
        tap.eq(scr.wait_exit(), 128 + 15, "SIGTERM: the console leaves with 128+15")
        tap.eq(scr.tmux("display-message", "-p", "-t", "t", "#{alternate_on}").strip(), "0",
               "SIGTERM: the terminal is restored")


def test_log_scrolls_back_and_follows():
    need_tmux()
    with Screen(["--demo"], width=80, height=24) as scr:
        scr.wait_for(demo_ready, timeout=20)
        for i in range(3):
            scr.line("status")
        scr.wait_for(lambda t: scr.prompt().rstrip() == "ssisdr>", timeout=5)
        time.sleep(0.3)
        scr.key("PPage")
        text = scr.wait_for("rows back", timeout=3)
        tap.ok("End follows" in text, "the log title says how to follow again", screen=text)
        scr.key("Escape")
        scr.key("End")
        scr.wait_gone("rows back", timeout=3)


def test_managed_instance_shows_the_schedules():
    need_tmux()
    with Screen(["--demo", "mi"]) as scr:
        text = scr.wait_for(lambda t: re.search(r"schedules \d+ enabled", t), timeout=20)
        tap.ok(re.search(r"schedules 2 enabled . 0 disabled\s+\S+ ok", text),
               "the primary instance's schedules are enabled, as expected", screen=text)
        tap.ok(re.search(r"schedules 0 enabled . 2 disabled\s+\S+ ok", text),
               "the secondary instance's schedules are disabled, as expected", screen=text)


def test_switching_pairs():
    need_tmux()
    with Sim("demo", time_scale=60, pairs=2) as sim:
        with Screen(["--config", os.path.join(sim.dir, "ssisdr.conf")]) as scr:
            scr.wait_for(lambda t: "[1/2]" in scr.header() and "PRIMARY" in t, timeout=20)
            scr.key("Escape")
            scr.key("Tab")
            text = scr.wait_for(lambda t: "[2/2]" in scr.header(), timeout=5)
            tap.ok(re.search(r"failover group fg-ssisdb-02", text), "Tab shows the second pair", screen=text)
            scr.key("BTab")
            scr.wait_for(lambda t: "[1/2]" in scr.header(), timeout=5)
            scr.key(":")
            name = sim.state()["pairs"][1]["name"]
            scr.line("pair %s" % name)
            scr.wait_for(lambda t: "[2/2]" in scr.header(), timeout=5)
            tap.ok(True, "the pair command switches too")


if __name__ == "__main__":
    tap.main()
