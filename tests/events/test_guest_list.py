"""The host's guests page: newest invitations first, a page at a time (keyset), each row's links
built without a reverse() per row, on the (event, -created_at, -id) index."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from events import guest_list
from events.factories import EventFactory, InvitationFactory
from events.models import Invitation
from profiles.factories import HostProfileFactory
from tests.plans import analyze, bulk_profiles, plan_of
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr>\s*<td><a href="(?P<profile>[^"]+)">(?P<name>[^<]+)</a>')


@pytest.fixture
def host(client, user):
    client.force_login(user)
    return HostProfileFactory(user=user, host_name="Alice's table")


def invite_many(event, count: int, *, prefix: str = "guest") -> list[Invitation]:
    start = timezone.now() - datetime.timedelta(days=1)
    return Invitation.objects.bulk_create(
        Invitation(
            event=event,
            profile=profile,
            expires_at=event.starts_at,
            created_at=start + datetime.timedelta(seconds=n),
        )
        for n, profile in enumerate(bulk_profiles(count, prefix=prefix))
    )


def guests_url(event, after: str | None = None) -> str:
    url = reverse("events:guests", args=[event.pk])
    return f"{url}?after={after}" if after else url


def names(response) -> list[str]:
    return [match["name"] for match in ROW.finditer(response.text)]


def test_the_guests_page_shows_the_newest_first_a_page_at_a_time(client, host):
    event = EventFactory(host=host, max_participants=100)
    invitations = invite_many(event, guest_list.PAGE_SIZE + 3)
    newest_first = [i.profile.display_name for i in reversed(invitations)]

    first = client.get(guests_url(event))
    assert names(first) == newest_first[: guest_list.PAGE_SIZE]
    assert first.context["page"].has_next
    assert 'rel="next"' in first.text

    second = client.get(guests_url(event, first.context["page"].next_cursor))
    assert names(second) == newest_first[guest_list.PAGE_SIZE :]
    assert not second.context["page"].has_next
    # The counts and the invite form are on every page.
    assert f"Invited {guest_list.PAGE_SIZE + 3}:" in second.text
    assert 'name="username"' in second.text


def test_a_tampered_cursor_shows_the_first_page(client, host):
    event = EventFactory(host=host, max_participants=100)
    invite_many(event, guest_list.PAGE_SIZE + 1)
    first = client.get(guests_url(event))

    tampered = client.get(guests_url(event, "not-a-cursor"))

    assert tampered.status_code == 200
    assert names(tampered) == names(first)


def test_each_row_links_where_reverse_would(client, host):
    event = EventFactory(host=host, max_participants=10)
    sent = InvitationFactory(event=event, profile__user__username="José+1@x.y")
    confirmed = InvitationFactory(event=event, confirmed=True)
    declined = InvitationFactory(event=event, status=Invitation.Status.DECLINED)

    page = client.get(guests_url(event)).text

    assert reverse("profiles:profile", args=["José+1@x.y"]) in page
    assert reverse("events:withdraw", args=[event.pk, sent.pk]) in page
    assert reverse("events:remove-guest", args=[event.pk, confirmed.pk]) in page
    assert str(declined.pk) not in page  # nothing to do about a declined invitation


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_row_says_when_as_the_date_filter_would(language):
    event = EventFactory()
    invitation = InvitationFactory(event=event)
    invitation.updated_at = datetime.datetime(2026, 2, 3, 14, 5, tzinfo=datetime.UTC)

    with translation.override(language):
        (row,) = guest_list.guest_rows(event, [invitation])

    with translation.override(language):
        assert row.since == date_format(invitation.updated_at, "j M, H:i")
    assert row.since_iso == "2026-02-03T14:05+0000"


def test_a_cancelled_events_guests_have_no_actions(client, host):
    event = EventFactory(host=host, status="cancelled")
    invitation = InvitationFactory(event=event)

    page = client.get(guests_url(event)).text

    assert invitation.profile.display_name in page
    assert "/withdraw/" not in page


def test_the_guests_page_costs_the_same_queries_for_2_and_20_guests(
    client, host, django_assert_num_queries
):
    event = EventFactory(host=host, max_participants=40)

    def make(n):
        InvitationFactory.create_batch(n, event=event)

    assert_same_queries_for_few_and_many(
        client, guests_url(event), make=make, assert_num_queries=django_assert_num_queries
    )


def test_a_page_of_guests_reads_one_events_invitations_on_an_index_among_thousands(client, host):
    event = EventFactory(host=host, max_participants=100)
    invite_many(event, 400)
    for n in range(6):  # other events' invitations, so the table outgrows the page
        invite_many(EventFactory(), 400, prefix=f"other{n}-")
    analyze("events_invitation")
    first = client.get(guests_url(event))

    with CaptureQueriesContext(connection) as captured:
        client.get(guests_url(event, first.context["page"].next_cursor))

    (rows,) = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]]
    plan = plan_of(rows)
    # The planner may walk the guests index in order or gather the event's rows on its (event,
    # status) index and sort them (it chose that once under load); either way it reads one
    # event's invitations, never the whole table.
    assert "Seq Scan on events_invitation" not in plan, plan
    assert re.search(
        r"Index (Only )?Scan( Backward)? using invitation_\w+ on events_invitation|"
        r"Bitmap Index Scan on invitation_\w+",
        plan,
    ), plan
