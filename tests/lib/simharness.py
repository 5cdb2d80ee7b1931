"""Start and stop ssisdr-sim for an integration test, and talk to it.

    with Sim("demo") as sim:
        status, headers, text, body = sim.arm("GET", sim.ir_path("eastus"))

Sim(scenario, time_scale=60, pairs=1, extra_args=()) makes a temporary
directory, starts ``ssisdr-sim --scenario S --listen 127.0.0.1:0 --dir D
--time-scale N [--pairs P]`` with stdout piped, and reads exactly the first
line (10 s at most): ``ssisdr-sim ready http://127.0.0.1:PORT``.  On exit it
sends SIGTERM, waits up to 5 s, then SIGKILLs, checks that the process is
gone and removes the directory.  Every simulator started here is also
stopped by an atexit hook (and on SIGTERM/SIGHUP of the test), and asked to
die with its parent (PR_SET_PDEATHSIG), so no test leaves one behind.

Every HTTP call has a timeout (10 s unless a test passes another) and goes
straight to the loopback address (proxies are disabled).

Paths come from the environment the automake harness sets:
SSISDR_TOP_BUILDDIR (the simulator is $SSISDR_TOP_BUILDDIR/sim/ssisdr-sim and
the ODBC client $SSISDR_TOP_BUILDDIR/tests/odbc-query) and SSISDR_TOP_SRCDIR.
"""

import atexit
import ctypes
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("SSISDR_TOP_SRCDIR") or os.path.dirname(os.path.dirname(HERE))
TOP_BUILDDIR = os.environ.get("SSISDR_TOP_BUILDDIR") or TOP_SRCDIR
SIM_BIN = os.path.join(TOP_BUILDDIR, "sim", "ssisdr-sim")
ODBC_BIN = os.path.join(TOP_BUILDDIR, "tests", "odbc-query")
SCENARIO_DIR = os.path.join(TOP_SRCDIR, "assets", "scenarios")
FIXTURES = os.path.join(TOP_SRCDIR, "tests", "fixtures")

API_ADF = "2018-06-01"
API_SQL = "2025-01-01"
HTTP_TIMEOUT = 10.0
READY_TIMEOUT = 10.0
READY_RE = re.compile(r"^ssisdr-sim ready (http://127\.0\.0\.1:(\d+))\n$")

_DEFAULT = object()
_live = set()


class SimError(Exception):
    """The simulator did not start, or did not stop, as it should."""


# ---- small helpers ------------------------------------------------------------

class Headers(dict):
    """Response headers with case-insensitive lookup (keys stored lower case)."""

    def __init__(self, pairs=()):
        super().__init__()
        for k, v in pairs:
            k = k.lower()
            if k in self:
                super().__setitem__(k, self[k] + ", " + v)
            else:
                super().__setitem__(k, v)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return super().__contains__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)


class Rows(list):
    """Rows printed by odbc-query; .columns holds the header's names and
    .affected the count of a non-query (else None)."""

    columns = ()
    affected = None


def wait_until(predicate, timeout=5.0, interval=0.05):
    """Call predicate until it returns a true value (returned) or timeout
    seconds pass (returns the last, false, value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def _no_redirects():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())


_OPENER = _no_redirects()


def http(method, url, body=None, headers=None, timeout=HTTP_TIMEOUT):
    """One HTTP request. body: bytes, str, or an object sent as JSON.
    Returns (status, Headers, text, json_or_None)."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        if isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
    elif method in ("POST", "PUT", "PATCH"):
        data = b""
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        resp = _OPENER.open(req, timeout=timeout)
    except urllib.error.HTTPError as e:
        resp = e
    with resp:
        raw = resp.read()
        status = resp.status if hasattr(resp, "status") else resp.code
        rh = Headers(resp.headers.items())
    text = raw.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text) if text.strip() else None
    except ValueError:
        parsed = None
    return status, rh, text, parsed


def _pdeathsig():
    """In the child: die with SIGTERM when the test process dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 -- best effort only
        pass


def run_cli(args, timeout=5.0, env=None):
    """Run ssisdr-sim with args, expecting it to exit by itself.
    Returns (returncode, stdout, stderr); returncode is None when it was
    still running after `timeout` seconds (it is killed then)."""
    proc = subprocess.Popen([SIM_BIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, preexec_fn=_pdeathsig, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate(timeout=5)
        return None, out.decode(errors="replace"), err.decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def odbc(connstr, sql, *params, timeout_ms=5000, timeout=15.0):
    """Run one statement through tests/odbc-query.
    Returns (rc, Rows, stderr)."""
    argv = [ODBC_BIN]
    if timeout_ms:
        argv += ["--timeout-ms", str(int(timeout_ms))]
    argv += [connstr, sql] + [str(p) for p in params]
    try:
        cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return None, Rows(), "odbc-query did not finish within %.0f s: %s" % (timeout, e)
    rows = Rows()
    for line in cp.stdout.decode(errors="replace").splitlines():
        if line.startswith("# rows affected:"):
            rows.affected = int(line.split(":", 1)[1])
        elif line.startswith("#"):
            rows.columns = tuple(line[1:].split("\t"))
        else:
            rows.append(line.split("\t"))
    return cp.returncode, rows, cp.stderr.decode(errors="replace")


def scenario_text(name):
    with open(os.path.join(SCENARIO_DIR, name + ".scn"), encoding="utf-8") as f:
        return f.read()


def write_scenario(directory, name, text):
    """Write a scenario file into directory; returns its path."""
    path = os.path.join(directory, name + ".scn")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def set_scenario_key(text, key, value, section="scenario"):
    """Set key = value in [section] of a scenario text (replacing or adding)."""
    out, cur, done = [], None, False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^\s*\[(.+)\]\s*$", line)
        if m:
            if cur == section and not done:
                out.append("%s = %s" % (key, value))
                done = True
            cur = m.group(1)
        elif cur == section and re.match(r"^\s*%s\s*=" % re.escape(key), line):
            if not done:
                out.append("%s = %s" % (key, value))
                done = True
            continue
        out.append(line)
    if not done:
        if cur == section:
            out.append("%s = %s" % (key, value))
        else:
            out += ["", "[%s]" % section, "%s = %s" % (key, value)]
    return "\n".join(out) + "\n"


# ---- the simulator ------------------------------------------------------------

class Sim:
    def __init__(self, scenario="demo", time_scale=60, pairs=1, extra_args=(), env=None, cwd=None):
        self.scenario = scenario
        self.time_scale = time_scale
        self.pairs = pairs
        self.extra_args = tuple(extra_args)
        self.env = env
        self.cwd = cwd
        self.proc = None
        self.rest_of_stdout = b""
        self.dir = None
        self.url = None
        self.ready_line = None
        self.returncode = None
        self._stderr = None
        self._token = None
        self._state = None

    # -- life cycle --

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.stop()
        finally:
            self.cleanup()
        return False

    def argv(self):
        args = [SIM_BIN, "--scenario", self.scenario, "--listen", "127.0.0.1:0", "--dir", self.dir,
                "--time-scale", str(self.time_scale)]
        if self.pairs != 1:
            args += ["--pairs", str(self.pairs)]
        return args + list(self.extra_args)

    def start(self):
        if not os.access(SIM_BIN, os.X_OK):
            raise SimError("%s is not built (set SSISDR_TOP_BUILDDIR)" % SIM_BIN)
        self.dir = tempfile.mkdtemp(prefix="ssisdr-sim-test.")
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.argv(), stdout=subprocess.PIPE, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL, preexec_fn=_pdeathsig, env=self.env,
                                     cwd=self.cwd)
        _live.add(self)
        try:
            line = self._read_first_line(READY_TIMEOUT)
            m = READY_RE.match(line)
            if not m:
                raise SimError("expected 'ssisdr-sim ready http://127.0.0.1:PORT', got %r; stderr: %s"
                               % (line, self.stderr_text()))
        except BaseException:
            self.stop(check=False)
            self.cleanup()
            raise
        self.ready_line = line
        self.url = m.group(1)
        return self

    def _read_first_line(self, timeout):
        fd = self.proc.stdout.fileno()
        buf = b""
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SimError("no ready line within %.0f s (got %r); stderr: %s"
                                   % (timeout, buf, self.stderr_text()))
                if not sel.select(left):
                    continue
                chunk = os.read(fd, 1)  # one byte at a time: read exactly the first line
                if not chunk:
                    self.proc.wait(timeout=5)
                    raise SimError("ssisdr-sim exited with status %s before it was ready (stdout %r); stderr: %s"
                                   % (self.proc.returncode, buf, self.stderr_text()))
                buf += chunk
        return buf.decode(errors="replace")

    def stderr_text(self):
        if not self._stderr:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM, grace=5.0, check=True):
        """Stop the simulator; returns (returncode, seconds it took).
        Raises SimError (when check) if it had to be killed."""
        if self.proc is None:
            return self.returncode, 0.0
        t0 = time.monotonic()
        killed = False
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                killed = True
                self.proc.kill()
                self.proc.wait(timeout=5)
        elapsed = time.monotonic() - t0
        self.returncode = self.proc.returncode
        alive = self.proc.poll() is None
        _live.discard(self)
        if self.proc.stdout:
            self.rest_of_stdout = self.proc.stdout.read() if not alive else b""
            self.proc.stdout.close()
        self.proc = None
        if alive:
            raise SimError("ssisdr-sim would not exit")
        if check and killed:
            raise SimError("ssisdr-sim ignored signal %d for %.0f s and was killed" % (sig, grace))
        return self.returncode, elapsed

    def cleanup(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        if self._stderr:
            self._stderr.close()
            self._stderr = None

    # -- HTTP --

    def abs_url(self, path_or_url):
        if path_or_url.startswith("http://") or path_or_url.startswith("https://"):
            return path_or_url
        return urllib.parse.urljoin(self.url + "/", path_or_url)

    def request(self, method, path_or_url, body=None, headers=None, timeout=HTTP_TIMEOUT):
        return http(method, self.abs_url(path_or_url), body=body, headers=headers, timeout=timeout)

    def control(self, method, path, body=None, timeout=HTTP_TIMEOUT):
        """A /_sim/ call; returns (status, json_or_None, text)."""
        status, _, text, parsed = self.request(method, "/_sim/" + path.lstrip("/"), body=body, timeout=timeout)
        return status, parsed, text

    def state(self):
        status, parsed, text = self.control("GET", "state")
        if status != 200 or not isinstance(parsed, dict):
            raise SimError("GET /_sim/state: %s %s" % (status, text[:500]))
        self._state = parsed
        return parsed

    def cached_state(self):
        return self._state or self.state()

    def token_request(self, tenant=None, client_id=None, secret=None, scope=None, grant_type="client_credentials",
                      extra=None, raw=None):
        """POST the token endpoint with the state's credentials, overridden by
        the arguments; returns (status, headers, text, json)."""
        cred = self.cached_state()["credentials"]
        form = {
            "grant_type": grant_type,
            "client_id": cred["client_id"] if client_id is None else client_id,
            "client_secret": cred["client_secret"] if secret is None else secret,
            "scope": (self.url + "/.default") if scope is None else scope,
        }
        form.update(extra or {})
        body = raw if raw is not None else urllib.parse.urlencode(form)
        tenant = cred["tenant_id"] if tenant is None else tenant
        return self.request("POST", "/%s/oauth2/v2.0/token" % tenant, body=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def token(self, fresh=False):
        """A bearer token for ARM (cached unless fresh)."""
        if self._token and not fresh:
            return self._token
        status, _, text, parsed = self.token_request()
        if status != 200 or not parsed or "access_token" not in parsed:
            raise SimError("token endpoint: %s %s" % (status, text[:500]))
        self._token = parsed["access_token"]
        return self._token

    def arm(self, method, path_or_url, token=_DEFAULT, body=None, headers=None, api_version=_DEFAULT,
            timeout=HTTP_TIMEOUT):
        """An ARM call. token: default a fresh-enough cached token, None for no
        Authorization header, or a string. api_version: default by provider
        (unless the URL already has one), None for none.
        Returns (status, headers, body_text, json_or_None)."""
        url = self.abs_url(path_or_url)
        if api_version is _DEFAULT:
            if "api-version=" in url:
                api_version = None
            elif "/microsoft.sql/" in url.lower():
                api_version = API_SQL
            else:
                api_version = API_ADF
        if api_version is not None:
            url += ("&" if "?" in url else "?") + "api-version=" + urllib.parse.quote(api_version)
        hdrs = dict(headers or {})
        if token is _DEFAULT:
            token = self.token()
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        return http(method, url, body=body, headers=hdrs, timeout=timeout)

    def fault(self, **spec):
        """POST /_sim/fault; raises unless the fault was accepted (201)."""
        status, parsed, text = self.control("POST", "fault", body=spec)
        if status != 201:
            raise SimError("POST /_sim/fault %r: %s %s" % (spec, status, text[:500]))
        return parsed

    def faults(self):
        status, parsed, text = self.control("GET", "fault")
        if status != 200:
            raise SimError("GET /_sim/fault: %s %s" % (status, text[:500]))
        return parsed

    def clear_faults(self):
        status, _, text = self.control("DELETE", "fault")
        if status not in (200, 204):
            raise SimError("DELETE /_sim/fault: %s %s" % (status, text[:500]))

    def advance(self, seconds):
        status, parsed, text = self.control("POST", "clock", body={"advance": seconds})
        if status != 200:
            raise SimError("POST /_sim/clock: %s %s" % (status, text[:500]))
        return parsed

    def requests(self):
        status, parsed, text = self.control("GET", "requests")
        if status != 200:
            raise SimError("GET /_sim/requests: %s %s" % (status, text[:500]))
        return parsed

    def odbc(self, connstr, sql, *params, timeout_ms=5000):
        return odbc(connstr, sql, *params, timeout_ms=timeout_ms)

    # -- the world, from /_sim/state --

    def site(self, name, pair=0):
        for s in self.cached_state()["pairs"][pair]["sites"]:
            if s["name"] == name:
                return s
        raise KeyError("no site %s in pair %d" % (name, pair))

    def sites(self, pair=0):
        return self.cached_state()["pairs"][pair]["sites"]

    def primary(self, pair=0, fresh=True):
        st = self.state() if fresh else self.cached_state()
        return [s for s in st["pairs"][pair]["sites"] if s["role"] == "primary"][0]

    def secondary(self, pair=0, fresh=True):
        st = self.state() if fresh else self.cached_state()
        return [s for s in st["pairs"][pair]["sites"] if s["role"] == "secondary"][0]

    def factory_path(self, site, pair=0):
        return self.site(site, pair)["factory_id"]

    def ir_path(self, site, pair=0):
        return self.site(site, pair)["ir"]["id"]

    def fog_path(self, site, pair=0):
        return self.site(site, pair)["failover_group_id"]

    def ssisdb(self, site, pair=0):
        return self.site(site, pair)["ssisdb_odbc"]

    def msdb(self, site, pair=0):
        return self.site(site, pair)["msdb_odbc"]


def _stop_all():
    for sim in list(_live):
        try:
            sim.stop(check=False)
        except Exception:  # noqa: BLE001 -- keep stopping the rest
            pass
        sim.cleanup()


atexit.register(_stop_all)


def _on_signal(signum, frame):
    _stop_all()
    raise SystemExit(128 + signum)


for _sig in (signal.SIGTERM, signal.SIGHUP):
    if signal.getsignal(_sig) in (signal.SIG_DFL, None):
        signal.signal(_sig, _on_signal)


# ---- glue for tap.main ------------------------------------------------------------

def with_sim(scenario="demo", **kwargs):
    """Decorator: the test gets a Sim(scenario, **kwargs) of its own."""
    def mark(fn):
        fn.sim_options = dict(kwargs, scenario=scenario)
        return fn
    return mark


def fixture(default_scenario="demo", **defaults):
    """A tap.main fixture: a fresh simulator per test, from the test's
    @with_sim options or the defaults."""
    def make(fn):
        opts = dict(defaults, scenario=default_scenario)
        opts.update(getattr(fn, "sim_options", {}))
        return Sim(**opts)
    return make


def main(default_scenario="demo", **defaults):
    import tap
    namespace = sys.modules["__main__"].__dict__
    tap.main(fixture=fixture(default_scenario, **defaults), namespace=namespace)
