import factory

from events.factories import InvitationFactory
from payments.models import Payment, Plan, Subscription


class PaymentFactory(factory.django.DjangoModelFactory):
    """A pending payment for a held seat on a paid event."""

    class Meta:
        model = Payment

    invitation = factory.SubFactory(InvitationFactory, held=True, event__fee_cents=1200)
    event = factory.SelfAttribute("invitation.event")
    user = factory.SelfAttribute("invitation.profile.user")
    amount_cents = factory.SelfAttribute("event.fee_cents")
    currency = factory.SelfAttribute("event.currency")
    stripe_checkout_session_id = factory.Sequence(lambda n: f"cs_test_{n:06d}")


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory("accounts.factories.UserFactory")
    plan = Plan.MONTHLY
    status = Subscription.Status.ACTIVE
    stripe_subscription_id = factory.Sequence(lambda n: f"sub_test_{n:06d}")
