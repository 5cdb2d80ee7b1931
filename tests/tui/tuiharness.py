"""Drive the ssisdr console inside tmux for the screen tests.

    with Screen(["--demo"]) as scr:
        scr.wait_for("PRIMARY")
        scr.type("failover")
        scr.key("Enter")

Each Screen runs its own tmux server on a private socket (tmux -L NAME -f
/dev/null), so tests never see each other's panes nor the user's tmux, and
kills that server when it is done (also from an atexit hook), so no test
leaves a process behind.  The console runs with LC_ALL=C.UTF-8 (unless the
test asks otherwise), TERM as tmux sets it, and XDG_STATE_HOME in a
temporary directory (its history never lands in the user's home).

The binary is $SSISDR_TOP_BUILDDIR/tui/ssisdr.
"""

import atexit
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("SSISDR_TOP_SRCDIR") or os.path.dirname(os.path.dirname(HERE))
TOP_BUILDDIR = os.environ.get("SSISDR_TOP_BUILDDIR") or TOP_SRCDIR
SSISDR_BIN = os.path.join(TOP_BUILDDIR, "tui", "ssisdr")
TMUX = shutil.which("tmux")

# An SGR sequence that sets a colour: 30-37/39, 40-47/49, 90-97, 100-107,
# 38;5;N / 48;5;N, 38;2;R;G;B.
SGR_RE = re.compile(r"\x1b\[([0-9;:]*)m")

_live = set()
_counter = [0]


def colour_escapes(text, defaults_too=False):
    """The SGR sequences in text that set a foreground or background colour.
    39 and 49 (back to the default colours) count only with defaults_too:
    tmux's capture-pane -e writes them after every attribute change
    whatever the program sent."""
    found = []
    for m in SGR_RE.finditer(text):
        params = [p for p in re.split(r"[;:]", m.group(1)) if p != ""]
        for p in params:
            n = int(p) if p.isdigit() else -1
            if (30 <= n <= 49 or 90 <= n <= 107) and (defaults_too or n not in (39, 49)):
                found.append(m.group(0))
                break
    return found


def overlay(text, title):
    """The text inside the box whose top border starts with "┌ TITLE" (or
    "+ TITLE"), one string per row, borders removed; None until the box is
    whole (a capture can catch a frame half drawn, as under the sanitizers)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        for corner in ("\u250c ", "+ "):
            col = line.find(corner + title)
            if col < 0:
                continue
            end = line.find("\u2510" if corner[0] == "\u250c" else "+", col + 1)
            rows = []
            for body in lines[i + 1:]:
                if body[col:col + 1] in ("\u2514", "+"):
                    return rows
                rows.append(body[col + 1:end if end > 0 else None])
            return None
    return None


class ScreenError(Exception):
    pass


class Screen:
    def __init__(self, args, width=120, height=40, env=None, binary=None, locale="C.UTF-8", record=False):
        if not TMUX:
            raise ScreenError("tmux is not installed")
        _counter[0] += 1
        self.socket = "ssisdr-tui-%d-%d-%d" % (os.getpid(), _counter[0], int(time.monotonic() * 1000) % 100000)
        self.args = list(args)
        self.width = width
        self.height = height
        self.binary = binary or SSISDR_BIN
        self.state_dir = tempfile.mkdtemp(prefix="ssisdr-tui-state.")
        self.env = {"XDG_STATE_HOME": self.state_dir, "HOME": self.state_dir}
        if locale:
            self.env["LC_ALL"] = locale
        self.env.update(env or {})
        self.unset = [k for k, v in self.env.items() if v is None]
        self.env = {k: v for k, v in self.env.items() if v is not None}
        self.started = False
        self.pid = None
        self.socket_path = None
        # record: every byte the console writes goes to this file (pipe-pane)
        self.record = os.path.join(self.state_dir, "output.raw") if record else None
        self.status_file = os.path.join(self.state_dir, "exit-status")

    # -- life cycle --

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def tmux(self, *args, check=True, timeout=10):
        cp = subprocess.run([TMUX, "-L", self.socket, "-f", "/dev/null"] + list(args),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            timeout=timeout)
        if check and cp.returncode != 0:
            raise ScreenError("tmux %s: %s" % (" ".join(args), cp.stderr.decode(errors="replace").strip()))
        return cp.stdout.decode(errors="replace")

    def command(self):
        """The shell command tmux runs: the console, then its exit status
        into a file (tmux 3.3 does not always reap a pane's process at
        once, so #{pane_dead_status} cannot be relied on)."""
        parts = []
        if self.record:
            # Wait for pipe-pane to be in place, so the recording has every byte.
            parts.append("while [ ! -e %s ]; do sleep 0.02; done;" % shlex.quote(self.record + ".go"))
        words = ["env"]
        for k in self.unset:
            words += ["-u", k]
        for k, v in sorted(self.env.items()):
            words.append("%s=%s" % (k, v))
        words.append(self.binary)
        words += self.args
        parts.append(" ".join(shlex.quote(w) for w in words) + ";")
        parts.append("echo $? > %s" % shlex.quote(self.status_file))
        return " ".join(parts)

    def console_pid(self, timeout=5.0):
        """The pid of the console (a child of the pane's shell)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open("/proc/%s/stat" % entry) as f:
                        stat = f.read()
                except OSError:
                    continue
                comm = stat[stat.find("(") + 1:stat.rfind(")")]
                ppid = int(stat[stat.rfind(")") + 2:].split()[1])
                if ppid == self.pid and comm == "ssisdr":
                    return int(entry)
            time.sleep(0.05)
        raise ScreenError("no ssisdr process under the pane's shell %s" % self.pid)

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise ScreenError("%s is not built (set SSISDR_TOP_BUILDDIR)" % self.binary)
        env = dict(os.environ)
        env.pop("TMUX", None)
        # The server starts here, with the size we want and no user config;
        # remain-on-exit keeps the exit status readable (it must be set
        # before the program can exit, hence in the same invocation).
        subprocess.run([TMUX, "-u", "-L", self.socket, "-f", "/dev/null", "start-server", ";",
                        "set-option", "-g", "remain-on-exit", "on", ";",
                        "new-session", "-d", "-x", str(self.width), "-y", str(self.height), "-s", "t",
                        self.command()],
                       check=True, env=env, stdin=subprocess.DEVNULL, timeout=10)
        self.started = True
        _live.add(self)
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}", check=False).strip()
        pid = self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}", check=False).strip()
        self.pid = int(pid) if pid.isdigit() else None
        # resize-window works with no client attached only with window-size manual
        self.tmux("set-option", "-g", "window-size", "manual", check=False)
        if self.record:
            self.tmux("pipe-pane", "-o", "-t", "t", "cat >> %s" % shlex.quote(self.record))
            with open(self.record + ".go", "w"):
                pass
        return self

    def close(self, grace=15.0):
        """Kill the tmux server (the console gets SIGHUP and restores the
        terminal), then wait for the console to be gone; SIGKILL after
        grace seconds."""
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False
            if self.socket_path and os.path.basename(self.socket_path) == self.socket:
                try:
                    os.unlink(self.socket_path)  # tmux leaves it behind
                except OSError:
                    pass
            if self.pid:
                deadline = time.monotonic() + grace
                while _alive(self.pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if _alive(self.pid):
                    try:
                        os.kill(self.pid, signal.SIGKILL)
                    except OSError:
                        pass
                    raise ScreenError("the console did not exit within %.0f s of SIGHUP" % grace)
        _live.discard(self)
        if self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
            self.state_dir = None

    # -- input --

    def type(self, text):
        """Type text literally (no key names)."""
        self.tmux("send-keys", "-t", "t", "-l", text)

    def key(self, *names):
        """Send keys by tmux name: Enter, Escape, Tab, BTab, C-c, PPage, ...
        A lone Escape is followed by a short pause, as a person's would be:
        the console tells Esc from the start of a key sequence by timing."""
        for name in names:
            self.tmux("send-keys", "-t", "t", name)
            if name == "Escape":
                time.sleep(0.1)

    def line(self, text):
        self.type(text)
        self.key("Enter")

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    # -- output --

    def capture(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"]
        if escapes:
            args.insert(1, "-e")
        return self.tmux(*args)

    def lines(self):
        return self.capture().split("\n")

    def dead(self):
        """None while the console runs, else its exit status."""
        try:
            with open(self.status_file) as f:
                text = f.read().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def wait_for(self, cond, timeout=15.0, interval=0.05):
        """Poll the screen until cond holds: a substring, a compiled regex
        or a function of the screen text. Returns the screen; raises
        ScreenError with the last screen on timeout."""
        deadline = time.monotonic() + timeout
        text = ""
        while True:
            text = self.capture()
            if self._holds(cond, text):
                return text
            if time.monotonic() >= deadline:
                raise ScreenError("timed out after %.1f s waiting for %r; the screen:\n%s"
                                  % (timeout, getattr(cond, "pattern", cond), text))
            time.sleep(interval)

    def wait_gone(self, cond, timeout=15.0, interval=0.05):
        return self.wait_for(lambda t: not self._holds(cond, t), timeout, interval)

    @staticmethod
    def _holds(cond, text):
        if isinstance(cond, str):
            return cond in text
        if hasattr(cond, "search"):
            return cond.search(text) is not None
        return cond(text)

    def wait_exit(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.dead()
            if st is not None:
                return st
            time.sleep(0.05)
        raise ScreenError("the console did not exit within %.0f s; the screen:\n%s" % (timeout, self.capture()))

    def recorded(self):
        """What the console wrote to the terminal so far (record=True)."""
        with open(self.record, "rb") as f:
            return f.read().decode("utf-8", errors="replace")

    # -- the parts of the screen --

    def footer(self):
        return self.lines()[self.height - 2]

    def prompt(self):
        return self.lines()[self.height - 1]

    def header(self):
        return self.lines()[0]


def site_pane_titles(text):
    """{'eastus': 'PRIMARY', 'westus': 'secondary'} from the pane titles."""
    roles = {}
    for m in re.finditer(r"[┌+] (\w+)(?: \([^)]*\))? [─-] (PRIMARY|secondary|\? role unknown)", text):
        roles.setdefault(m.group(1), m.group(2))
    return roles


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@atexit.register
def _kill_all():
    for s in list(_live):
        try:
            s.close()
        except Exception:  # noqa: BLE001 -- best effort at exit
            pass
