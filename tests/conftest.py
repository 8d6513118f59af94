import asyncio
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from procrastinate.contrib.django import app as task_app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.testing import InMemoryConnector

from accounts.factories import UserFactory
from tests.queue import run_worker

# Hypothesis (tests/harness/test_forms.py): `make test` runs the "ci" profile, the same examples
# on every run and machine (a failure seen once is seen again); HYPOTHESIS_PROFILE=thorough
# draws more, and new ones each run, for a long look by hand.
_HYPOTHESIS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}
hypothesis_settings.register_profile("ci", max_examples=8, derandomize=True, **_HYPOTHESIS)
hypothesis_settings.register_profile("thorough", max_examples=40, **_HYPOTHESIS)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` sends each xdist_group to one worker by adding `@group` to the test ids
    in the worker; pytest 9.2 keeps ids in `item._id`, so xdist 3.8's rename (`item._nodeid`) is
    lost and the groups are silently spread over both workers: the every-page crawl then ran
    once per worker (pytest-xdist issue 1386). Until xdist catches up, apply its rename here, and
    fail loudly rather than spread a group again."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted(
            {
                str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                for m in item.iter_markers("xdist_group")
            }
        )
        if not groups:
            continue
        suffix = "@" + "_".join(groups)
        if not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
        if item.nodeid != getattr(item, "_nodeid", item.nodeid) or not item.nodeid.endswith(suffix):
            raise pytest.UsageError(f"cannot put {item.nodeid} in its xdist group {suffix}")


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Serve static files from the source folders, as in development: no collectstatic needed.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    # Uploaded photos go to a throw-away folder per test process, served like in development.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="momento-media-")
    settings.SERVE_MEDIA = True
    # Worker threads in the tests would otherwise keep their connections for CONN_MAX_AGE and
    # block dropping the test database; procrastinate closes them after each task at age 0.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Browser tests audit every HTML page the live server sends (tests/browser/recorder.py).
    settings.MIDDLEWARE = ["tests.browser.recorder.RecordDocuments", *settings.MIDDLEWARE]


@pytest.fixture(scope="session", autouse=True)
def _end_stray_connections_before_dropping_the_test_database(django_db_setup, django_db_blocker):
    """A request thread of the live server may still hold a connection when the session ends
    (a page's last request in flight as its browser closed), and PostgreSQL refuses to drop a
    database in use. Torn down before django_db_setup, this ends such sessions first."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _mail_through_the_task_queue(settings):
    # Django's test set-up swaps EMAIL_BACKEND for locmem; put the production path back so every
    # email in the tests travels through the task queue like in production, and is checked for
    # anyone else's private data on the way (tests/mail.py).
    settings.EMAIL_BACKEND = "tests.mail.PrivacyCheckingEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@dataclass
class TaskQueue:
    connector: InMemoryConnector

    @property
    def jobs(self) -> list[dict]:
        return list(self.connector.jobs.values())

    def run(self) -> None:
        run_worker()

    def run_here(self, *, queue: str | None = None) -> int:
        """Run the waiting jobs in this thread, oldest first, until none is left (jobs may defer
        more); errors are raised. For tests whose rows live in the test's own transaction, which
        a worker thread can't see. `queue` runs only that queue's jobs. Returns how many ran."""
        ran = 0
        while todo := sorted(
            (
                job
                for job in self.connector.jobs.values()
                if job["status"] == "todo" and queue in (None, job["queue_name"])
            ),
            key=lambda job: job["id"],
        ):
            for job in todo:
                job["status"] = "doing"
                task_app.tasks[job["task_name"]].func(**job["args"])
                job["status"] = "succeeded"
                ran += 1
        return ran

    def outbox(self) -> list[mail.EmailMessage]:
        """Deliver the waiting email and return every email sent. A notification's email is
        delivered from its row, so inside the test's own transaction (which a worker thread
        can't see) the email queue runs here; the other jobs run in the worker as before."""
        if connection.in_atomic_block:
            self.run_here(queue="emails")
        self.run()
        return mail.outbox


class InMemoryQueue(InMemoryConnector):
    """procrastinate's in-memory connector, usable from a thread where an event loop runs:
    once a browser test has run, Playwright's sync API keeps one running in the test thread,
    and deferring a job from there (async_to_sync) would be refused."""

    def _outside_the_event_loop(self, method, *args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return method(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(method, *args, **kwargs).result()

    def execute_query(self, *args, **kwargs):
        return self._outside_the_event_loop(super().execute_query, *args, **kwargs)

    def execute_query_one(self, *args, **kwargs):
        return self._outside_the_event_loop(super().execute_query_one, *args, **kwargs)

    def execute_query_all(self, *args, **kwargs):
        return self._outside_the_event_loop(super().execute_query_all, *args, **kwargs)


@pytest.fixture(autouse=True)
def task_queue():
    """Deferred jobs wait in memory; `task_queue.run()` runs them. See test_task_queue.py for the
    same path through the real PostgreSQL queue and worker."""
    connector = InMemoryQueue()
    with task_app.replace_connector(connector):
        yield TaskQueue(connector)


@pytest.fixture
def postgres_task_queue(task_queue):
    """Undo the in-memory queue of conftest: jobs go to PostgreSQL as in production.

    Deferring goes through Django's connection (inside the request's transaction); the worker
    uses its own psycopg connector, as `manage.py procrastinate worker` does.
    """
    with connection.cursor() as cursor:  # whatever an earlier test left behind
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_events CASCADE")
    connector = DjangoConnector()
    with task_app.replace_connector(connector):
        yield connector.get_worker_connector()
    # Flushing between transactional tests leaves procrastinate's unmanaged tables alone.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_events CASCADE")


@pytest.fixture(autouse=True)
def _end_races_after_each_test():
    # tests/races.py keeps its threads and their connections between the rounds of a test;
    # none outlives the test.
    yield
    from tests.races import end_races

    end_races()


@pytest.fixture(autouse=True)
def _clear_cache_after_transactional_tests(request):
    # The cache is a database table that flushing leaves alone: rate-limit counters committed
    # by one test would otherwise count against the next.
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from django.core.cache import cache

        cache.clear()


# Personas, each with a verified email address.
@pytest.fixture
def user(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def stranger(db):
    return UserFactory(username="charlie", email="charlie@example.com")


@pytest.fixture
def staff(db):
    return UserFactory(username="sam", email="sam@example.com", staff=True)


# Browser tests drive Debian's chromium; Playwright cannot download its own browser here.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or shutil.which("chromium-browser"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
