"""The real Stripe gateway, through the services: stripe-python builds every request and
RecordedStripe (tests/payments/stripe_edge.py) answers at the HTTP edge."""

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from events import services as events
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Invitation
from payments import services
from payments.factories import PaymentFactory
from payments.models import Payment
from payments.services import PaymentError
from payments.stripe_gateway import GatewayError
from profiles.factories import CityFactory, HostProfileFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "POST /v1/customers"
PRODUCTS = "POST /v1/products"
PRICES = "POST /v1/prices"
CHECKOUT = "POST /v1/checkout/sessions"
EXPIRE = "POST /v1/checkout/sessions/{id}/expire"
CAPTURE = "POST /v1/payment_intents/{id}/capture"
CANCEL = "POST /v1/payment_intents/{id}/cancel"
REFUNDS = "POST /v1/refunds"
PORTAL = "POST /v1/billing_portal/sessions"

SITE = "https://momento.example"
SAFE_MESSAGE = "The payment service could not be reached. Please try again."
INTENT = "pi_3RkU2bDkLfXb9qAz0aBcDeFg"
NOW = datetime.datetime(2026, 11, 3, 18, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def held(**event_fields) -> Invitation:
    event = EventFactory(**{"fee_cents": 1500, **event_fields})
    return InvitationFactory(event=event, held=True)


def days(n: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


# Customers -------------------------------------------------------------------------------------


def test_first_checkout_creates_the_customer_once(stripe_api):
    invitation = held()
    guest = invitation.profile.user

    services.start_checkout(invitation, by=guest)

    customer = stripe_api.only(CUSTOMERS)
    assert customer.idempotency_key == f"customer-{guest.pk}"
    assert customer.form["email"] == guest.email
    assert customer.form["metadata[user_id]"] == str(guest.pk)
    assert User.objects.get(pk=guest.pk).payment_customer_id == customer.response["id"]

    other = InvitationFactory(
        event=EventFactory(fee_cents=900), profile=invitation.profile, held=True
    )
    services.start_checkout(other, by=User.objects.get(pk=guest.pk))

    assert stripe_api.routes == [CUSTOMERS, CHECKOUT, CHECKOUT]
    assert stripe_api.calls(CHECKOUT)[1].form["customer"] == customer.response["id"]


# Booking fees: the Checkout session ------------------------------------------------------------


def test_checkout_session_is_built_from_the_payment(stripe_api):
    invitation = held(currency="EUR")
    guest = invitation.profile.user

    with time_machine.travel(NOW, tick=False):
        payment = services.start_checkout(invitation, by=guest)

    session = stripe_api.only(CHECKOUT)
    form = session.form
    assert session.idempotency_key == f"checkout-{payment.pk}-{session.form['expires_at']}"
    assert form["mode"] == "payment"
    assert form["line_items[0][quantity]"] == "1"
    assert form["line_items[0][price_data][unit_amount]"] == "1500"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert "line_items[0][price]" not in form
    assert form["metadata[payment_id]"] == str(payment.pk)
    assert form["payment_intent_data[metadata][payment_id]"] == str(payment.pk)
    assert form["client_reference_id"] == str(payment.pk)
    assert form["customer"] == stripe_api.only(CUSTOMERS).response["id"]
    assert form["success_url"] == f"{SITE}/payments/{payment.pk}/"
    assert form["cancel_url"] == f"{SITE}/payments/{payment.pk}/cancelled/"
    # Stripe accepts 30 minutes to 24 hours; the seat is held for 30 minutes.
    # Rounded up to the next minute, so a retry within the minute is the same request.
    assert int(form["expires_at"]) == int(NOW.timestamp()) + 60 + 31 * 60

    payment.refresh_from_db()
    assert (payment.amount_cents, payment.currency) == (1500, "EUR")
    assert payment.stripe_checkout_session_id == session.response["id"]
    assert payment.checkout_url == session.response["url"] == stripe_api.checkout_url
    assert urlsplit(payment.checkout_url).netloc == "checkout.stripe.com"


@pytest.mark.parametrize(
    ("event_fields", "capture_method"),
    [
        pytest.param({"decision_deadline": days(3)}, "manual", id="decided-within-6-days"),
        pytest.param({"starts_at": days(5), "decision_deadline": None}, "manual", id="starts-soon"),
        pytest.param(
            {"starts_at": days(12), "decision_deadline": days(10)}, "automatic", id="decided-later"
        ),
        pytest.param(
            {"decision_deadline": days(3), "status": Event.Status.CONFIRMED},
            "automatic",
            id="already-confirmed",
        ),
    ],
)
def test_checkout_authorises_only_while_the_quorum_is_open(
    stripe_api, event_fields, capture_method
):
    fields = {"ends_at": days(13), **event_fields}
    invitation = held(**fields)

    payment = services.start_checkout(invitation, by=invitation.profile.user)

    form = stripe_api.only(CHECKOUT).form
    assert form["payment_intent_data[capture_method]"] == capture_method
    assert payment.capture_later is (capture_method == "manual")


def test_checkout_uses_the_published_price(stripe_api):
    invitation = held(stripe_product_id="prod_SfAmQz3WcX9pLn", stripe_price_id="price_1RkEvent")

    services.start_checkout(invitation, by=invitation.profile.user)

    form = stripe_api.only(CHECKOUT).form
    assert form["line_items[0][price]"] == "price_1RkEvent"
    assert not [key for key in form if key.startswith("line_items[0][price_data]")]


def test_a_second_checkout_for_the_same_hold_reuses_the_payment(stripe_api):
    invitation = held()
    guest = invitation.profile.user
    first = services.start_checkout(invitation, by=guest)
    calls = len(stripe_api.requests)

    again = services.start_checkout(invitation, by=guest)

    assert again.pk == first.pk
    assert again.checkout_url == first.checkout_url
    assert len(stripe_api.requests) == calls
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status"), [("error_api", 500), ("error_card_declined", 402)], ids=["500", "402"]
)
def test_stripe_refusing_the_checkout_is_a_safe_payment_error(stripe_api, body, status):
    invitation = held()
    stripe_api.respond(CHECKOUT, body, status=status)

    with pytest.raises(PaymentError) as refused:
        services.start_checkout(invitation, by=invitation.profile.user)

    assert refused.value.message == SAFE_MESSAGE
    attempts = stripe_api.calls(CHECKOUT)  # stripe-python retries a 500, with the same key
    assert {call.status for call in attempts} == {status}
    assert len({call.idempotency_key for call in attempts}) == 1
    payment = Payment.objects.get()
    assert (payment.status, payment.checkout_url, payment.stripe_checkout_session_id) == (
        Payment.Status.PENDING,
        "",
        "",
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.HELD


# Booking fees: leaving Checkout ----------------------------------------------------------------


def test_leaving_checkout_expires_the_session_and_frees_the_seat(stripe_api):
    payment = PaymentFactory()

    services.abandon_checkout(payment)

    expire = stripe_api.only(EXPIRE)
    assert expire.path == f"/v1/checkout/sessions/{payment.stripe_checkout_session_id}/expire"
    payment.refresh_from_db()
    payment.invitation.refresh_from_db()
    assert payment.status == Payment.Status.ABANDONED
    assert payment.invitation.status == Invitation.Status.SENT


def test_leaving_a_checkout_stripe_already_completed_changes_nothing(stripe_api):
    payment = PaymentFactory()
    stripe_api.respond(EXPIRE, "error_checkout_session_not_open", status=400)

    returned = services.abandon_checkout(payment)

    assert stripe_api.only(EXPIRE).status == 400
    assert stripe_api.only("GET /v1/checkout/sessions/{id}").response["status"] == "complete"
    assert returned.status == Payment.Status.PENDING
    payment.refresh_from_db()
    payment.invitation.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert payment.invitation.status == Invitation.Status.HELD


# Booking fees: moving money --------------------------------------------------------------------


def test_capture_charges_the_authorisation_once(stripe_api):
    payment = PaymentFactory(
        status=Payment.Status.AUTHORIZED, capture_later=True, stripe_payment_intent_id=INTENT
    )

    services.capture(payment)
    services.capture(Payment.objects.get(pk=payment.pk))

    capture = stripe_api.only(CAPTURE)
    assert capture.path == f"/v1/payment_intents/{INTENT}/capture"
    assert capture.idempotency_key == f"capture-{payment.pk}"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.stripe_charge_id == capture.response["latest_charge"]
    assert payment.stripe_charge_id.startswith("ch_")


def test_refund_of_a_charge_refunds_it_once(stripe_api):
    payment = PaymentFactory(status=Payment.Status.CAPTURED, stripe_payment_intent_id=INTENT)

    services.refund(payment, reason="The event was cancelled.")
    services.refund(Payment.objects.get(pk=payment.pk), reason="Again")

    refund = stripe_api.only(REFUNDS)
    assert refund.idempotency_key == f"refund-{payment.pk}"
    assert refund.form["payment_intent"] == INTENT
    assert refund.form["metadata[payment_id]"] == str(payment.pk)
    assert not stripe_api.calls(CANCEL)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.stripe_refund_id == refund.response["id"]
    assert payment.refund_reason == "The event was cancelled."


def test_refund_of_an_authorisation_releases_it(stripe_api):
    payment = PaymentFactory(
        status=Payment.Status.AUTHORIZED, capture_later=True, stripe_payment_intent_id=INTENT
    )

    services.refund(payment, reason="The event was cancelled.")

    cancel = stripe_api.only(CANCEL)
    assert cancel.path == f"/v1/payment_intents/{INTENT}/cancel"
    assert cancel.idempotency_key == f"release-{payment.pk}"
    assert cancel.form == {"cancellation_reason": "requested_by_customer"}
    assert not stripe_api.calls(REFUNDS)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.RELEASED


def test_a_refused_capture_leaves_the_authorisation_for_the_task_to_retry(stripe_api):
    payment = PaymentFactory(
        status=Payment.Status.AUTHORIZED, capture_later=True, stripe_payment_intent_id=INTENT
    )
    stripe_api.respond(CAPTURE, "error_card_declined", status=402)

    with pytest.raises(GatewayError) as refused:
        services.capture(payment)

    assert str(refused.value) == SAFE_MESSAGE
    payment.refresh_from_db()
    assert (payment.status, payment.stripe_charge_id) == (Payment.Status.AUTHORIZED, "")


def test_a_refund_stripe_fails_is_a_safe_payment_error_for_staff(stripe_api):
    payment = PaymentFactory(status=Payment.Status.CAPTURED, stripe_payment_intent_id=INTENT)
    stripe_api.respond(REFUNDS, "error_api", status=500)

    with pytest.raises(PaymentError) as refused:
        services.refund_by_staff(payment)

    assert refused.value.message == SAFE_MESSAGE
    assert "unknown error" not in refused.value.message
    payment.refresh_from_db()
    assert (payment.status, payment.stripe_refund_id) == (Payment.Status.CAPTURED, "")


def test_cancelling_a_paid_event_gives_every_payment_back_through_stripe(stripe_api, task_queue):
    event = EventFactory(fee_cents=1200, max_participants=6)
    pending = PaymentFactory(invitation=InvitationFactory(event=event, held=True))
    authorised = PaymentFactory(
        invitation=InvitationFactory(event=event, confirmed=True),
        status=Payment.Status.AUTHORIZED,
        stripe_payment_intent_id="pi_3RkAuthorised0000000001",
    )
    captured = PaymentFactory(
        invitation=InvitationFactory(event=event, confirmed=True),
        status=Payment.Status.CAPTURED,
        stripe_payment_intent_id="pi_3RkCaptured00000000001",
    )

    events.cancel_event(event, by=event.host, reason="The venue closed.")
    assert not stripe_api.requests  # Stripe is called by the worker, after the commit
    task_queue.run_here()

    assert stripe_api.only(EXPIRE).path.endswith(f"/{pending.stripe_checkout_session_id}/expire")
    assert stripe_api.only(CANCEL).idempotency_key == f"release-{authorised.pk}"
    assert stripe_api.only(REFUNDS).idempotency_key == f"refund-{captured.pk}"
    statuses = {p.pk: p.status for p in Payment.objects.filter(event=event)}
    assert statuses == {
        pending.pk: Payment.Status.ABANDONED,
        authorised.pk: Payment.Status.RELEASED,
        captured.pk: Payment.Status.REFUNDED,
    }


# Event prices ----------------------------------------------------------------------------------


def create_paid_event(fee_cents=2500):
    starts_at = days(9)
    return events.create_event(
        HostProfileFactory(),
        title="Supper club on the roof",
        city=CityFactory(),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        min_participants=2,
        max_participants=6,
        fee_cents=fee_cents,
        currency="EUR",
    )


def test_a_paid_event_gets_its_stripe_price_in_the_worker(stripe_api, task_queue):
    event = create_paid_event()
    assert [job["task_name"] for job in task_queue.jobs] == ["payments.tasks.publish_event_price"]
    assert not stripe_api.requests

    task_queue.run_here()

    product, price = stripe_api.only(PRODUCTS), stripe_api.only(PRICES)
    assert stripe_api.routes == [PRODUCTS, PRICES]
    assert product.idempotency_key == f"product-{event.pk}"
    assert product.form["name"] == "Supper club on the roof"
    assert product.form["metadata[event_id]"] == str(event.pk)
    assert price.idempotency_key == f"price-{event.pk}-2500-EUR"
    assert price.form["product"] == product.response["id"]
    assert (price.form["unit_amount"], price.form["currency"]) == ("2500", "eur")
    event.refresh_from_db()
    assert event.stripe_product_id == product.response["id"]
    assert event.stripe_price_id == price.response["id"]


def test_a_free_event_has_no_stripe_price(stripe_api, task_queue):
    create_paid_event(fee_cents=0)

    assert task_queue.jobs == []
    assert not stripe_api.requests


def test_a_fee_change_clears_and_republishes_the_price(stripe_api, task_queue):
    event = create_paid_event()
    task_queue.run_here()
    event.refresh_from_db()
    first_product, first_price = event.stripe_product_id, event.stripe_price_id

    event = events.update_event(event, by=event.host, fee_cents=3000)
    stored = Event.objects.get(pk=event.pk)
    assert (stored.stripe_product_id, stored.stripe_price_id) == (first_product, "")
    task_queue.run_here()

    price = stripe_api.calls(PRICES)[-1]
    assert price.idempotency_key == f"price-{event.pk}-3000-EUR"
    assert price.form["unit_amount"] == "3000"
    stored.refresh_from_db()
    assert stored.stripe_price_id == price.response["id"] != first_price
    assert len(stripe_api.calls(PRODUCTS)) == 1  # the product stays; only the price is new
    assert stored.stripe_product_id == first_product


# Premium ---------------------------------------------------------------------------------------


def test_start_subscription_returns_stripes_checkout(stripe_api, settings):
    member = InvitationFactory().profile.user

    with time_machine.travel(NOW, tick=False):
        url = services.start_subscription(member, plan="yearly")
        # A double click: the same key, so Stripe answers with the same Checkout.
        again = services.start_subscription(member, plan="yearly")

    first, second = stripe_api.calls(CHECKOUT)
    assert url == again == first.response["url"]
    assert second.replayed
    assert stripe_api.routes == [CUSTOMERS, CHECKOUT, CHECKOUT]
    form = first.form
    assert form["mode"] == "subscription"
    assert form["customer"] == stripe_api.only(CUSTOMERS).response["id"]
    assert form["line_items[0][price]"] == settings.PREMIUM_PLANS["yearly"]["price_id"]
    assert form["subscription_data[metadata][user_id]"] == str(member.pk)
    assert form["subscription_data[metadata][plan]"] == "yearly"
    assert form["success_url"] == f"{SITE}/premium/welcome/"
    assert form["cancel_url"] == f"{SITE}/premium/"
    assert first.idempotency_key.startswith(f"subscribe-{member.pk}-yearly-")


def test_start_subscription_refused_by_stripe_is_a_safe_payment_error(stripe_api):
    member = InvitationFactory().profile.user
    stripe_api.respond(CHECKOUT, "error_api", status=500)

    with pytest.raises(PaymentError) as refused:
        services.start_subscription(member, plan="monthly")

    assert refused.value.message == SAFE_MESSAGE


def test_portal_url_is_stripes(stripe_api):
    member = InvitationFactory().profile.user
    User.objects.filter(pk=member.pk).update(payment_customer_id="cus_Sf8cVq2rTnW1xY")
    member.refresh_from_db()

    url = services.portal_url(member)

    portal = stripe_api.only(PORTAL)
    assert url == portal.response["url"]
    assert urlsplit(url).netloc == "billing.stripe.com"
    assert portal.form == {"customer": "cus_Sf8cVq2rTnW1xY", "return_url": f"{SITE}/premium/"}


def test_portal_url_without_a_customer_asks_stripe_nothing(stripe_api):
    member = InvitationFactory().profile.user

    with pytest.raises(PaymentError):
        services.portal_url(member)

    assert not stripe_api.requests
