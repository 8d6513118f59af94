"""The signed-in home page (events/dashboard.py, momento/views.py home): what needs the person,
each with its action, answered in place with htmx or by plain forms; and "my invitations" in the
order of what needs an answer first."""

import datetime
import re

import pytest
from django.core.signing import loads
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from events.dashboard import dashboard_for
from events.factories import EventFactory, InvitationFactory
from events.models import Invitation
from momento.pagination import SALT, paginate
from profiles import services as profile_services
from profiles.factories import HostProfileFactory
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db
Status = Invitation.Status
HTMX = {"HX-Request": "true"}
HOME = reverse("home")


def url(name: str, *args) -> str:
    return reverse(f"events:{name}", args=args)


def later(**delta) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


@pytest.fixture
def me(client, user):
    """Alice, signed in, not a host."""
    client.force_login(user)
    return user.social_profile


def card(html: str, invitation: Invitation) -> str:
    """The one card of `invitation` in the page."""
    found = re.findall(
        rf'<li class="card invitation-card" id="invitation-{invitation.pk}">.*?</li>',
        html,
        re.DOTALL,
    )
    assert len(found) == 1, found
    return found[0]


# Each section, with its action -----------------------------------------------------------------


def test_each_kind_of_invitation_shows_in_its_section_with_its_action(client, me):
    held = InvitationFactory(profile=me, held=True, event__fee_cents=900, event__title="Paid")
    sent = InvitationFactory(profile=me, event__title="Sent", expires_at=later(days=2))
    offered = InvitationFactory(profile=me, offered=True, event__title="Offered")
    seat = InvitationFactory(
        profile=me, confirmed=True, event__title="Booked", event__location="4 Secret Street"
    )
    html = client.get(HOME).content.decode()

    held_card = card(html, held)
    assert "Pay the €9.00 booking fee" in held_card
    assert re.search(r"\(\d+\xa0minutes left to pay\)", held_card)
    assert "Give up the seat" in held_card
    sent_card = card(html, sent)
    assert "answer by <time" in sent_card
    assert f'data-hx-post="{url("accept", sent.pk)}"' in sent_card
    assert f'data-hx-target="#invitation-{sent.pk}"' in sent_card
    assert 'name="next" value="/"' in sent_card
    assert "Decline" in sent_card
    offered_card = card(html, offered)
    assert "take it by <time" in offered_card
    assert "Take the seat" in offered_card
    assert f"Where: 4 Secret Street, {seat.event.city.name}" in card(html, seat)
    order = [
        html.index(text)
        for text in (
            "Seats to pay for",
            "Seats offered to you",
            "Invitations waiting for your answer",
            "Your next event",
        )
    ]
    assert order == sorted(order)
    assertNotContains(client.get(HOME), "Nothing waits for your answer")


def test_a_host_sees_the_seats_of_their_next_event_as_counts_only(client, user):
    client.force_login(user)
    host = HostProfileFactory(user=user)
    EventFactory(host=host, title="Later one", starts_at=later(days=9))
    event = EventFactory(host=host, title="Next one", max_participants=6)
    guest = InvitationFactory(event=event, confirmed=True, profile__first_name="Zelda")
    InvitationFactory(event=event, held=True)
    EventFactory(host=host, title="Gone", status="cancelled", starts_at=later(days=1))
    response = client.get(HOME)
    assertContains(response, "Next one")
    assertNotContains(response, "Later one")
    assertNotContains(response, "Gone")
    assertContains(response, "1 confirmed · 1 held · 4 free, of 6 seats")
    assertContains(response, url("guests", event.pk))
    assertNotContains(response, "Zelda")
    assertNotContains(response, guest.profile.user.username)
    assertNotContains(response, "Become a host")


def test_the_empty_dashboard_says_what_to_do_next(client, me):
    response = client.get(HOME)
    assertContains(response, "Nothing waits for your answer")
    assertContains(response, f'<a href="{reverse("profiles:edit-about")}">Complete your profile')
    assertContains(response, f'<a href="{url("discover")}">find a public event</a>')
    assertContains(response, "No seat booked yet.")
    assertContains(response, f'<a href="{reverse("profiles:edit-host")}">Become a host</a>')
    # The links of the old grid are still there.
    for name in ("my-invitations", "discover"):
        assertContains(response, f'href="{url(name)}"')
    for name in ("browse", "likes", "liked-me", "follow-requests", "blocked"):
        assertContains(response, f'href="{reverse("profiles:" + name)}"')


def test_what_lapsed_or_is_over_needs_nothing(client, me):
    InvitationFactory(profile=me, expires_at=later(minutes=-1))  # not swept yet
    InvitationFactory(profile=me, event__status="cancelled")
    InvitationFactory(profile=me, status=Status.DECLINED)
    InvitationFactory(profile=me, confirmed=True, event__past=True)
    response = client.get(HOME)
    assertContains(response, "Nothing waits for your answer")
    assertContains(response, "No seat booked yet.")


def test_events_of_hosts_blocked_either_way_stay_hidden(client, me):
    mine = InvitationFactory(profile=me, event__title="Blocked host's dinner")
    seat = InvitationFactory(profile=me, confirmed=True, event__title="Blocking host's lunch")
    profile_services.block(me, mine.event.host.user.social_profile)
    profile_services.block(seat.event.host.user.social_profile, me)
    response = client.get(HOME)
    assertNotContains(response, "Blocked host")
    assertNotContains(response, "Blocking host")


def test_at_most_five_of_a_kind_the_soonest_first_and_a_link_to_all(client, me):
    sent = [
        InvitationFactory(profile=me, expires_at=later(days=day), event__title=f"Dinner {day}")
        for day in (6, 2, 5, 1, 4, 3)
    ]
    html = client.get(HOME).content.decode()
    shown = re.findall(r'<h3><a href="[^"]+">(Dinner \d)</a>', html)
    assert shown == [f"Dinner {day}" for day in (1, 2, 3, 4, 5)]
    assert f'<a href="{url("my-invitations")}">See everything that waits for you' in html
    sent[0].delete()
    assertNotContains(client.get(HOME), "See everything that waits for you")


def test_waiting_ones_of_every_sort_in_one_soonest_first_order(me):
    """Sent, payment failed and those with no expiry (the event's start is their deadline) are
    read apart (InvitationQuerySet.for_dashboard) and still come out in one order."""

    def sent(day, **fields):
        return InvitationFactory(profile=me, event__starts_at=later(days=day + 1), **fields)

    made = {
        1: sent(1, expires_at=later(days=1)),
        2: sent(2, status=Status.PAYMENT_FAILED, expires_at=later(days=2)),
        3: sent(2, expires_at=None),  # starts in 3 days
        4: sent(4, status=Status.PAYMENT_FAILED, expires_at=later(days=4)),
        5: sent(4, expires_at=None),
        6: sent(6, expires_at=later(days=6)),
        7: sent(7, status=Status.PAYMENT_FAILED, expires_at=later(days=7)),
    }
    board = dashboard_for(me.user)
    assert [i.pk for i in board.waiting] == [made[n].pk for n in (1, 2, 3, 4, 5)]
    assert board.more
    made[6].delete()
    made[7].delete()
    assert not dashboard_for(me.user).more


def test_the_dashboard_costs_the_same_queries_for_2_and_20_of_each_kind(
    client, user, django_assert_num_queries
):
    client.force_login(user)
    me, host = user.social_profile, HostProfileFactory(user=user)

    def make(n):
        for _ in range(n):
            InvitationFactory(profile=me, held=True, event__fee_cents=500)
            InvitationFactory(profile=me)
            InvitationFactory(profile=me, offered=True)
            InvitationFactory(profile=me, confirmed=True)
            InvitationFactory(event=EventFactory(host=host), confirmed=True)

    assert_same_queries_for_few_and_many(
        client, HOME, make=make, assert_num_queries=django_assert_num_queries
    )
    # Of these, the dashboard's own: what needs you, the next seat, the host, the hosted event.
    with django_assert_num_queries(4):
        board = dashboard_for(user)
    assert (len(board.held), len(board.waiting), len(board.offered)) == (5, 5, 5)
    assert board.more and board.next_seat and board.hosted.seats_confirmed == 1


# Answering in place ----------------------------------------------------------------------------


def test_htmx_accept_swaps_the_card_to_a_seat_with_its_place(client, me):
    mine = InvitationFactory(profile=me, event__location="4 Secret Street")
    response = client.post(url("accept", mine.pk), {"next": HOME}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="card invitation-card" id="invitation-{mine.pk}">')
    assert "<html" not in html
    assert f"You have a seat at {mine.event.title}." in html
    assert "Where: 4 Secret Street" in html
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED


def test_htmx_decline_swaps_the_card_to_declined(client, me):
    mine = InvitationFactory(profile=me)
    response = client.post(url("decline", mine.pk), {"next": HOME}, headers=HTMX)
    assertContains(response, f"You declined {mine.event.title}.")
    assertContains(response, "<strong>Declined</strong>")
    assertNotContains(response, "Accept")
    mine.refresh_from_db()
    assert mine.status == Status.DECLINED


def test_htmx_accept_of_a_paid_seat_goes_to_checkout(client, me):
    mine = InvitationFactory(profile=me, event__fee_cents=1500)
    response = client.post(url("accept", mine.pk), headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/test-mode/checkout/")
    mine.refresh_from_db()
    assert mine.status == Status.HELD


def test_a_refusal_is_told_in_the_card_with_status_200(client, me):
    event = EventFactory(max_participants=1, min_participants=1)
    InvitationFactory(event=event, confirmed=True)
    mine = InvitationFactory(event=event, profile=me)
    response = client.post(url("accept", mine.pk), {"next": HOME}, headers=HTMX)
    assert response.status_code == 200
    assertContains(response, "This event is full. You can join its waitlist.")
    assertContains(response, f'data-hx-post="{url("waitlist", mine.pk)}"')
    assertContains(response, 'name="next" value="/"')
    mine.refresh_from_db()
    assert mine.status == Status.SENT
    # The waitlist, in place too.
    response = client.post(url("waitlist", mine.pk), headers=HTMX)
    assertContains(response, f"You are on the waitlist for {event.title}.")
    assertContains(response, "Leave the waitlist")


def test_an_expired_invitation_is_refused_in_the_card(client, me):
    mine = InvitationFactory(profile=me, expires_at=later(minutes=-5))
    response = client.post(url("accept", mine.pk), headers=HTMX)
    assert response.status_code == 200
    assertContains(response, "This invitation has expired.")
    mine.refresh_from_db()
    assert mine.status == Status.SENT


def test_plain_answers_from_home_come_back_home_with_a_message(client, me):
    mine = InvitationFactory(profile=me)
    response = client.post(url("accept", mine.pk), {"next": HOME}, follow=True)
    assertRedirects(response, HOME)
    assertContains(response, f"You have a seat at {mine.event.title}.")
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED


def test_answering_someone_elses_invitation_with_htmx_is_404(client, me):
    theirs = InvitationFactory()
    assert client.post(url("accept", theirs.pk), headers=HTMX).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SENT


# My invitations: what needs an answer first ----------------------------------------------------


def _a_mix_of_invitations(me) -> list[Invitation]:
    """Invitations of every kind, in the order "my invitations" must show them."""
    made = {
        "held": InvitationFactory(profile=me, held=True),  # 30 minutes
        "offered": InvitationFactory(profile=me, offered=True, expires_at=later(hours=5)),
        "failed": InvitationFactory(
            profile=me, status=Status.PAYMENT_FAILED, expires_at=later(days=1)
        ),
        "sent": InvitationFactory(profile=me, expires_at=later(days=3)),
        "open": InvitationFactory(profile=me, expires_at=None, event__starts_at=later(days=4)),
    }
    for status in (Status.CONFIRMED, Status.DECLINED, Status.WAITLISTED, Status.EXPIRED):
        made[status] = InvitationFactory(profile=me, status=status, waitlisted_at=later())
    return [*made.values()][:5] + [*made.values()][5:][::-1]  # the others newest first


def test_my_invitations_show_what_needs_an_answer_first_the_soonest_first(client, me):
    expected = _a_mix_of_invitations(me)
    html = client.get(url("my-invitations")).content.decode()
    shown = re.findall(r'id="invitation-([0-9a-f-]+)"', html)
    assert shown == [str(invitation.pk) for invitation in expected]
    assert html.index("Waiting for you") < html.index(str(expected[0].pk))
    assert html.index(str(expected[4].pk)) < html.index("The rest, newest first")
    assert html.index("The rest, newest first") < html.index(str(expected[5].pk))


def test_my_invitations_keyset_pages_keep_that_order_without_gaps_or_repeats(me):
    expected = _a_mix_of_invitations(me)
    invitations = Invitation.objects.of_visible_events(me).answers_first()
    seen, cursor = [], None
    while True:
        page = paginate(invitations, order=Invitation.ANSWERS_FIRST, cursor=cursor, size=2)
        seen += page.items
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == expected


@pytest.mark.parametrize("size", [1, 2, 3, 5, 20])
def test_my_invitations_pages_read_in_parts_are_the_same_pages(me, size):
    """The page "my invitations" shows (one query over the waiting rows and the rest, apart)
    is paginate()'s over answers_first(), cursor for cursor."""
    expected = _a_mix_of_invitations(me)
    InvitationFactory(profile=me, status=Status.DECLINED, event__host=expected[0].event.host)
    profile_services.block(expected[1].event.host.user.social_profile, me)
    whole = Invitation.objects.of_visible_events(me).answers_first()
    seen, cursor = [], None
    while True:
        page = Invitation.objects.answers_first_page(me, cursor=cursor, size=size)
        same = paginate(whole, order=Invitation.ANSWERS_FIRST, cursor=cursor, size=size)
        assert page.items == same.items
        assert page.has_next == same.has_next
        if page.has_next:  # the same values (each signed with its own time)
            assert loads(page.next_cursor, salt=SALT) == loads(same.next_cursor, salt=SALT)
        seen += page.items
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert len(seen) == len(expected)  # one more declined, one fewer behind the block


def test_my_invitations_answer_in_place(client, me):
    mine = InvitationFactory(profile=me)
    html = client.get(url("my-invitations")).content.decode()
    assert f'data-hx-post="{url("accept", mine.pk)}"' in card(html, mine)
    response = client.post(url("accept", mine.pk), headers=HTMX)
    assertContains(response, f"You have a seat at {mine.event.title}.")
