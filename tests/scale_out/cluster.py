"""Two app servers and two workers on one PostgreSQL, started from the Procfile by honcho as a
platform would, and a small HTTP client that talks to them through a pretend TLS proxy."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.servers import ROOT, free_port, wait_until_healthy

SECRET_KEY = "scale-out-x7!Kq2vLm9#Rt4pZw8@Nc3$Hy6^Jb1&Fd5*Gs0(Ue2)Ao7-Ei9+Wr3=Tn8_Yk4"
BIN = Path(sys.executable).parent
PUBLIC_HOST = "momento.example"


def two_free_ports() -> int:
    """A port P with P + 1 free too: honcho numbers web.1 and web.2 from one base port."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as first, socket.socket() as second:
            try:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two free ports in a row")


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    """A Redis of the test's own, on a free port, keeping nothing on disk: no other test (nor
    anyone else's Redis) shares its keys. `make test` installs Debian's redis-server."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: `make system-deps` installs it"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"redis://127.0.0.1:{port}/0"
        assert process.poll() is None, "redis-server exited"
        assert time.monotonic() < deadline, "redis-server did not listen in 30 s"
        time.sleep(0.05)


def production_env(**extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "PORT", "HOST", "DEBUG", "REDIS_URL"}
    }
    return {
        **base,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "tests.scale_out.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",  # the public name; the health checks'
        "SITE_URL": f"https://{PUBLIC_HOST}",
        "HOST": "127.0.0.1",
        # One process of four threads per server: two servers still race, and seven Python
        # processes would take long to start on a two-core machine.
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        **extra,
    }


@dataclass
class Cluster:
    ports: tuple[int, int]
    log: Path
    email_dir: Path
    honcho: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        with self.log.open("w") as log:
            self.honcho = subprocess.Popen(
                [
                    str(BIN / "honcho"),
                    "--no-colour",
                    "start",
                    "--procfile",
                    str(ROOT / "Procfile"),
                    "--app-root",
                    str(ROOT),
                    "--port",
                    str(self.ports[0]),
                    "--concurrency",
                    "web=2,worker=2",
                    "web",
                    "worker",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            for port in self.ports:
                wait_until_healthy(port, timeout=60)
        except AssertionError:
            self.stop()
            raise AssertionError(self.log.read_text()[-5000:]) from None

    def stop(self) -> None:
        if self.honcho is None:
            return
        # What a platform does at a deploy: SIGTERM, then a grace period. honcho passes it on.
        os.killpg(self.honcho.pid, signal.SIGTERM)
        try:
            self.honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.honcho.pid, signal.SIGKILL)
            self.honcho.wait()
        self.honcho = None

    def emails_to(self, address: str) -> list[str]:
        messages = [path.read_text() for path in sorted(self.email_dir.glob("*.log"))]
        return [m for m in messages if f"To: {address}" in m]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Browser:
    """One person's browser: its cookies, sent to whichever server it asks, over the HTTPS a
    proxy in front of the servers terminates (X-Forwarded-Proto), with the CSRF token htmx
    would send."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, data=None, *, htmx=False) -> Response:
        # Both servers behind one load balancer: the same public host name for either.
        headers = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(data or {})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{PUBLIC_HOST}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read().decode())
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, port: int, path: str, **kwargs) -> Response:
        return self.request(port, "GET", path, **kwargs)

    def post(self, port: int, path: str, data=None, **kwargs) -> Response:
        return self.request(port, "POST", path, data, **kwargs)

    def log_in(self, port: int, email: str, password: str) -> Response:
        self.get(port, "/accounts/login/")  # the CSRF cookie
        return self.post(port, "/accounts/login/", {"login": email, "password": password})
