"""'Running late' and 'can't make it': on the event's day (in its zone) a confirmed guest tells
the host and the group; can't make it before the refund cut-off gives the seat back through the
core loop's cancel, after it only tells the host."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from events import services
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Invitation
from events.services import EventError
from profiles.factories import CityFactory, SocialProfileFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# 19:00 in New York on Friday 11 December 2026 is 00:00 UTC on the 12th.
STARTS = datetime.datetime(2026, 12, 11, 19, 0, tzinfo=NEW_YORK)
AFTERNOON = datetime.datetime(2026, 12, 11, 15, 0, tzinfo=NEW_YORK)


def new_york_event(**fields):
    city = CityFactory(name="New York", country="USA", time_zone="America/New_York")
    return EventFactory(
        city=city,
        starts_at=STARTS,
        ends_at=STARTS + datetime.timedelta(hours=3),
        min_participants=1,
        **fields,
    )


def seat(event, name="Noor"):
    return InvitationFactory(
        event=event, confirmed=True, profile=SocialProfileFactory(preferred_name=name)
    )


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_running_late_is_recorded_with_the_minutes():
    event = new_york_event()
    invitation = seat(event)
    with at(AFTERNOON):
        services.report_running_late(invitation, minutes=15, by=invitation.profile)
    invitation.refresh_from_db()
    assert invitation.running_late_minutes == 15
    assert invitation.late_reported_at == AFTERNOON


def test_the_events_day_is_the_day_in_its_zone_not_in_utc():
    event = new_york_event()
    invitation = seat(event)
    # 04:00 UTC on the 11th is still the 10th in New York: not yet; 05:00 UTC is its midnight.
    not_yet = datetime.datetime(2026, 12, 11, 4, 0, tzinfo=datetime.UTC)
    with at(not_yet), pytest.raises(EventError, match="on the day of the event"):
        services.report_running_late(invitation, minutes=5, by=invitation.profile)
    with at(datetime.datetime(2026, 12, 11, 5, 0, tzinfo=datetime.UTC)):  # 00:00 in New York
        services.report_running_late(invitation, minutes=5, by=invitation.profile)


def test_running_late_after_the_end_is_refused():
    event = new_york_event()
    invitation = seat(event)
    with at(event.ends_at), pytest.raises(EventError, match="over"):
        services.report_running_late(invitation, minutes=5, by=invitation.profile)


@pytest.mark.parametrize("minutes", [0, 7, 500])
def test_running_late_by_minutes_not_offered_is_refused(minutes):
    event = new_york_event()
    invitation = seat(event)
    with at(AFTERNOON), pytest.raises(EventError, match="Choose how late"):
        services.report_running_late(invitation, minutes=minutes, by=invitation.profile)


def test_running_late_without_a_confirmed_seat_is_refused():
    event = new_york_event()
    invitation = InvitationFactory(event=event)
    with at(AFTERNOON), pytest.raises(EventError, match="no confirmed seat"):
        services.report_running_late(invitation, minutes=5, by=invitation.profile)


def test_only_the_guest_says_they_are_running_late():
    event = new_york_event()
    invitation = seat(event)
    with at(AFTERNOON), pytest.raises(EventError, match="not yours"):
        services.report_running_late(invitation, minutes=5, by=SocialProfileFactory())


def test_a_checked_in_guest_is_not_running_late():
    event = new_york_event()
    invitation = seat(event)
    with at(STARTS):
        services.check_in_guest(invitation, by=event.host)
        with pytest.raises(EventError, match="checked in"):
            services.report_running_late(invitation, minutes=5, by=invitation.profile)


def test_running_late_at_a_cancelled_event_is_refused():
    event = new_york_event(status=Event.Status.CANCELLED)
    invitation = seat(event)
    with at(AFTERNOON), pytest.raises(EventError, match="cancelled"):
        services.report_running_late(invitation, minutes=5, by=invitation.profile)


def test_cant_make_it_after_the_cut_off_keeps_the_seat_and_emails_the_host(task_queue):
    event = new_york_event(fee_cents=1500)  # the 48-hour cut-off is long past in the afternoon
    invitation = seat(event)
    task_queue.outbox().clear()
    with at(AFTERNOON):
        services.report_cant_make_it(invitation, by=invitation.profile)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CONFIRMED
    assert invitation.cant_make_it_at == AFTERNOON
    (sent,) = task_queue.outbox()
    assert sent.to == [event.host.user.email]
    assert "Noor can't make it" in sent.subject
    assert "seat stays booked" in sent.body


def test_cant_make_it_before_the_cut_off_gives_the_seat_back_through_the_core_cancel(task_queue):
    event = new_york_event(refund_cutoff_hours=2, max_participants=1)
    invitation = seat(event)
    waiting = InvitationFactory(event=event, waitlisted=True)
    task_queue.outbox().clear()
    with at(AFTERNOON):
        services.report_cant_make_it(invitation, by=invitation.profile)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CANCELLED
    assert invitation.cant_make_it_at == AFTERNOON
    assert not invitation.cancelled_late
    waiting.refresh_from_db()
    assert waiting.status == Invitation.Status.OFFERED
    to_host = [m for m in task_queue.outbox() if m.to == [event.host.user.email]]
    assert len(to_host) == 1 and "given back" in to_host[0].body


def test_cant_make_it_twice_is_refused():
    event = new_york_event()
    invitation = seat(event)
    with at(AFTERNOON):
        services.report_cant_make_it(invitation, by=invitation.profile)
        with pytest.raises(EventError, match="already told"):
            services.report_cant_make_it(invitation, by=invitation.profile)
        with pytest.raises(EventError, match="already told"):
            services.report_running_late(invitation, minutes=5, by=invitation.profile)


def test_the_host_sees_the_news_in_the_polled_check_in_list(client):
    event = new_york_event()
    late, gone = seat(event, "Late Lou"), seat(event, "Gone Gil")
    with at(AFTERNOON):
        services.report_running_late(late, minutes=10, by=late.profile)
        services.report_cant_make_it(gone, by=gone.profile)
        client.force_login(event.host.user)
        html = client.get(reverse("events:check-in-list", args=[event.pk])).content.decode()
    assert "Running about 10 min late" in html
    assert "Can't make it" in html


def test_the_group_sees_who_is_running_late_on_the_event_page_and_strangers_do_not(client):
    event = new_york_event(is_private=False)
    late, other = seat(event, "Late Lou"), seat(event, "Other Olga")
    with at(AFTERNOON):
        services.report_running_late(late, minutes=10, by=late.profile)
        client.force_login(other.profile.user)
        url = reverse("events:detail", args=[event.pk])
        assert "Late Lou is running about 10 min late" in client.get(url).content.decode()
        client.force_login(SocialProfileFactory().user)
        assert "running about" not in client.get(url).content.decode()


def test_two_taps_from_the_ticket_with_htmx_answer_the_panel(client):
    event = new_york_event()
    invitation = seat(event)
    client.force_login(invitation.profile.user)
    with at(AFTERNOON):
        ticket = client.get(reverse("events:ticket", args=[invitation.pk])).content.decode()
        assert "Running late" in ticket and "Can't make it" in ticket
        response = client.post(
            reverse("events:running-late", args=[invitation.pk]),
            {"minutes": "30"},
            headers={"HX-Request": "true"},
        )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="on-the-day-{invitation.pk}"')
    assert "about 30 min late" in html


@pytest.mark.parametrize("minutes", ["", "abc", "-5", "99999999999999999999"])
def test_bad_minutes_are_refused_with_a_message_never_a_500(client, minutes):
    event = new_york_event()
    invitation = seat(event)
    client.force_login(invitation.profile.user)
    with at(AFTERNOON):
        response = client.post(
            reverse("events:running-late", args=[invitation.pk]), {"minutes": minutes}, follow=True
        )
    assert response.status_code == 200
    assert "Choose how late" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.running_late_minutes is None


@pytest.mark.parametrize("name", ["running-late", "cant-make-it"])
def test_telling_the_host_refuses_get_and_other_peoples_invitations(client, name):
    invitation = seat(new_york_event())
    url = reverse(f"events:{name}", args=[invitation.pk])
    client.force_login(invitation.profile.user)
    assert client.get(url).status_code == 405
    client.force_login(SocialProfileFactory().user)
    with at(AFTERNOON):
        assert client.post(url, {"minutes": "5"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.late_reported_at is None and invitation.cant_make_it_at is None
