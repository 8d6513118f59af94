"""The only way views load payments: the payer's own, or Http404."""

from django.shortcuts import get_object_or_404

from payments.models import Payment, Subscription


def payment_for_payer(user, payment_id) -> Payment:
    return get_object_or_404(
        Payment.objects.select_related("event__city", "invitation"), pk=payment_id, user=user
    )


def current_subscription(user) -> Subscription | None:
    """The member's plan that gives premium now, or their latest one."""
    subscriptions = Subscription.objects.filter(user=user)
    return subscriptions.giving_premium().first() or subscriptions.first()
