"""An event page's going list costs what it shows: the event's confirmed guests are read in the
order they confirmed, up to the cap, on an index, whatever the number of members on the site."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import access
from events.factories import EventFactory
from events.models import Invitation
from tests.plans import analyze, bulk_profiles, plan_of

pytestmark = pytest.mark.django_db


def confirm_many(event, count: int, *, prefix: str) -> list[Invitation]:
    start = timezone.now() - datetime.timedelta(days=1)
    return Invitation.objects.bulk_create(
        Invitation(
            event=event,
            profile=profile,
            status=Invitation.Status.CONFIRMED,
            responded_at=start + datetime.timedelta(seconds=n),
        )
        for n, profile in enumerate(bulk_profiles(count, prefix=prefix))
    )


@pytest.fixture
def crowded_event():
    """An event with 400 confirmed guests among 3,200 members confirmed elsewhere too."""
    event = EventFactory(is_private=False, max_participants=500)
    confirm_many(event, 400, prefix="going")
    for n in range(4):
        confirm_many(EventFactory(max_participants=800), 700, prefix=f"elsewhere{n}-")
    analyze("events_invitation", "profiles_socialprofile", "accounts_user")
    return event


def test_the_going_list_shows_the_first_to_confirm_up_to_the_cap(crowded_event, user):
    guests = access.guests_for_viewer(crowded_event, user.social_profile, limit=100)
    assert [guest.user.username for guest in guests] == [f"going{n}" for n in range(100)]


def test_the_going_list_reads_the_event_on_an_index_and_never_every_member(crowded_event, user):
    with CaptureQueriesContext(connection) as captured:
        access.guests_for_viewer(crowded_event, user.social_profile, limit=100)
    (sql,) = [query["sql"] for query in captured.captured_queries]
    plan = plan_of(sql)
    # Whichever index the planner starts from, it reads neither every invitation nor every profile.
    assert "Seq Scan on events_invitation" not in plan, plan
    assert "Seq Scan on profiles_socialprofile" not in plan, plan
    assert "Seq Scan on accounts_user" not in plan, plan
