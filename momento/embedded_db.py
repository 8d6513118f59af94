"""The checkout's own PostgreSQL, for development and tests when DATABASE_URL is unset.

pgserver ships PostgreSQL inside its wheel. Every process that calls `start()` joins the same
server (it lives in `.pgdata/`, listening on a unix socket only) and the last process to exit
cleanly stops it.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg
from psycopg import sql

PGDATA = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE_NAME = "momento"


def start(pgdata: Path = PGDATA, database: str = DATABASE_NAME) -> dict[str, str]:
    """Start or join the embedded server and return Django connection settings for it."""
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR, platformdirs warns at import; tests turn warnings into errors.
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver.postgres_server import PostgresServer

    pgdata.mkdir(exist_ok=True)
    with PostgresServer._lock:
        _forget_dead_processes(pgdata / ".handle_pids.json")
    server = pgserver.get_server(pgdata)
    socket_dir = str(server.get_postmaster_info().socket_dir)
    _create_database(socket_dir, database)
    return {"NAME": database, "USER": "postgres", "HOST": socket_dir, "PORT": ""}


def _forget_dead_processes(handle_file: Path) -> None:
    """Drop pids of processes that died without cleaning up (SIGKILL, SIGTERM).

    pgserver stops the server when the last registered process exits; a pid left behind by a
    killed process would keep it running forever.
    """
    if not handle_file.exists():
        return
    pids = json.loads(handle_file.read_text() or "[]")
    alive = [pid for pid in pids if _is_alive(pid)]
    if alive != pids:
        handle_file.write_text(json.dumps(alive))


def _is_alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _create_database(socket_dir: str, database: str) -> None:
    with psycopg.connect(
        host=socket_dir, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            # Another process may create it in between.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def url_for(settings: dict) -> str:
    """A DATABASE_URL for Django connection settings: child processes use it to connect to the
    server their parent owns instead of joining it themselves."""
    credentials = quote(settings["USER"], safe="")
    if settings.get("PASSWORD"):
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = quote(settings["HOST"], safe="")
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(settings['NAME'], safe='')}"
