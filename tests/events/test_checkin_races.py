"""Two phones checking the same ticket in at once make one check-in, and one attended row."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from events import services
from events.factories import EventFactory, InvitationFactory
from events.models import Attendance
from events.services import EventError
from tests.races import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("round", range(3))
def test_two_devices_checking_in_the_same_code_at_once_make_one_check_in(round):
    starts = timezone.now() + datetime.timedelta(hours=1)
    event = EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    invitation = InvitationFactory(event=event, confirmed=True)
    with time_machine.travel(starts, tick=True):
        by_code = lambda: services.check_in(event, code=invitation.ticket_code, by=event.host)  # noqa: E731
        by_toggle = lambda: services.check_in_guest(invitation, by=event.host)  # noqa: E731
        errors = run_at_once([by_code, by_code, by_toggle])
    assert len(errors) == 2
    assert all(isinstance(e, EventError) and "already checked in" in e.message for e in errors)
    assert Attendance.objects.filter(event=event).count() == 1
    invitation.refresh_from_db()
    assert invitation.checked_in_at is not None
