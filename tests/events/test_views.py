"""The event pages (events/views/): what each form refuses, who sees what, and what each page
costs in queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from events.factories import EventFactory, InterestedFactory, InvitationFactory
from events.models import Event, Interested, Invitation
from profiles import services as profile_services
from profiles.factories import (
    CityFactory,
    HostProfileFactory,
    InterestFactory,
    SocialProfileFactory,
)
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db
Status = Invitation.Status
HTMX = {"HX-Request": "true"}
FORMAT = "%Y-%m-%dT%H:%M"


def url(name: str, *args) -> str:
    return reverse(f"events:{name}", args=args)


def local(days: float = 0, hours: float = 0) -> str:
    moment = timezone.localtime() + datetime.timedelta(days=days, hours=hours)
    return moment.strftime(FORMAT)


def titles(response) -> list[str]:
    return re.findall(
        r'<li class="card event-card">.*?<h2><a href="[^"]+">([^<]+)</a>',
        response.content.decode(),
        re.DOTALL,
    )


@pytest.fixture
def host(client, user):
    """Alice, a host, signed in."""
    client.force_login(user)
    return HostProfileFactory(user=user, host_name="Alice's table")


@pytest.fixture
def me(client, user):
    """Alice, signed in, not a host."""
    client.force_login(user)
    return user.social_profile


def event_form(place, **overrides) -> dict:
    data = {
        "title": "Dumplings night",
        "description": "We fold, we eat.",
        "starts_at": local(days=5),
        "ends_at": local(days=5, hours=3),
        "time_frame": "Friday evening",
        "city": place.pk,
        "location": "4 Secret Street",
        "min_participants": 2,
        "max_participants": 6,
        "fee": "12.50",
        "estimated_cost": "about €20",
        "is_private": "on",
        "rsvp_deadline": "",
        "decision_deadline": "",
    }
    return {**data, **overrides}


# Creating, editing, cancelling -----------------------------------------------------------------


def test_a_host_creates_an_event_and_lands_on_its_guests_page(client, host):
    city, tag = CityFactory(), InterestFactory()
    response = client.post(url("create"), event_form(city, tags=[tag.pk]))
    event = Event.objects.get()
    assertRedirects(response, url("guests", event.pk))
    assert (event.host, event.fee_cents, event.is_private) == (host, 1250, True)
    assert list(event.tags.all()) == [tag]
    assert event.price_line == "€12.50 booking fee + about €20 at the venue"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"starts_at": local(days=-1), "ends_at": local(days=-1, hours=2)},
            "starts_at",
            "The event must start in the future.",
        ),
        ({"ends_at": local(days=4)}, "ends_at", "The event must end after it starts."),
        ({"min_participants": 7}, "min_participants", "The minimum can&#x27;t be above"),
        ({"max_participants": 0}, "max_participants", "Choose a number from 1 to 50."),
        ({"min_participants": 0}, "min_participants", "Choose a number from 1 to 50."),
        ({"max_participants": 500}, "max_participants", "Choose a number from 1 to 50."),
        ({"fee": "-1"}, "fee", "greater than or equal to 0"),
        ({"fee": "abc"}, "fee", "Enter a number."),
        ({"rsvp_deadline": local(days=6)}, "rsvp_deadline", "before the event starts"),
        ({"decision_deadline": local(days=-1)}, "decision_deadline", "must be in the future"),
        ({"starts_at": "not a date"}, "starts_at", "Enter a valid date/time."),
        ({"title": ""}, "title", "This field is required."),
        ({"city": "999999"}, "city", "Select a valid choice."),
    ],
)
def test_impossible_values_get_a_clear_message_and_create_nothing(
    client, host, overrides, field, message
):
    response = client.post(url("create"), event_form(CityFactory(), **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assertContains(response, message)
    assert not Event.objects.exists()


def test_someone_who_is_not_a_host_is_asked_to_become_one(client, me):
    assertRedirects(client.get(url("create")), reverse("profiles:edit-host"))
    client.post(url("create"), event_form(CityFactory()))
    assert not Event.objects.exists()


def test_editing_the_place_tells_the_guests(client, host, task_queue):
    event = EventFactory(host=host)
    guest = InvitationFactory(event=event, confirmed=True)
    data = event_form(event.city, title=event.title, location="A new address", fee="0")
    assertRedirects(client.post(url("edit", event.pk), data), event.get_absolute_url())
    assert Event.objects.get(pk=event.pk).location == "A new address"
    assert [email.to for email in task_queue.outbox()] == [[guest.profile.user.email]]


def test_lowering_the_maximum_below_the_seats_taken_is_explained(client, host):
    event = EventFactory(host=host, min_participants=1, max_participants=3)
    InvitationFactory.create_batch(2, event=event, confirmed=True)
    data = event_form(event.city, min_participants=1, max_participants=1, fee="0")
    response = client.post(url("edit", event.pk), data)
    assertContains(response, "2 seats are already taken")
    assert Event.objects.get(pk=event.pk).max_participants == 3


def test_cancelling_asks_for_a_reason_then_cancels(client, host, task_queue):
    event = EventFactory(host=host)
    InvitationFactory(event=event, confirmed=True)
    response = client.get(url("cancel", event.pk))
    assertContains(response, "1 guest already has a seat")
    response = client.post(url("cancel", event.pk), {"reason": ""})
    assertContains(response, "Tell your guests why the event is cancelled.")
    assert Event.objects.get(pk=event.pk).status == Event.Status.PLANNED
    assertRedirects(client.post(url("cancel", event.pk), {"reason": "Storm"}), url("hosting"))
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
    assert len(task_queue.outbox()) == 1


@pytest.mark.parametrize("page", ["edit", "cancel", "guests"])
def test_another_hosts_management_pages_do_not_exist(client, host, page):
    other = EventFactory()
    assert client.get(url(page, other.pk)).status_code == 404
    assert client.post(url(page, other.pk), {"reason": "x", "username": "x"}).status_code == 404
    assert Event.objects.get(pk=other.pk).status == Event.Status.PLANNED


# Inviting and withdrawing ----------------------------------------------------------------------


def test_the_host_invites_by_username_and_sees_the_invitation(client, host, task_queue):
    event = EventFactory(host=host)
    ben = SocialProfileFactory(first_name="Ben", user__username="ben")
    assertRedirects(
        client.post(url("guests", event.pk), {"username": "@Ben"}), url("guests", event.pk)
    )
    assert event.invitations.get().profile == ben
    assertContains(client.get(url("guests", event.pk)), "Ben")
    assert len(task_queue.outbox()) == 1


def test_someone_blocked_cannot_be_found_to_invite(client, host):
    event = EventFactory(host=host)
    ben = SocialProfileFactory(user__username="ben")
    profile_services.block(ben, host.user.social_profile)
    response = client.post(url("guests", event.pk), {"username": "ben"})
    assertContains(response, "There is no member with this username.")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("typed", ["alice", "@Alice "])
def test_a_host_inviting_themselves_is_told_why_not(client, host, typed):
    event = EventFactory(host=host)
    response = client.post(url("guests", event.pk), {"username": typed})
    assertContains(response, "You host this event: you can&#x27;t invite yourself.")
    assertNotContains(response, "There is no member with this username.")
    assert not Invitation.objects.exists()


def test_a_host_invites_from_someones_profile(client, host):
    event = EventFactory(host=host)
    ben = SocialProfileFactory(user__username="ben")
    profile_page = client.get(reverse("profiles:profile", args=["ben"]))
    assertContains(profile_page, event.title)
    response = client.post(url("invite-person", "ben"), {"event": event.pk})
    assertRedirects(response, reverse("profiles:profile", args=["ben"]))
    assert event.invitations.get().profile == ben
    # Someone else's event is not a choice.
    client.post(url("invite-person", "ben"), {"event": EventFactory().pk})
    assert Invitation.objects.count() == 1


def test_withdrawing_asks_the_host_to_confirm_first(client, host):
    event = EventFactory(host=host, title="Supper club")
    sent = InvitationFactory(event=event, profile__first_name="Ben")
    guests = client.get(url("guests", event.pk))
    withdraw = url("withdraw", event.pk, sent.pk)
    assertContains(guests, f'href="{withdraw}"')
    assertNotContains(guests, f'action="{withdraw}"')  # no one-click withdrawal
    page = client.get(withdraw)
    assertContains(page, "Withdraw the invitation of Ben to Supper club?")
    assertContains(page, '<form method="post">')
    assertNotContains(page, "offered to the next person")  # a sent invitation holds no seat
    sent.refresh_from_db()
    assert sent.status == Status.SENT
    assertRedirects(client.post(withdraw), url("guests", event.pk))
    sent.refresh_from_db()
    assert sent.status == Status.WITHDRAWN
    page = client.get(withdraw)
    assertContains(page, "This invitation can no longer be withdrawn: it is withdrawn by the host.")
    assertNotContains(page, '<form method="post">')


def test_withdrawing_a_held_seat_says_the_seat_is_offered_on(client, host):
    event = EventFactory(host=host)
    held = InvitationFactory(event=event, held=True)
    assertContains(
        client.get(url("withdraw", event.pk, held.pk)),
        "the seat it holds is offered to the next person on the waitlist",
    )


def test_withdrawing_and_forged_withdrawals(client, host):
    event = EventFactory(host=host)
    sent = InvitationFactory(event=event)
    client.post(url("withdraw", event.pk, sent.pk))
    sent.refresh_from_db()
    assert sent.status == Status.WITHDRAWN
    elsewhere = InvitationFactory()
    assert client.post(url("withdraw", event.pk, elsewhere.pk)).status_code == 404
    assert client.post(url("withdraw", elsewhere.event.pk, elsewhere.pk)).status_code == 404
    assert client.get(url("withdraw", elsewhere.event.pk, elsewhere.pk)).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.SENT


# Answering -------------------------------------------------------------------------------------


def test_accepting_declining_and_the_waitlist_from_my_invitations(client, me):
    event = EventFactory(max_participants=1, min_participants=1)
    mine = InvitationFactory(event=event, profile=me)
    InvitationFactory(event=event, confirmed=True)
    response = client.post(url("accept", mine.pk), follow=True)
    assertContains(response, "This event is full. You can join its waitlist.")
    client.post(url("waitlist", mine.pk))
    mine.refresh_from_db()
    assert mine.status == Status.WAITLISTED
    assertContains(client.get(event.get_absolute_url()), "number 1 on the waitlist")
    client.post(url("decline", mine.pk))
    mine.refresh_from_db()
    assert mine.status == Status.DECLINED


@pytest.mark.parametrize("answer", ["accept", "decline", "waitlist"])
def test_forged_answers_to_other_peoples_invitations_get_404(client, me, answer):
    theirs = InvitationFactory()
    assert client.post(url(answer, theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SENT


def test_accepting_a_paid_event_holds_the_seat_and_goes_to_checkout(client, me):
    mine = InvitationFactory(event=EventFactory(fee_cents=900), profile=me)
    response = client.post(url("accept", mine.pk), follow=True)
    assertContains(response, "Booking fee for")
    assert response.redirect_chain[0][0].startswith("/test-mode/checkout/")
    mine.refresh_from_db()
    assert mine.status == Status.HELD
    assertContains(client.get(url("my-invitations")), "Seat held while paying</strong>, until")


def test_asking_for_a_seat_on_a_public_event(client, me):
    event = EventFactory(is_private=False)
    assertContains(client.get(event.get_absolute_url()), "Ask for a seat")
    response = client.post(url("ask", event.pk), follow=True)
    assertContains(response, f"You have a seat at {event.title}.")
    assert event.invitations.get().asked


# Who sees what ---------------------------------------------------------------------------------


def test_the_exact_address_of_a_private_event_is_for_confirmed_guests_and_the_host(client, me):
    event = EventFactory(location="7 Secret Lane")
    mine = InvitationFactory(event=event, profile=me)
    page = client.get(event.get_absolute_url())
    assertNotContains(page, "7 Secret Lane")
    assertContains(page, event.city.name)
    Invitation.objects.filter(pk=mine.pk).update(status=Status.CONFIRMED)
    assertContains(client.get(event.get_absolute_url()), "7 Secret Lane")
    client.force_login(event.host.user)
    assertContains(client.get(event.get_absolute_url()), "7 Secret Lane")


def test_a_private_event_does_not_exist_for_people_not_invited(client, me):
    event = EventFactory()
    assert client.get(event.get_absolute_url()).status_code == 404
    InvitationFactory(event=event, profile=me, status=Status.WITHDRAWN)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.post(url("interested", event.pk)).status_code == 404
    assert not Interested.objects.exists()


def test_a_public_event_shows_its_address_and_hides_blocked_guests(client, me):
    event = EventFactory(is_private=False, location="Parc Monceau")
    seen = InvitationFactory(event=event, confirmed=True, profile__first_name="Seen")
    hidden = InvitationFactory(event=event, confirmed=True, profile__first_name="Hidden")
    profile_services.block(me, hidden.profile)
    page = client.get(event.get_absolute_url())
    assertContains(page, "Parc Monceau")
    assertContains(page, seen.profile.user.username)
    assertNotContains(page, hidden.profile.user.username)
    assertContains(page, "2 going")  # the count stays exact


def test_interested_toggles_in_place_with_an_exact_count(client, me):
    event = EventFactory(is_private=False)
    InterestedFactory(event=event)
    response = client.post(url("interested", event.pk), headers=HTMX)
    assertContains(response, 'aria-pressed="true"')
    assertContains(response, "2 interested")
    response = client.post(url("not-interested", event.pk), headers=HTMX)
    assertContains(response, "1 interested")
    assertRedirects(client.post(url("interested", event.pk)), event.get_absolute_url())


# Discovery -------------------------------------------------------------------------------------


def test_discovery_shows_public_upcoming_events_in_my_current_city_by_default(client, me):
    paris, lyon = CityFactory(name="Paris"), CityFactory(name="Lyon")
    profile_services.add_city(me, paris)
    EventFactory(title="Paris picnic", city=paris, is_private=False)
    EventFactory(title="Lyon walk", city=lyon, is_private=False)
    EventFactory(title="Private supper", city=paris)
    EventFactory(title="Old picnic", city=paris, is_private=False, past=True)
    EventFactory(title="Off picnic", city=paris, is_private=False, status="cancelled")
    assert titles(client.get(url("discover"))) == ["Paris picnic"]
    assert titles(client.get(url("discover"), {"city": ""})) == ["Paris picnic", "Lyon walk"]


def test_discovery_filters(client, me):
    soon, later = (
        timezone.now() + datetime.timedelta(days=2),
        timezone.now() + datetime.timedelta(days=20),
    )
    tag = InterestFactory(name="Jazz")
    jazz = EventFactory(title="Jazz", is_private=False, starts_at=soon, fee_cents=500)
    jazz.tags.add(tag)
    EventFactory(title="Pitch", is_private=False, starts_at=later, is_business=True)

    def found(**query):
        return titles(client.get(url("discover"), {"city": "", **query}))

    assert found(tag=tag.pk) == ["Jazz"]
    assert found(price="free") == ["Pitch"]
    assert found(price="paid") == ["Jazz"]
    assert found(kind="business") == ["Pitch"]
    assert found(kind="social") == ["Jazz"]
    assert found(starts_after=(later - datetime.timedelta(days=1)).date().isoformat()) == ["Pitch"]
    assert found(starts_before=(soon + datetime.timedelta(days=1)).date().isoformat()) == ["Jazz"]
    response = client.get(
        url("discover"), {"starts_after": "2030-01-02", "starts_before": "2030-01-01"}
    )
    assertContains(response, "The end of the range is before its start.")


def test_discovery_hides_events_of_hosts_blocked_either_way(client, me):
    event = EventFactory(title="Blocked host's picnic", is_private=False)
    profile_services.block(event.host.user.social_profile, me)
    assert titles(client.get(url("discover"), {"city": ""})) == []
    assert client.get(event.get_absolute_url()).status_code == 404


def test_discovery_pages_with_a_keyset_cursor(client, me):
    city = CityFactory()
    for day in range(1, 24):
        EventFactory(
            is_private=False, city=city, starts_at=timezone.now() + datetime.timedelta(days=day)
        )
    first = client.get(url("discover"), {"city": city.pk})
    assert len(titles(first)) == 20
    cursor = re.search(r'after=([^"&]+)" rel="next"', first.content.decode()).group(1)
    second = client.get(url("discover") + f"?city={city.pk}&after={cursor}")
    assert len(titles(second)) == 3
    assert not set(titles(first)) & set(titles(second))


# Query counts ----------------------------------------------------------------------------------


def test_discovery_costs_the_same_queries_for_2_and_20_events(
    client, me, django_assert_num_queries
):
    city = CityFactory()
    profile_services.add_city(me, city)

    def make(n):
        for event in EventFactory.create_batch(n, is_private=False, city=city):
            event.tags.add(InterestFactory())
            InvitationFactory(event=event, confirmed=True)
            InterestedFactory(event=event)

    assert_same_queries_for_few_and_many(
        client, url("discover"), make=make, assert_num_queries=django_assert_num_queries
    )


def test_the_event_page_costs_the_same_queries_for_2_and_20_guests(
    client, me, django_assert_num_queries
):
    event = EventFactory(is_private=False, max_participants=40)

    def make(n):
        for _ in range(n):
            InvitationFactory(event=event, confirmed=True)
            InterestedFactory(event=event)
            event.tags.add(InterestFactory())

    assert_same_queries_for_few_and_many(
        client, event.get_absolute_url(), make=make, assert_num_queries=django_assert_num_queries
    )


def test_my_invitations_cost_the_same_queries_for_2_and_20(client, me, django_assert_num_queries):
    def make(n):
        InvitationFactory.create_batch(n, profile=me)

    assert_same_queries_for_few_and_many(
        client, url("my-invitations"), make=make, assert_num_queries=django_assert_num_queries
    )


def test_the_host_dashboard_and_guests_page_cost_the_same_for_2_and_20(
    client, host, django_assert_num_queries
):
    event = EventFactory(host=host, max_participants=40)

    def make(n):
        for _ in range(n):
            other = EventFactory(host=host)
            InvitationFactory(event=other, confirmed=True)
            InvitationFactory(event=event)
            EventFactory(host=host, past=True)

    for page in (url("hosting"), url("guests", event.pk)):
        assert_same_queries_for_few_and_many(
            client, page, make=make, assert_num_queries=django_assert_num_queries
        )


def test_an_event_under_way_is_with_the_upcoming_ones_with_its_ticket_at_hand(client):
    now = timezone.now()
    event = EventFactory(
        status=Event.Status.CONFIRMED,
        title="Cheese tonight",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=2),
    )
    seat = InvitationFactory(event=event, confirmed=True)
    client.force_login(seat.profile.user)
    page = client.get(reverse("events:my-events")).content.decode()
    upcoming, past = page.split("<h2>Past</h2>")
    assert "Cheese tonight" in upcoming and "Cheese tonight" not in past
    assert "It is on now." in upcoming
    assert reverse("events:ticket", args=[seat.pk]) in upcoming
    assert reverse("events:cancel-seat", args=[seat.pk]) not in upcoming


def test_my_events_pages_its_upcoming_seats_twenty_at_a_time(client):
    me = InvitationFactory(confirmed=True, event__title="Upcoming 00").profile
    for i in range(1, 25):
        InvitationFactory(
            profile=me,
            confirmed=True,
            event__title=f"Upcoming {i:02d}",
            event__starts_at=timezone.now() + datetime.timedelta(days=8 + i),
        )
    client.force_login(me.user)
    first = client.get(reverse("events:my-events")).content.decode()
    assert first.count("<h3><a href=") == 20
    assert "Upcoming 19" in first and "Upcoming 20" not in first
    cursor = re.search(r'\?upcoming_after=([^"]+)" rel="next"', first).group(1)
    rest = client.get(reverse("events:my-events") + f"?upcoming_after={cursor}").content.decode()
    assert "Upcoming 20" in rest and "Upcoming 24" in rest and "Upcoming 19" not in rest
