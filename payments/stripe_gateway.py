"""The only module that talks to Stripe (and the only one importing `stripe`).

`gateway()` gives the Stripe gateway when `STRIPE_SECRET_KEY` is set, and otherwise the local
test mode's: it answers like Stripe without a network, sends the person to a local checkout page
(payments/local.py), and reports what happened as Stripe events, signed with the webhook secret
and received by the same webhook code. Everything else calls payments/services.py.

Every call that creates or moves money carries an idempotency key derived from our own row, so a
retried call never charges, captures or refunds twice.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
import uuid
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.core import signing
from django.urls import reverse

# Tests swap in an HTTP client that answers from recorded Stripe responses: the network edge.
http_client: stripe.HTTPClient | None = None

# The local checkout page's links are signed with this salt (payments/local.py reads them).
LOCAL_SALT = "payments.local-checkout"

StripeError = stripe.StripeError
SignatureError = stripe.SignatureVerificationError


class GatewayError(Exception):
    """Stripe refused or could not be reached; the message is safe to show."""


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str


def is_local() -> bool:
    return not settings.STRIPE_SECRET_KEY


def gateway() -> StripeGateway | LocalGateway:
    return LocalGateway() if is_local() else StripeGateway()


def construct_event(payload: bytes, signature: str | None) -> dict:
    """The verified event as plain data. Raises SignatureError or ValueError when the body is not
    what Stripe signed with our endpoint secret."""
    stripe.WebhookSignature.verify_header(
        payload, signature, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
    )
    event = json.loads(payload)
    if not isinstance(event, dict):  # signed, yet no event: a 400 like any malformed body
        raise ValueError("A Stripe event is a JSON object.")
    return event


# Stripe accepts 30 minutes to 24 hours; the seat hold is 30 minutes from accepting.
CHECKOUT_LASTS = datetime.timedelta(minutes=31)


def _checkout_expiry() -> int:
    """On a whole minute, so a retry within the minute sends the very same request."""
    return (int(time.time()) // 60 + 1) * 60 + int(CHECKOUT_LASTS.total_seconds())


class StripeGateway:
    def __init__(self):
        # Network retries are safe: every call that moves money carries an idempotency key.
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, http_client=http_client, max_network_retries=2
        )

    def _call(self, method, params: dict, *, key: str | None = None):
        options = {"idempotency_key": key} if key else {}
        try:
            return method(params=params, options=options)
        except stripe.StripeError as error:
            raise GatewayError(
                "The payment service could not be reached. Please try again."
            ) from error

    def ensure_customer(self, user) -> str:
        customer = self._call(
            self.client.v1.customers.create,
            {"email": user.email, "metadata": {"user_id": str(user.pk)}},
            key=f"customer-{user.pk}",
        )
        return customer.id

    def create_event_price(self, event) -> tuple[str, str]:
        """The event's product (made once) and a price for its current fee."""
        product = event.stripe_product_id
        if not product:
            product = self._call(
                self.client.v1.products.create,
                {"name": event.title[:250], "metadata": {"event_id": str(event.pk)}},
                key=f"product-{event.pk}",
            ).id
        price = self._call(
            self.client.v1.prices.create,
            {
                "product": product,
                "unit_amount": event.fee_cents,
                "currency": event.currency.lower(),
                "metadata": {"event_id": str(event.pk)},
            },
            key=f"price-{event.pk}-{event.fee_cents}-{event.currency}",
        )
        return product, price.id

    def create_checkout(self, payment, *, customer: str, success_url: str, cancel_url: str):
        event = payment.event
        if event.stripe_price_id:
            item = {"price": event.stripe_price_id, "quantity": 1}
        else:
            item = {
                "quantity": 1,
                "price_data": {
                    "currency": payment.currency.lower(),
                    "unit_amount": payment.amount_cents,
                    "product_data": {"name": f"Booking fee: {event.title}"[:250]},
                },
            }
        metadata = {"payment_id": str(payment.pk)}
        expires_at = _checkout_expiry()
        session = self._call(
            self.client.v1.checkout.sessions.create,
            {
                "mode": "payment",
                "customer": customer,
                "client_reference_id": str(payment.pk),
                "line_items": [item],
                "payment_intent_data": {
                    "capture_method": "manual" if payment.capture_later else "automatic",
                    "metadata": metadata,
                },
                "metadata": metadata,
                "success_url": success_url,
                "cancel_url": cancel_url,
                "expires_at": expires_at,
            },
            # The same request within the minute gives the same Checkout; a later retry (the
            # first answer was lost) a new one, which is all the guest ever sees.
            key=f"checkout-{payment.pk}-{expires_at}",
        )
        return Checkout(session.id, session.url)

    def expire_checkout(self, session_id: str) -> bool:
        """Close an open Checkout. False when it can't be: it was completed meanwhile."""
        try:
            try:
                session = self.client.v1.checkout.sessions.expire(session_id)
            except stripe.InvalidRequestError:  # already complete, or already expired
                session = self.client.v1.checkout.sessions.retrieve(session_id)
        except stripe.StripeError as error:
            raise GatewayError("The payment service could not be reached.") from error
        return session.status == "expired"

    def capture(self, payment) -> str:
        """Charge an authorised payment; returns the charge id."""
        intent = self._call(
            lambda params, options: self.client.v1.payment_intents.capture(
                payment.stripe_payment_intent_id, params=params, options=options
            ),
            {},
            key=f"capture-{payment.pk}",
        )
        return intent.latest_charge or ""

    def release(self, payment) -> None:
        """Let an authorisation go: nothing was charged."""
        self._call(
            lambda params, options: self.client.v1.payment_intents.cancel(
                payment.stripe_payment_intent_id, params=params, options=options
            ),
            {"cancellation_reason": "requested_by_customer"},
            key=f"release-{payment.pk}",
        )

    def refund(self, payment) -> str:
        refund = self._call(
            self.client.v1.refunds.create,
            {
                "payment_intent": payment.stripe_payment_intent_id,
                "metadata": {"payment_id": str(payment.pk)},
            },
            key=f"refund-{payment.pk}",
        )
        return refund.id

    def create_subscription_checkout(
        self, user, *, customer: str, plan: str, success_url: str, cancel_url: str
    ) -> Checkout:
        metadata = {"user_id": str(user.pk), "plan": plan}
        session = self._call(
            self.client.v1.checkout.sessions.create,
            {
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": str(user.pk),
                "line_items": [{"price": settings.PREMIUM_PLANS[plan]["price_id"], "quantity": 1}],
                "subscription_data": {"metadata": metadata},
                "metadata": metadata,
                "success_url": success_url,
                "cancel_url": cancel_url,
            },
            # A double click gives the same Checkout, not two subscriptions.
            key=f"subscribe-{user.pk}-{plan}-{int(time.time()) // 600}",
        )
        return Checkout(session.id, session.url)

    def portal_url(self, *, customer: str, return_url: str) -> str:
        session = self._call(
            self.client.v1.billing_portal.sessions.create,
            {"customer": customer, "return_url": return_url},
        )
        return session.url


# The local test mode ---------------------------------------------------------------------------


def _local_id(prefix: str, *parts) -> str:
    if not parts:
        return f"{prefix}_local_{uuid.uuid4().hex[:24]}"
    digest = hashlib.sha256("-".join(str(part) for part in parts).encode()).hexdigest()[:24]
    return f"{prefix}_local_{digest}"


class LocalGateway:
    """Stripe's answers without Stripe. Ids are derived from the idempotency keys a real call
    would carry, so a repeated call gives the same object, as Stripe does."""

    def ensure_customer(self, user) -> str:
        return _local_id("cus", user.pk)

    def create_event_price(self, event) -> tuple[str, str]:
        return _local_id("prod", event.pk), _local_id(
            "price", event.pk, event.fee_cents, event.currency
        )

    def create_checkout(self, payment, *, customer: str, success_url: str, cancel_url: str):
        session_id = _local_id("cs", payment.pk)
        token = signing.dumps(
            {"mode": "payment", "session": session_id, "payment": str(payment.pk)},
            salt=LOCAL_SALT,
        )
        return Checkout(session_id, reverse("payments:local-checkout", args=[token]))

    def expire_checkout(self, session_id: str) -> bool:
        from payments import local

        return local.expire_session(session_id)

    def capture(self, payment) -> str:
        from payments import local

        charge = _local_id("ch", payment.pk)
        local.emit(
            "payment_intent.succeeded", local.payment_intent(payment, "succeeded", charge=charge)
        )
        return charge

    def release(self, payment) -> None:
        from payments import local

        local.emit("payment_intent.canceled", local.payment_intent(payment, "canceled"))

    def refund(self, payment) -> str:
        from payments import local

        refund = _local_id("re", payment.pk)
        local.emit("charge.refunded", local.charge(payment, refunded=True))
        return refund

    def create_subscription_checkout(
        self, user, *, customer: str, plan: str, success_url: str, cancel_url: str
    ) -> Checkout:
        session_id = _local_id("cs")
        token = signing.dumps(
            {"mode": "subscription", "session": session_id, "user": str(user.pk), "plan": plan},
            salt=LOCAL_SALT,
        )
        return Checkout(session_id, reverse("payments:local-checkout", args=[token]))

    def portal_url(self, *, customer: str, return_url: str) -> str:
        return reverse("payments:local-portal")
