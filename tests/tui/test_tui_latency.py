"""Screen tests with a region hanging (POST /_sim/fault {"kind": "hang",
"site": "eastus"}): keystrokes still echo at once (measured from send-keys
to the first capture that shows them), the screen keeps redrawing, and
the data that can no longer be refreshed is marked stale with its age
instead of passing for fresh."""

import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap  # noqa: E402
from simharness import Sim  # noqa: E402
from tuiharness import Screen, site_pane_titles, TMUX  # noqa: E402

SAMPLES = 20
LIMIT_MS = 100.0


def need_tmux():
    if not TMUX:
        raise tap.Skip("tmux is not installed")


def fast_config(sim, refresh="2s", timeout="5s"):
    """The simulator's configuration with a short refresh (stale after 3x)
    and request timeout, so a test sees staleness in seconds."""
    path = os.path.join(sim.dir, "ssisdr.conf")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"(?m)^refresh\s*=.*$", "refresh = %s" % refresh, text)
    if re.search(r"(?m)^request_timeout\s*=", text):
        text = re.sub(r"(?m)^request_timeout\s*=.*$", "request_timeout = %s" % timeout, text)
    else:
        text = text.replace("[console]\n", "[console]\nrequest_timeout = %s\n" % timeout, 1)
    fast = os.path.join(sim.dir, "fast.conf")
    with open(fast, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(fast, 0o600)
    return fast


def measure(scr, samples):
    """Type unique strings; the time from send-keys to the first capture
    showing each on the prompt line, in ms."""
    out = []
    for i in range(samples):
        token = "zq%02dx" % i
        t0 = time.monotonic()
        scr.type(token)
        while True:
            if token in scr.prompt():
                out.append((time.monotonic() - t0) * 1000.0)
                break
            if time.monotonic() - t0 > 5:
                out.append(float("inf"))
                break
        scr.key("C-c")
        deadline = time.monotonic() + 2
        while token in scr.prompt() and time.monotonic() < deadline:
            pass
    return out


def test_keys_echo_at_once_while_a_region_hangs():
    need_tmux()
    with Sim("demo", time_scale=60) as sim:
        with Screen(["--config", fast_config(sim)]) as scr:
            scr.wait_for(lambda t: site_pane_titles(t).get("eastus") == "PRIMARY", timeout=20)
            base = measure(scr, 5)
            sim.fault(kind="hang", site="eastus")
            scr.line("refresh")  # a poll now walks into the hang
            time.sleep(0.5)
            lat = measure(scr, SAMPLES)
            tap.diag("echo latency, healthy (ms): %s" % " ".join("%.1f" % x for x in base))
            tap.diag("echo latency, eastus hanging (ms): %s" % " ".join("%.1f" % x for x in lat))
            tap.diag("hanging: min %.1f median %.1f max %.1f ms (each includes a tmux send-keys and "
                     "capture-pane round trip)" % (min(lat), statistics.median(lat), max(lat)))
            tap.lt(max(lat), LIMIT_MS, "every keystroke echoed within %.0f ms while eastus hangs" % LIMIT_MS,
                   samples=lat)
            sim.clear_faults()


def test_hung_region_is_marked_stale():
    need_tmux()
    with Sim("demo", time_scale=60) as sim:
        with Screen(["--config", fast_config(sim)]) as scr:
            scr.wait_for(lambda t: site_pane_titles(t).get("eastus") == "PRIMARY", timeout=20)
            sim.fault(kind="hang", site="eastus")
            t0 = time.monotonic()
            text = scr.wait_for(re.compile(r"stale \d+(s|m\d\ds)"), timeout=45)
            tap.diag("stale marker after %.1f s (refresh 2s: stale after 6 s)" % (time.monotonic() - t0))
            tap.ok(re.search(r"(\u26a0|!) (STALE|stale)", text), "a stale marker with its symbol", screen=text)
            # The age keeps growing: the screen redraws while the poller waits.
            m1 = re.search(r"stale (\d+)s", text)
            if m1:
                later = scr.wait_for(lambda t: re.search(r"stale (\d+)s", t) and
                                     int(re.search(r"stale (\d+)s", t).group(1)) > int(m1.group(1)), timeout=5)
                tap.ok(later, "the stale age counts up")
            scr.type("still typing")
            scr.wait_for(lambda t: "still typing" in scr.prompt(), timeout=1)
            sim.clear_faults()


if __name__ == "__main__":
    tap.main()
