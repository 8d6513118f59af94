"""Each main page's exact number of SQL queries, in the harness world (tests/harness/world.py),
and no query while its template renders (tests/queries.py says why and how).

Exact counts catch what "the same with 2 and 20 rows" can't: a query added to every request, or
a page that quietly grows by one. A signed-in request costs 2 before the view runs (its session
and its user, tests/test_request_floor.py); an anonymous one costs none. When a page's count
changes on purpose, change it here and say why in the commit.

The world is built once per module inside a transaction that is rolled back; each page is
requested once to warm the session and Django's caches, then measured.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.factories import AttendanceFactory, EventFactory, InvitationFactory
from events.models import Event
from profiles.factories import SocialProfileFactory
from tests.harness.site import client_for
from tests.harness.world import ANONYMOUS, build_world
from tests.queries import assert_same_queries_for_few_and_many, queries_while_rendering, writes_in

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("query_counts")]


def event(name):
    return lambda w: reverse(name, args=[w.objects["event"].pk])


def _event_id(w):
    return w.objects["event"].pk


def _latest(w):
    from urllib.parse import quote

    from messaging.board import mark
    from messaging.models import EventPost

    latest = EventPost.objects.filter(event=w.objects["event"]).latest("created_at")
    return quote(mark(latest.created_at))


def _latest_message(w):
    from urllib.parse import quote

    from messaging.board import mark
    from messaging.models import Message

    latest = Message.objects.filter(conversation=w.objects["conversation"]).latest("created_at")
    return quote(mark(latest.created_at))


# page: (who asks, its URL in the world, exact queries). Signed-in counts include the 2 of the
# floor (session, user).
PAGES = {
    "home, logged out": (ANONYMOUS, lambda w: reverse("home"), 0),
    # + profile, what waits for an answer, the next seat, "am I a host"
    "home, a guest": ("guest", lambda w: reverse("home"), 6),
    # + the same, and the host's next event with its seats
    "home, the host": ("host", lambda w: reverse("home"), 7),
    # the city and tag options, a page of events
    "discovery, logged out": (ANONYMOUS, lambda w: reverse("events:discover"), 3),
    # + profile and current city (the default filter)
    "discovery, a guest": ("guest", lambda w: reverse("events:discover"), 7),
    # the event, its counts, its tags, the guest count
    "event page, logged out (public)": (
        ANONYMOUS,
        lambda w: reverse("events:detail", args=[w.objects["public_event"].pk]),
        4,
    ),
    # + profile, blocks and "am I invited" (the private event's access), my invitation,
    # "interested", the visible guests' cards
    "event page, a guest": ("guest", event("events:detail"), 12),
    # + profile, the invitations' funnel, "interested", the guests' cards
    "event page, the host": ("host", event("events:detail"), 10),
    # + host profile, upcoming, cancelled, a page of past events (each with its seat counts)
    "hosting": ("host", lambda w: reverse("events:hosting"), 6),
    # + host profile, a page of upcoming events
    "hosting, all upcoming": ("host", lambda w: reverse("events:hosting-upcoming"), 4),
    # + the event, a page of invitations, the event's seats (a free event: no fees' totals)
    "guests": ("host", event("events:guests"), 5),
    # + profile, the person, blocks, then every fact on the page one query each
    "profile": ("guest", lambda w: reverse("profiles:profile", args=[w.host.username]), 19),
    # + profile, the city, interest and mood options, a page of cards
    "people": ("guest", lambda w: reverse("profiles:browse"), 7),
    # + profile, a page of invitations
    "my invitations": ("invitee", lambda w: reverse("events:my-invitations"), 4),
    # + profile, upcoming seats, a page of past ones, my record (attendance, late cancellations),
    # and for its completed events: whether I came and rated, and my mutual picks
    "my events": ("guest", lambda w: reverse("events:my-events"), 9),
    # + the event, its confirmed guests with their reports, the late cancellations
    "attendance, the host": (
        "host",
        lambda w: reverse("events:attendance", args=[w.objects["evening"].pk]),
        5,
    ),
    # + my seat, the confirmed guests with their reports and mine
    "my attendance, the guest": (
        "guest",
        lambda w: reverse("events:my-attendance", args=[w.objects["evening"].pk]),
        4,
    ),
    "my attendance, the invitee": (
        "invitee",
        lambda w: reverse("events:my-attendance", args=[w.objects["evening"].pk]),
        4,
    ),
    # + the event, "is my seat confirmed"
    "calendar file, a guest": ("guest", event("events:event-calendar"), 4),
    # no log-in: the feed by its token, the seats, the hosted events
    "calendar feed, the guest's": (
        ANONYMOUS,
        lambda w: reverse("events:calendar-feed", args=[w.objects["guest_feed"].token]),
        3,
    ),
    # + the calendar feed
    "settings, a guest": ("guest", lambda w: reverse("accounts:settings"), 3),
    # + profile, the event, blocks, "am I invited" (the event's access), my rating (the world's
    # guest has rated: no refusal to compute)
    "rating page": (
        "guest",
        lambda w: reverse("events:rate", args=[w.objects["past_event"].pk]),
        7,
    ),
    # + the event's access (4, as above), my attendance, the other attendees' cards, my picks,
    # the mutual ones
    "meet again": (
        "guest",
        lambda w: reverse("events:meet-again", args=[w.objects["past_event"].pk]),
        10,
    ),
    # + the event, the published ratings' summary, a page of them
    "ratings, the host": (
        "host",
        lambda w: reverse("events:ratings", args=[w.objects["past_event"].pk]),
        5,
    ),
    # The evening (the world's event under way tonight).
    # + my invitation with its event, city, host and my name (one join)
    "ticket, the guest": (
        "guest",
        lambda w: reverse("events:ticket", args=[w.objects["tonight_invitation"].pk]),
        3,
    ),
    # + the event (the host's), its guests with their photos and evening news (one query)
    "check-in, the host": (
        "host",
        lambda w: reverse("events:check-in", args=[w.objects["tonight"].pk]),
        4,
    ),
    "check-in list (polled), the host": (
        "host",
        lambda w: reverse("events:check-in-list", args=[w.objects["tonight"].pk]),
        4,
    ),
    # + a page of my notifications (their line and link were written with them)
    "notifications, the host": ("host", lambda w: reverse("accounts:notifications"), 3),
    # + the count of my unread ones (a partial index), capped
    "notification badge (polled), the host": (
        "host",
        lambda w: reverse("accounts:notification-badge"),
        3,
    ),
    # The private event's board.
    # + the board's access (the event with my invitation, attendance, blocks, profile: one
    # query), a page of posts
    "event board, a guest": ("guest", lambda w: reverse("messaging:board", args=[_event_id(w)]), 4),
    "event board, the host": ("host", lambda w: reverse("messaging:board", args=[_event_id(w)]), 4),
    # + the board's access, the posts since the latest one shown (none: one indexed read)
    "event board poll, nothing new": (
        "invitee",
        lambda w: reverse("messaging:board-new", args=[_event_id(w)]) + "?since=" + _latest(w),
        4,
    ),
    # + my profile, a page of my conversations (each with its latest message and my unread
    # count), the other people's names
    "inbox, the guest": ("guest", lambda w: reverse("messaging:inbox"), 5),
    # + my profile, my unread messages (capped)
    "message badge (polled), the guest": ("guest", lambda w: reverse("messaging:badge"), 4),
    # + both sides of the conversation with their people and blocks (one query), a page of
    # messages (read already: nothing to mark)
    "conversation, the guest": (
        "guest",
        lambda w: reverse("messaging:conversation", args=[w.objects["conversation"].pk]),
        4,
    ),
    # + the conversation's sides, the messages since the latest (none: one indexed read)
    "conversation poll, nothing new": (
        "host",
        lambda w: (
            reverse("messaging:conversation-new", args=[w.objects["conversation"].pk])
            + "?mine=1&since="
            + _latest_message(w)
        ),
        4,
    ),
    # + my email choices
    "email settings, a guest": ("guest", lambda w: reverse("accounts:notification-settings"), 3),
    # + the plan giving premium, else the latest one (two reads when there is none)
    "pricing, a guest": ("guest", lambda w: reverse("payments:pricing"), 4),
}


@dataclass
class Measure:
    status: int
    sql: list[str]
    while_rendering: list[str]


@pytest.fixture(scope="module")
def measures(django_db_setup, django_db_blocker) -> dict[str, Measure]:
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        clients = {}
        measured = {}
        for page, (role, url_of, _) in PAGES.items():
            client = clients.setdefault(role, client_for(world, role))
            url = url_of(world)
            client.get(url)
            with CaptureQueriesContext(connection) as captured, queries_while_rendering() as seen:
                response = client.get(url)
            sql = [query["sql"] for query in captured.captured_queries]
            measured[page] = Measure(response.status_code, sql, seen)
        transaction.set_rollback(True)
    return measured


@pytest.mark.parametrize("name", PAGES)
def test_each_main_page_runs_its_pinned_number_of_queries(measures, name):
    measure = measures[name]
    assert measure.status == 200
    assert len(measure.sql) == PAGES[name][2], "\n".join(measure.sql)


@pytest.mark.parametrize("name", PAGES)
def test_no_main_page_queries_while_its_template_renders(measures, name):
    assert measures[name].while_rendering == []


@pytest.mark.parametrize("name", PAGES)
def test_reading_a_main_page_writes_nothing(measures, name):
    assert writes_in(measures[name].sql) == []


# The pages after an event, with 2 and with 20 attendees: the same count.


def _after_event_with(client):

    event = EventFactory(status=Event.Status.COMPLETED, past=True)
    me = SocialProfileFactory()
    InvitationFactory(event=event, profile=me, confirmed=True)
    AttendanceFactory(event=event, profile=me)
    client.force_login(me.user)

    def make(n):
        for _ in range(n):
            other = SocialProfileFactory()
            InvitationFactory(event=event, profile=other, confirmed=True)
            AttendanceFactory(event=event, profile=other)
            services.rate_event(event, by=other, host_rating=4, event_rating=4, comment="Fine.")
            services.choose_to_meet_again(event, by=other, chosen=[me])
            services.choose_to_meet_again(event, by=me, chosen=[other])

    return event, me, make


def test_the_rating_page_costs_the_same_with_2_and_20_attendees(client, django_assert_num_queries):
    event, _, make = _after_event_with(client)
    url = reverse("events:rate", args=[event.pk])
    # + profile, the event's access (4), my rating, my attendance, "rated already"
    assert (
        assert_same_queries_for_few_and_many(
            client, url, make=make, assert_num_queries=django_assert_num_queries
        )
        == 9
    )


def test_the_meet_again_page_costs_the_same_with_2_and_20_attendees(
    client, django_assert_num_queries
):
    event, _, make = _after_event_with(client)
    url = reverse("events:meet-again", args=[event.pk])
    assert (
        assert_same_queries_for_few_and_many(
            client, url, make=make, assert_num_queries=django_assert_num_queries
        )
        == 10
    )


def test_the_hosts_ratings_page_costs_the_same_with_2_and_20_ratings(
    client, django_assert_num_queries
):
    event, me, make = _after_event_with(client)
    services.rate_event(event, by=me, host_rating=5, event_rating=5)  # published once all rated
    client.force_login(event.host.user)
    url = reverse("events:ratings", args=[event.pk])
    assert (
        assert_same_queries_for_few_and_many(
            client, url, make=make, assert_num_queries=django_assert_num_queries
        )
        == 5
    )


def test_the_check_in_page_costs_the_same_with_2_and_20_guests(client, django_assert_num_queries):
    starts = timezone.now() + datetime.timedelta(hours=1)
    event = EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    client.force_login(event.host.user)

    def make(n):
        for _ in range(n):
            InvitationFactory(event=event, confirmed=True)

    for name in ("events:check-in", "events:check-in-list"):
        url = reverse(name, args=[event.pk])
        count = assert_same_queries_for_few_and_many(
            client, url, make=make, assert_num_queries=django_assert_num_queries
        )
        assert count == 4, name  # the floor (2), the event, the guest list


def test_the_event_board_costs_the_same_with_2_and_20_posts(client, django_assert_num_queries):
    from messaging.factories import EventPostFactory

    event = EventFactory()
    me = InvitationFactory(event=event, confirmed=True).profile
    client.force_login(me.user)

    def make(n):
        for number in range(n):
            EventPostFactory(event=event, author=me if number % 2 else None)

    for name in ("messaging:board", "messaging:board-new"):
        url = reverse(name, args=[event.pk])
        count = assert_same_queries_for_few_and_many(
            client, url, make=make, assert_num_queries=django_assert_num_queries
        )
        assert count == 4, name  # the floor (2), the board's access, the posts


def _talking(client):
    from messaging import services
    from profiles.factories import FollowFactory

    me = SocialProfileFactory()
    client.force_login(me.user)

    def talk_to(other):
        FollowFactory(follower=me, followed=other, accepted=True)
        return services.open_conversation(me, other)

    return me, talk_to


def test_the_inbox_costs_the_same_with_2_and_50_conversations(client, django_assert_num_queries):
    from messaging.access import thread_for_participant
    from messaging.services import send_message

    me, talk_to = _talking(client)
    url = reverse("messaging:inbox")
    make = lambda n: [  # noqa: E731
        send_message(
            thread_for_participant(other.user, talk_to(other).pk), content=f"Hello {number}"
        )
        for number, other in enumerate(SocialProfileFactory.create_batch(n))
    ]
    make(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    count = len(few.captured_queries)
    make(48)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200
    assert count == 5


def test_a_conversation_costs_the_same_with_5_and_200_messages(client, django_assert_num_queries):
    from messaging.access import thread_for_participant
    from messaging.services import send_message

    me, talk_to = _talking(client)
    other = SocialProfileFactory()
    conversation = talk_to(other)
    sides = [thread_for_participant(me.user, conversation.pk)]
    sides.append(thread_for_participant(other.user, conversation.pk))

    def make(n):
        for number in range(n):
            send_message(sides[number % 2], content=f"Message {number}")

    for name in ("messaging:conversation", "messaging:conversation-new"):
        url = reverse(name, args=[conversation.pk])
        make(5)
        client.get(url)  # marks them read
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        count = len(few.captured_queries)  # before Django's log of queries wraps around
        make(195)
        client.get(url)
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
        assert count == 4, name
