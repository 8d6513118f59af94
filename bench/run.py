"""`make bench`: every key page under gunicorn in production mode, as a ratio to a bare view.

For each world (scales 1 and 10 by default): a database of its own (the embedded PostgreSQL in
.bench/pgdata, or a sibling of DATABASE_URL's), migrations, the world (`generate_world`, or a
small stand-in while that command does not exist), one logged-in session per wrk connection and
role, CPU and SQL queries per page in-process, then gunicorn (DEBUG off, persistent connections,
the real middleware) on an uncommon port, and wrk on every page, interleaved with the two bare
views, for a few rounds. The figures go to docs/benchmarks.md ("Latest run").

This process never imports Django settings: it runs `manage.py` and `bench.inproc` with the
production environment, so everything that serves pages is configured like production.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from bench import report, wrk

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    path: str  # formatted with the world's targets
    role: str | None  # whose sessions request it; None: anonymous
    kind: str  # bare, list or detail (the targets differ)


PAGES = [
    Page("bare-anonymous", "bare view, anonymous", "/bench/bare/", None, "bare"),
    Page(report.BARE, "bare view, logged in", "/bench/bare-member/", "member", "bare"),
    Page("home", "home (busy member)", "/", "busy", "list"),
    Page("discovery", "discovery", "/events/", "member", "list"),
    Page("event-host", "event page, as its host", "/events/{big_event_id}/", "host", "detail"),
    Page("event-guest", "event page, as a guest", "/events/{big_event_id}/", "guest", "detail"),
    Page("hosting", "host dashboard", "/me/hosting/", "host", "list"),
    Page("guests", "guests page", "/events/{big_event_id}/guests/", "host", "list"),
    Page("profile", "profile by username", "/people/{busy_member_username}/", "member", "detail"),
    Page("people", "people", "/people/", "member", "list"),
    Page("my-invitations", "my invitations (busy member)", "/me/invitations/", "busy", "list"),
    Page("my-events", "my events (busy member)", "/me/events/", "busy", "list"),
    Page("notifications", "notifications (busy member)", "/notifications/", "busy", "list"),
]

# make bench-explain: the pages whose cost grew with the site, and how to find their main query.
EXPLAIN = [
    ("event-guest", "Event page guest list (as a guest)", None),
    ("hosting", "Host dashboard", None),
    ("profile", "Profile by username", "username"),
]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- databases ---------------------------------------------------------------------------------


class Databases:
    """One database per world, on the embedded server in .bench/pgdata or DATABASE_URL's."""

    def __init__(self) -> None:
        given = os.environ.get("DATABASE_URL")
        if given:
            self.base = given
            self.prefix = (urlsplit(given).path.strip("/") or "momento") + "_bench_"
        else:
            from momento import embedded_db

            WORK.mkdir(exist_ok=True)
            settings = embedded_db.start(WORK / "pgdata", "postgres")
            self.base = embedded_db.url_for(settings)
            self.prefix = "bench_"

    def name(self, label: str) -> str:
        scale = label.removesuffix("×")
        return self.prefix + "w" + "".join(c if c.isalnum() else "_" for c in scale)

    def url(self, name: str) -> str:
        return urlunsplit(urlsplit(self.base)._replace(path="/" + quote(name, safe="")))

    def _admin(self):
        import psycopg

        return psycopg.connect(self.base, autocommit=True)

    def exists(self, name: str) -> bool:
        with self._admin() as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return found.fetchone() is not None

    def recreate(self, name: str) -> None:
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- the app, configured like production -------------------------------------------------------


def production_env(database_url: str, port: int) -> dict[str, str]:
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="momento.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS=f"{HOST},localhost,testserver",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="600",
        # Kept on, as in production: wrk says https through X-Forwarded-Proto, like a proxy.
        SECURE_SSL_REDIRECT="true",
        BENCHMARK_VIEWS="true",
        SITE_URL=f"http://{HOST}:{port}",
        STATIC_ROOT=str(WORK / "static"),
        MEDIA_ROOT=str(WORK / "media"),
        EMAIL_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )


def django(env: dict, *args: str, module: str | None = None, quiet: bool = True) -> str:
    command = [sys.executable, "-m", module, *args] if module else [sys.executable, "manage.py"]
    if not module:
        command += args
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def has_generate_world(env: dict) -> bool:
    done = subprocess.run(
        [sys.executable, "manage.py", "help", "generate_world"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) != 0


@contextlib.contextmanager
def gunicorn(env: dict, port: int, workers: int, log_path: Path):
    if not port_is_free(port):
        raise SystemExit(f"Port {port} is in use: pick another with --port.")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "momento.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--access-logfile=/dev/null",
        f"--error-logfile={log_path}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while status(port, "/health/") != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log_path}")
            time.sleep(0.3)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop of its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def status(port: int, path: str, cookie: str | None = None) -> int | None:
    """A page's status through the server, redirects not followed."""
    headers = {"X-Forwarded-Proto": "https", "Accept": "text/html"}
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


# --- one world ---------------------------------------------------------------------------------


@dataclass
class World:
    label: str
    env: dict
    summary: dict
    summary_path: Path


def build_world(args, databases: Databases, label: str, scale: float) -> World:
    name = databases.name(label)
    summary_path = WORK / f"world-{name}.json"
    env = production_env(databases.url(name), args.port)
    if args.reuse and summary_path.exists() and databases.exists(name):
        log(f"world {label}: reusing database {name}")
        return World(label, env, json.loads(summary_path.read_text()), summary_path)
    log(f"world {label}: new database {name}, migrations")
    databases.recreate(name)
    django(env, "migrate", "--verbosity=0")
    if args.world == "generated" and has_generate_world(env):
        log(f"world {label}: generate_world --scale {scale:g}")
        django(env, "generate_world", "--scale", f"{scale:g}", "--summary", str(summary_path))
    else:
        log(f"world {label}: no generate_world here, the stand-in world (seed_demo + factories)")
        django(
            env,
            "standin",
            "--scale",
            f"{scale:g}",
            "--summary",
            str(summary_path),
            module="bench.inproc",
        )
    summary = json.loads(summary_path.read_text())
    log(f"world {label}: {report.counts(summary)}")
    return World(label, env, summary, summary_path)


def pages_for(targets: dict, only: list[str] | None = None) -> list[Page]:
    keep = {*only, "bare-anonymous", report.BARE} if only else {p.name for p in PAGES}
    return [
        Page(p.name, p.label, p.path.format(**targets), p.role, p.kind)
        for p in PAGES
        if p.name in keep
    ]


def make_sessions(world: World, connections: int) -> dict:
    out = WORK / f"sessions-{world.label}.json"
    django(
        world.env,
        "sessions",
        "--summary",
        str(world.summary_path),
        "--connections",
        str(connections),
        "--out",
        str(out),
        module="bench.inproc",
    )
    return json.loads(out.read_text())


def measure_world(args, world: World) -> report.WorldFigures:
    label, env, port = world.label, world.env, args.port
    pages = pages_for(world.summary["targets"], args.pages)
    log(f"world {label}: {args.connections} sessions per role")
    sessions = make_sessions(world, args.connections)

    def cookies(page: Page) -> list[str]:
        return sessions[page.role]["cookies"] if page.role else []

    figures = {
        page.name: report.PageFigures(page.name, page.label, page.path, page.kind) for page in pages
    }
    if args.cpu_requests:
        log(f"world {label}: CPU and queries in-process, {args.cpu_requests} requests a page")
        cpu_pages = WORK / f"cpu-pages-{label}.json"
        cpu_pages.write_text(
            json.dumps(
                [{"name": p.name, "path": p.path, "cookie": (cookies(p) or [""])[0]} for p in pages]
            )
        )
        cpu_out = WORK / f"cpu-{label}.json"
        django(
            env,
            "cpu",
            "--pages",
            str(cpu_pages),
            "--requests",
            str(args.cpu_requests),
            "--out",
            str(cpu_out),
            module="bench.inproc",
        )
        for name, values in json.loads(cpu_out.read_text()).items():
            figures[name].cpu = values

    with gunicorn(env, port, args.workers, WORK / f"gunicorn-{label}.log"):
        base_url = f"http://{HOST}:{port}"
        scripts = {}
        for page in pages:
            wrong = {status(port, page.path, c) for c in cookies(page) or [None]} - {200}
            if wrong:
                figures[page.name].problem = f"status {sorted(wrong, key=str)} before the runs"
                log(f"  {page.name} {page.path}: {figures[page.name].problem}; not measured")
                continue
            scripts[page.name] = WORK / f"wrk-{label}-{page.name}.lua"
            scripts[page.name].write_text(wrk.script(page.name, page.path, cookies(page)))
        if report.BARE not in scripts:
            raise SystemExit("The logged-in bare view does not answer 200: no ratio possible.")
        options = {"connections": args.connections}
        if args.warmup:
            for script in scripts.values():
                wrk.run(base_url, script, duration=args.warmup, **options)
        bare = [name for name in scripts if figures[name].kind == "bare"]
        others = [name for name in scripts if name not in bare]
        for round_number in range(args.rounds):
            shift = round_number % len(others) if others else 0
            turn = others[shift:] + others[:shift]  # each round starts at another page
            middle = len(turn) // 2
            order = [*bare, *turn[:middle], *bare, *turn[middle:]]
            log(f"world {label}: round {round_number + 1}/{args.rounds}, {len(order)} runs")
            for name in order:
                result = wrk.run(base_url, scripts[name], duration=args.duration, **options)
                figures[name].runs.append(result)
                log(
                    f"  {name:<16} {result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f} ms"
                    f"  p99 {result.p99_ms:6.1f} ms"
                    + (f"  {result.failed} failed" if result.failed else "")
                )
    return report.WorldFigures(label, world.summary, figures)


def explain_world(world: World) -> str:
    label = world.label
    sessions = make_sessions(world, 1)
    by_name = {page.name: page for page in pages_for(world.summary["targets"])}
    todo = [
        {
            "name": name,
            "label": title,
            "path": by_name[name].path,
            "cookie": sessions[by_name[name].role]["cookies"][0],
            "pick": pick,
        }
        for name, title, pick in EXPLAIN
        if name in by_name
    ]
    pages_path = WORK / f"explain-pages-{label}.json"
    pages_path.write_text(json.dumps(todo))
    out = WORK / f"explain-{label}.md"
    django(
        world.env, "explain", "--pages", str(pages_path), "--out", str(out), module="bench.inproc"
    )
    return f"### World {label}\n\n{report.counts(world.summary)}\n\n{out.read_text()}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", nargs="+", type=float, default=[1, 10])
    parser.add_argument(
        "--world",
        choices=["generated", "demo"],
        default="generated",
        help="generated: generate_world at each scale (the stand-in when it is missing); "
        "demo: one small stand-in world only",
    )
    parser.add_argument("--duration", type=float, default=5, help="seconds per page per round")
    parser.add_argument("--warmup", type=float, default=1, help="seconds per page, not counted")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4, help="one session each")
    parser.add_argument("--workers", type=int, default=max(2, min(4, os.cpu_count() or 2)))
    parser.add_argument("--port", type=int, default=18050)
    parser.add_argument("--cpu-requests", type=int, default=20, help="0 skips the CPU step")
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=[page.name for page in PAGES],
        metavar="PAGE",
        help="only these pages, bare views kept: " + ", ".join(page.name for page in PAGES),
    )
    parser.add_argument("--reuse", action="store_true", help="keep worlds already generated")
    parser.add_argument("--explain", action="store_true", help="also write the query plans")
    parser.add_argument("--explain-only", action="store_true", help="only the query plans")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.explain_only:
        wrk.executable()  # fail before spending minutes on the worlds
    worlds = [("demo", 1.0)] if args.world == "demo" else [(f"{s:g}×", s) for s in args.scales]
    WORK.mkdir(exist_ok=True)
    databases = Databases()
    measured, plans, notes = [], [], []
    static_done = False
    for label, scale in worlds:
        world = build_world(args, databases, label, scale)
        if world.summary.get("standin") and args.world == "generated":
            notes.append(f"world {label} is the stand-in: generate_world was not available")
        if not static_done:
            log("collectstatic")
            django(world.env, "collectstatic", "--noinput", "--verbosity=0")
            static_done = True
        if not args.explain_only:
            measured.append(measure_world(args, world))
        if args.explain or args.explain_only:
            log(f"world {label}: EXPLAIN (ANALYZE, BUFFERS)")
            plans.append(explain_world(world))
    # The Makefile names itself (make bench SCALES=...); run directly, the command line is shown.
    command = os.environ.get("BENCH_COMMAND") or shlex.join(
        ["python", "-m", "bench.run", *(sys.argv[1:] if argv is None else argv)]
    )
    if measured:
        settings = {
            "rounds": args.rounds,
            "seconds per page per round": f"{args.duration:g}",
            "wrk connections (one session each)": args.connections,
            "gunicorn workers": args.workers,
            "in-process requests per page": args.cpu_requests,
        }
        if (ROOT / "gunicorn.conf.py").exists():
            notes.append("gunicorn read the repository's gunicorn.conf.py")
        body = report.latest_section(
            measured, command=command, settings=settings, root=ROOT, notes=notes
        )
        report.write(args.output, report.LATEST, body)
        print("\n" + body, flush=True)
    if plans:
        body = "## Latest plans\n\n" + f"Command: `{command}`\n\n" + "\n\n".join(plans)
        report.write(args.output, report.PLANS, body)
        print("\n" + body, flush=True)
    log(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
