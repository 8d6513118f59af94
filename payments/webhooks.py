"""Stripe's webhooks: received, recorded once, processed in the worker.

`receive` verifies the signature over the raw body, records the event by its id (a unique row:
a repeated delivery records nothing) and defers its processing. `process` runs one recorded event
through its handler, once, under the row's lock. Handlers only read the event and call services,
which compare states, so a late or repeated event changes nothing.

An event about something that is not ours (no payment, a payment id that is not one of ours) is
ignored. A handler that raises changes nothing: its work is rolled back, the row stays
unprocessed with the error and the count of failed attempts (shown in the console), and the
task is retried. The sweep of missed events processes each one on its own, so one poisoned row
never holds back the others, and leaves a row alone once it has failed too often.
"""

from __future__ import annotations

import datetime
import logging
import traceback
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from payments import services
from payments.models import Payment, WebhookEvent
from payments.stripe_gateway import construct_event

logger = logging.getLogger(__name__)
# Enough of a traceback for staff to see where it broke, not a page of it.
ERROR_KEPT = 4000


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


class MalformedEvent(Exception):
    """A signed event without the object it is about: nothing a retry can mend by itself."""


def process(webhook_event_id: int) -> str:
    """Run one recorded event's handler, unless it already ran. When the handler raises, its
    work is rolled back, the failure is recorded on the row, and the error raised again (the
    task is retried)."""
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.select_for_update().get(pk=webhook_event_id)
            if row.processed_at is not None:
                return "already processed"
            handler = HANDLERS.get(row.type)
            if handler is not None:
                handler(_object_of(row.payload), row.payload)
            row.processed_at = timezone.now()
            row.save(update_fields=["processed_at"])
    except Exception as error:
        _record_failure(webhook_event_id, error)
        raise
    return "processed" if handler else "ignored"


def _object_of(payload) -> dict:
    obj = (payload.get("data") or {}).get("object") if isinstance(payload, dict) else None
    if not isinstance(obj, dict):
        raise MalformedEvent("The event has no data.object.")
    return obj


def _record_failure(webhook_event_id: int, error: Exception) -> None:
    text = "".join(traceback.format_exception(error))
    # Its own transaction (a savepoint inside an outer one): the handler's is rolled back.
    with transaction.atomic():
        WebhookEvent.objects.filter(pk=webhook_event_id, processed_at__isnull=True).update(
            failed_attempts=F("failed_attempts") + 1,
            failed_at=timezone.now(),
            last_error=text[-ERROR_KEPT:],
        )


def process_missed(older_than=datetime.timedelta(minutes=5)) -> int:
    """Process the events recorded but never processed, oldest first, each on its own: one
    that fails is recorded and the sweep goes on. Rows that failed SWEEP_GIVES_UP_AFTER times
    are left for staff. Returns how many were processed."""
    cutoff = timezone.now() - older_than
    missed = WebhookEvent.objects.filter(
        processed_at__isnull=True,
        received_at__lte=cutoff,
        failed_attempts__lt=WebhookEvent.SWEEP_GIVES_UP_AFTER,
    ).order_by("received_at", "pk")
    ids = list(missed.values_list("pk", flat=True)[:500])
    processed = 0
    for webhook_event_id in ids:
        try:
            process(webhook_event_id)
        except Exception:
            logger.exception("Stripe event %s failed again in the sweep", webhook_event_id)
        else:
            processed += 1
    return processed


# Handlers: (the event's object, the whole event) -----------------------------------------------


def _payment(obj: dict, *, by_intent: bool = False) -> Payment | None:
    """The payment an object is about, or None when it is not one of ours: no payment id, one
    that is not a UUID, or no payment with it."""
    metadata = obj.get("metadata")
    payment_id = metadata.get("payment_id") if isinstance(metadata, dict) else None
    if payment_id:
        try:
            payment_id = uuid.UUID(str(payment_id))
        except ValueError:
            return None
        return Payment.objects.filter(pk=payment_id).first()
    intent = obj.get("payment_intent")
    if by_intent and intent and isinstance(intent, str):
        return Payment.objects.filter(stripe_payment_intent_id=intent).first()
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
        services.advance(
            payment, Payment.Status.AUTHORIZED, stripe_payment_intent_id=obj.get("id") or ""
        )


def intent_succeeded(obj: dict, event: dict) -> None:
    if (payment := _payment(obj)) is not None:
        services.advance(
            payment,
            Payment.Status.CAPTURED,
            stripe_payment_intent_id=obj.get("id") or "",
            stripe_charge_id=obj.get("latest_charge") or "",
        )


def intent_failed(obj: dict, event: dict) -> None:
    if (payment := _payment(obj)) is not None:
        error = (obj.get("last_payment_error") or {}).get("message") or "The payment failed."
        services.advance(
            payment,
            Payment.Status.FAILED,
            stripe_payment_intent_id=obj.get("id") or "",
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
        services.advance(payment, Payment.Status.REFUNDED, stripe_charge_id=obj.get("id") or "")


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
