"""Reminders on a schedule: each to the right people, at the right time, once, whatever the
number of workers or re-runs."""

import datetime

import pytest
import time_machine

from accounts.models import Notification
from events.factories import AttendanceFactory, EventFactory, InvitationFactory, RatingFactory
from events.models import Attendance, Event, Invitation
from events.services import reminders, send_reminders
from tests.races import run_at_once

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
NOW = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=datetime.UTC)


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def _sent_earlier(invitation, *, by=48 * HOUR):
    Invitation.objects.filter(pk=invitation.pk).update(created_at=NOW - by)


def test_an_unanswered_invitation_is_reminded_once_the_day_before_its_deadline(task_queue):
    soon = InvitationFactory(expires_at=NOW + 20 * HOUR, event__starts_at=NOW + 72 * HOUR)
    later = InvitationFactory(expires_at=NOW + 30 * HOUR, event__starts_at=NOW + 72 * HOUR)
    answered = InvitationFactory(
        expires_at=NOW + 20 * HOUR, status=Invitation.Status.DECLINED, event=soon.event
    )
    just_sent = InvitationFactory(expires_at=NOW + 20 * HOUR, event=soon.event)
    for invitation in (soon, later, answered):
        _sent_earlier(invitation)
    Invitation.objects.filter(pk=just_sent.pk).update(
        created_at=NOW - datetime.timedelta(minutes=5)
    )

    with time_machine.travel(NOW):
        assert reminders.remind_unanswered_invitations(NOW) == 1
        assert reminders.remind_unanswered_invitations(NOW) == 0  # the next sweep
        assert reminders.remind_unanswered_invitations(NOW + 2 * HOUR) == 0

    assert told("invitation_expiring") == [soon.profile.user_id]
    [message] = task_queue.outbox()
    assert message.subject == f"[Momento] Your invitation to {soon.event.title} ends tomorrow"
    assert "/me/invitations/" in message.body


def test_a_waitlist_offer_is_reminded_in_its_last_hours(task_queue):
    offer = InvitationFactory(offered=True, expires_at=NOW + 2 * HOUR)
    InvitationFactory(offered=True, expires_at=NOW + 10 * HOUR)
    assert reminders.remind_ending_offers(NOW) == 1
    assert reminders.remind_ending_offers(NOW + HOUR) == 0
    assert told("offer_ending") == [offer.profile.user_id]


def test_confirmed_guests_get_the_exact_place_the_day_before_and_nobody_else(task_queue):
    event = EventFactory(
        status=Event.Status.CONFIRMED,
        starts_at=NOW + 20 * HOUR,
        location="Rue des Tables 12, 3rd floor",
    )
    guest = InvitationFactory(event=event, confirmed=True)
    InvitationFactory(event=event)  # invited, not confirmed: never the place
    InvitationFactory(event=event, waitlisted=True)
    planned = EventFactory(starts_at=NOW + 20 * HOUR)  # not on yet
    InvitationFactory(event=planned, confirmed=True)
    far = EventFactory(status=Event.Status.CONFIRMED, starts_at=NOW + 40 * HOUR)
    InvitationFactory(event=far, confirmed=True)

    assert reminders.remind_confirmed_guests(NOW) == 1
    assert reminders.remind_confirmed_guests(NOW + HOUR) == 0
    assert told("event_reminder") == [guest.profile.user_id]
    [message] = task_queue.outbox()
    assert message.to == [guest.profile.user.email]
    assert "Rue des Tables 12, 3rd floor" in message.body
    assert f"/me/invitations/{guest.pk}/ticket/" in message.body


def test_attendees_who_have_not_rated_are_asked_once_while_the_window_is_open(task_queue):
    event = EventFactory(
        status=Event.Status.COMPLETED, starts_at=NOW - 5 * HOUR, ends_at=NOW - 2 * HOUR
    )
    came = AttendanceFactory(event=event, status=Attendance.Status.ATTENDED)
    late = AttendanceFactory(event=event, status=Attendance.Status.LATE)
    AttendanceFactory(event=event, status=Attendance.Status.NO_SHOW)
    rated = AttendanceFactory(event=event, status=Attendance.Status.ATTENDED)
    RatingFactory(event=event, rater=rated.profile)
    old = EventFactory(status=Event.Status.COMPLETED, past=True)
    old.ends_at = NOW - datetime.timedelta(days=20)
    old.starts_at = old.ends_at - 3 * HOUR
    old.save()
    AttendanceFactory(event=old, status=Attendance.Status.ATTENDED)

    assert reminders.remind_to_rate(NOW) == 2
    assert reminders.remind_to_rate(NOW + HOUR) == 0
    assert told("rate_event") == sorted([came.profile.user_id, late.profile.user_id])


def test_a_reminder_turned_off_is_still_in_the_centre_but_not_emailed(task_queue):
    from accounts import services as accounts

    offer = InvitationFactory(offered=True, expires_at=NOW + 2 * HOUR)
    accounts.set_email_preferences(offer.profile.user, {"offer_ending": False})
    assert reminders.remind_ending_offers(NOW) == 1
    assert task_queue.outbox() == []
    assert told("offer_ending") == [offer.profile.user_id]


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_remind_each_person_once():
    event = EventFactory(status=Event.Status.CONFIRMED, starts_at=NOW + 20 * HOUR)
    guests = [InvitationFactory(event=event, confirmed=True) for _ in range(5)]
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            errors = run_at_once([send_reminders, send_reminders, send_reminders])
            assert errors == []
    assert told("event_reminder") == sorted(g.profile.user_id for g in guests)
    assert Notification.objects.filter(kind="event_reminder").count() == 5
