"""Every write about money. Views, webhooks, tasks, the console and the demo call these.

Booking fees. Accepting a paid invitation holds the seat (events.services); `start_checkout`
creates the Payment row and Stripe's Checkout for it. What happens next arrives as Stripe events
(payments/webhooks.py), each applied through `_advance`: under the payment's row lock, a status
only moves to a later stage (Payment.STAGE), and the side effects of a move (the seat, the
emails, a refund) happen only when it moves. A repeated or late event is therefore a no-op.

Quorum events. While an event is still planned, the payment is only authorised; it is captured
when the event reaches its minimum (events.services confirms the event and defers
`capture_event_payments`). A card authorisation lasts 7 days at Stripe, so an event whose
decision deadline is further away than AUTHORIZATION_LASTS is charged at once instead, and
refunded if it is cancelled. A cancelled event's payments are released, refunded or their
Checkout closed (`settle_cancelled_event`).

A payment that arrives after its seat hold lapsed keeps the seat if one is still free; otherwise
it is refunded once, automatically, the person is told by email and staff see it in the console
(`Payment.seat_lost`).

Stripe is never called under a row lock: rows are written first, the call follows.
"""

from __future__ import annotations

import datetime
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import notify, notify_each_once
from events import calendar
from events import services as events
from events.models import Event, Invitation
from payments.models import Payment, Plan, Subscription, SubscriptionPayment, is_premium
from payments.stripe_gateway import CHECKOUT_LASTS, GatewayError, gateway

# Stripe keeps a card authorisation for 7 days; leave a day's margin.
AUTHORIZATION_LASTS = datetime.timedelta(days=6)
SEAT_LOST = "The seat was no longer available when the payment arrived."
ALREADY_PAID = "This seat was already paid."
EVENT_CANCELLED = "The event was cancelled."
BY_STAFF = "Refunded by Momento."


class PaymentError(Exception):
    """A refusal whose message is safe to show to the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# Customers and prices --------------------------------------------------------------------------


def ensure_customer(user) -> str:
    """The user's one Stripe customer, created the first time it is needed."""
    if user.payment_customer_id:
        return user.payment_customer_id
    customer = gateway().ensure_customer(user)
    User = get_user_model()
    User.objects.filter(pk=user.pk, payment_customer_id="").update(payment_customer_id=customer)
    user.payment_customer_id = User.objects.values_list("payment_customer_id", flat=True).get(
        pk=user.pk
    )
    return user.payment_customer_id


def publish_event_price(event: Event) -> Event:
    """A paid event gets its Stripe product and price (again when its fee changed)."""
    if event.is_free or event.stripe_price_id:
        return event
    product, price = gateway().create_event_price(event)
    Event.objects.filter(pk=event.pk, fee_cents=event.fee_cents, currency=event.currency).update(
        stripe_product_id=product, stripe_price_id=price
    )
    event.stripe_product_id, event.stripe_price_id = product, price
    return event


# Booking fees ----------------------------------------------------------------------------------


def _capture_later(event: Event) -> bool:
    return (
        event.status == Event.Status.PLANNED
        and event.quorum_deadline - timezone.now() <= AUTHORIZATION_LASTS
    )


def start_checkout(invitation: Invitation, *, by) -> Payment:
    """The Checkout for a held seat: the open one if there is one, or a new one."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("event", "profile")
            .get(pk=invitation.pk)
        )
        if invitation.profile.user_id != by.pk:
            raise PaymentError("This invitation is not yours.")
        if invitation.status != Invitation.Status.HELD:
            raise PaymentError("Your seat is no longer held: accept the invitation again.")
        payment = invitation.payments.filter(status=Payment.Status.PENDING).first()
        if payment is not None and payment.created_at <= timezone.now() - CHECKOUT_LASTS:
            # An earlier hold's Checkout, closed by Stripe since: it can no longer be paid.
            Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.ABANDONED)
            payment = None
        if payment is not None and payment.checkout_url:
            return payment
        if payment is None:
            event = invitation.event
            payment = Payment.objects.create(
                user=by,
                event=event,
                invitation=invitation,
                amount_cents=event.fee_cents,
                currency=event.currency,
                capture_later=_capture_later(event),
            )
    try:
        customer = ensure_customer(by)
        checkout = gateway().create_checkout(
            payment,
            customer=customer,
            success_url=_absolute(reverse("payments:payment", args=[payment.pk])),
            cancel_url=_absolute(reverse("payments:cancelled", args=[payment.pk])),
        )
    except GatewayError as error:
        raise PaymentError(str(error)) from error
    Payment.objects.filter(pk=payment.pk).update(
        stripe_checkout_session_id=checkout.session_id, checkout_url=checkout.url
    )
    payment.stripe_checkout_session_id, payment.checkout_url = checkout.session_id, checkout.url
    return payment


def abandon_checkout(payment: Payment) -> Payment:
    """The person left Checkout: it is closed and the held seat released. If the payment went
    through meanwhile, nothing changes."""
    if payment.status not in (Payment.Status.PENDING, Payment.Status.FAILED):
        return payment
    if payment.stripe_checkout_session_id:
        try:
            closed = gateway().expire_checkout(payment.stripe_checkout_session_id)
        except GatewayError as error:
            raise PaymentError(str(error)) from error
        if not closed:
            return payment
    return advance(payment, Payment.Status.ABANDONED)


def advance(payment: Payment, status: str, **fields) -> Payment:
    """Move a payment forward to `status` and do what that move means, once. A move to an
    earlier or the same stage changes nothing, so every Stripe event may arrive again, late or
    out of order."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        before = payment.status
        for name, value in fields.items():
            if value and not getattr(payment, name):  # ids are written once, never replaced
                setattr(payment, name, value)
        moved = Payment.STAGE[status] > Payment.STAGE[before]
        if moved:
            payment.status = status
        payment.save(update_fields=["status", *fields, "updated_at"])
        if moved:
            _after_move(payment, before)
    return payment


def _after_move(payment: Payment, before: str) -> None:
    status = payment.status
    if status in Payment.PAID and before not in Payment.PAID:
        _seat_paid(payment)
    elif status == Payment.Status.FAILED and _is_latest(payment):
        # No email: the guest is at the checkout when the card fails, and Stripe lets them try
        # another there; their invitation says "payment failed" with a retry. (An email here
        # would also depend on the order Stripe's events arrive in.)
        events.fail_paid_seat(payment.invitation)
    elif status == Payment.Status.ABANDONED and _is_latest(payment):
        events.release_held_seat(payment.invitation)
    elif status in (Payment.Status.REFUNDED, Payment.Status.RELEASED):
        if before not in Payment.PAID:
            # The refund's event came before the payment's own (Stripe does not promise an
            # order): the money was taken before it went back, so the seat is paid first, as
            # in-order delivery would have done; the success events then change nothing.
            _seat_paid(payment)
        notify(
            payment.user,
            "refunded",
            about=payment,
            link=reverse("payments:payment", args=[payment.pk]),
            context={"payment": payment},
        )


def _is_latest(payment: Payment) -> bool:
    """An older Checkout failing or closing says nothing about the seat a newer one holds."""
    later = payment.invitation.payments.filter(created_at__gt=payment.created_at)
    return not later.exists()


def _seat_paid(payment: Payment) -> None:
    try:
        invitation = events.confirm_paid_seat(payment.invitation)
    except events.EventError:
        # The event was cancelled meanwhile, or it filled up after the hold lapsed.
        cancelled = not Event.objects.get(pk=payment.event_id).is_open
        payment.seat_lost = not cancelled
        payment.refund_reason = EVENT_CANCELLED if cancelled else SEAT_LOST
        payment.save(update_fields=["seat_lost", "refund_reason", "updated_at"])
        _give_back(payment)
        return
    # Under the event's lock now: a second Checkout for the same seat (a declined one stays
    # open at Stripe after the guest accepted again) that is paid too is given back.
    if invitation.payments.filter(status__in=Payment.PAID).exclude(pk=payment.pk).exists():
        payment.refund_reason = ALREADY_PAID
        payment.save(update_fields=["refund_reason", "updated_at"])
        _give_back(payment)
        return
    event = invitation.event
    notify(
        payment.user,
        "booked",
        about=payment,
        link=event.get_absolute_url(),
        context={"payment": payment, "event": event},
        attachments=[calendar.seat_file(event)],
    )
    if payment.status == Payment.Status.AUTHORIZED and event.status == Event.Status.CONFIRMED:
        _defer("capture_event_payments", event_id=str(event.pk))


def _give_back(payment: Payment) -> None:
    """Refund a payment the seat cannot keep, unless its money has already gone back (its
    refund arrived first): Stripe is asked to refund a payment once."""
    if payment.status in Payment.PAID:
        _defer("refund_payment", payment_id=str(payment.pk), reason=payment.refund_reason)


def _defer(task: str, **kwargs) -> None:
    """The job is written in this transaction: it exists exactly when the change does."""
    from payments import tasks

    getattr(tasks, task).defer(**kwargs)


@contextmanager
def _moving_money(payment: Payment):
    """One capture, release or refund of a payment at a time, across workers: a second caller
    waits, then finds the payment moved and calls Stripe no more. A PostgreSQL advisory lock,
    so no row stays locked during the call."""
    key = f"payment-{payment.pk}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])


def capture(payment: Payment) -> Payment:
    """Charge an authorised payment."""
    with _moving_money(payment):
        payment = Payment.objects.get(pk=payment.pk)
        if payment.status != Payment.Status.AUTHORIZED:
            return payment
        charge = gateway().capture(payment)
        return advance(payment, Payment.Status.CAPTURED, stripe_charge_id=charge)


def refund(payment: Payment, *, reason: str) -> Payment:
    """Give the money back: an authorisation is released, a charge refunded. Once: one caller
    at a time, Stripe sees one idempotency key per payment, and the row moves once."""
    with _moving_money(payment):
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment.pk)
            if payment.status not in Payment.PAID:
                return payment
            if not payment.refund_reason:
                payment.refund_reason = reason
                payment.save(update_fields=["refund_reason", "updated_at"])
        if payment.status == Payment.Status.AUTHORIZED:
            gateway().release(payment)
            return advance(payment, Payment.Status.RELEASED)
        refund_id = gateway().refund(payment)
        return advance(payment, Payment.Status.REFUNDED, stripe_refund_id=refund_id)


def refund_seat(invitation: Invitation, *, reason: str) -> int:
    """A seat given back in time, or taken back by the host: whatever was paid for it is
    returned (events.services.cancel_seat, remove_guest). Returns how many payments moved."""
    payments = list(invitation.payments.filter(status__in=Payment.PAID))
    for payment in payments:
        refund(payment, reason=reason)
    return len(payments)


def capture_event_payments(event: Event) -> int:
    """A confirmed event's authorised payments are charged. Returns how many."""
    event.refresh_from_db(fields=["status"])
    if event.status not in (Event.Status.CONFIRMED, Event.Status.COMPLETED):
        return 0
    payments = list(event.payments.filter(status=Payment.Status.AUTHORIZED))
    for payment in payments:
        capture(payment)
    return len(payments)


def settle_cancelled_event(event: Event) -> int:
    """A cancelled event's money goes back: open Checkouts closed, authorisations released,
    charges refunded. Returns how many payments it touched."""
    live = (Payment.Status.PENDING, *Payment.PAID)
    payments = list(event.payments.filter(status__in=live))
    for payment in payments:
        if payment.status == Payment.Status.PENDING:
            abandon_checkout(payment)
        else:
            refund(payment, reason=EVENT_CANCELLED)
    return len(payments)


# Premium ---------------------------------------------------------------------------------------


def start_subscription(user, *, plan: str) -> str:
    """The Checkout URL for a premium plan."""
    if plan not in Plan.values:
        raise PaymentError("Choose the monthly or the yearly plan.")
    if is_premium(user):
        raise PaymentError("You are already a premium member: manage your plan instead.")
    try:
        checkout = gateway().create_subscription_checkout(
            user,
            customer=ensure_customer(user),
            plan=plan,
            success_url=_absolute(reverse("payments:welcome")),
            cancel_url=_absolute(reverse("payments:pricing")),
        )
    except GatewayError as error:
        raise PaymentError(str(error)) from error
    return checkout.url


def portal_url(user) -> str:
    """Stripe's customer portal, where a member changes or cancels their plan."""
    if not user.payment_customer_id:
        raise PaymentError("You have no plan to manage yet.")
    try:
        return gateway().portal_url(
            customer=user.payment_customer_id,
            return_url=_absolute(reverse("payments:pricing")),
        )
    except GatewayError as error:
        raise PaymentError(str(error)) from error


STRIPE_STATUSES = {
    "incomplete": Subscription.Status.INCOMPLETE,
    "trialing": Subscription.Status.ACTIVE,
    "active": Subscription.Status.ACTIVE,
    "past_due": Subscription.Status.PAST_DUE,
    "unpaid": Subscription.Status.PAST_DUE,
    "paused": Subscription.Status.PAST_DUE,
    "canceled": Subscription.Status.ENDED,
    "incomplete_expired": Subscription.Status.ENDED,
}


def _timestamp(value) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC) if value else None


def _user_for(metadata: dict, customer: str | None):
    User = get_user_model()
    if user_id := (metadata if isinstance(metadata, dict) else {}).get("user_id"):
        try:
            return User.objects.filter(pk=uuid.UUID(str(user_id))).first()
        except ValueError:
            return None  # not one of our users
    if customer:
        return User.objects.filter(payment_customer_id=customer).first()
    return None


def _plan_for(metadata: dict, price_id: str | None, amount: int | None = None) -> str:
    if (metadata or {}).get("plan") in Plan.values:
        return metadata["plan"]
    for plan, details in settings.PREMIUM_PLANS.items():
        if price_id == details["price_id"] or amount == details["amount_cents"]:
            return plan
    return Plan.MONTHLY


def _subscription_row(subscription_id: str, user, plan: str) -> Subscription:
    """The row for a Stripe subscription, locked; created on the first event about it."""
    Subscription.objects.get_or_create(
        stripe_subscription_id=subscription_id, defaults={"user": user, "plan": plan}
    )
    return Subscription.objects.select_for_update().get(stripe_subscription_id=subscription_id)


@transaction.atomic
def link_subscription(subscription_id: str, *, metadata: dict, customer: str | None) -> None:
    """Checkout completed in subscription mode: the subscription is the user's."""
    user = _user_for(metadata, customer)
    if user is not None and subscription_id:
        _subscription_row(subscription_id, user, _plan_for(metadata, None))


@transaction.atomic
def apply_subscription(data: dict, *, created: int) -> Subscription | None:
    """Stripe's view of a subscription, as of the event's `created` time. An event older than
    the last one applied is ignored, and an ended subscription stays ended."""
    user = _user_for(data.get("metadata"), data.get("customer"))
    if user is None:
        return None
    item = (data.get("items") or {}).get("data") or [{}]
    price = (item[0].get("price") or {}).get("id")
    row = _subscription_row(data["id"], user, _plan_for(data.get("metadata"), price))
    status = STRIPE_STATUSES.get(data.get("status"), Subscription.Status.INCOMPLETE)
    if status == Subscription.Status.ACTIVE and data.get("cancel_at_period_end"):
        status = Subscription.Status.CANCELLED
    # That premium began is a fact even in an older event, or one arriving after the end:
    # `started_at` records it, so the welcome is sent once whatever the order.
    if row.started_at is None and status in Subscription.PREMIUM_STATUSES:
        row.started_at = _timestamp(data.get("start_date")) or timezone.now()
        row.save(update_fields=["started_at", "updated_at"])
        notify(
            user,
            "premium_welcome",
            about=row,
            link=reverse("payments:manage"),
            context={"subscription": row},
        )
    period_end = _timestamp(item[0].get("current_period_end") or data.get("current_period_end"))
    if status == Subscription.Status.CANCELLED:
        # That the member asked to cancel at the period's end is a fact even in an older event
        # (like the start above): told once per period, whatever the order of the events.
        notify(
            user,
            "premium_cancelled",
            about=row,
            link=reverse("payments:manage"),
            context={"subscription": row, "ends_on": period_end},
            once=f"premium_cancelled:{row.pk}:{period_end:%Y-%m-%d}" if period_end else "",
        )
    if created < row.stripe_updated or row.status == Subscription.Status.ENDED:
        return row
    before = row.status
    row.status = status
    row.plan = _plan_for(data.get("metadata"), price)
    row.current_period_end = period_end
    row.ended_at = _timestamp(data.get("ended_at")) if status == Subscription.Status.ENDED else None
    row.stripe_updated = created
    row.save(
        update_fields=[
            "status",
            "plan",
            "started_at",
            "current_period_end",
            "ended_at",
            "stripe_updated",
            "updated_at",
        ]
    )
    if before != status == Subscription.Status.ENDED:
        notify(
            user,
            "premium_ended",
            about=row,
            link=reverse("payments:pricing"),
            context={"subscription": row},
        )
    return row


@transaction.atomic
def record_invoice(data: dict, *, paid: bool) -> SubscriptionPayment | None:
    """One subscription invoice, paid or failed; a failed one that is paid later becomes paid."""
    details = (data.get("parent") or {}).get("subscription_details") or {}
    subscription_id = data.get("subscription") or details.get("subscription")
    user = _user_for(details.get("metadata"), data.get("customer"))
    if not subscription_id or user is None:
        return None
    amount = data.get("amount_paid") if paid else data.get("amount_due")
    plan = _plan_for(details.get("metadata"), None, amount)
    subscription = _subscription_row(subscription_id, user, plan)
    status = SubscriptionPayment.Status.PAID if paid else SubscriptionPayment.Status.FAILED
    row, created = SubscriptionPayment.objects.select_for_update().get_or_create(
        stripe_invoice_id=data["id"],
        defaults={
            "subscription": subscription,
            "user": user,
            "amount_cents": amount or 0,
            "currency": (data.get("currency") or "eur").upper(),
            "status": status,
            "stripe_payment_intent_id": data.get("payment_intent") or "",
        },
    )
    if not created and paid and row.status != status:
        row.status, row.amount_cents = status, amount or 0
        row.save(update_fields=["status", "amount_cents"])
    if created and not paid:
        notify(
            user,
            "payment_failed",
            about=row,
            link=reverse("payments:manage"),
            context={"invoice": row},
        )
    return row


RENEWAL_NOTICE = datetime.timedelta(days=7)


def remind_renewals(now: datetime.datetime | None = None) -> int:
    """Premium plans that charge again within 7 days: their member is told once per period."""
    now = now or timezone.now()
    due = Subscription.objects.filter(
        status=Subscription.Status.ACTIVE,
        current_period_end__gt=now,
        current_period_end__lte=now + RENEWAL_NOTICE,
    ).select_related("user")
    return notify_each_once(
        due,
        kind="premium_renewal",
        user_of=lambda row: row.user,
        about_of=lambda row: row,
        context_of=lambda row: {"subscription": row},
        link_of=lambda row: reverse("payments:manage"),
        key_of=lambda row: f"premium_renewal:{row.pk}:{row.current_period_end:%Y-%m-%d}",
    )


# The console -----------------------------------------------------------------------------------


def refund_by_staff(payment: Payment) -> Payment:
    """A goodwill refund from the console. The seat stays: it is only money."""
    if payment.status not in Payment.PAID:
        raise PaymentError("Only an authorised or paid payment can be refunded.")
    try:
        return refund(payment, reason=BY_STAFF)
    except GatewayError as error:
        raise PaymentError(str(error)) from error
