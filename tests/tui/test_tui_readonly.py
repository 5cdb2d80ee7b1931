"""Screen test of read-only mode (ssisdr --read-only --demo): mutating
commands are refused with a message, absent from help and from the footer,
and their keys do nothing."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap  # noqa: E402
from tuiharness import Screen, overlay, site_pane_titles, TMUX  # noqa: E402

MUTATING = ("failover", "ir start", "ir stop", "triggers sync", "triggers enable", "triggers disable",
            "schedules sync", "failover_integration_runtime")


def need_tmux():
    if not TMUX:
        raise tap.Skip("tmux is not installed")


def ready(t):
    return site_pane_titles(t).get("eastus") == "PRIMARY"


def test_read_only_refuses_and_hides_mutating_commands():
    need_tmux()
    with Screen(["--read-only", "--demo"]) as scr:
        scr.wait_for(ready, timeout=20)
        tap.ok("READ-ONLY" in scr.header(), "the header says READ-ONLY", header=scr.header())

        scr.line("failover")
        text = scr.wait_for("refused: failover", timeout=5)
        tap.ok(re.search(r"refused: failover.*read-only", text, re.S), "the refusal says why", screen=text)
        tap.ok(scr.prompt().rstrip() == "ssisdr>", "no confirmation is asked", prompt=scr.prompt())
        tap.not_in("to confirm", text, "no plan overlay")

        scr.line("help")
        text = scr.wait_for(lambda t: overlay(t, "help"), timeout=5)
        rows = overlay(text, "help")
        body = [r.strip() for r in rows]
        tap.ok([r for r in body if r.startswith("status")], "help lists status", help=body)
        for name in MUTATING:
            tap.eq([r for r in body if r.startswith(name + " ") or r == name], [],
                   "help does not list %s" % name, help=body)
        scr.key("Escape")
        scr.wait_gone("Keys on the panes", timeout=3)

        scr.key("Escape")  # to the panes: the footer shows the single keys
        scr.wait_for(lambda t: "quit" in scr.footer() and "command" in scr.footer(), timeout=3)
        footer = scr.footer()
        for name in MUTATING:
            tap.not_in(name, footer, "the footer has no key for %s" % name, footer=footer)
        tap.ok("status" in footer or "refresh" in footer, "the footer keeps the read-only keys", footer=footer)

        # The failover key of operate mode (F in the demo table) does nothing here.
        scr.key("F")
        text = scr.wait_for(lambda t: "no such key" in scr.footer(), timeout=3)
        tap.not_in("to confirm", text, "the failover key starts nothing")


def test_operate_footer_has_the_keys_read_only_hides():
    need_tmux()
    with Screen(["--demo"]) as scr:
        scr.wait_for(ready, timeout=20)
        scr.key("Escape")
        scr.wait_for(lambda t: "quit" in scr.footer(), timeout=3)
        footer = scr.footer()
        tap.ok("failover" in footer, "in operate mode the footer shows the failover key", footer=footer)


if __name__ == "__main__":
    tap.main()
