import pytest

from accounts.demo import World
from payments import demo
from payments.models import Payment, Subscription, WebhookEvent

pytestmark = pytest.mark.django_db


def test_demo_makes_no_payments_and_lists_no_premium_log_in_when_stripe_keys_are_set(
    stripe_api, task_queue
):
    world = demo.seed(World())

    assert world.created == []
    assert demo.logins() == {}
    assert not stripe_api.requests, "the demo never calls Stripe"
    assert not Payment.objects.exists() and not Subscription.objects.exists()
    assert not WebhookEvent.objects.exists() and not task_queue.jobs
