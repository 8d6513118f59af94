"""Every transition of events and invitations, and every refusal."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from events import services, tasks
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Interested, Invitation
from events.services import EventError
from profiles import factories as profile_factories
from profiles import services as profile_services
from profiles.factories import (
    CityFactory,
    HostProfileFactory,
    InterestFactory,
    SocialProfileFactory,
)

pytestmark = pytest.mark.django_db
Status = Invitation.Status


def in_(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)


def emails_to(task_queue) -> list[tuple[str, str]]:
    return [(email.to[0], email.subject) for email in task_queue.outbox()]


@pytest.fixture
def event():
    return EventFactory(min_participants=2, max_participants=3)


def guest_of(event, **traits) -> Invitation:
    return InvitationFactory(event=event, **traits)


def fill(event, count: int) -> list[Invitation]:
    return [guest_of(event, confirmed=True) for _ in range(count)]


# Creating, changing and cancelling -------------------------------------------------------------


def test_a_host_creates_an_event_with_tags_and_a_re_encoded_image():
    host = HostProfileFactory()
    hiking = InterestFactory(name="Hiking")
    event = services.create_event(
        host,
        title="Ridge walk",
        city=CityFactory(),
        starts_at=in_(days=3),
        ends_at=in_(days=3, hours=4),
        fee_cents=1500,
        tags=[hiking],
        image=profile_factories.test_image(),
    )
    event.refresh_from_db()
    assert event.status == Event.Status.PLANNED
    assert list(event.tags.all()) == [hiking]
    assert event.image_large.startswith("events/") and event.image_large.endswith(".webp")
    assert event.price_line == "€15.00 booking fee"


def test_changing_time_or_place_tells_everyone_invited_but_not_those_who_left(event, task_queue):
    confirmed, sent = guest_of(event, confirmed=True), guest_of(event)
    declined = guest_of(event, status=Status.DECLINED)
    services.update_event(
        event,
        by=event.host,
        location="3 rue Neuve",
        starts_at=in_(days=8),
        ends_at=in_(days=8, hours=2),
    )
    told = {
        to for to, subject in emails_to(task_queue) if subject.endswith(f"Changed: {event.title}")
    }
    assert told == {confirmed.profile.user.email, sent.profile.user.email}
    assert declined.profile.user.email not in told
    sent.refresh_from_db()
    assert sent.expires_at == Event.objects.get(pk=event.pk).starts_at  # follows the new start


def test_changing_only_the_title_tells_nobody(event, task_queue):
    guest_of(event, confirmed=True)
    services.update_event(event, by=event.host, title="A new name")
    assert task_queue.outbox() == []
    assert Event.objects.get(pk=event.pk).title == "A new name"


def test_the_maximum_cannot_go_below_the_seats_taken(event):
    fill(event, 2)
    guest_of(event, held=True)
    with pytest.raises(EventError, match="3 seats are already taken"):
        services.update_event(event, by=event.host, max_participants=2)
    assert Event.objects.get(pk=event.pk).max_participants == 3


def test_only_the_host_changes_or_cancels_an_event(event):
    other = HostProfileFactory()
    with pytest.raises(EventError, match="Only the host"):
        services.update_event(event, by=other, title="Mine now")
    with pytest.raises(EventError, match="Only the host"):
        services.cancel_event(event, by=other, reason="No")
    assert Event.objects.get(pk=event.pk).status == Event.Status.PLANNED


def test_a_cancelled_event_cannot_be_changed_or_cancelled_again(event):
    services.cancel_event(event, by=event.host, reason="Rain")
    with pytest.raises(EventError, match="can't be changed"):
        services.update_event(event, by=event.host, title="Back on")
    with pytest.raises(EventError, match="already cancelled"):
        services.cancel_event(event, by=event.host, reason="Again")


def test_cancelling_withdraws_open_invitations_keeps_seats_and_tells_everyone(event, task_queue):
    confirmed = guest_of(event, confirmed=True)
    held, sent = guest_of(event, held=True), guest_of(event)
    waiting = guest_of(event, waitlisted=True)
    declined = guest_of(event, status=Status.DECLINED)
    services.cancel_event(event, by=event.host, reason="The venue closed.")
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancel_reason == "The venue closed."
    statuses = dict(event.invitations.values_list("pk", "status"))
    assert statuses == {
        confirmed.pk: Status.CONFIRMED,
        held.pk: Status.WITHDRAWN,
        sent.pk: Status.WITHDRAWN,
        waiting.pk: Status.WITHDRAWN,
        declined.pk: Status.DECLINED,
    }
    assert not Invitation.objects.filter(hold_expires_at__isnull=False).exists()
    told = {to for to, _ in emails_to(task_queue)}
    assert told == {i.profile.user.email for i in (confirmed, held, sent, waiting)}


# Inviting and withdrawing ----------------------------------------------------------------------


def test_an_invitation_expires_at_the_rsvp_deadline_and_tells_the_invitee(task_queue):
    event = EventFactory(rsvp_deadline=in_(days=2))
    person = SocialProfileFactory()
    invitation = services.invite(event, person, by=event.host)
    assert invitation.status == Status.SENT
    assert invitation.expires_at == event.rsvp_deadline
    [(to, subject)] = emails_to(task_queue)
    assert to == person.user.email and event.title in subject


@pytest.mark.parametrize("direction", ["host blocked them", "they blocked the host"])
def test_a_host_cannot_invite_across_a_block(event, direction):
    person, host = SocialProfileFactory(), event.host.user.social_profile
    if direction == "host blocked them":
        profile_services.block(host, person)
    else:
        profile_services.block(person, host)
    with pytest.raises(EventError, match="can't invite"):
        services.invite(event, person, by=event.host)
    assert not Invitation.objects.exists()


def test_inviting_oneself_twice_or_late_is_refused(event):
    with pytest.raises(EventError, match="You host this event: you can't invite yourself."):
        services.invite(event, event.host.user.social_profile, by=event.host)
    invitation = guest_of(event)
    with pytest.raises(EventError, match="already invited"):
        services.invite(event, invitation.profile, by=event.host)
    Event.objects.filter(pk=event.pk).update(rsvp_deadline=in_(minutes=-1))
    event.refresh_from_db()
    with pytest.raises(EventError, match="RSVP deadline has passed"):
        services.invite(event, SocialProfileFactory(), by=event.host)


def test_a_withdrawn_invitation_can_be_sent_again_but_a_declined_one_cannot(event):
    withdrawn = guest_of(event, status=Status.WITHDRAWN)
    declined = guest_of(event, status=Status.DECLINED)
    assert services.invite(event, withdrawn.profile, by=event.host).status == Status.SENT
    with pytest.raises(EventError, match="already invited"):
        services.invite(event, declined.profile, by=event.host)


def test_withdrawing_a_held_seat_offers_it_to_the_first_on_the_waitlist(event, task_queue):
    fill(event, 2)
    held = guest_of(event, held=True)
    first = guest_of(event, waitlisted=True)
    second = guest_of(event, waitlisted=True)
    services.withdraw_invitation(held, by=event.host)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.OFFERED
    assert first.expires_at > timezone.now()
    assert second.status == Status.WAITLISTED
    assert [to for to, _ in emails_to(task_queue)] == [first.profile.user.email]


def test_a_confirmed_guest_keeps_their_seat(event):
    confirmed = guest_of(event, confirmed=True)
    with pytest.raises(EventError, match="keeps their seat"):
        services.withdraw_invitation(confirmed, by=event.host)
    with pytest.raises(EventError, match="Only the host"):
        services.withdraw_invitation(guest_of(event), by=HostProfileFactory())


# Answering -------------------------------------------------------------------------------------


def test_accepting_a_paid_event_holds_the_seat_while_paying():
    event = EventFactory(fee_cents=2000)
    invitation = guest_of(event)
    invitation = services.accept_invitation(invitation, by=invitation.profile)
    assert invitation.status == Status.HELD
    assert in_(minutes=29) < invitation.hold_expires_at <= in_(minutes=30)
    assert services.seats_taken(event) == 1


def test_the_event_is_confirmed_when_confirmed_seats_reach_the_minimum(event, task_queue):
    first, second = guest_of(event), guest_of(event)
    services.accept_invitation(first, by=first.profile)
    assert Event.objects.get(pk=event.pk).status == Event.Status.PLANNED
    services.accept_invitation(second, by=second.profile)
    assert Event.objects.get(pk=event.pk).status == Event.Status.CONFIRMED
    told = {to for to, subject in emails_to(task_queue) if "It is on" in subject}
    assert told == {first.profile.user.email, second.profile.user.email}


def test_accepting_a_full_event_says_full_and_the_guest_may_join_the_waitlist(event):
    fill(event, 3)
    late = guest_of(event)
    with pytest.raises(EventError) as refused:
        services.accept_invitation(late, by=late.profile)
    assert refused.value.full and refused.value.message == "This event is full."
    waiting = services.join_waitlist(late, by=late.profile)
    assert waiting.status == Status.WAITLISTED and waiting.waitlisted_at is not None


def test_the_waitlist_is_only_for_full_events(event):
    invitation = guest_of(event)
    with pytest.raises(EventError, match="A seat is free"):
        services.join_waitlist(invitation, by=invitation.profile)
    with pytest.raises(EventError, match="not yours"):
        services.join_waitlist(invitation, by=SocialProfileFactory())


def test_accepting_after_the_start_is_refused(event):
    invitation = guest_of(event, expires_at=None)
    later = time_machine.travel(event.starts_at + datetime.timedelta(minutes=1))
    with later, pytest.raises(EventError, match="already started"):
        services.accept_invitation(invitation, by=invitation.profile)


def test_declining_a_held_seat_frees_it_for_the_waitlist(event):
    fill(event, 2)
    held = guest_of(event, held=True)
    waiting = guest_of(event, waitlisted=True)
    services.decline_invitation(held, by=held.profile)
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == Status.DECLINED and held.hold_expires_at is None
    assert waiting.status == Status.OFFERED


def test_an_offer_is_taken_without_counting_it_twice(event):
    fill(event, 2)
    offered = guest_of(event, offered=True)
    assert services.seats_taken(event) == 3
    taken = services.accept_invitation(offered, by=offered.profile)
    assert taken.status == Status.CONFIRMED
    assert services.seats_taken(event) == 3


def test_declining_twice_is_refused(event):
    invitation = guest_of(event)
    services.decline_invitation(invitation, by=invitation.profile)
    with pytest.raises(EventError, match="already been answered"):
        services.decline_invitation(invitation, by=invitation.profile)


# Asking for a seat on a public event -----------------------------------------------------------


def test_asking_for_a_seat_on_a_public_event_creates_ones_own_confirmed_invitation():
    event = EventFactory(is_private=False)
    person = SocialProfileFactory()
    invitation = services.ask_for_seat(event, by=person)
    assert invitation.asked and invitation.status == Status.CONFIRMED


def test_asking_on_a_full_public_event_puts_one_on_the_waitlist():
    event = EventFactory(is_private=False, max_participants=2, min_participants=1)
    fill(event, 2)
    invitation = services.ask_for_seat(event, by=SocialProfileFactory())
    assert invitation.status == Status.WAITLISTED


def test_asking_for_a_seat_is_refused_where_it_should_be(event):
    with pytest.raises(EventError, match="by invitation only"):
        services.ask_for_seat(event, by=SocialProfileFactory())
    public = EventFactory(is_private=False)
    host = public.host.user.social_profile
    with pytest.raises(EventError, match="You host"):
        services.ask_for_seat(public, by=host)
    blocked = SocialProfileFactory()
    profile_services.block(host, blocked)
    with pytest.raises(EventError, match="can't join"):
        services.ask_for_seat(public, by=blocked)
    withdrawn = guest_of(public, status=Status.WITHDRAWN)
    with pytest.raises(EventError, match="withdrew"):
        services.ask_for_seat(public, by=withdrawn.profile)
    assert not public.invitations.filter(status=Status.CONFIRMED).exists()


def test_someone_who_declined_a_public_event_may_ask_again():
    event = EventFactory(is_private=False)
    declined = guest_of(event, status=Status.DECLINED)
    assert services.ask_for_seat(event, by=declined.profile).status == Status.CONFIRMED


# Paid seats: what payments calls ---------------------------------------------------------------


def test_a_paid_hold_is_confirmed_and_a_failed_one_may_retry():
    event = EventFactory(fee_cents=1000)
    paid, failed = guest_of(event, held=True), guest_of(event, held=True)
    assert services.confirm_paid_seat(paid).status == Status.CONFIRMED
    assert services.confirm_paid_seat(paid).status == Status.CONFIRMED  # a retry changes nothing
    assert services.fail_paid_seat(failed).status == Status.PAYMENT_FAILED
    assert services.accept_invitation(failed, by=failed.profile).status == Status.HELD


def test_a_payment_after_the_hold_lapsed_takes_a_free_seat_or_says_full(event):
    lapsed = guest_of(event, status=Status.EXPIRED)
    assert services.confirm_paid_seat(lapsed).status == Status.CONFIRMED
    fill(event, 2)
    too_late = guest_of(event, status=Status.EXPIRED)
    with pytest.raises(EventError) as refused:
        services.confirm_paid_seat(too_late)
    assert refused.value.full
    too_late.refresh_from_db()
    assert too_late.status == Status.EXPIRED


# Interested ------------------------------------------------------------------------------------


def test_interested_is_a_bookmark_counted_exactly(event):
    people = SocialProfileFactory.create_batch(3)
    for person in people:
        services.mark_interested(event, by=person)
    services.mark_interested(event, by=people[0])  # twice is once
    services.unmark_interested(event, by=people[1])
    fill(event, 2)
    counted = Event.objects.with_counts().get(pk=event.pk)
    assert (counted.interested_count, counted.attending_count) == (2, 2)
    assert Interested.objects.count() == 2


# The clock: expiry, quorum and completion ------------------------------------------------------


def test_lapsed_invitations_offers_and_holds_expire_and_seats_go_to_the_waitlist(event, task_queue):
    fill(event, 1)
    sent = guest_of(event, expires_at=in_(hours=1))
    held = guest_of(event, held=True)
    offered = guest_of(event, offered=True)
    waiting = guest_of(event, waitlisted=True)
    with time_machine.travel(in_(hours=25)):
        assert services.expire_lapsed() == 3
    statuses = dict(event.invitations.values_list("pk", "status"))
    assert statuses[sent.pk] == statuses[held.pk] == statuses[offered.pk] == Status.EXPIRED
    assert statuses[waiting.pk] == Status.OFFERED
    assert [to for to, _ in emails_to(task_queue)] == [waiting.profile.user.email]


def test_the_offer_passes_to_the_next_person_when_it_lapses(event):
    fill(event, 2)
    first = guest_of(event, offered=True)
    second = guest_of(event, waitlisted=True)
    with time_machine.travel(first.expires_at + datetime.timedelta(minutes=1)):
        services.expire_lapsed()
        second.refresh_from_db()
        assert second.status == Status.OFFERED
        assert second.expires_at > timezone.now()


def test_quorum_not_reached_at_the_decision_deadline_cancels_the_event(task_queue):
    event = EventFactory(min_participants=3, decision_deadline=in_(days=2))
    confirmed = guest_of(event, confirmed=True)
    with time_machine.travel(in_(days=1)):
        assert services.cancel_unmet_quorum() == 0
    with time_machine.travel(in_(days=2, minutes=1)):
        assert services.cancel_unmet_quorum() == 1
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancel_reason == services.QUORUM_REASON
    [(to, subject)] = emails_to(task_queue)
    assert to == confirmed.profile.user.email and "Cancelled" in subject


def test_without_a_decision_deadline_the_quorum_is_judged_at_the_start():
    event = EventFactory(min_participants=2)
    with time_machine.travel(event.starts_at - datetime.timedelta(minutes=1)):
        assert services.cancel_unmet_quorum() == 0
    with time_machine.travel(event.starts_at):
        assert services.cancel_unmet_quorum() == 1


def test_a_confirmed_event_is_neither_cancelled_by_quorum_nor_completed_early(event):
    fill(event, 2)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CONFIRMED)
    with time_machine.travel(event.starts_at + datetime.timedelta(minutes=1)):
        assert services.cancel_unmet_quorum() == 0
        assert services.complete_finished_events() == 0
    with time_machine.travel(event.ends_at):
        assert services.complete_finished_events() == 1
    assert Event.objects.get(pk=event.pk).status == Event.Status.COMPLETED


def test_the_periodic_sweep_runs_every_transition():
    quorumless = EventFactory(decision_deadline=in_(days=1))
    finished = EventFactory(status=Event.Status.CONFIRMED)
    lapsing = guest_of(EventFactory(), expires_at=in_(hours=1))
    with time_machine.travel(finished.ends_at + datetime.timedelta(minutes=1)):
        result = tasks.sweep_events(timestamp=0)
    assert result["expired"] >= 1 and result["cancelled"] >= 1 and result["completed"] == 1
    quorumless.refresh_from_db()
    lapsing.refresh_from_db()
    assert quorumless.status == Event.Status.CANCELLED
    assert lapsing.status == Status.EXPIRED


def test_plain_text_emails_are_not_html_escaped(task_queue):
    event = EventFactory(host=HostProfileFactory(host_name="Ravi's table"), title="Tea & talk")
    services.invite(event, SocialProfileFactory(), by=event.host)
    [email] = task_queue.outbox()
    assert "Ravi's table invited you: Tea & talk" in email.subject
    assert "Tea & talk" in email.body
    assert "Tea &amp; talk" in email.alternatives[0][0]  # the HTML part still escapes
