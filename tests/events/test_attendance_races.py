"""Attendance under concurrency (tests/races.py): the host changing a no-show while the guest
disputes it, and the guest disputing twice at once, stay consistent: the event's lock serves
them one after the other, and the unique report catches the rest."""

import datetime

import pytest
from django.utils import timezone

from events import services
from events.factories import EventFactory, InvitationFactory
from events.models import Attendance, AttendanceReport
from events.services import EventError
from tests.races import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)
S = Attendance.Status
ROUNDS = 5


def reported_no_show():
    now = timezone.now()
    event = EventFactory(
        starts_at=now - datetime.timedelta(hours=4),
        ends_at=now - datetime.timedelta(hours=1),
        status="completed",
    )
    guest = InvitationFactory(event=event, confirmed=True).profile
    services.report_attendance(event, by=event.host, statuses={guest.pk: S.NO_SHOW})
    return event, guest


def refusal(call):
    def run():
        try:
            call()
        except EventError as error:
            return error.message

    return run


@pytest.mark.parametrize("round", range(ROUNDS))
def test_the_host_changing_a_no_show_while_the_guest_disputes_it_stays_consistent(round):
    event, guest = reported_no_show()
    errors = run_at_once(
        [
            lambda: services.report_attendance(event, by=event.host, statuses={guest.pk: S.LATE}),
            refusal(lambda: services.dispute_no_show(event, by=guest, status=S.ATTENDED)),
        ]
    )
    assert errors == []
    row = Attendance.objects.with_outcome().get(event=event, profile=guest)
    assert (row.status, row.outcome) == (S.LATE, S.LATE)  # the host's last word, counted
    assert AttendanceReport.objects.filter(attendance=row).count() <= 1
    assert Attendance.objects.filter(event=event).count() == 1


@pytest.mark.parametrize("round", range(ROUNDS))
def test_the_host_repeating_a_no_show_while_the_guest_disputes_it_leaves_one_dispute(round):
    event, guest = reported_no_show()
    reported_at = Attendance.objects.get(event=event).reported_at
    errors = run_at_once(
        [
            lambda: services.report_attendance(
                event, by=event.host, statuses={guest.pk: S.NO_SHOW}
            ),
            lambda: services.dispute_no_show(event, by=guest, status=S.ATTENDED),
        ]
    )
    assert errors == []
    row = Attendance.objects.with_outcome().get(event=event, profile=guest)
    assert row.reported_at == reported_at  # the window did not move
    assert row.outcome == "disputed"
    assert AttendanceReport.objects.filter(attendance=row).count() == 1


@pytest.mark.parametrize("round", range(ROUNDS))
def test_two_disputes_at_once_make_one(round):
    event, guest = reported_no_show()
    messages = []

    def dispute(status):
        try:
            services.dispute_no_show(event, by=guest, status=status)
        except EventError as error:
            messages.append(error.message)

    assert run_at_once([lambda: dispute(S.ATTENDED), lambda: dispute(S.LATE)]) == []
    assert messages == ["You already disputed this report."]
    assert AttendanceReport.objects.filter(attendance__event=event).count() == 1
