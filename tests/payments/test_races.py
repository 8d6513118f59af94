"""Concurrency never breaks seats or money: two requests, workers or people at the same moment,
each on its own database connection and released together (tests/races.py). Every test runs
several rounds, so a missing lock shows up as a second row, seat, refund or email."""

import datetime
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from events import services as events
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Invitation
from payments import local, services, webhooks
from payments.factories import PaymentFactory
from payments.models import Payment, WebhookEvent
from payments.services import ALREADY_PAID, SEAT_LOST
from payments.stripe_gateway import _local_id
from tests.payments.helpers import post_event, stripe_event
from tests.races import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5
PREFIX = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX


def succeeded(payment: Payment) -> dict:
    charge = _local_id("ch", payment.pk)
    return stripe_event(
        "payment_intent.succeeded", local.payment_intent(payment, "succeeded", charge=charge)
    )


def record(event: dict) -> WebhookEvent:
    assert post_event(Client(), event).status_code == 200
    return WebhookEvent.objects.get(stripe_event_id=event["id"])


def at_stripe(payment: Payment, event_type: str) -> int:
    """How many times the gateway did this to the payment: each call comes back as one event."""
    return WebhookEvent.objects.filter(
        stripe_event_id__startswith="evt_local_",
        type=event_type,
        payload__data__object__metadata__payment_id=str(payment.pk),
    ).count()


def emails_to(task_queue, *users) -> Counter:
    addresses = {user.email: user for user in users}
    return Counter(
        (addresses[to].username, message.subject.removeprefix(PREFIX))
        for message in task_queue.outbox()
        for to in message.to
        if to in addresses
    )


def process_jobs(task_queue, webhook_event: WebhookEvent) -> list[dict]:
    return [
        job
        for job in task_queue.jobs
        if job["task_name"] == "payments.tasks.process_webhook_event"
        and job["args"] == {"webhook_event_id": webhook_event.pk}
    ]


@pytest.mark.parametrize("round", range(ROUNDS))
def test_the_same_event_posted_twice_at_once_is_recorded_once_and_queued_once(task_queue, round):
    payment = PaymentFactory(invitation__event__fee_cents=1500)
    event = succeeded(payment)
    statuses = []

    errors = run_at_once([lambda: statuses.append(post_event(Client(), event).status_code)] * 2)

    assert not errors
    assert statuses == [200, 200]
    row = WebhookEvent.objects.get(stripe_event_id=event["id"])
    assert len(process_jobs(task_queue, row)) == 1
    task_queue.run_here()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    title = payment.event.title
    assert emails_to(task_queue, payment.user) == {(payment.user.username, f"Booked: {title}"): 1}


@pytest.mark.parametrize("round", range(ROUNDS))
def test_two_workers_processing_the_same_event_at_once_run_its_handler_once(
    task_queue, monkeypatch, round
):
    payment = PaymentFactory(invitation__event__fee_cents=1500)
    row = record(succeeded(payment))
    handled = []
    handler = webhooks.HANDLERS["payment_intent.succeeded"]

    def counting(obj, event):
        handled.append(event["id"])
        handler(obj, event)

    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded", counting)
    results = []

    errors = run_at_once([lambda: results.append(webhooks.process(row.pk))] * 2)

    assert not errors
    assert sorted(results) == ["already processed", "processed"]
    assert handled == [row.stripe_event_id]
    task_queue.run_here()  # the job receive queued: a third time, still nothing more
    assert handled == [row.stripe_event_id]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.invitation.status == Invitation.Status.CONFIRMED
    assert events.seats_taken(payment.event) == 1
    title = payment.event.title
    assert emails_to(task_queue, payment.user) == {(payment.user.username, f"Booked: {title}"): 1}


def lapsed_payment(event: Event) -> Payment:
    """Someone accepted, went to Checkout, and their seat hold lapsed before they paid."""
    invitation = InvitationFactory(event=event, held=True)
    payment = PaymentFactory(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    return payment


@pytest.mark.parametrize("round", range(ROUNDS))
def test_two_people_paying_for_the_last_seat_at_once_get_one_seat_and_one_refund(task_queue, round):
    event = EventFactory(fee_cents=1500, min_participants=1, max_participants=1)
    ana, ben = lapsed_payment(event), lapsed_payment(event)
    assert events.expire_lapsed() == 2
    rows = [record(succeeded(ana)), record(succeeded(ben))]

    errors = run_at_once([lambda row=row: webhooks.process(row.pk) for row in rows])

    assert not errors
    task_queue.run_here()  # the refund the loser's payment deferred, and the emails
    assert events.seats_taken(event) == 1
    winner, loser = sorted(
        Payment.objects.filter(pk__in=[ana.pk, ben.pk]), key=lambda p: p.status == "refunded"
    )
    assert winner.status == Payment.Status.CAPTURED and not winner.seat_lost
    assert winner.invitation.status == Invitation.Status.CONFIRMED
    assert loser.status == Payment.Status.REFUNDED and loser.seat_lost
    assert loser.invitation.status == Invitation.Status.EXPIRED
    assert loser.refund_reason == SEAT_LOST
    assert loser.stripe_refund_id == _local_id("re", loser.pk)
    assert at_stripe(loser, "charge.refunded") == 1
    assert at_stripe(winner, "charge.refunded") == 0
    winner_name, loser_name = winner.user.username, loser.user.username
    assert emails_to(task_queue, winner.user, loser.user) == {
        (winner_name, f"Booked: {event.title}"): 1,
        (winner_name, f"It is on: {event.title}"): 1,
        (loser_name, f"Refunded: {event.title}"): 1,
    }


@pytest.mark.parametrize("round", range(ROUNDS))
def test_a_guest_paying_two_checkouts_of_one_seat_at_once_is_charged_once(task_queue, round):
    """The first card was declined, the guest accepted again and got a second Checkout, and
    then paid on both: the first stays open at Stripe after a decline."""
    invitation = InvitationFactory(event__fee_cents=1500, held=True)
    declined = PaymentFactory(invitation=invitation, status=Payment.Status.FAILED)
    again = PaymentFactory(invitation=invitation)
    rows = [record(succeeded(declined)), record(succeeded(again))]

    errors = run_at_once([lambda row=row: webhooks.process(row.pk) for row in rows])

    assert not errors
    task_queue.run_here()
    event = invitation.event
    assert events.seats_taken(event) == 1
    kept, given_back = sorted(
        Payment.objects.filter(invitation=invitation), key=lambda p: p.status == "refunded"
    )
    assert kept.status == Payment.Status.CAPTURED
    assert given_back.status == Payment.Status.REFUNDED and not given_back.seat_lost
    assert given_back.refund_reason == ALREADY_PAID
    assert at_stripe(given_back, "charge.refunded") == 1
    assert at_stripe(kept, "charge.refunded") == 0
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CONFIRMED
    name = invitation.profile.user.username
    assert emails_to(task_queue, invitation.profile.user) == {
        (name, f"Booked: {event.title}"): 1,
        (name, f"Refunded: {event.title}"): 1,
    }


def paid(task_queue, event: Event, *, capture_later: bool) -> Payment:
    """A seat paid through Stripe's events: charged, or only authorised."""
    payment = PaymentFactory(invitation__event=event, capture_later=capture_later)
    if capture_later:
        obj = local.payment_intent(payment, "requires_capture")
        record(stripe_event("payment_intent.amount_capturable_updated", obj))
    else:
        record(succeeded(payment))
    task_queue.run_here()
    payment.refresh_from_db()
    assert payment.status == ("authorized" if capture_later else "captured")
    return payment


def quorum_event(**fields) -> Event:
    """Decided within 6 days, so its fees are only authorised until it is confirmed."""
    deadline = timezone.now() + datetime.timedelta(days=2)
    return EventFactory(fee_cents=1500, decision_deadline=deadline, **fields)


@pytest.mark.parametrize(
    ("capture_later", "call_at_stripe", "status", "subject"),
    [
        (False, "charge.refunded", Payment.Status.REFUNDED, "Refunded"),
        (True, "payment_intent.canceled", Payment.Status.RELEASED, "Not charged"),
    ],
    ids=["charged", "authorised"],
)
@pytest.mark.parametrize("round", range(ROUNDS))
def test_two_refunds_of_the_same_payment_at_once_give_the_money_back_once(
    task_queue, round, capture_later, call_at_stripe, status, subject
):
    event = quorum_event() if capture_later else EventFactory(fee_cents=1500)
    payment = paid(task_queue, event, capture_later=capture_later)

    errors = run_at_once(
        [lambda: services.refund(Payment.objects.get(pk=payment.pk), reason=SEAT_LOST)] * 2
    )

    assert not errors
    task_queue.run_here()
    assert at_stripe(payment, call_at_stripe) == 1
    payment.refresh_from_db()
    assert payment.status == status
    title, name = payment.event.title, payment.user.username
    assert emails_to(task_queue, payment.user) == {
        (name, f"Booked: {title}"): 1,
        (name, f"{subject}: {title}"): 1,
    }


@pytest.mark.parametrize("round", range(ROUNDS))
def test_two_workers_capturing_a_confirmed_event_at_once_charge_each_card_once(task_queue, round):
    event = quorum_event(min_participants=3)
    payments = [paid(task_queue, event, capture_later=True) for _ in range(2)]
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CONFIRMED)

    def capture():
        services.capture_event_payments(Event.objects.get(pk=event.pk))

    errors = run_at_once([capture, capture])

    assert not errors
    task_queue.run_here()
    for payment in payments:
        payment.refresh_from_db()
        assert payment.status == Payment.Status.CAPTURED
        assert payment.stripe_charge_id == _local_id("ch", payment.pk)
        assert at_stripe(payment, "payment_intent.succeeded") == 1
