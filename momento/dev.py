"""`make run`: database, migrations, demo world, web server and task worker in one command.

Ctrl-C (or SIGTERM) stops the web server and the worker, then the embedded PostgreSQL stops as
this process exits: nothing is left running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "momento.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()  # joins or starts the embedded PostgreSQL when DATABASE_URL is unset

    from accounts import demo
    from momento import embedded_db

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", verbosity=0)

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if not os.environ.get("DATABASE_URL"):
        # Children connect to the server this process owns instead of joining it themselves.
        env["DATABASE_URL"] = embedded_db.url_for(settings.DATABASES["default"])

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    # Installed before the children start, so Ctrl-C can never orphan one of them.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    address = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
    manage = [sys.executable, "manage.py"]
    children = {
        "web server": subprocess.Popen(
            [*manage, "runserver", address], env=env, start_new_session=True
        ),
        "task worker": subprocess.Popen(
            [*manage, "procrastinate", "worker"], env=env, start_new_session=True
        ),
    }

    print(f"\nMomento is running at http://{address}/  (Ctrl-C stops everything)")
    print(f"Demo log-ins, password {demo.DEMO_PASSWORD!r}:")
    from payments import demo as payments_demo

    for role, email in {**demo.LOGINS, **payments_demo.logins()}.items():
        print(f"  {role:<12} {email}")
    print("Emails (verification links included) are printed by the task worker.\n", flush=True)

    while not stopping and all(child.poll() is None for child in children.values()):
        time.sleep(0.2)
    died = [name for name, child in children.items() if child.poll() is not None]

    for child in children.values():
        _stop_group(child)
    if died and not stopping:
        print(f"Momento stopped: the {died[0]} exited unexpectedly.", flush=True)
        return 1
    print("Momento stopped.", flush=True)
    return 0


def _stop_group(child: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a child and everything it started (runserver's autoreloader has a child of its own)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            return
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            continue
        # The group leader is gone; make sure its own children are too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        return


if __name__ == "__main__":
    sys.exit(main())
