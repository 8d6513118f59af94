"""Helpers for tests that start the app as its own process."""

import os
import socket
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free port in 18100-18999; each xdist worker searches its own hundred so two tests
    running at once never pick the same one."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    first = 18100 + 100 * (worker % 9)
    for port in range(first, first + 100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def wait_until_healthy(port: int, timeout: float) -> None:
    """Wait for the app on `port` to answer /health/ with 200, or fail the test."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if get(f"http://127.0.0.1:{port}/health/")[0] == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"nothing answered on port {port} in {timeout} s"
        time.sleep(0.2)
