"""`make run`'s launcher: web server and task worker together, and Ctrl-C stops all of it."""

import os
import signal
import socket
import subprocess
import sys

import psutil
import pytest
from django.conf import settings
from django.db import connection

from accounts import demo
from momento import embedded_db
from tests.servers import ROOT, free_port, get, wait_until_healthy


def launcher_env(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": embedded_db.url_for(connection.settings_dict),
        "MEDIA_ROOT": settings.MEDIA_ROOT,  # the demo's photos go to the tests' folder
        "PORT": str(port),
    }


@pytest.fixture(autouse=True)
def _empty_task_tables_afterwards():
    # The launcher's demo world queues real jobs (follow emails), which flushing the database
    # between transactional tests leaves behind.
    yield
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_events CASCADE")


@pytest.mark.django_db(transaction=True)
def test_launcher_serves_the_demo_world_runs_the_worker_and_stops_everything_on_ctrl_c(tmp_path):
    port = free_port()
    # A file, not a pipe: nobody reads a pipe while the test waits, and once the worker has
    # printed 64 KB of demo emails into it, the web server blocks on its next log line.
    log_path = tmp_path / "launcher.log"
    with log_path.open("w") as log:  # the launcher keeps its own copy open
        launcher = subprocess.Popen(
            [sys.executable, "-m", "momento.dev"],
            cwd=ROOT,
            env=launcher_env(port),
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_until_healthy(port, timeout=90)
        status, html = get(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert "Small gatherings, well matched." in html

        processes = psutil.Process(launcher.pid).children(recursive=True)
        commands = [" ".join(p.cmdline()) for p in processes]
        assert any("runserver" in c for c in commands), commands
        assert any("procrastinate worker" in c for c in commands), commands
    finally:
        os.killpg(launcher.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        launcher.wait(timeout=60)
        output = log_path.read_text()

    assert launcher.returncode == 0, output
    assert "Momento stopped." in output
    for role, email in demo.LOGINS.items():
        assert f"{role:<12} {email}" in output
    assert not [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.django_db(transaction=True)
def test_launcher_stops_everything_and_fails_when_the_web_server_cannot_start():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "momento.dev"],
            cwd=ROOT,
            env=launcher_env(port),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "the web server exited unexpectedly" in result.stdout
