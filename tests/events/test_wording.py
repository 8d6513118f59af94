"""What the event pages and form say, where the numbers or the state change the words."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from events.factories import EventFactory
from events.models import Event
from profiles.factories import HostProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(client, user):
    client.force_login(user)
    return HostProfileFactory(user=user)


@pytest.mark.parametrize(
    ("low", "high", "group", "seats"),
    [
        (6, 6, "6 guests ·", "of 6 seats"),
        (1, 1, "1 guest ·", "of 1 seat</p>"),
        (3, 6, "3 to 6 guests ·", "of 6 seats"),
    ],
)
def test_the_group_size_reads_as_a_sentence(client, host, low, high, group, seats):
    event = EventFactory(host=host, min_participants=low, max_participants=high)
    page = client.get(event.get_absolute_url())
    assertContains(page, f"<dd>{group}")
    assertNotContains(page, f"{high} to {high} guests")
    guests = client.get(reverse("events:guests", args=[event.pk]))
    assertContains(guests, seats)


def test_the_image_field_offers_to_replace_only_an_image_there_is(client, host):
    create = client.get(reverse("events:create"))
    assertContains(create, "Image")
    assertNotContains(create, "Replace the image")
    event = EventFactory(host=host)
    edit = reverse("events:edit", args=[event.pk])
    assertNotContains(client.get(edit), "Replace the image")
    Event.objects.filter(pk=event.pk).update(image_large="events/x-large.webp")
    assertContains(client.get(edit), "Replace the image")


def test_the_event_form_says_what_a_business_event_is(client, host):
    assertContains(
        client.get(reverse("events:create")),
        "A work or networking event: it is marked Business, and people can look for business"
        " events in discovery.",
    )
