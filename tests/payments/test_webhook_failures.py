"""A Stripe event whose handler fails is recorded on its row and retried, and never holds back
the others: the sweep of missed events processes each one on its own and gives up on a row
after WebhookEvent.SWEEP_GIVES_UP_AFTER failures, leaving it in the console for staff."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from events.factories import InvitationFactory
from events.models import Invitation
from payments import tasks, webhooks
from payments.factories import PaymentFactory
from payments.models import Payment, WebhookEvent
from tests.payments.helpers import post_event, stripe_event

pytestmark = pytest.mark.django_db
LIMIT = WebhookEvent.SWEEP_GIVES_UP_AFTER
PROCESS = "payments.tasks.process_webhook_event"


def held_payment() -> Payment:
    return PaymentFactory(invitation=InvitationFactory(held=True, event__fee_cents=1500))


def succeeded(payment: Payment) -> dict:
    return stripe_event(
        "payment_intent.succeeded",
        {
            "id": f"pi_test_{uuid.uuid4().hex[:14]}",
            "object": "payment_intent",
            "status": "succeeded",
            "latest_charge": f"ch_test_{uuid.uuid4().hex[:14]}",
            "metadata": {"payment_id": str(payment.pk)},
        },
    )


def without_object() -> dict:
    event = stripe_event("charge.refunded", {})
    del event["data"]["object"]
    return event


def breaking_handler(member) -> dict:
    """A subscription event without its id: the handler finds the member, then fails."""
    return stripe_event(
        "customer.subscription.updated",
        {"object": "subscription", "status": "active", "metadata": {"user_id": str(member.pk)}},
    )


def record(client, event: dict, *, minutes_ago: int) -> WebhookEvent:
    """Received through the endpoint, its job lost (a worker died): only the sweep will see it."""
    assert post_event(client, event).status_code == 200
    row = WebhookEvent.objects.get(stripe_event_id=event["id"])
    received = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    WebhookEvent.objects.filter(pk=row.pk).update(received_at=received)
    return row


def sweep() -> int:
    return tasks.process_missed_webhook_events.func(timestamp=0)


@pytest.mark.parametrize(
    "payment_id",
    [
        "not-a-uuid",
        "12345",
        "1971eb0a-cb34-4bb3-9272-dd71001e03fe",
        "00000000-0000-0000-0000-000000000000",
    ],
)
def test_an_event_about_a_payment_that_is_not_ours_is_ignored(client, task_queue, payment_id):
    payment = held_payment()
    event = succeeded(payment)
    event["data"]["object"]["metadata"]["payment_id"] = payment_id
    assert post_event(client, event).status_code == 200

    assert task_queue.run_here() == 1  # no error raised
    row = WebhookEvent.objects.get(stripe_event_id=event["id"])
    assert row.processed_at is not None
    assert (row.failed_attempts, row.last_error) == (0, "")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_a_subscription_event_for_a_user_id_that_is_not_ours_is_ignored(client, task_queue):
    event = breaking_handler(UserFactory())
    event["data"]["object"]["metadata"]["user_id"] = "not-a-uuid"
    assert post_event(client, event).status_code == 200
    task_queue.run_here()
    assert WebhookEvent.objects.get(stripe_event_id=event["id"]).processed_at is not None


def test_poisoned_rows_do_not_stop_the_sweep_and_their_errors_are_recorded(client, task_queue):
    member = UserFactory()
    payment = held_payment()
    oldest = record(client, without_object(), minutes_ago=30)
    broken = record(client, breaking_handler(member), minutes_ago=20)
    good = record(client, succeeded(payment), minutes_ago=10)
    recent = record(client, succeeded(held_payment()), minutes_ago=1)  # its job may still run

    assert sweep() == 1

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.invitation.status == Invitation.Status.CONFIRMED
    good.refresh_from_db()
    assert good.processed_at is not None and good.failed_attempts == 0
    recent.refresh_from_db()
    assert recent.processed_at is None and recent.failed_attempts == 0
    for row, error in [
        (oldest, "MalformedEvent: The event has no data.object."),
        (broken, "KeyError: 'id'"),
    ]:
        row.refresh_from_db()
        assert row.processed_at is None
        assert row.failed_attempts == 1
        assert row.failed_at is not None
        assert row.last_error.startswith("Traceback")
        assert row.last_error.strip().endswith(error)

    assert sweep() == 0  # the good one is not processed twice; the poisoned ones fail again
    assert list(
        WebhookEvent.objects.filter(pk__in=[oldest.pk, broken.pk]).values_list(
            "failed_attempts", flat=True
        )
    ) == [2, 2]


def test_a_failing_handler_leaves_nothing_half_written(client, task_queue, monkeypatch):
    payment = held_payment()

    def writes_then_breaks(obj, event):
        Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.CAPTURED)
        raise RuntimeError("Stripe's answer made no sense.")

    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded", writes_then_breaks)
    row = record(client, succeeded(payment), minutes_ago=10)

    assert sweep() == 0

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    row.refresh_from_db()
    assert row.processed_at is None
    assert row.last_error.strip().endswith("RuntimeError: Stripe's answer made no sense.")


def test_the_sweep_gives_up_on_a_row_after_the_limit_and_the_task_still_tries_it(
    client, task_queue
):
    row = record(client, without_object(), minutes_ago=10)
    WebhookEvent.objects.filter(pk=row.pk).update(failed_attempts=LIMIT - 1)

    sweep()
    row.refresh_from_db()
    assert row.failed_attempts == LIMIT and row.given_up

    sweep()  # left alone now
    row.refresh_from_db()
    assert row.failed_attempts == LIMIT

    with pytest.raises(webhooks.MalformedEvent):  # its own job, retried, still tries
        task_queue.run_here()
    row.refresh_from_db()
    assert row.failed_attempts == LIMIT + 1


def test_a_later_success_processes_a_row_that_failed(client, task_queue, monkeypatch):
    payment = held_payment()
    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded", lambda obj, event: 1 / 0)
    row = record(client, succeeded(payment), minutes_ago=10)
    sweep()
    monkeypatch.undo()

    assert sweep() == 1
    row.refresh_from_db()
    assert row.processed_at is not None
    assert row.failed_attempts == 1  # the history stays for staff
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED


@pytest.mark.django_db(transaction=True)
def test_the_task_records_the_failure_and_is_retried(client, task_queue):
    event = without_object()
    assert post_event(client, event).status_code == 200

    task_queue.run()  # the real worker: the job fails

    row = WebhookEvent.objects.get(stripe_event_id=event["id"])
    assert row.failed_attempts == 1
    assert row.processed_at is None
    [job] = [job for job in task_queue.jobs if job["task_name"] == PROCESS]
    assert job["status"] == "todo"  # retried later by its RetryStrategy, not failed for good
    assert job["attempts"] == 1
    assert job["scheduled_at"] > timezone.now()


# The console --------------------------------------------------------------------------------


def test_staff_find_the_failing_events_in_the_console_read_only(client, staff, task_queue):
    failing = record(client, without_object(), minutes_ago=10)
    given_up = record(client, without_object(), minutes_ago=20)
    fine = record(client, succeeded(held_payment()), minutes_ago=30)
    sweep()
    WebhookEvent.objects.filter(pk=given_up.pk).update(failed_attempts=LIMIT)
    client.force_login(staff)
    url = reverse("admin:payments_webhookevent_changelist")

    page = client.get(url, {"processing": "failing"})
    assert page.status_code == 200
    assert [row.pk for row in page.context["cl"].result_list] == [failing.pk]
    assert "MalformedEvent: The event has no data.object." in page.text
    given_up_page = client.get(url, {"processing": "given_up"})
    assert [row.pk for row in given_up_page.context["cl"].result_list] == [given_up.pk]
    processed = client.get(url, {"processing": "processed"})
    assert [row.pk for row in processed.context["cl"].result_list] == [fine.pk]

    change = client.get(reverse("admin:payments_webhookevent_change", args=[failing.pk]))
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
    assert "Traceback" in change.text and 'name="_save"' not in change.text
