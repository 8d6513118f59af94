"""Premium's perk, "see who liked you": members without a plan that gives premium see how many
people like them and never who; premium members see who, but never anyone blocked either way."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from payments.factories import SubscriptionFactory
from payments.models import Subscription
from profiles import services
from profiles.factories import SocialProfileFactory
from profiles.models import Block, Like

pytestmark = pytest.mark.django_db
URL = reverse("profiles:liked-me")


@pytest.fixture
def me(user):
    return user.social_profile


def liker(me, name: str):
    """Someone who likes me, with a name nobody else on the page has."""
    profile = SocialProfileFactory(first_name=name, user__username=f"user-{name.lower()}")
    services.like(profile, me)
    return profile


def shows(page, profile) -> bool:
    text = page.text
    return profile.display_name in text or f"/people/{profile.user.username}/" in text


@pytest.mark.parametrize(
    "status", [None, Subscription.Status.INCOMPLETE, Subscription.Status.ENDED]
)
def test_without_premium_a_member_sees_how_many_like_them_but_not_who(client, user, me, status):
    if status is not None:
        SubscriptionFactory(user=user, status=status)
    zora, yann = liker(me, "Zora"), liker(me, "Yann")
    client.force_login(user)

    page = client.get(URL)

    assert page.status_code == 200
    assert "2 people like your profile" in page.text and "Premium members see who" in page.text
    assert not shows(page, zora) and not shows(page, yann)
    assert page.context["page"] is None  # nobody's profile even reached the template


def test_without_premium_the_count_leaves_out_blocked_people(client, user, me):
    liker(me, "Zora")
    blocked_by_me, blocking_me = liker(me, "Xavi"), liker(me, "Wanda")
    # Likes a block would have removed, left over: the page must not count on that.
    Block.objects.create(blocker=me, blocked=blocked_by_me)
    Block.objects.create(blocker=blocking_me, blocked=me)
    client.force_login(user)

    assert "1 person likes your profile" in client.get(URL).text


def test_without_premium_and_without_likes_the_page_says_so(client, user):
    client.force_login(user)
    page = client.get(URL)
    assert "Nobody has liked your profile yet." in page.text
    assert reverse("payments:pricing") in page.text


@pytest.mark.parametrize(
    "status",
    [Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE, Subscription.Status.CANCELLED],
)
def test_premium_members_see_who_liked_them_newest_first(client, user, me, status):
    SubscriptionFactory(user=user, status=status)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2)):
        zora = liker(me, "Zora")
    yann = liker(me, "Yann")
    client.force_login(user)

    page = client.get(URL)

    assert shows(page, zora) and shows(page, yann)
    assert page.text.index("Yann") < page.text.index("Zora")
    assert "Premium members see who" not in page.text


def test_premium_members_never_see_people_blocked_either_way(client, user, me):
    SubscriptionFactory(user=user)
    zora = liker(me, "Zora")
    blocked_by_me, blocking_me = liker(me, "Xavi"), liker(me, "Wanda")
    leftover_a, leftover_b = liker(me, "Viktor"), liker(me, "Ulla")
    services.block(me, blocked_by_me)
    services.block(blocking_me, me)
    # Likes left over next to a block (the service removes them): the page hides them too.
    Block.objects.create(blocker=me, blocked=leftover_a)
    Block.objects.create(blocker=leftover_b, blocked=me)
    assert Like.objects.filter(liked=me).count() == 3
    client.force_login(user)

    page = client.get(URL)

    assert shows(page, zora)
    for hidden in (blocked_by_me, blocking_me, leftover_a, leftover_b):
        assert not shows(page, hidden), hidden.display_name


def test_a_likers_private_data_stays_off_the_premium_page(client, user, me):
    SubscriptionFactory(user=user)
    zora = liker(me, "Zora")
    zora.user.last_name = "Zzprivatelastname"
    zora.user.save(update_fields=["last_name"])
    client.force_login(user)

    page = client.get(URL)

    assert shows(page, zora)
    for private in (zora.user.email, "Zzprivatelastname"):
        assert private not in page.text


def test_premium_ends_and_the_names_go_with_it(client, user, me):
    subscription = SubscriptionFactory(user=user)
    zora = liker(me, "Zora")
    client.force_login(user)
    assert shows(client.get(URL), zora)

    Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.ENDED)

    page = client.get(URL)
    assert not shows(page, zora) and "1 person likes your profile" in page.text


def test_someone_elses_premium_shows_me_nothing(client, user, me, stranger):
    SubscriptionFactory(user=stranger)
    zora = liker(me, "Zora")
    client.force_login(user)
    assert not shows(client.get(URL), zora)


def test_the_page_is_for_members_only(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
