"""The local test mode's Stripe: what the person does on the local checkout and portal pages
becomes the Stripe events Stripe would send, signed with the webhook secret and handed to the
same `webhooks.receive` the endpoint calls. Used only when no Stripe keys are configured."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import uuid

from django.conf import settings
from django.utils import timezone

from payments.models import Payment, Subscription
from payments.stripe_gateway import _local_id


def sign(body: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send for this body."""
    timestamp = timestamp or int(time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def emit(event_type: str, obj: dict):
    """Deliver one Stripe event through the webhook code; returns the recorded WebhookEvent."""
    from payments import webhooks

    event = {
        "id": f"evt_local_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    body = json.dumps(event)
    return webhooks.receive(body.encode(), sign(body, settings.STRIPE_WEBHOOK_SECRET))


def payment_intent(payment: Payment, status: str, *, charge: str = "", error: str = "") -> dict:
    return {
        "id": _local_id("pi", payment.pk),
        "object": "payment_intent",
        "amount": payment.amount_cents,
        "currency": payment.currency.lower(),
        "status": status,
        "capture_method": "manual" if payment.capture_later else "automatic",
        "latest_charge": charge or None,
        "last_payment_error": {"code": "card_declined", "message": error} if error else None,
        "metadata": {"payment_id": str(payment.pk)},
    }


def charge(payment: Payment, *, refunded: bool) -> dict:
    return {
        "id": _local_id("ch", payment.pk),
        "object": "charge",
        "amount": payment.amount_cents,
        "amount_refunded": payment.amount_cents if refunded else 0,
        "currency": payment.currency.lower(),
        "refunded": refunded,
        "payment_intent": _local_id("pi", payment.pk),
        "metadata": {"payment_id": str(payment.pk)},
    }


def _session(payment: Payment, *, status: str, payment_status: str) -> dict:
    return {
        "id": payment.stripe_checkout_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": status,
        "payment_status": payment_status,
        "payment_intent": _local_id("pi", payment.pk) if status == "complete" else None,
        "client_reference_id": str(payment.pk),
        "metadata": {"payment_id": str(payment.pk)},
    }


# The local checkout page's three choices -------------------------------------------------------


def pay(payment: Payment) -> None:
    if payment.capture_later:
        emit(
            "checkout.session.completed",
            _session(payment, status="complete", payment_status="unpaid"),
        )
        emit(
            "payment_intent.amount_capturable_updated", payment_intent(payment, "requires_capture")
        )
    else:
        emit(
            "checkout.session.completed",
            _session(payment, status="complete", payment_status="paid"),
        )
        charge_id = _local_id("ch", payment.pk)
        emit("payment_intent.succeeded", payment_intent(payment, "succeeded", charge=charge_id))


def decline(payment: Payment) -> None:
    emit(
        "payment_intent.payment_failed",
        payment_intent(payment, "requires_payment_method", error="Your card was declined."),
    )


def expire_session(session_id: str) -> bool:
    payment = Payment.objects.filter(stripe_checkout_session_id=session_id).first()
    if payment is None:
        return True
    if payment.status not in (Payment.Status.PENDING, Payment.Status.FAILED):
        return False
    emit("checkout.session.expired", _session(payment, status="expired", payment_status="unpaid"))
    return True


# Premium ---------------------------------------------------------------------------------------


def _period_end(plan: str) -> int:
    """When a plan bought now renews: the local mode's stand-in for Stripe's billing."""
    days = 365 if plan == "yearly" else 30
    return int((timezone.now() + datetime.timedelta(days=days)).timestamp())


def _subscription(
    subscription_id: str,
    *,
    user_id: str,
    plan: str,
    status: str,
    cancel_at_period_end=False,
    current_period_end: int | None = None,
) -> dict:
    ends = current_period_end or _period_end(plan)
    return {
        "id": subscription_id,
        "object": "subscription",
        "status": status,
        "customer": _local_id("cus", user_id),
        "cancel_at_period_end": cancel_at_period_end,
        "start_date": int(time.time()),
        "ended_at": int(time.time()) if status == "canceled" else None,
        "metadata": {"user_id": str(user_id), "plan": plan},
        "items": {
            "object": "list",
            "data": [
                {
                    "price": {"id": settings.PREMIUM_PLANS[plan]["price_id"]},
                    "current_period_end": ends,
                }
            ],
        },
    }


def subscribe(*, session_id: str, user_id: str, plan: str) -> None:
    subscription_id = _local_id("sub", session_id)
    customer = _local_id("cus", user_id)
    metadata = {"user_id": str(user_id), "plan": plan}
    emit(
        "checkout.session.completed",
        {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "complete",
            "payment_status": "paid",
            "customer": customer,
            "subscription": subscription_id,
            "client_reference_id": str(user_id),
            "metadata": metadata,
        },
    )
    emit(
        "customer.subscription.created",
        _subscription(subscription_id, user_id=user_id, plan=plan, status="active"),
    )
    emit(
        "invoice.paid",
        {
            "id": _local_id("in", subscription_id),
            "object": "invoice",
            "customer": customer,
            "amount_paid": settings.PREMIUM_PLANS[plan]["amount_cents"],
            "currency": settings.PREMIUM_PLANS[plan]["currency"].lower(),
            "status": "paid",
            "parent": {"subscription_details": {"subscription": subscription_id}},
        },
    )


def change_subscription(subscription: Subscription, action: str) -> None:
    """The local portal: 'cancel' at the period's end, 'resume', or 'end' at once."""
    period = subscription.current_period_end
    fields = {
        "user_id": str(subscription.user_id),
        "plan": subscription.plan,
        "current_period_end": int(period.timestamp()) if period else None,
    }
    if action == "end":
        data = _subscription(subscription.stripe_subscription_id, status="canceled", **fields)
        emit("customer.subscription.deleted", data)
    else:
        data = _subscription(
            subscription.stripe_subscription_id,
            status="active",
            cancel_at_period_end=action == "cancel",
            **fields,
        )
        emit("customer.subscription.updated", data)
