"""Who may read and write an event's board (messaging/access.py), per role, invitation status
and time: every case of the rule, through the loader and through the pages."""

import datetime

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from events import services as events
from events.factories import AttendanceFactory, EventFactory, InvitationFactory
from events.models import Attendance, Event, Invitation
from messaging.access import OPEN_AFTER, board_for_reader
from messaging.models import EventPost
from profiles import services as profiles
from profiles.factories import SocialProfileFactory

pytestmark = pytest.mark.django_db
S = Invitation.Status
NOW = timezone.now()


def _invited(event, status):
    traits = {
        S.HELD: {"held": True},
        S.OFFERED: {"offered": True},
        S.WAITLISTED: {"waitlisted": True},
        S.CONFIRMED: {"confirmed": True},
    }
    fields = traits.get(status, {"status": status})
    if status in (S.CANCELLED, S.REMOVED):
        fields["cancelled_at"] = timezone.now()
    return InvitationFactory(event=event, **fields).profile.user


def _rights(user, event):
    try:
        board = board_for_reader(user, event.pk)
    except Http404:
        return None
    return "write" if board.can_write else "read"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.SENT, "write"),
        (S.HELD, "write"),
        (S.OFFERED, "write"),
        (S.WAITLISTED, "write"),
        (S.PAYMENT_FAILED, "write"),
        (S.CONFIRMED, "write"),
        (S.DECLINED, None),
        (S.WITHDRAWN, None),
        (S.EXPIRED, None),
        (S.CANCELLED, None),
        (S.REMOVED, None),
    ],
)
def test_before_the_end_the_board_is_open_to_live_invitations_only(status, expected):
    event = EventFactory()
    assert _rights(_invited(event, status), event) == expected


def test_before_the_end_the_host_writes_and_a_stranger_gets_404():
    event = EventFactory()
    assert _rights(event.host.user, event) == "write"
    assert _rights(SocialProfileFactory().user, event) is None


def test_the_board_of_an_event_that_does_not_exist_is_404():
    event = EventFactory()
    event_id = event.pk
    event.delete()
    with pytest.raises(Http404):
        board_for_reader(SocialProfileFactory().user, event_id)


def test_a_person_who_declines_loses_the_board_at_once(client):
    event = EventFactory()
    invitation = InvitationFactory(event=event)
    client.force_login(invitation.profile.user)
    url = reverse("messaging:board", args=[event.pk])
    assert client.get(url).status_code == 200
    events.decline_invitation(invitation, by=invitation.profile)
    assert client.get(url).status_code == 404
    assert client.get(reverse("messaging:board-new", args=[event.pk])).status_code == 404
    assert (
        client.post(reverse("messaging:board-post", args=[event.pk]), {"content": "Hi"}).status_code
        == 404
    )
    assert not EventPost.objects.exists()


@pytest.mark.parametrize("who_blocks", ["host", "guest"])
def test_a_block_between_the_host_and_a_guest_closes_the_board_to_the_guest(who_blocks):
    event = EventFactory()
    guest = InvitationFactory(event=event, confirmed=True).profile
    host = event.host.user.social_profile
    if who_blocks == "host":
        profiles.block(host, guest)
    else:
        profiles.block(guest, host)
    assert _rights(guest.user, event) is None
    assert _rights(host.user, event) == "write"


def test_a_cancelled_event_keeps_its_board_readable_but_not_writable():
    event = EventFactory(status=Event.Status.CANCELLED)
    guest = _invited(event, S.CONFIRMED)
    assert _rights(guest, event) == "read"
    assert _rights(event.host.user, event) == "read"


def _ended(days_ago: float):
    ends = NOW - datetime.timedelta(days=days_ago)
    return EventFactory(
        starts_at=ends - datetime.timedelta(hours=3), ends_at=ends, status=Event.Status.COMPLETED
    )


@pytest.mark.parametrize(
    ("attendance", "expected"),
    [
        (Attendance.Status.ATTENDED, "write"),
        (Attendance.Status.LATE, "write"),
        (Attendance.Status.NO_SHOW, None),
        (None, None),
    ],
)
def test_after_the_end_attendees_and_the_host_still_write_and_nobody_else_reads(
    attendance, expected
):
    event = _ended(days_ago=1)
    user = _invited(event, S.CONFIRMED)
    if attendance:
        AttendanceFactory(event=event, profile=user.social_profile, status=attendance)
    assert _rights(user, event) == expected
    assert _rights(event.host.user, event) == "write"


def test_after_the_end_an_invitation_still_sent_no_longer_opens_the_board():
    event = _ended(days_ago=1)
    assert _rights(_invited(event, S.SENT), event) is None


def test_the_board_becomes_read_only_30_days_after_the_end_and_stays_readable():
    event = _ended(days_ago=1)
    user = _invited(event, S.CONFIRMED)
    AttendanceFactory(event=event, profile=user.social_profile)
    with time_machine.travel(event.ends_at + OPEN_AFTER - datetime.timedelta(minutes=1)):
        assert _rights(user, event) == "write"
    with time_machine.travel(event.ends_at + OPEN_AFTER):
        assert _rights(user, event) == "read"
        assert _rights(event.host.user, event) == "read"
    with time_machine.travel(event.ends_at + 10 * OPEN_AFTER):
        assert _rights(user, event) == "read"


def test_attendees_write_after_the_end_and_a_no_show_cannot(client):
    event = EventFactory(
        starts_at=NOW + datetime.timedelta(hours=1), ends_at=NOW + datetime.timedelta(hours=4)
    )
    came = _invited(event, S.CONFIRMED)
    AttendanceFactory(event=event, profile=came.social_profile)
    absent = _invited(event, S.CONFIRMED)
    AttendanceFactory(event=event, profile=absent.social_profile, status=Attendance.Status.NO_SHOW)
    url = reverse("messaging:board-post", args=[event.pk])
    client.force_login(came)
    assert client.post(url, {"content": "On my way"}).status_code == 302
    with time_machine.travel(event.ends_at + datetime.timedelta(seconds=1)):
        assert client.post(url, {"content": "Thanks all"}).status_code == 302
        client.force_login(absent)
        assert client.post(url, {"content": "Sorry I missed it"}).status_code == 404
    with time_machine.travel(event.ends_at + OPEN_AFTER):
        client.force_login(came)
        response = client.post(url, {"content": "Still here?"}, follow=True)
        assert "read-only" in response.content.decode()
    assert sorted(EventPost.objects.values_list("content", flat=True)) == [
        "On my way",
        "Thanks all",
    ]


def test_each_board_url_is_404_for_a_stranger_and_405_for_get_on_posts(client):
    event = EventFactory()
    post = EventPost.objects.create(
        event=event, author=event.host.user.social_profile, role="host", content="Welcome"
    )
    client.force_login(SocialProfileFactory().user)
    for name in ("board", "board-new"):
        assert client.get(reverse(f"messaging:{name}", args=[event.pk])).status_code == 404
    assert client.get(reverse("messaging:post-report", args=[event.pk, post.pk])).status_code == 404
    for name in ("post-delete", "post-hide", "post-unhide"):
        url = reverse(f"messaging:{name}", args=[event.pk, post.pk])
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 404
    assert client.post(reverse("messaging:board-post", args=[event.pk])).status_code == 404
    post.refresh_from_db()
    assert post.hidden_at is None and post.deleted_at is None
