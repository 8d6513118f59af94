"""The hosting dashboard shows the next upcoming events and leads to all of them, a page at a
time; its seat counts read the (event, status) index, never the whole invitations table."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.factories import EventFactory, InvitationFactory
from events.models import Invitation
from events.views.hosting import UPCOMING_SHOWN
from profiles.factories import CityFactory, HostProfileFactory
from tests.plans import analyze, bulk_profiles, plan_of
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(client, user):
    client.force_login(user)
    return HostProfileFactory(user=user, host_name="Alice's table")


def upcoming(host, count: int, **fields) -> list:
    soon = timezone.now() + datetime.timedelta(days=1)
    city = CityFactory()
    return [
        EventFactory(
            host=host,
            city=city,
            title=f"Supper {n:02}",
            starts_at=soon + datetime.timedelta(days=n),
            **fields,
        )
        for n in range(count)
    ]


def titles(response) -> list[str]:
    return [
        event.title for event in response.context.get("upcoming") or response.context["page"].items
    ]


def test_the_dashboard_shows_the_next_events_and_leads_to_all_of_them(client, host):
    events = upcoming(host, UPCOMING_SHOWN + 1)

    dashboard = client.get(reverse("events:hosting"))
    assert titles(dashboard) == [e.title for e in events[:UPCOMING_SHOWN]]
    assert reverse("events:hosting-upcoming") in dashboard.text

    everything = client.get(reverse("events:hosting-upcoming"))
    assert [e.title for e in everything.context["page"].items] == [e.title for e in events]


def test_with_few_events_the_dashboard_has_no_link_to_more(client, host):
    upcoming(host, 2)
    assert reverse("events:hosting-upcoming") not in client.get(reverse("events:hosting")).text


def test_all_upcoming_events_come_a_page_at_a_time(client, host):
    events = upcoming(host, 21)
    first = client.get(reverse("events:hosting-upcoming"))
    cursor = first.context["page"].next_cursor
    assert cursor

    second = client.get(reverse("events:hosting-upcoming"), {"after": cursor})

    shown = [e.title for e in first.context["page"].items + second.context["page"].items]
    assert shown == [e.title for e in events]


def test_all_upcoming_events_leaves_out_the_past_the_cancelled_and_other_hosts(client, host):
    (mine,) = upcoming(host, 1)
    EventFactory(host=host, past=True)
    upcoming(host, 1, status="cancelled")
    EventFactory()

    page = client.get(reverse("events:hosting-upcoming")).context["page"]

    assert [e.pk for e in page.items] == [mine.pk]


def test_someone_who_does_not_host_is_sent_to_the_dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("events:hosting-upcoming"))
    assert response.status_code == 302
    assert response.url == reverse("events:hosting")


def test_all_upcoming_events_cost_the_same_queries_for_2_and_20(
    client, host, django_assert_num_queries
):
    def make(n):
        for event in upcoming(host, n):
            InvitationFactory(event=event, confirmed=True)

    assert_same_queries_for_few_and_many(
        client,
        reverse("events:hosting-upcoming"),
        make=make,
        assert_num_queries=django_assert_num_queries,
    )


def test_the_dashboards_seat_counts_read_each_events_invitations_through_an_index(client, host):
    mine = upcoming(host, UPCOMING_SHOWN + 2, max_participants=100)
    others = EventFactory.create_batch(30, host=HostProfileFactory(), max_participants=100)
    people = iter(bulk_profiles(4000, prefix="crowd"))
    statuses = itertools.cycle([Invitation.Status.SENT, Invitation.Status.DECLINED])
    Invitation.objects.bulk_create(
        Invitation(event=event, profile=next(people), status=next(statuses))
        for event in mine + others
        for _ in range(95)
    )
    analyze("events_invitation", "events_event")

    for page in ("events:hosting", "events:hosting-upcoming"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(page)).status_code == 200
        plans = [plan_of(q["sql"]) for q in captured.captured_queries if "COUNT" in q["sql"]]
        assert plans
        for plan in plans:
            # The property, not one plan: the counts read each shown event's invitations
            # through an index on the event (the planner picks the status index or the foreign
            # key's as its statistics say), never the whole table.
            assert "Seq Scan on events_invitation" not in plan, plan
            assert re.search(r"Index Cond: \(+(u\d\.)?event_id = ", plan), plan
