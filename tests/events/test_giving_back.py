"""Giving a seat back: a guest cancels (refunded up to the cut-off, not after), a host removes a
guest (always refunded), and the freed seat goes to the waitlist at once."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events import services
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Invitation
from events.services import EventError
from payments import local
from payments import services as payments
from payments.models import Payment
from profiles.factories import CityFactory, HostProfileFactory, SocialProfileFactory
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db
Status = Invitation.Status


def in_(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)


def status_of(invitation: Invitation) -> str:
    invitation.refresh_from_db()
    return invitation.status


def subjects(task_queue) -> list[str]:
    return [email.subject.removeprefix("[Momento] ") for email in task_queue.outbox()]


def paid_seat(event: Event, task_queue) -> Payment:
    invitation = InvitationFactory(event=event)
    services.accept_invitation(invitation, by=invitation.profile)
    payment = payments.start_checkout(invitation, by=invitation.profile.user)
    local.pay(payment)
    task_queue.run_here()
    payment.refresh_from_db()
    assert status_of(invitation) == Status.CONFIRMED
    return payment


@pytest.fixture
def full_free_event():
    """Free, one seat: a confirmed guest and one person on the waitlist."""
    event = EventFactory(min_participants=1, max_participants=1, starts_at=in_(days=5))
    guest = InvitationFactory(event=event, confirmed=True)
    waiting = InvitationFactory(event=event, waitlisted=True)
    return event, guest, waiting


# A guest gives back their seat -----------------------------------------------------------------


def test_a_guest_gives_back_a_free_seat_and_the_waitlist_is_offered_it(full_free_event, task_queue):
    event, guest, waiting = full_free_event
    services.cancel_seat(guest, by=guest.profile)
    guest.refresh_from_db()
    assert guest.status == Status.CANCELLED and guest.cancelled_at and not guest.cancelled_late
    assert status_of(waiting) == Status.OFFERED
    task_queue.run_here()
    assert f"You gave back your seat at {event.title}" in subjects(task_queue)
    assert f"A seat is free for you: {event.title}" in subjects(task_queue)


def test_a_paid_seat_given_back_before_the_cut_off_is_refunded_in_full_once(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1, starts_at=in_(days=5))
    payment = paid_seat(event, task_queue)
    services.cancel_seat(payment.invitation, by=payment.invitation.profile)
    task_queue.run_here()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.stripe_refund_id
    assert payment.refund_reason == services.CANCELLED_REASON
    assert payments.refund_seat(payment.invitation, reason="again") == 0  # once
    assert subjects(task_queue).count(f"Refunded: {event.title}") == 1


def test_after_the_cut_off_the_seat_is_freed_but_nothing_is_refunded(task_queue):
    event = EventFactory(
        fee_cents=1500, min_participants=1, starts_at=in_(days=5), refund_cutoff_hours=24
    )
    payment = paid_seat(event, task_queue)
    with time_machine.travel(in_(days=4, hours=1)):  # 23 hours before the start
        assert not services.refunds_on_cancel(event)
        services.cancel_seat(payment.invitation, by=payment.invitation.profile)
        task_queue.run_here()
    payment.refresh_from_db()
    payment.invitation.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.invitation.status == Status.CANCELLED
    assert payment.invitation.cancelled_late  # counted apart from no-shows later
    assert services.seats_taken(event) == 0


def test_the_cut_off_is_the_events_own(task_queue):
    event = EventFactory(starts_at=in_(days=5), refund_cutoff_hours=0)
    assert event.refund_deadline == event.starts_at
    assert services.refunds_on_cancel(event, in_(days=4, hours=23))


@pytest.mark.parametrize(
    "status, message",
    [
        (Status.SENT, "You have no confirmed seat to give back."),
        (Status.CANCELLED, "You no longer have a seat at this event."),
        (Status.REMOVED, "You no longer have a seat at this event."),
    ],
)
def test_only_a_confirmed_seat_can_be_given_back(status, message):
    invitation = InvitationFactory(status=status, cancelled_at=timezone.now())
    with pytest.raises(EventError, match=message):
        services.cancel_seat(invitation, by=invitation.profile)
    assert status_of(invitation) == status


def test_someone_else_cannot_give_back_your_seat(full_free_event):
    event, guest, waiting = full_free_event
    with pytest.raises(EventError, match="not yours"):
        services.cancel_seat(guest, by=waiting.profile)
    assert status_of(guest) == Status.CONFIRMED


def test_a_seat_cannot_be_given_back_once_the_event_started_or_was_cancelled(full_free_event):
    event, guest, _ = full_free_event
    started = event.starts_at + datetime.timedelta(minutes=1)
    with time_machine.travel(started), pytest.raises(EventError, match="already started"):
        services.cancel_seat(guest, by=guest.profile)
    services.cancel_event(event, by=event.host, reason="Rain.")
    with pytest.raises(EventError, match="cancelled"):
        services.cancel_seat(guest, by=guest.profile)
    assert status_of(guest) == Status.CONFIRMED


def test_a_guest_who_gave_back_a_public_seat_may_ask_again():
    event = EventFactory(is_private=False, max_participants=2)
    person = SocialProfileFactory()
    invitation = services.ask_for_seat(event, by=person)
    services.cancel_seat(invitation, by=person)
    again = services.ask_for_seat(event, by=person)
    assert (again.pk, again.status, again.cancelled_at) == (invitation.pk, Status.CONFIRMED, None)


def test_a_removed_guest_may_not_ask_again_but_the_host_may_invite_them_again():
    event = EventFactory(is_private=False, max_participants=2)
    person = SocialProfileFactory()
    invitation = services.ask_for_seat(event, by=person)
    services.remove_guest(invitation, by=event.host, reason="Double booking.")
    with pytest.raises(EventError, match="The host removed you"):
        services.ask_for_seat(event, by=person)
    again = services.invite(event, person, by=event.host)
    assert (again.status, again.removal_reason) == (Status.SENT, "")


# The host removes a guest ----------------------------------------------------------------------


def test_the_host_removes_a_paid_guest_with_a_reason_and_a_full_refund(task_queue):
    event = EventFactory(fee_cents=2000, min_participants=1, max_participants=1)
    payment = paid_seat(event, task_queue)
    waiting = InvitationFactory(event=event, waitlisted=True)
    with time_machine.travel(event.starts_at - datetime.timedelta(hours=2)):  # after the cut-off
        services.remove_guest(payment.invitation, by=event.host, reason="The table is smaller.")
        task_queue.run_here()
    payment.refresh_from_db()
    invitation = payment.invitation
    invitation.refresh_from_db()
    assert (invitation.status, invitation.removal_reason) == (
        Status.REMOVED,
        "The table is smaller.",
    )
    assert payment.status == Payment.Status.REFUNDED
    assert status_of(waiting) == Status.OFFERED
    removed = [m for m in task_queue.outbox() if "cancelled by the host" in m.subject]
    assert len(removed) == 1 and removed[0].to == [invitation.profile.user.email]
    assert "The table is smaller." in removed[0].body


@pytest.mark.parametrize(
    "traits, message",
    [
        ({}, "Only a confirmed guest can be removed"),
        ({"waitlisted": True}, "Only a confirmed guest can be removed"),
        ({"status": Status.CANCELLED, "cancelled_at": timezone.now()}, "no longer has a seat"),
    ],
)
def test_the_host_removes_only_confirmed_guests(traits, message):
    invitation = InvitationFactory(**traits)
    before = invitation.status
    with pytest.raises(EventError, match=message):
        services.remove_guest(invitation, by=invitation.event.host, reason="Why not.")
    assert status_of(invitation) == before


def test_only_the_host_removes_and_always_with_a_reason(full_free_event):
    event, guest, waiting = full_free_event
    with pytest.raises(EventError, match="Only the host"):
        services.remove_guest(guest, by=HostProfileFactory(), reason="Mine now.")
    with pytest.raises(EventError, match="Say why"):
        services.remove_guest(guest, by=event.host, reason="   ")
    assert status_of(guest) == Status.CONFIRMED


# The pages ---------------------------------------------------------------------------------------


def test_the_confirmation_page_says_what_the_guest_gets_back(client, task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1, starts_at=in_(days=5))
    payment = paid_seat(event, task_queue)
    invitation = payment.invitation
    client.force_login(invitation.profile.user)
    url = reverse("events:cancel-seat", args=[invitation.pk])
    assert "You will get €15.00 back." in client.get(url).text
    with time_machine.travel(in_(days=4, hours=1)):
        page = client.get(url).text
    assert "The booking fee is not refunded this close to the event" in page
    assert status_of(invitation) == Status.CONFIRMED  # looking changes nothing


def test_giving_back_the_seat_from_the_event_page_comes_back_to_it(client, full_free_event):
    event, guest, waiting = full_free_event
    client.force_login(guest.profile.user)
    page = client.get(event.get_absolute_url()).text
    url = reverse("events:cancel-seat", args=[guest.pk])
    assert url in page
    assert "simply freed" in client.get(url).text
    response = client.post(url, {"next": event.get_absolute_url()})
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert status_of(guest) == Status.CANCELLED
    assert "You gave back your seat" in client.get(event.get_absolute_url()).text
    # Again: a clear message, nothing changes.
    client.post(url)
    assert status_of(waiting) == Status.OFFERED


def test_nobody_else_can_open_or_post_a_guests_cancellation(client, full_free_event):
    event, guest, waiting = full_free_event
    client.force_login(waiting.profile.user)
    url = reverse("events:cancel-seat", args=[guest.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert status_of(guest) == Status.CONFIRMED


def test_the_host_removes_a_guest_from_the_guests_page(client, full_free_event, task_queue):
    event, guest, waiting = full_free_event
    client.force_login(event.host.user)
    url = reverse("events:remove-guest", args=[event.pk, guest.pk])
    assert url in client.get(reverse("events:guests", args=[event.pk])).text
    refused = client.post(url, {"reason": ""})
    assert "Tell your guest why" in refused.text
    assert status_of(guest) == Status.CONFIRMED
    response = client.post(url, {"reason": "Too many of us."})
    assert response.url == reverse("events:guests", args=[event.pk])
    assert status_of(guest) == Status.REMOVED
    # Someone on the waitlist has no seat to take away: told, and nothing changes.
    client.post(reverse("events:remove-guest", args=[event.pk, waiting.pk]), {"reason": "No."})
    assert status_of(waiting) == Status.OFFERED


def test_a_guest_cannot_remove_anyone(client, full_free_event):
    event, guest, waiting = full_free_event
    client.force_login(guest.profile.user)
    url = reverse("events:remove-guest", args=[event.pk, guest.pk])
    assert client.post(url, {"reason": "Me"}).status_code == 404
    assert status_of(guest) == Status.CONFIRMED


# My events -------------------------------------------------------------------------------------


def test_my_events_lists_upcoming_and_past_seats_with_what_happened(client, task_queue):
    person = SocialProfileFactory()
    upcoming = InvitationFactory(profile=person, confirmed=True)
    past = InvitationFactory(profile=person, confirmed=True, event__past=True)
    given_back = InvitationFactory(profile=person, confirmed=True)
    services.cancel_seat(given_back, by=person)
    cancelled = InvitationFactory(profile=person, confirmed=True)
    services.cancel_event(cancelled.event, by=cancelled.event.host, reason="The chef is ill.")
    invited_only = InvitationFactory(profile=person)
    client.force_login(person.user)
    page = client.get(reverse("events:my-events"))
    text = page.text
    assert [i.pk for i in page.context["upcoming"]] == [upcoming.pk, given_back.pk, cancelled.pk]
    assert [i.pk for i in page.context["page"].items] == [past.pk]
    assert "You gave back your seat" in text and "The chef is ill." in text
    assert invited_only.event.title not in text
    assert client.get(past.event.get_absolute_url()).status_code == 200  # stays readable


def test_a_past_seat_is_told_as_past_even_beside_upcoming_ones(client):
    """Each list of "my events" says which it is: a past row offered no ticket nor "give back
    my seat" (it once read the page's upcoming list as its own `upcoming` flag)."""
    person = SocialProfileFactory()
    upcoming = InvitationFactory(profile=person, confirmed=True)
    past = InvitationFactory(profile=person, confirmed=True, event__past=True)
    client.force_login(person.user)
    text = client.get(reverse("events:my-events")).text
    past_row = text[text.index(f'href="{past.event.get_absolute_url()}"') :]
    past_row = past_row[: past_row.index("</li>")]
    assert "You had a seat." in past_row
    assert reverse("events:my-attendance", args=[past.event.pk]) in past_row
    assert "Give back my seat" not in past_row and "Your ticket" not in past_row
    assert reverse("events:cancel-seat", args=[upcoming.pk]) in text


def test_my_events_shows_what_was_refunded(client, task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1)
    payment = paid_seat(event, task_queue)
    services.cancel_seat(payment.invitation, by=payment.invitation.profile)
    task_queue.run_here()
    client.force_login(payment.user)
    assert "Refunded: €15.00." in client.get(reverse("events:my-events")).text


def test_my_events_costs_the_same_with_2_and_20_seats(client, django_assert_num_queries):
    person = SocialProfileFactory()

    def make(n):
        for i in range(n):
            past = i % 2 == 0
            InvitationFactory(profile=person, confirmed=True, event__past=past)

    client.force_login(person.user)
    assert_same_queries_for_few_and_many(
        client, reverse("events:my-events"), make=make, assert_num_queries=django_assert_num_queries
    )


# The create form, submitted twice ----------------------------------------------------------------


def test_a_create_form_submitted_twice_makes_one_event():
    host = HostProfileFactory()
    fields = {
        "title": "Dumplings",
        "city": CityFactory(),
        "starts_at": in_(days=3),
        "ends_at": in_(days=3, hours=2),
        "creation_token": "5f0c5b8e-6a39-4c7e-9a57-3d3f1e0b6a11",
    }
    first = services.create_event(host, **fields)
    second = services.create_event(host, **fields)
    assert first.pk == second.pk and Event.objects.filter(host=host).count() == 1


# The host's dashboard --------------------------------------------------------------------------


def test_the_dashboard_lists_cancelled_events_apart_and_past_ones_with_real_figures(client):
    from events.factories import AttendanceFactory

    host = HostProfileFactory()
    upcoming = EventFactory(host=host, title="Still on")
    InvitationFactory(event=upcoming, confirmed=True)
    called_off = EventFactory(host=host, title="Called off")
    services.cancel_event(called_off, by=host, reason="The boat sank.")
    past = EventFactory(host=host, past=True, title="Done")
    came, no_show = InvitationFactory.create_batch(2, event=past, confirmed=True)
    AttendanceFactory(event=past, profile=came.profile)
    AttendanceFactory(event=past, profile=no_show.profile, status="no_show")
    client.force_login(host.user)
    page = client.get(reverse("events:hosting"))
    assert [e.title for e in page.context["upcoming"]] == ["Still on"]
    assert [e.title for e in page.context["cancelled"]] == ["Called off"]
    cancelled_card = page.text.split("Called off")[1].split("</li>")[0]
    assert "The boat sank." in cancelled_card and "free, of" not in cancelled_card
    assert "2 confirmed · 1 attended" in page.text


def test_a_paid_event_page_states_the_refund_rule_before_anyone_books(client):
    event = EventFactory(fee_cents=1500, is_private=False, refund_cutoff_hours=72)
    page = client.get(event.get_absolute_url()).text
    deadline = event.refund_deadline.astimezone(event.zone).strftime("%A %-d %B, %H:%M")
    assert "refunded in full if you give back your seat by" in page
    assert deadline in page
