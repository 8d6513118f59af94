"""Two "turn on my calendar feed" clicks at once (two tabs, a double tap): one feed for the
person, and both requests answer as usual, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from events.models import CalendarFeed
from profiles.factories import SocialProfileFactory
from tests.races import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("round", range(5))
def test_two_requests_turning_the_feed_on_at_once_make_one_feed(round):
    profile = SocialProfileFactory()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(profile.user)
    responses = []

    def turn_on(client):
        return lambda: responses.append(client.post(reverse("events:calendar-feed-on")))

    errors = run_at_once([turn_on(client) for client in clients])

    assert not errors
    assert [response.status_code for response in responses] == [302, 302]
    assert all(r["Location"].endswith("#calendar") for r in responses)
    [feed] = CalendarFeed.objects.filter(profile=profile)
    # Both now show the same address: the one feed's.
    page = clients[0].get(responses[0]["Location"]).content.decode()
    assert feed.token in page
