"""What the money pages cost: each runs as many queries with 2 rows as with 20 (payments,
plans, invoices, likes, guests with their booking fees)."""

import itertools

import pytest
from django.test import Client
from django.urls import reverse

from events.factories import EventFactory, InvitationFactory
from payments.factories import PaymentFactory, SubscriptionFactory
from payments.models import Payment, Subscription, SubscriptionPayment
from profiles import services as profiles
from profiles.factories import CityFactory, SocialProfileFactory, add_photo
from profiles.models import Block
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db
Status = Payment.Status


@pytest.fixture
def htmx_client():
    return Client(headers={"HX-Request": "true"})


def same_queries(client, user, url, make, assert_num_queries) -> int:
    client.force_login(user)
    return assert_same_queries_for_few_and_many(
        client, url, make=make, assert_num_queries=assert_num_queries
    )


# Booking fees ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.PENDING, Status.CAPTURED, Status.FAILED])
@pytest.mark.parametrize("fragment", [False, True], ids=["page", "htmx-fragment"])
def test_a_payments_page_and_its_polled_fragment_cost_the_same_with_2_and_20_payments(
    client, htmx_client, status, fragment, django_assert_num_queries
):
    payment = PaymentFactory(status=status, failure_message="Your card was declined.")
    payer, event = payment.user, payment.event

    def make(n):
        for _ in range(n):
            PaymentFactory(invitation__profile=payer.social_profile, status=Status.CAPTURED)
            PaymentFactory(invitation__event=event, status=Status.CAPTURED)

    url = reverse("payments:payment", args=[payment.pk])
    used = htmx_client if fragment else client
    same_queries(used, payer, url, make, django_assert_num_queries)
    assert ("<html" in used.get(url).text) is not fragment


def _plans(user, n: int) -> None:
    """n ended plans of this member's, each with an invoice, and n plans of other members'."""
    for _ in range(n):
        for subscription in (
            SubscriptionFactory(user=user, status=Subscription.Status.ENDED),
            SubscriptionFactory(),
        ):
            SubscriptionPayment.objects.create(
                subscription=subscription,
                user=subscription.user,
                amount_cents=900,
                currency="EUR",
                status="paid",
                stripe_invoice_id=f"in_{subscription.stripe_subscription_id}",
            )


@pytest.mark.parametrize("premium", [False, True], ids=["member", "premium"])
@pytest.mark.parametrize(
    "url_name,fragment",
    [("payments:pricing", False), ("payments:welcome", False), ("payments:welcome", True)],
    ids=["pricing", "welcome", "welcome-htmx-fragment"],
)
def test_the_premium_pages_cost_the_same_with_2_and_20_plans(
    client, htmx_client, user, premium, url_name, fragment, django_assert_num_queries
):
    if premium:
        SubscriptionFactory(user=user)
    same_queries(
        htmx_client if fragment else client,
        user,
        reverse(url_name),
        lambda n: _plans(user, n),
        django_assert_num_queries,
    )


def test_the_local_portal_costs_the_same_with_2_and_20_plans(
    client, user, django_assert_num_queries
):
    SubscriptionFactory(user=user)
    same_queries(
        client,
        user,
        reverse("payments:local-portal"),
        lambda n: _plans(user, n),
        django_assert_num_queries,
    )


# Premium's perk --------------------------------------------------------------------------------


@pytest.mark.parametrize("premium", [True, False], ids=["premium", "member"])
def test_who_liked_you_costs_the_same_with_2_and_20_likes(
    client, user, premium, django_assert_num_queries
):
    me = user.social_profile
    if premium:
        SubscriptionFactory(user=user)
    city = CityFactory(name="Lyon")

    def make(n):
        for _ in range(n):
            liker = SocialProfileFactory()
            profiles.add_city(liker, city)
            add_photo(liker)
            profiles.like(liker, me)
            blocked = SocialProfileFactory()
            profiles.like(blocked, me)
            Block.objects.create(blocker=me, blocked=blocked)

    same_queries(client, user, reverse("profiles:liked-me"), make, django_assert_num_queries)


# The host's guests page, with the booking fees' totals -----------------------------------------


def test_the_guests_page_with_booking_fees_costs_the_same_with_2_and_20_paying_guests(
    client, django_assert_num_queries
):
    event = EventFactory(fee_cents=1500, max_participants=200)
    statuses = itertools.cycle(
        [Status.CAPTURED, Status.AUTHORIZED, Status.REFUNDED, Status.PENDING]
    )

    def make(n):
        for status in itertools.islice(statuses, n):
            invitation = InvitationFactory(event=event, confirmed=True)
            PaymentFactory(invitation=invitation, status=status)
            PaymentFactory(invitation=invitation, status=Status.FAILED)

    same_queries(
        client,
        event.host.user,
        reverse("events:guests", args=[event.pk]),
        make,
        django_assert_num_queries,
    )
    page = client.get(reverse("events:guests", args=[event.pk]))
    assert "Booking fees" in page.text
    money = page.context["money"]
    # 20 paying guests: 5 charged and kept, 5 authorised, 5 charged then refunded, 5 pending.
    assert money == {
        "authorized": 5 * 1500,
        "captured": 10 * 1500,
        "refunded": 5 * 1500,
        "held": 10 * 1500,
    }
