"""The outside checkers the harnesses run: the Nu HTML checker and axe-core (both from npm,
pinned in package-lock.json and installed by `make test`).

The Nu checker runs as its own small web server, one per test process, started the first time
a test needs it and stopped when the process ends: a JVM start costs seconds of CPU, a document
checked by a running checker a few milliseconds. It reports the same errors as
`java -jar vnu.jar --errors-only` (tests/harness/test_checkers.py compares the two)."""

import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.servers import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# C1 only: most of a JVM's CPU on a 2-core machine goes to optimising code it runs for seconds;
# the checker's RELAX NG evaluation then recurses deeper, hence the larger thread stacks.
JAVA_OPTIONS = ["-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
START_TIMEOUT = 300  # seconds; a loaded shared machine starts a JVM slowly
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for 127.0.0.1


def java() -> str:
    return shutil.which("java") or "java"


class NuChecker:
    """The Nu checker's web service (`nu.validator.servlet.Main <port>`) on 127.0.0.1."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.log = None
        self._lock = threading.Lock()
        self._ready = False

    def start(self) -> None:
        """Start the server if it is not running; returns at once (see `url`)."""
        with self._lock:
            if self.process is not None and self.process.poll() is None:
                return
            assert VNU_JAR.exists(), "run `make test` (npm ci) to install the Nu HTML checker"
            if self.log is None:
                atexit.register(self.stop)
            else:
                self.log.close()
            self.port = _free_port()
            self.log = tempfile.TemporaryFile()  # noqa: SIM115 (kept open while it runs)
            self._ready = False
            self.process = subprocess.Popen(
                [java(), *JAVA_OPTIONS, "-Dnu.validator.servlet.bind-address=127.0.0.1"]
                + ["-cp", str(VNU_JAR), "nu.validator.servlet.Main", str(self.port)],
                stdout=self.log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
            )

    def url(self) -> str:
        """The service's address, once it answers."""
        self.start()
        if not self._ready:
            deadline = time.monotonic() + START_TIMEOUT
            while not self._answers():
                assert self.process.poll() is None, f"the Nu checker exited:\n{self._log_tail()}"
                assert time.monotonic() < deadline, (
                    f"the Nu checker did not start:\n{self._log_tail()}"
                )
                time.sleep(0.2)
            self._ready = True
        return f"http://127.0.0.1:{self.port}/"

    def check(self, html: str) -> list[dict]:
        """The checker's messages about one document."""
        request = urllib.request.Request(
            self.url() + "?out=json&level=error",
            data=html.encode(),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with _direct.open(request, timeout=120) as response:
            return json.load(response)["messages"]

    def stop(self) -> None:
        with self._lock:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
            if self.log is not None:
                self.log.close()
                self.log = None

    def _answers(self) -> bool:
        try:
            with _direct.open(f"http://127.0.0.1:{self.port}/", timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def _log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]


def _free_port() -> int:
    """A free port in 19100-19999, a hundred per xdist worker, apart from tests.servers' range."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    first = 19100 + 100 * (worker % 9)
    for port in range(first, first + 100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the Nu checker")


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, even killed (Linux prctl)."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


nu_checker = NuChecker()


def start_html_checker() -> None:
    """Start the checker now, for a test that will need it later: the JVM starts meanwhile."""
    nu_checker.start()


def validate_html(documents: dict[str, str]) -> dict[str, list[str]]:
    """Validate documents with the running checker; returns the errors of each name."""
    errors: dict[str, list[str]] = {}
    for name, html in documents.items():
        for message in nu_checker.check(html):
            if message.get("type") in ("error", "non-document-error"):
                where = f"line {message.get('lastLine', '?')}"
                errors.setdefault(name, []).append(f"{where}: {message['message']}")
    return errors


def validate_html_with_the_command_line(documents: dict[str, str]) -> dict[str, list[str]]:
    """The same check by `java -jar vnu.jar --errors-only`, one JVM per call: what
    validate_html must agree with (tests/harness/test_checkers.py)."""
    assert VNU_JAR.exists(), "run `make test` (npm ci) to install the Nu HTML checker"
    names = {}
    with tempfile.TemporaryDirectory() as folder:
        for i, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"{i}.html"
            path.write_text(html)
            names[path.name] = name
        result = subprocess.run(
            [java(), *JAVA_OPTIONS, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
            + [str(Path(folder) / n) for n in names],
            capture_output=True,
            text=True,
            timeout=300,
        )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
        url = message.get("url", "?")
        name = names.get(url.rsplit("/", 1)[-1], url)
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(f"{where}: {message['message']}")
    return errors


def axe_violations(page, *, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core in a Playwright page; the violations at the given impact levels. The browser
    fixtures load axe into every page as an init script, which the page's CSP does not block."""
    assert page.evaluate("typeof window.axe !== 'undefined'"), "axe-core is not in the page"
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html']})"
        for v in results["violations"]
        if v["impact"] in impacts
    ]
