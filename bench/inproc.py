"""The benchmark's Django side, run by bench/run.py as `python -m bench.inproc <step> ...` with the
same production environment as the app server under test (DEBUG off, same SECRET_KEY and
database), so the sessions it makes are valid there.

Steps:
- `standin`: a small world in the shape `generate_world` summarises, while that command is not
  in the code base: the demo world, plus members and one big event made with the factories.
- `sessions`: one logged-in session per wrk connection for each role (member, busy member, big
  host, guest of the big event).
- `cpu`: CPU per request (median of N, time.process_time) and SQL queries per page, through
  django.test.Client against the same world.
- `explain`: EXPLAIN (ANALYZE, BUFFERS) of a page's main query.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

STANDIN_PASSWORD = "momento-demo-2026"  # the demo world's; stand-in members have no password


def standin(scale: float, summary_path: Path) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import User
    from events.factories import EventFactory, InvitationFactory
    from events.models import Event, Invitation
    from profiles.factories import SocialProfileFactory
    from profiles.models import SocialProfile

    started = time.monotonic()
    call_command("seed_demo", verbosity=0)
    members = max(20, round(40 * scale))
    with transaction.atomic():
        host = User.objects.get(username="hugo")
        event = EventFactory(
            host=host.host_profile,
            title="Bench: the big table",
            max_participants=60,
            min_participants=2,
        )
        profiles = [
            SocialProfileFactory(user__username=f"bench{n}", user__password=None)
            for n in range(members)
        ]
        for n, profile in enumerate(profiles):
            state = {0: {"confirmed": True}, 1: {}, 2: {"status": Invitation.Status.DECLINED}}
            traits = state[n % 3] if n < 150 else {}
            InvitationFactory(event=event, profile=profile, **traits)
        ana = User.objects.get(username="ana").social_profile
        InvitationFactory(event=event, profile=ana, confirmed=True)
    summary = {
        "scale": scale,
        "standin": True,
        "counts": {
            "users": User.objects.count(),
            "profiles": SocialProfile.objects.count(),
            "events": Event.objects.count(),
            "invitations": Invitation.objects.count(),
        },
        "seconds": round(time.monotonic() - started, 1),
        "password": STANDIN_PASSWORD,
        "targets": {
            "big_event_id": str(event.pk),
            "big_host_username": "hugo",
            "busy_member_username": "ana",
            "member_usernames_sample": [p.user.username for p in profiles[:50]],
        },
    }
    summary_path.write_text(json.dumps(summary, indent=2))


def sessions(summary_path: Path, connections: int, out: Path) -> None:
    """Sessions made by Django's session engine through allauth's authentication backend, as
    its log-in does; allauth's session tracking records each one on its first request."""
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    from accounts.models import User
    from events.models import Invitation

    targets = json.loads(summary_path.read_text())["targets"]
    by_name = {
        user.username: user
        for user in User.objects.filter(
            username__in=[
                targets["big_host_username"],
                targets["busy_member_username"],
                *targets["member_usernames_sample"],
            ]
        )
    }
    guests = [
        invitation.profile.user
        for invitation in Invitation.objects.filter(
            event_id=targets["big_event_id"], status=Invitation.Status.CONFIRMED
        )
        .select_related("profile__user")
        .order_by("created_at")[:connections]
    ]
    members = [
        by_name[name]
        for name in targets["member_usernames_sample"]
        if name in by_name and name != targets["big_host_username"]
    ]
    people = {
        "member": members,
        "busy": [by_name[targets["busy_member_username"]]],
        "host": [by_name[targets["big_host_username"]]],
        "guest": guests,
    }
    result = {}
    for role, users in people.items():
        if not users:
            raise SystemExit(f"The world has nobody for the {role!r} role.")
        cookies = []
        for n in range(connections):
            client = Client()
            client.force_login(
                users[n % len(users)], backend="allauth.account.auth_backends.AuthenticationBackend"
            )
            session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
            # A browser sends back the CSRF cookie it got with its first form.
            csrf = get_random_string(32)
            cookies.append(
                f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
            )
        result[role] = {"usernames": [u.username for u in users[:connections]], "cookies": cookies}
    out.write_text(json.dumps(result, indent=2))


def _client_for(cookie: str):
    from django.test import Client

    client = Client(headers={"X-Forwarded-Proto": "https", "Accept": "text/html"})
    for part in filter(None, (p.strip() for p in cookie.split(";"))):
        name, _, value = part.partition("=")
        client.cookies[name] = value
    return client


def cpu(pages_path: Path, requests: int, out: Path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = {}
    for page in json.loads(pages_path.read_text()):
        client = _client_for(page["cookie"])
        for _ in range(3):  # templates compiled, caches warm
            response = client.get(page["path"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
        # Read now: the log is cleared when the next request starts.
        query_count = len(queries.captured_queries)
        cpu_ms, wall_ms = [], []
        for _ in range(requests):
            cpu_started, wall_started = time.process_time(), time.perf_counter()
            client.get(page["path"])
            cpu_ms.append((time.process_time() - cpu_started) * 1000)
            wall_ms.append((time.perf_counter() - wall_started) * 1000)
        result[page["name"]] = {
            "status": response.status_code,
            "queries": query_count,
            "cpu_ms": statistics.median(cpu_ms),
            "wall_ms": statistics.median(wall_ms),
        }
    out.write_text(json.dumps(result, indent=2))


EXECUTION_TIME = re.compile(r"Execution Time: ([\d.]+) ms")


def explain(pages_path: Path, out: Path) -> None:
    """For each page, EXPLAIN (ANALYZE, BUFFERS) every SELECT it runs; show the plan of the
    page's main query: the slowest one, or the first one whose WHERE names `pick` (a column)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    sections = []
    for page in json.loads(pages_path.read_text()):
        client = _client_for(page["cookie"])
        client.get(page["path"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
        captured = list(queries.captured_queries)
        plans = []
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                transaction.set_rollback(True)
            found = EXECUTION_TIME.search(plan)
            plans.append((float(found.group(1)) if found else 0.0, sql, plan))
        pick = page.get("pick")
        chosen, why = None, "the slowest"
        if pick:
            where = re.compile(rf"\bWHERE\b.*{re.escape(pick)}", re.IGNORECASE | re.DOTALL)
            chosen = next((p for p in plans if where.search(p[1])), None)
            why = f"the first filtering on `{pick}`"
        if chosen is None:
            chosen, why = max(plans, default=None), "the slowest"
        times = ", ".join(f"{t:.2f}" for t, _, _ in sorted(plans, reverse=True)[:5])
        section = [
            f"#### {page['label']}",
            "",
            f"`GET {page['path']}` → {response.status_code}: {len(captured)}"
            f" queries, {len(plans)} SELECTs; slowest executions (ms): {times}.",
            "",
        ]
        if chosen:
            section += [
                f"Main query ({why}):",
                "",
                "```sql",
                chosen[1],
                "```",
                "",
                "```",
                chosen[2],
                "```",
                "",
            ]
        sections.append("\n".join(section))
    out.write_text("\n".join(sections))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inproc")
    steps = parser.add_subparsers(dest="step", required=True)
    step = steps.add_parser("standin")
    step.add_argument("--scale", type=float, default=1)
    step.add_argument("--summary", type=Path, required=True)
    step = steps.add_parser("sessions")
    step.add_argument("--summary", type=Path, required=True)
    step.add_argument("--connections", type=int, required=True)
    step.add_argument("--out", type=Path, required=True)
    step = steps.add_parser("cpu")
    step.add_argument("--pages", type=Path, required=True)
    step.add_argument("--requests", type=int, default=20)
    step.add_argument("--out", type=Path, required=True)
    step = steps.add_parser("explain")
    step.add_argument("--pages", type=Path, required=True)
    step.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "momento.settings")
    import django

    django.setup()
    if args.step == "standin":
        standin(args.scale, args.summary)
    elif args.step == "sessions":
        sessions(args.summary, args.connections, args.out)
    elif args.step == "cpu":
        cpu(args.pages, args.requests, args.out)
    else:
        explain(args.pages, args.out)


if __name__ == "__main__":
    main()
