"""A tiny TAP producer for the integration tests (standard library only).

A test file is a list of functions named ``test_*``; each runs once and
produces one TAP line, in the order the functions are defined:

    import tap

    def test_something(sim):
        tap.eq(sim.state()["kind"], "sqldb", "the demo is a SQL Database pair")

    if __name__ == "__main__":
        tap.main(fixture=...)

``fixture`` is a callable that takes the test function and returns a context
manager whose value is passed as the test's only argument (functions that
take no argument get none).  Results:

* the function returns: ``ok N - name``
* an assertion fails (plain ``assert`` or one of the helpers below): ``not ok
  N - name`` followed by a YAML-ish diagnostic as ``# `` lines (message, the
  values compared, where)
* any other exception: ``not ok`` with the traceback as ``# `` lines
* ``raise tap.Skip(why)``: ``ok N - name # SKIP why``
* a function decorated with ``@tap.todo(why)``: ``not ok N - name # TODO why``
  when it fails (the harness counts it as an expected failure) and
  ``ok N - name # TODO why`` when it passes (an unexpected pass, which the
  automake driver reports, so the marker gets removed once the bug is fixed).

The plan ``1..N`` is printed at the end; the exit status is 1 when any test
failed (TODO failures excepted), else 0.  Each test also runs under a
watchdog (``TAP_TEST_TIMEOUT`` seconds, default 30) so a file never hangs.
"""

import inspect
import os
import pprint
import signal
import sys
import time
import traceback

__all__ = [
    "Failure", "Skip", "TestTimeout", "fail", "ok", "eq", "ne", "is_in", "not_in",
    "ge", "le", "gt", "lt", "match_type", "todo", "main", "diag",
]


class Failure(AssertionError):
    """An assertion that failed, with the values to show in the diagnostic."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class Skip(Exception):
    """Raise to skip the current test with a reason."""


class TestTimeout(Exception):
    """The per-test watchdog fired."""


# ---- assertion helpers ------------------------------------------------------

def fail(message, **details):
    raise Failure(message, **details)


def ok(cond, message, **details):
    if not cond:
        raise Failure(message, **details)
    return cond


def eq(got, expected, message, **details):
    if got != expected:
        raise Failure(message, got=got, expected=expected, **details)
    return got


def ne(got, unexpected, message, **details):
    if got == unexpected:
        raise Failure(message, got=got, unexpected=unexpected, **details)
    return got


def is_in(item, container, message, **details):
    if item not in container:
        raise Failure(message, wanted=item, within=container, **details)
    return item


def not_in(item, container, message, **details):
    if item in container:
        raise Failure(message, unwanted=item, within=container, **details)
    return item


def ge(got, bound, message, **details):
    if not got >= bound:
        raise Failure(message, got=got, at_least=bound, **details)
    return got


def le(got, bound, message, **details):
    if not got <= bound:
        raise Failure(message, got=got, at_most=bound, **details)
    return got


def gt(got, bound, message, **details):
    if not got > bound:
        raise Failure(message, got=got, above=bound, **details)
    return got


def lt(got, bound, message, **details):
    if not got < bound:
        raise Failure(message, got=got, below=bound, **details)
    return got


def match_type(value, types, message, **details):
    if not isinstance(value, types):
        raise Failure(message, got=value, got_type=type(value).__name__,
                      expected_type=getattr(types, "__name__", str(types)), **details)
    return value


def todo(reason):
    """Mark a test as blocked by a known bug: failures become TODO."""
    def mark(fn):
        fn.tap_todo = reason
        return fn
    return mark


# ---- output -----------------------------------------------------------------

def _emit(line=""):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def diag(text):
    """Write text as TAP comment lines."""
    for line in str(text).splitlines() or [""]:
        _emit("# " + line)


def _short(value, limit=1500):
    text = value if isinstance(value, str) else pprint.pformat(value, width=100)
    if len(text) > limit:
        text = text[:limit] + "... (%d more characters)" % (len(text) - limit)
    return text


def _yaml_block(fields):
    diag("  ---")
    for key, value in fields:
        text = _short(value)
        if "\n" in text:
            diag("  %s: |" % key)
            for line in text.splitlines():
                diag("    " + line)
        else:
            diag("  %s: %s" % (key, text))
    diag("  ...")


def _where(tb):
    """The innermost frame of the traceback that is not in this module."""
    frames = [f for f in traceback.extract_tb(tb) if os.path.abspath(f.filename) != os.path.abspath(__file__)]
    if not frames:
        return None
    f = frames[-1]
    return "%s:%d in %s: %s" % (os.path.basename(f.filename), f.lineno, f.name, (f.line or "").strip())


def _report_failure(exc, tb):
    if isinstance(exc, Failure):
        fields = [("message", exc.message)]
        fields.extend(exc.details.items())
        where = _where(tb)
        if where:
            fields.append(("at", where))
        _yaml_block(fields)
    elif isinstance(exc, AssertionError):
        fields = [("message", str(exc) or "assertion failed")]
        where = _where(tb)
        if where:
            fields.append(("at", where))
        _yaml_block(fields)
    else:
        fields = [("error", "%s: %s" % (type(exc).__name__, exc))]
        where = _where(tb)
        if where:
            fields.append(("at", where))
        _yaml_block(fields)
        diag("".join(traceback.format_exception(type(exc), exc, tb)).rstrip())


# ---- running ----------------------------------------------------------------

def _collect(namespace):
    tests = [v for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    tests.sort(key=lambda f: (getattr(f, "__code__", None) and f.__code__.co_firstlineno) or 0)
    return tests


def _wants_argument(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return len(params) > 0


class _NullContext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _on_alarm(signum, frame):
    raise TestTimeout("the test ran longer than its watchdog allows (TAP_TEST_TIMEOUT)")


def main(fixture=None, tests=None, namespace=None):
    """Run the tests (by default every test_* function of the caller's
    module), print TAP, and exit 0 or 1."""
    if tests is None:
        if namespace is None:
            namespace = inspect.stack()[1].frame.f_globals
        tests = _collect(namespace)
    only = os.environ.get("TAP_ONLY")
    if only:
        wanted = set(only.split(","))
        tests = [t for t in tests if t.__name__ in wanted]
    timeout = float(os.environ.get("TAP_TEST_TIMEOUT", "30"))
    old_alarm = signal.signal(signal.SIGALRM, _on_alarm)
    failed = 0
    started = time.monotonic()
    doc = (namespace or {}).get("__doc__") if namespace else None
    if doc:
        diag(doc.strip().splitlines()[0])
    number = 0
    try:
        for fn in tests:
            number += 1
            name = fn.__name__
            todo_reason = getattr(fn, "tap_todo", None)
            t0 = time.monotonic()
            outcome, exc, tb = "pass", None, None
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                ctx = fixture(fn) if (fixture and _wants_argument(fn)) else _NullContext()
                with ctx as arg:
                    if _wants_argument(fn):
                        fn(arg)
                    else:
                        fn()
            except Skip as e:
                outcome, exc = "skip", e
            except (KeyboardInterrupt, SystemExit) as e:
                # interrupted (^C, or SIGTERM turned into SystemExit by simharness): stop here
                signal.setitimer(signal.ITIMER_REAL, 0)
                _emit("not ok %d - %s" % (number, name))
                diag("interrupted: %s" % (type(e).__name__,))
                _emit("Bail out! interrupted")
                sys.exit(1)
            except BaseException as e:  # noqa: B902 -- every failure becomes not ok
                outcome, exc, tb = "fail", e, e.__traceback__
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            elapsed = time.monotonic() - t0
            if outcome == "skip":
                _emit("ok %d - %s # SKIP %s" % (number, name, exc))
            elif outcome == "pass":
                if todo_reason:
                    _emit("ok %d - %s # TODO %s" % (number, name, todo_reason))
                else:
                    _emit("ok %d - %s" % (number, name))
            else:
                if todo_reason:
                    _emit("not ok %d - %s # TODO %s" % (number, name, todo_reason))
                else:
                    _emit("not ok %d - %s" % (number, name))
                    failed += 1
                _report_failure(exc, tb)
            if elapsed > 5:
                diag("%s took %.1f s" % (name, elapsed))
    finally:
        signal.signal(signal.SIGALRM, old_alarm)
    _emit("1..%d" % number)
    diag("%d test(s), %d failed, %.2f s" % (number, failed, time.monotonic() - started))
    sys.exit(1 if failed else 0)
