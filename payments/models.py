"""Money: booking fees (`Payment`), premium plans (`Subscription`) and their invoices
(`SubscriptionPayment`), and the Stripe events received (`WebhookEvent`).

Amounts are integer cents with a currency. Stripe's webhooks are the source of truth: rows change
only in payments/services.py, and only forward (see `Payment.STAGE`), so a retried or late
event changes nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from events.models import format_money


def _unique_when_set(field: str, name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=[field], condition=~Q(**{field: ""}), name=name)


class PaymentQuerySet(models.QuerySet):
    def totals(self) -> dict[str, int]:
        """Authorised, captured, refunded and held now (authorised or captured, not refunded),
        in cents: what a host sees per event, and what a refund of a seat gives back."""
        status = Payment.Status

        def total(*statuses):
            return Sum("amount_cents", filter=Q(status__in=statuses), default=0)

        totals = self.aggregate(
            authorized=total(status.AUTHORIZED),
            captured=total(status.CAPTURED, status.REFUNDED),
            refunded=total(status.REFUNDED),
        )
        # What is taken or promised now, and would go back in a refund.
        totals["held"] = totals["authorized"] + totals["captured"] - totals["refunded"]
        return totals

    def held_for(self, invitation) -> int:
        """What a seat has taken or been promised and would give back in a refund, in cents."""
        return self.filter(invitation=invitation).totals()["held"]


class Payment(models.Model):
    """One attempt to pay an event's booking fee: one Checkout session."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for payment"
        AUTHORIZED = "authorized", "Authorised, not yet charged"
        CAPTURED = "captured", "Paid"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Not completed"
        RELEASED = "released", "Authorisation released"
        REFUNDED = "refunded", "Refunded"

    # How far a payment has come: a state only moves to a later stage, so a late or repeated
    # webhook is a no-op. A failed attempt may still succeed on the same Checkout page, or the
    # Checkout may close after it (abandoned).
    STAGE = {
        Status.PENDING: 0,
        Status.FAILED: 1,
        Status.ABANDONED: 2,
        Status.AUTHORIZED: 3,
        Status.CAPTURED: 4,
        Status.RELEASED: 5,
        Status.REFUNDED: 5,
    }
    PAID = (Status.AUTHORIZED, Status.CAPTURED)  # the money is taken, or promised

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="payments")
    invitation = models.ForeignKey(
        "events.Invitation", on_delete=models.PROTECT, related_name="payments"
    )
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Authorise now, capture when the event reaches its minimum (quorum events).
    capture_later = models.BooleanField(default=False)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    # Why the money went back, when it did; a refund because the seat was gone is for staff to see.
    refund_reason = models.CharField(max_length=200, blank=True)
    seat_lost = models.BooleanField(
        default=False, help_text="Paid after the seat hold lapsed and no seat was left."
    )
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive"),
            _unique_when_set("stripe_checkout_session_id", "payment_checkout_session_unique"),
            _unique_when_set("stripe_payment_intent_id", "payment_intent_unique"),
            _unique_when_set("stripe_charge_id", "payment_charge_unique"),
            # One live attempt per invitation: a second Checkout reuses it.
            models.UniqueConstraint(
                fields=["invitation"],
                condition=Q(status="pending"),
                name="payment_one_pending_per_invitation",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="payment_event_status_idx")]

    def __str__(self):
        return f"{self.amount_display} for {self.event_id} ({self.status})"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_cents, self.currency)

    @property
    def is_waiting(self) -> bool:
        """Stripe has not told us the outcome yet."""
        return self.status == self.Status.PENDING


class Plan(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"


class SubscriptionQuerySet(models.QuerySet):
    def giving_premium(self):
        return self.filter(status__in=Subscription.PREMIUM_STATUSES)


class Subscription(models.Model):
    """A premium plan. Its status follows Stripe's subscription through webhooks."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Waiting for the first payment"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        CANCELLED = "cancelled", "Cancelled, ends at the period's end"
        ENDED = "ended", "Ended"

    # Premium perks last while the plan is paid, being retried, or cancelled but not yet over.
    PREMIUM_STATUSES = (Status.ACTIVE, Status.PAST_DUE, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions"
    )
    plan = models.CharField(max_length=10, choices=Plan.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INCOMPLETE)
    stripe_subscription_id = models.CharField(max_length=255, unique=True)
    started_at = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The `created` time of the last Stripe event applied: an older one arriving late is ignored.
    stripe_updated = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "status"], name="subscription_user_status_idx")]

    def __str__(self):
        return f"{self.get_plan_display()} plan of {self.user_id} ({self.status})"

    @property
    def gives_premium(self) -> bool:
        return self.status in self.PREMIUM_STATUSES


class SubscriptionPayment(models.Model):
    """One invoice of a premium plan, paid or failed."""

    class Status(models.TextChoices):
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="payments"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=Status.choices)
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.amount_display} ({self.status})"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_cents, self.currency)


class WebhookEvent(models.Model):
    """Each Stripe event, recorded once by its id; the worker processes it once. A handler that
    raises leaves the row unprocessed with its error, for staff to see in the console."""

    # The sweep of missed events stops retrying a row after this many failed attempts; the
    # row stays unprocessed, and listed as given up in the console.
    SWEEP_GIVES_UP_AFTER = 10

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(processed_at__isnull=True),
                name="webhook_unprocessed_idx",
            )
        ]

    def __str__(self):
        return f"{self.type} {self.stripe_event_id}"

    @property
    def given_up(self) -> bool:
        return self.processed_at is None and self.failed_attempts >= self.SWEEP_GIVES_UP_AFTER


def is_premium(user) -> bool:
    """Premium status, derived from the subscriptions: never stored twice."""
    return (
        user.is_authenticated and Subscription.objects.filter(user=user).giving_premium().exists()
    )
