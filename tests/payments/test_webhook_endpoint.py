"""POST /payments/webhook/: only what Stripe signed is recorded, once, and processed in the
worker. The recorded events (stripe_events/*.json) move the rows they are about."""

import datetime
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail
from procrastinate.contrib.django import app as task_app

from events.factories import EventFactory, InvitationFactory
from events.models import Invitation
from payments import services, webhooks
from payments.factories import PaymentFactory, SubscriptionFactory
from payments.models import Payment, Subscription, SubscriptionPayment, WebhookEvent
from tests.payments.helpers import post_event, signature
from tests.payments.stripe_edge import event_names, stripe_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_api")]

URL = "/payments/webhook/"
PROCESS = "payments.tasks.process_webhook_event"
INTENT = "pi_3RkU2bDkLfXb9qAz1mQw8ZxY"
CHARGE = "ch_3RkU2bDkLfXb9qAz1mQw8ZxY"
CUSTOMER = "cus_Sf8cVq2rTnW1xY"
SUBSCRIPTION = "sub_1RkU4dDkLfXb9qAzHq2Wm5Tn"
PERIOD_START = 1_793_000_000
PERIOD_END = PERIOD_START + 30 * 24 * 3600


def values_for(payment: Payment, **values) -> dict:
    return {
        "payment_id": str(payment.pk),
        "checkout_session": payment.stripe_checkout_session_id,
        "payment_intent": INTENT,
        "charge": CHARGE,
        "customer": CUSTOMER,
        "amount": payment.amount_cents,
        "currency": payment.currency.lower(),
        "metadata": {"payment_id": str(payment.pk)},
        "payment_status": "paid",
        "cancellation_reason": "requested_by_customer",
        **values,
    }


def values_for_member(user, *, subscription=SUBSCRIPTION, plan="monthly", **values) -> dict:
    return {
        "subscription": subscription,
        "checkout_session": "cs_test_b1RkU4dDkLfXb9qAzPremium",
        "customer": CUSTOMER,
        "user_id": str(user.pk),
        "plan": plan,
        "price": settings.PREMIUM_PLANS[plan]["price_id"],
        "amount": settings.PREMIUM_PLANS[plan]["amount_cents"],
        "currency": "eur",
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
        **values,
    }


def post(client, body: str, **headers):
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def nothing_recorded(task_queue) -> bool:
    return not WebhookEvent.objects.exists() and task_queue.jobs == []


# Refused deliveries -----------------------------------------------------------------------------


def a_valid_body() -> str:
    return json.dumps(stripe_event("customer_subscription_deleted", **values_for_member_stub()))


def values_for_member_stub() -> dict:
    return {
        "subscription": SUBSCRIPTION,
        "customer": CUSTOMER,
        "user_id": "00000000-0000-0000-0000-000000000000",
        "plan": "monthly",
        "price": "price_local_monthly",
        "amount": 900,
        "currency": "eur",
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
    }


def tampered(body):
    return body.replace('"livemode": false', '"livemode": true', 1), {
        "Stripe-Signature": signature(body)
    }


def no_header(body):
    return body, {}


def wrong_secret(body):
    return body, {"Stripe-Signature": signature(body, secret="whsec_someone_else")}


def stale(body):
    return body, {"Stripe-Signature": signature(body, timestamp=int(time.time()) - 301)}


def garbage_header(body):
    return body, {"Stripe-Signature": "not a signature"}


def other_scheme(body):
    return body, {"Stripe-Signature": signature(body).replace("v1=", "v0=")}


def signed(text):
    return lambda body: (text, {"Stripe-Signature": signature(text)})


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(tampered, id="bad-signature"),
        pytest.param(no_header, id="missing-header"),
        pytest.param(wrong_secret, id="wrong-secret"),
        pytest.param(stale, id="stale-timestamp"),
        pytest.param(garbage_header, id="unparsable-header"),
        pytest.param(other_scheme, id="no-v1-signature"),
        pytest.param(signed('{"id": "evt_1", "type": '), id="malformed-json"),
        pytest.param(signed('{"object": "event", "type": "invoice.paid"}'), id="no-event-id"),
        pytest.param(signed('{"object": "event", "id": "evt_1"}'), id="no-event-type"),
        pytest.param(signed("[]"), id="not-an-object"),
        pytest.param(signed(""), id="empty-body"),
    ],
)
def test_a_delivery_stripe_did_not_sign_is_refused_and_nothing_written(client, task_queue, make):
    body, headers = make(a_valid_body())

    response = post(client, body, **headers)

    assert response.status_code == 400
    assert nothing_recorded(task_queue)


def test_a_delivery_just_inside_the_tolerance_is_accepted(client, task_queue):
    body = a_valid_body()

    response = post(
        client, body, **{"Stripe-Signature": signature(body, timestamp=int(time.time()) - 290)}
    )

    assert response.status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_get_is_not_allowed(client, task_queue):
    assert client.get(URL).status_code == 405
    assert nothing_recorded(task_queue)


# Accepted deliveries ----------------------------------------------------------------------------


def test_a_signed_event_is_recorded_once_and_queued(client, task_queue):
    event = stripe_event("customer_subscription_deleted", **values_for_member_stub())

    response = post_event(client, event)

    assert response.status_code == 200
    row = WebhookEvent.objects.get()
    assert (row.stripe_event_id, row.type) == (event["id"], "customer.subscription.deleted")
    assert row.payload == event
    assert row.processed_at is None
    assert [(job["task_name"], job["args"]) for job in task_queue.jobs] == [
        (PROCESS, {"webhook_event_id": row.pk})
    ]


def test_the_same_event_delivered_three_times_is_recorded_and_queued_once(client, task_queue):
    event = stripe_event("customer_subscription_deleted", **values_for_member_stub())

    statuses = [post_event(client, event).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert WebhookEvent.objects.filter(stripe_event_id=event["id"]).count() == 1
    assert len(task_queue.jobs) == 1


def test_an_unknown_event_type_is_accepted_and_ignored(client, task_queue):
    event = {
        "id": "evt_1RkU5eDkLfXb9qAzUnknown1",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "data": {"object": {"id": "txi_1RkU5e", "object": "tax_id", "type": "eu_vat"}},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "customer.tax_id.created",
    }

    assert post_event(client, event).status_code == 200

    [job] = task_queue.jobs
    assert task_app.tasks[job["task_name"]].func(**job["args"]) == "ignored"
    assert WebhookEvent.objects.get().processed_at is not None
    assert webhooks.process(WebhookEvent.objects.get().pk) == "already processed"


# Each recorded event, delivered and processed ---------------------------------------------------


@dataclass
class Case:
    file: str
    setup: Callable[[], tuple[object, dict]]
    check: Callable[[object], None]


def _payment(**fields):
    payment = PaymentFactory(**fields)
    return payment, values_for(payment)


def _refresh(row):
    row.refresh_from_db()
    if isinstance(row, Payment):
        row.invitation.refresh_from_db()
    return row


def _check_captured(payment):
    assert (payment.status, payment.stripe_payment_intent_id) == (Payment.Status.CAPTURED, INTENT)
    assert payment.invitation.status == Invitation.Status.CONFIRMED


def _check_authorized(payment):
    assert (payment.status, payment.stripe_payment_intent_id) == (
        Payment.Status.AUTHORIZED,
        INTENT,
    )
    assert payment.invitation.status == Invitation.Status.CONFIRMED


def _check_abandoned(payment):
    assert payment.status == Payment.Status.ABANDONED
    assert payment.invitation.status == Invitation.Status.SENT


def _check_succeeded(payment):
    _check_captured(payment)
    assert payment.stripe_charge_id == CHARGE


def _check_failed(payment):
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_message == "Your card has insufficient funds."
    assert payment.invitation.status == Invitation.Status.PAYMENT_FAILED


def _check_released(payment):
    assert payment.status == Payment.Status.RELEASED


def _check_refunded(payment):
    assert (payment.status, payment.stripe_charge_id) == (Payment.Status.REFUNDED, CHARGE)


def _member(**fields):
    subscription = SubscriptionFactory(stripe_subscription_id=SUBSCRIPTION, **fields)
    return subscription, values_for_member(subscription.user)


def _new_member():
    user = InvitationFactory().profile.user
    values = values_for_member(user, plan="yearly")
    return user, values


def _check_linked(user):
    subscription = Subscription.objects.get(stripe_subscription_id=SUBSCRIPTION)
    assert (subscription.user, subscription.plan) == (user, "yearly")
    assert subscription.status == Subscription.Status.INCOMPLETE


def _period_end():
    return datetime.datetime.fromtimestamp(PERIOD_END, tz=datetime.UTC)


def _check_active(subscription):
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.current_period_end == _period_end()
    assert subscription.started_at is not None


def _check_cancelled(subscription):
    assert subscription.status == Subscription.Status.CANCELLED
    assert subscription.current_period_end == _period_end()


def _check_ended(subscription):
    assert subscription.status == Subscription.Status.ENDED
    assert subscription.ended_at is not None


def _check_invoice(status, amount):
    def check(subscription):
        invoice = SubscriptionPayment.objects.get(subscription=subscription)
        assert (invoice.status, invoice.amount_cents, invoice.currency) == (status, amount, "EUR")
        assert invoice.user == subscription.user
        assert invoice.stripe_invoice_id.startswith("in_")

    return check


CASES = {
    "checkout-completed-paid": Case(
        "checkout_session_completed_payment", lambda: _payment(), _check_captured
    ),
    "checkout-completed-authorised": Case(
        "checkout_session_completed_payment",
        lambda: _with(_payment(capture_later=True), payment_status="unpaid"),
        _check_authorized,
    ),
    "checkout-completed-subscription": Case(
        "checkout_session_completed_subscription", _new_member, _check_linked
    ),
    "checkout-expired": Case("checkout_session_expired", lambda: _payment(), _check_abandoned),
    "intent-amount-capturable-updated": Case(
        "payment_intent_amount_capturable_updated",
        lambda: _payment(capture_later=True),
        _check_authorized,
    ),
    "intent-succeeded": Case("payment_intent_succeeded", lambda: _payment(), _check_succeeded),
    "intent-payment-failed": Case(
        "payment_intent_payment_failed", lambda: _payment(), _check_failed
    ),
    "intent-canceled": Case(
        "payment_intent_canceled",
        lambda: _payment(
            status=Payment.Status.AUTHORIZED, capture_later=True, stripe_payment_intent_id=INTENT
        ),
        _check_released,
    ),
    "charge-refunded": Case(
        "charge_refunded",
        lambda: _payment(status=Payment.Status.CAPTURED, stripe_payment_intent_id=INTENT),
        _check_refunded,
    ),
    "charge-refunded-found-by-intent": Case(
        "charge_refunded",
        lambda: _with(
            _payment(status=Payment.Status.CAPTURED, stripe_payment_intent_id=INTENT), metadata={}
        ),
        _check_refunded,
    ),
    "subscription-created": Case(
        "customer_subscription_created",
        lambda: _member(status=Subscription.Status.INCOMPLETE),
        _check_active,
    ),
    "subscription-updated": Case("customer_subscription_updated", _member, _check_cancelled),
    "subscription-deleted": Case("customer_subscription_deleted", _member, _check_ended),
    "invoice-paid": Case(
        "invoice_paid", _member, _check_invoice(SubscriptionPayment.Status.PAID, 900)
    ),
    "invoice-payment-failed": Case(
        "invoice_payment_failed", _member, _check_invoice(SubscriptionPayment.Status.FAILED, 900)
    ),
}


def _with(made, **values):
    row, filled = made
    return row, {**filled, **values}


def test_every_recorded_event_and_handled_type_has_a_case():
    assert {case.file for case in CASES.values()} == set(event_names())
    types = {stripe_event(name, **_all_placeholders())["type"] for name in event_names()}
    assert types == set(webhooks.HANDLERS)


def _all_placeholders() -> dict:
    payment = {
        "payment_id": "00000000-0000-0000-0000-000000000001",
        "checkout_session": "cs_test_a1RkU2bDkLfXb9qAz",
        "payment_intent": INTENT,
        "charge": CHARGE,
        "metadata": {},
        "payment_status": "paid",
        "cancellation_reason": "abandoned",
    }
    return {**values_for_member_stub(), **payment}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_recorded_event_moves_its_row(client, task_queue, case):
    row, values = case.setup()
    event = stripe_event(case.file, **values)

    assert post_event(client, event).status_code == 200
    task_queue.run_here()

    case.check(_refresh(row))
    assert WebhookEvent.objects.get(stripe_event_id=event["id"]).processed_at is not None


# Order, repetition and the last-seat race ------------------------------------------------------


def test_a_late_or_repeated_event_changes_nothing(client, task_queue):
    payment = PaymentFactory()
    values = values_for(payment)
    post_event(client, stripe_event("payment_intent_succeeded", **values))
    task_queue.run_here()
    sent = len(mail.outbox)

    # The same news again under a new event id, then an expiry that lost the race.
    post_event(client, stripe_event("payment_intent_succeeded", **values))
    post_event(client, stripe_event("checkout_session_expired", **values))
    post_event(client, stripe_event("payment_intent_payment_failed", **values))
    task_queue.run_here()

    _check_succeeded(_refresh(payment))
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 4
    assert len(mail.outbox) == sent  # no second "booked" email


def test_an_older_subscription_event_arriving_late_is_ignored(client, task_queue):
    subscription, values = _member(stripe_updated=int(time.time()))

    late = stripe_event("customer_subscription_deleted", **values, now=int(time.time()) - 60)
    post_event(client, late)
    task_queue.run_here()

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_a_payment_after_the_last_seat_went_is_refunded_through_stripe(
    client, task_queue, stripe_api
):
    event = EventFactory(fee_cents=1200, min_participants=1, max_participants=2)
    InvitationFactory.create_batch(2, event=event, confirmed=True)
    lapsed = InvitationFactory(event=event, status=Invitation.Status.EXPIRED)
    payment = PaymentFactory(invitation=lapsed)

    post_event(client, stripe_event("checkout_session_completed_payment", **values_for(payment)))
    task_queue.run_here()

    refund = stripe_api.only("POST /v1/refunds")
    assert refund.idempotency_key == f"refund-{payment.pk}"
    assert refund.form["payment_intent"] == INTENT
    payment.refresh_from_db()
    lapsed.refresh_from_db()
    assert payment.seat_lost
    assert (payment.status, payment.refund_reason) == (Payment.Status.REFUNDED, services.SEAT_LOST)
    assert payment.stripe_refund_id == refund.response["id"]
    assert lapsed.status == Invitation.Status.EXPIRED
