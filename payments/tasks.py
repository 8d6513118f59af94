"""Payments work in the task worker: each webhook event is processed here, not in the request
that received it, and every Stripe call that moves money runs here, retried on failure. The same
idempotency key makes a retried call harmless."""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from events.models import Event, Invitation
from payments import services, webhooks
from payments.models import Payment

RETRY = RetryStrategy(max_attempts=8, exponential_wait=5)


@app.task(queue="payments", retry=RETRY)
def process_webhook_event(webhook_event_id: int) -> str:
    return webhooks.process(webhook_event_id)


@app.task(queue="payments", retry=RETRY)
def publish_event_price(event_id: str) -> None:
    event = Event.objects.filter(pk=event_id).first()
    if event is not None:
        services.publish_event_price(event)


@app.task(queue="payments", retry=RETRY)
def capture_event_payments(event_id: str) -> int:
    return services.capture_event_payments(Event.objects.get(pk=event_id))


@app.task(queue="payments", retry=RETRY)
def settle_cancelled_event(event_id: str) -> int:
    return services.settle_cancelled_event(Event.objects.get(pk=event_id))


@app.task(queue="payments", retry=RETRY)
def refund_payment(payment_id: str, reason: str) -> str:
    return services.refund(Payment.objects.get(pk=payment_id), reason=reason).status


@app.task(queue="payments", retry=RETRY)
def refund_seat(invitation_id: str, reason: str) -> int:
    return services.refund_seat(Invitation.objects.get(pk=invitation_id), reason=reason)


@app.periodic(cron="*/10 * * * *")
@app.task(queue="payments", queueing_lock="payments_sweep")
def process_missed_webhook_events(timestamp: int) -> int:
    """A safety net: events recorded but never processed (a worker died) are processed now."""
    return webhooks.process_missed()


@app.periodic(cron="23 * * * *")
@app.task(queue="payments", queueing_lock="premium_renewals")
def remind_renewals(timestamp: int) -> int:
    """Members whose plan charges again within 7 days, told once per period."""
    return services.remind_renewals()
