"""Stripe's webhooks: received, recorded once, processed in the worker.

`receive` verifies the signature over the raw body, records the event by its id (a unique row:
a repeated delivery records nothing) and defers its processing. `process` runs one recorded event
through its handler, once, under the row's lock. Handlers only read the event and call services,
which compare states, so a late or repeated event changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import services
from payments.models import Payment, WebhookEvent
from payments.stripe_gateway import construct_event


def receive(payload: bytes, signature: str | None) -> WebhookEvent | None:
    """Record a signed Stripe event. Raises ValueError or SignatureError (nothing written) when
    the body is not what Stripe signed; returns None when the event was already recorded."""
    event = construct_event(payload, signature)
    from payments import tasks

    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                stripe_event_id=event["id"], type=event["type"], payload=event
            )
            # Written in the same transaction as the row: recorded means queued.
            tasks.process_webhook_event.defer(webhook_event_id=row.pk)
    except IntegrityError:
        return None
    return row


def process(webhook_event_id: int) -> str:
    """Run one recorded event's handler, unless it already ran."""
    with transaction.atomic():
        row = WebhookEvent.objects.select_for_update().get(pk=webhook_event_id)
        if row.processed_at is not None:
            return "already processed"
        handler = HANDLERS.get(row.type)
        if handler is not None:
            handler(row.payload["data"]["object"], row.payload)
        row.processed_at = timezone.now()
        row.save(update_fields=["processed_at"])
    return "processed" if handler else "ignored"


def process_missed(older_than=datetime.timedelta(minutes=5)) -> int:
    cutoff = timezone.now() - older_than
    missed = WebhookEvent.objects.filter(processed_at__isnull=True, received_at__lte=cutoff)
    ids = list(missed.values_list("pk", flat=True)[:500])
    for webhook_event_id in ids:
        process(webhook_event_id)
    return len(ids)


# Handlers: (the event's object, the whole event) -----------------------------------------------


def _payment(obj: dict, *, by_intent: bool = False) -> Payment | None:
    payment_id = (obj.get("metadata") or {}).get("payment_id")
    if payment_id:
        return Payment.objects.filter(pk=payment_id).first()
    if by_intent and obj.get("payment_intent"):
        return Payment.objects.filter(stripe_payment_intent_id=obj["payment_intent"]).first()
    return None


def checkout_completed(obj: dict, event: dict) -> None:
    if obj.get("mode") == "subscription":
        services.link_subscription(
            obj.get("subscription"), metadata=obj.get("metadata"), customer=obj.get("customer")
        )
        return
    payment = _payment(obj)
    if payment is None:
        return
    intent = obj.get("payment_intent") or ""
    if obj.get("payment_status") == "paid":
        services.advance(payment, Payment.Status.CAPTURED, stripe_payment_intent_id=intent)
    elif payment.capture_later:
        services.advance(payment, Payment.Status.AUTHORIZED, stripe_payment_intent_id=intent)
    else:
        services.advance(payment, payment.status, stripe_payment_intent_id=intent)


def checkout_expired(obj: dict, event: dict) -> None:
    if (payment := _payment(obj)) is not None:
        services.advance(payment, Payment.Status.ABANDONED)


def intent_authorized(obj: dict, event: dict) -> None:
    if (payment := _payment(obj)) is not None:
        services.advance(payment, Payment.Status.AUTHORIZED, stripe_payment_intent_id=obj["id"])


def intent_succeeded(obj: dict, event: dict) -> None:
    if (payment := _payment(obj)) is not None:
        services.advance(
            payment,
            Payment.Status.CAPTURED,
            stripe_payment_intent_id=obj["id"],
            stripe_charge_id=obj.get("latest_charge") or "",
        )


def intent_failed(obj: dict, event: dict) -> None:
    if (payment := _payment(obj)) is not None:
        error = (obj.get("last_payment_error") or {}).get("message") or "The payment failed."
        services.advance(
            payment,
            Payment.Status.FAILED,
            stripe_payment_intent_id=obj["id"],
            failure_message=error[:300],
        )


def intent_canceled(obj: dict, event: dict) -> None:
    payment = _payment(obj)
    if payment is None:
        return
    # Closing an unpaid Checkout cancels its intent too: that is an abandoned payment.
    paid = payment.status in Payment.PAID
    services.advance(payment, Payment.Status.RELEASED if paid else Payment.Status.ABANDONED)


def charge_refunded(obj: dict, event: dict) -> None:
    payment = _payment(obj, by_intent=True)
    if payment is not None and obj.get("refunded"):
        services.advance(payment, Payment.Status.REFUNDED, stripe_charge_id=obj["id"])


def subscription_changed(obj: dict, event: dict) -> None:
    services.apply_subscription(obj, created=event.get("created") or 0)


def invoice_paid(obj: dict, event: dict) -> None:
    services.record_invoice(obj, paid=True)


def invoice_failed(obj: dict, event: dict) -> None:
    services.record_invoice(obj, paid=False)


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.expired": checkout_expired,
    "payment_intent.amount_capturable_updated": intent_authorized,
    "payment_intent.succeeded": intent_succeeded,
    "payment_intent.payment_failed": intent_failed,
    "payment_intent.canceled": intent_canceled,
    "charge.refunded": charge_refunded,
    "customer.subscription.created": subscription_changed,
    "customer.subscription.updated": subscription_changed,
    "customer.subscription.deleted": subscription_changed,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_failed,
}
