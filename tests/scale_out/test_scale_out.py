"""Scale-out: two app servers and two task workers on one PostgreSQL, run from the Procfile by
honcho (gunicorn with gunicorn.conf.py, `manage.py procrastinate worker`), in production mode
with the cache and sessions in Redis (REDIS_URL), driven at once from several threads.

The servers run in their own processes, so the tests' rows must be committed
(`django_db(transaction=True)`); the cluster is started once for the module. The Redis is the
test's own (tests/scale_out/cluster.py); the database cache, the default, is what the rest of
the suite runs on.
"""

import json
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from events.factories import EventFactory, InvitationFactory
from events.models import Invitation
from momento import embedded_db
from payments import local
from payments.factories import PaymentFactory
from payments.models import Payment, WebhookEvent
from payments.stripe_gateway import _local_id
from tests.payments.helpers import signature, stripe_event
from tests.scale_out.cluster import (
    Browser,
    Cluster,
    production_env,
    start_redis,
    two_free_ports,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # One cluster for the module: its tests stay on one xdist worker.
    pytest.mark.xdist_group("scale_out"),
]

TASK_TABLES = "procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers"


def truncate_task_tables():
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TASK_TABLES}, procrastinate_workers CASCADE")


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    directory = tmp_path_factory.mktemp("scale-out")
    redis, redis_url = start_redis(directory)
    base = two_free_ports()
    cluster = Cluster(
        ports=(base, base + 1), log=directory / "honcho.log", email_dir=directory / "emails"
    )
    cluster.email_dir.mkdir()
    with django_db_blocker.unblock():
        truncate_task_tables()
        env = production_env(
            DATABASE_URL=embedded_db.url_for(connection.settings_dict),
            REDIS_URL=redis_url,
            EMAIL_FILE_PATH=str(cluster.email_dir),
        )
        try:
            cluster.start(env)
            wait_for(lambda: worker_count() == 2, "both workers registered", timeout=30)
            yield cluster
        finally:
            cluster.stop()
            redis.terminate()
            redis.wait(timeout=10)
            truncate_task_tables()


def wait_for(condition, what: str, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not seen in {timeout} s: {what}"
        time.sleep(0.1)


def rows(sql: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def worker_count() -> int:
    return rows("SELECT count(*) FROM procrastinate_workers")[0][0]


def at_once(calls):
    """Run each call in its own thread, all released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_session_started_on_one_server_works_on_the_other_and_ends_on_both(cluster):
    one, other = cluster.ports
    user = UserFactory(username="roaming", email="roaming@example.com")
    browser = Browser()
    assert browser.get(other, "/me/invitations/").status == 302  # not logged in yet

    assert browser.log_in(one, user.email, DEFAULT_PASSWORD).status == 302
    stolen = dict(browser.cookies)  # the same cookie, kept by someone else
    page = browser.get(other, "/me/invitations/")
    assert page.status == 200
    assert "roaming" in page.text
    # allauth.usersessions lists the session from either server (its rows are in PostgreSQL,
    # the session itself in Redis).
    sessions = browser.get(other, "/accounts/sessions/")
    assert sessions.status == 200
    assert sessions.text.count("Current") == 1

    assert browser.post(other, "/accounts/logout/").status == 302
    assert browser.get(one, "/me/invitations/").status == 302
    assert Browser(cookies=stolen).get(one, "/me/invitations/").status == 302


def test_rate_limits_count_the_attempts_made_on_both_servers(cluster):
    UserFactory(email="target@example.com")
    statuses = [
        Browser().log_in(cluster.ports[i % 2], "target@example.com", f"wrong-{i}").status
        for i in range(7)
    ]
    # ACCOUNT_RATE_LIMITS: 5 failed log-ins per address in 5 minutes, wherever they land.
    assert statuses == [200] * 5 + [429] * 2


def test_people_racing_for_the_last_seats_across_both_servers_never_oversell(cluster):
    racers = [UserFactory(username=f"racer{i}") for i in range(10)]
    browsers = []
    for i, user in enumerate(racers):
        browser = Browser()
        assert browser.log_in(cluster.ports[i % 2], user.email, DEFAULT_PASSWORD).status == 302
        browsers.append(browser)

    for _ in range(3):
        event = EventFactory(max_participants=4, min_participants=1)
        InvitationFactory.create_batch(2, event=event, confirmed=True)
        invitations = [InvitationFactory(event=event, profile=u.social_profile) for u in racers]

        answers = at_once(
            [
                lambda b=browser, i=invitation, port=cluster.ports[n % 2]: b.post(
                    port, reverse("events:accept", args=[i.pk]), htmx=True
                )
                for n, (browser, invitation) in enumerate(zip(browsers, invitations, strict=True))
            ]
        )

        assert [a.status for a in answers] == [200] * 10
        refused = [a for a in answers if "This event is full" in a.text]
        assert len(refused) == 8
        assert event.invitations.holding_seats().count() == 4
        assert event.invitations.filter(status=Invitation.Status.CONFIRMED).count() == 4


def test_a_webhook_delivered_to_both_servers_is_recorded_once_and_processed_once(cluster):
    payment = PaymentFactory()
    guest = payment.user
    event = stripe_event(
        "payment_intent.succeeded",
        local.payment_intent(payment, "succeeded", charge=_local_id("ch", payment.pk)),
    )
    body = json.dumps(event)
    headers = {
        "Stripe-Signature": signature(body),
        "Content-Type": "application/json",
        "X-Forwarded-Proto": "https",
    }

    def deliver(port):
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(
                "POST",
                "/payments/webhook/",
                body=body,
                headers={**headers, "Host": "momento.example"},
            )
            return connection.getresponse().status
        finally:
            connection.close()

    # Stripe retries, and a load balancer spreads the retries: three deliveries to each server.
    statuses = at_once([lambda p=port: deliver(p) for port in cluster.ports * 3])

    assert statuses == [200] * 6
    [row] = WebhookEvent.objects.filter(stripe_event_id=event["id"])
    jobs = (
        "SELECT status FROM procrastinate_jobs"
        " WHERE task_name = 'payments.tasks.process_webhook_event'"
        " AND (args->>'webhook_event_id')::bigint = %s"
    )
    wait_for(lambda: rows(jobs, row.pk) == [("succeeded",)], "the one job done")
    row.refresh_from_db()
    assert row.processed_at is not None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.invitation.status == Invitation.Status.CONFIRMED
    # The receipt is a second job (the notification's email, now with its .ics), on a worker
    # that the rest of the suite may be keeping busy: as long as registering the workers.
    wait_for(lambda: cluster.emails_to(guest.email), "the confirmation email", timeout=30)
    time.sleep(1)  # a second processing would have sent its email by now
    assert len(cluster.emails_to(guest.email)) == 1


def test_periodic_tasks_are_deferred_once_per_period_by_two_workers(cluster):
    def ticks():
        return rows(
            "SELECT args->>'timestamp', count(*), array_agg(status::text)"
            " FROM procrastinate_jobs WHERE task_name = 'tests.scale_out.tasks.tick'"
            " GROUP BY 1 ORDER BY 1"
        )

    # Both workers' periodic deferrers wake every second and both try to defer the same job.
    wait_for(lambda: len(ticks()) >= 6, "six periods", timeout=20)
    periods = ticks()
    assert all(count == 1 for _, count, _ in periods), periods
    assert all(statuses == ["succeeded"] for _, _, statuses in periods[:-2]), periods
    # Both workers took part: each registered, and between them they ran the jobs.
    assert worker_count() == 2
    # The project's own periodic tasks: deferred at start-up for their last period (within
    # procrastinate's 10 minutes), once each, though both workers started at the same moment.
    own = rows(
        "SELECT task_name, args->>'timestamp', count(*) FROM procrastinate_jobs"
        " WHERE task_name IN ('events.tasks.sweep_events',"
        " 'payments.tasks.process_missed_webhook_events') GROUP BY 1, 2"
    )
    assert {name for name, _, _ in own} == {
        "events.tasks.sweep_events",
        "payments.tasks.process_missed_webhook_events",
    }
    assert all(count == 1 for _, _, count in own), own
