"""Tickets and check-in: the code every confirmed seat carries, the guest's ticket page, and the
host checking guests in by code or from the list, within the event's day in its own zone."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from events import services, tickets
from events.factories import EventFactory, InvitationFactory
from events.models import Attendance, Event, Invitation
from events.services import EventError
from profiles.factories import CityFactory, HostProfileFactory, SocialProfileFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
# 19:00 in Tokyo on Friday 11 December 2026 is 10:00 UTC the same day.
STARTS = datetime.datetime(2026, 12, 11, 19, 0, tzinfo=TOKYO)


def tokyo_event(**fields):
    city = CityFactory(name="Tokyo", country="Japan", time_zone="Asia/Tokyo")
    fields.setdefault("starts_at", STARTS)
    fields.setdefault("ends_at", fields["starts_at"] + datetime.timedelta(hours=3))
    return EventFactory(city=city, min_participants=1, **fields)


def seat(event, **fields):
    return InvitationFactory(event=event, confirmed=True, **fields)


def at(moment):
    return time_machine.travel(moment, tick=False)


# Ticket codes


def test_accepting_a_free_invitation_gives_the_seat_a_ticket_code():
    event = EventFactory(min_participants=1)
    invitation = InvitationFactory(event=event)
    services.accept_invitation(invitation, by=invitation.profile)
    invitation.refresh_from_db()
    assert len(invitation.ticket_code) == tickets.LENGTH
    assert set(invitation.ticket_code) <= set(tickets.ALPHABET)


def test_a_paid_seat_gets_its_code_when_the_payment_confirms_it_not_while_held():
    event = EventFactory(fee_cents=1500)
    invitation = InvitationFactory(event=event)
    services.accept_invitation(invitation, by=invitation.profile)
    invitation.refresh_from_db()
    assert invitation.ticket_code == ""
    services.confirm_paid_seat(invitation)
    invitation.refresh_from_db()
    assert invitation.ticket_code


def test_a_waitlist_offer_taken_gives_a_ticket_code():
    event = EventFactory(min_participants=1)
    invitation = InvitationFactory(event=event, offered=True)
    services.accept_invitation(invitation, by=invitation.profile)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CONFIRMED
    assert invitation.ticket_code


def test_ticket_codes_are_unique_on_the_site():
    from django.db import IntegrityError, transaction

    first = seat(EventFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        seat(EventFactory(), ticket_code=first.ticket_code)


def test_ticket_codes_have_no_look_alike_characters():
    assert not set("01OI") & set(tickets.ALPHABET)
    assert tickets.normalise(" abcd-2345 ") == "ABCD2345"
    assert tickets.normalise("ABCD0345") is None  # a zero is never in a code
    assert tickets.normalise("ABC") is None


def test_the_backfill_gives_every_confirmed_invitation_without_a_code_one():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("events.migrations.0010_backfill_ticket_codes")
    confirmed = [seat(EventFactory(), ticket_code="") for _ in range(3)]
    sent = InvitationFactory()
    migration.backfill_ticket_codes(apps, None)
    codes = set(
        Invitation.objects.filter(pk__in=[i.pk for i in confirmed]).values_list(
            "ticket_code", flat=True
        )
    )
    assert len(codes) == 3 and "" not in codes
    sent.refresh_from_db()
    assert sent.ticket_code == ""


# The ticket page


def test_the_ticket_page_shows_the_code_its_qr_code_and_the_time_in_the_events_zone(client):
    event = tokyo_event(location="3-1 Shibuya")
    invitation = seat(event, profile=SocialProfileFactory(preferred_name="Aiko"))
    client.force_login(invitation.profile.user)
    response = client.get(reverse("events:ticket", args=[invitation.pk]))
    html = response.content.decode()
    assert invitation.ticket_display in html
    assert "<svg" in html and 'role="img"' in html and "QR code of the ticket code" in html
    assert "19:00" in html and "Asia/Tokyo" in html
    assert "3-1 Shibuya" in html and "Aiko" in html


def test_someone_elses_ticket_is_not_found(client):
    invitation = seat(EventFactory())
    client.force_login(SocialProfileFactory().user)
    assert client.get(reverse("events:ticket", args=[invitation.pk])).status_code == 404


def test_an_invitation_never_confirmed_has_no_ticket(client):
    invitation = InvitationFactory()
    client.force_login(invitation.profile.user)
    assert client.get(reverse("events:ticket", args=[invitation.pk])).status_code == 404


def test_a_ticket_given_back_says_it_is_no_longer_valid_and_shows_no_code(client):
    invitation = seat(EventFactory())
    services.cancel_seat(invitation, by=invitation.profile)
    client.force_login(invitation.profile.user)
    html = client.get(reverse("events:ticket", args=[invitation.pk])).content.decode()
    assert "no longer valid" in html
    assert "<svg" not in html


def test_the_event_page_links_a_confirmed_guest_to_their_ticket(client):
    invitation = seat(EventFactory())
    client.force_login(invitation.profile.user)
    html = client.get(reverse("events:detail", args=[invitation.event_id])).content.decode()
    assert reverse("events:ticket", args=[invitation.pk]) in html


# The check-in window, in the event's zone


def test_check_in_opens_at_midnight_of_the_events_day_in_its_zone():
    event = tokyo_event()
    midnight_tokyo = datetime.datetime(2026, 12, 11, 0, 0, tzinfo=TOKYO)  # 15:00 UTC the day before
    assert not services.check_in_window(event, midnight_tokyo - datetime.timedelta(minutes=1)).open
    assert services.check_in_window(event, midnight_tokyo).open


def test_check_in_closes_six_hours_after_the_end():
    event = tokyo_event()
    closes = event.ends_at + services.CHECK_IN_AFTER_END
    assert services.check_in_window(event, closes - datetime.timedelta(minutes=1)).open
    assert not services.check_in_window(event, closes).open


def test_checking_in_before_the_events_day_is_refused_with_when_it_opens():
    event = tokyo_event()
    invitation = seat(event)
    eve = datetime.datetime(2026, 12, 10, 23, 0, tzinfo=TOKYO)
    with at(eve), pytest.raises(EventError, match="opens on the event's day.*Asia/Tokyo"):
        services.check_in(event, code=invitation.ticket_code, by=event.host)
    invitation.refresh_from_db()
    assert invitation.checked_in_at is None


def test_checking_in_after_the_window_is_refused():
    event = tokyo_event()
    invitation = seat(event)
    late = event.ends_at + datetime.timedelta(hours=7)
    with at(late), pytest.raises(EventError, match="closed 6 hours after"):
        services.check_in(event, code=invitation.ticket_code, by=event.host)


def test_checking_in_at_a_cancelled_event_is_refused():
    event = tokyo_event(status=Event.Status.CANCELLED)
    invitation = seat(event)
    with at(STARTS), pytest.raises(EventError, match="cancelled"):
        services.check_in(event, code=invitation.ticket_code, by=event.host)


# Checking in


def test_checking_in_by_code_records_the_time_and_attended_reported_by_the_host():
    event = tokyo_event()
    invitation = seat(event)
    with at(STARTS):
        services.check_in(event, code=invitation.ticket_display.lower(), by=event.host)
    invitation.refresh_from_db()
    assert invitation.checked_in_at == STARTS
    attendance = Attendance.objects.get(event=event, profile=invitation.profile)
    assert attendance.status == Attendance.Status.ATTENDED
    assert attendance.reported_by == event.host.user.social_profile
    assert attendance.reported_at == STARTS, "the host's report, made at the door"


def test_checking_in_from_the_list_reports_the_attendance_at_the_check_in():
    event = tokyo_event()
    invitation = seat(event)
    later = STARTS + datetime.timedelta(minutes=25)
    with at(later):
        services.check_in_guest(invitation, by=event.host)
    attendance = Attendance.objects.get(event=event, profile=invitation.profile)
    assert attendance.reported_at == later


def test_the_backfill_gives_check_in_rows_without_a_report_time_their_check_in_time():
    import importlib

    from django.apps import apps

    from events.factories import AttendanceFactory

    migration = importlib.import_module("events.migrations.0013_backfill_checkin_reported_at")
    event = tokyo_event()
    checked, reported, unchecked = (seat(event) for _ in range(3))
    arrived = STARTS + datetime.timedelta(minutes=10)
    Invitation.objects.filter(pk__in=[checked.pk, reported.pk]).update(checked_in_at=arrived)
    old = AttendanceFactory(event=event, profile=checked.profile, reported_at=None)
    kept = AttendanceFactory(event=event, profile=reported.profile, reported_at=STARTS)
    alone = AttendanceFactory(event=event, profile=unchecked.profile, reported_at=None)
    migration.backfill_checkin_reported_at(apps, None)
    for row in (old, kept, alone):
        row.refresh_from_db()
    assert old.reported_at == arrived
    assert kept.reported_at == STARTS, "a report time already there stays"
    assert alone.reported_at is None, "no check-in, nothing to take the time from"


def test_a_mistyped_code_is_refused_as_unknown():
    event = tokyo_event()
    seat(event)
    with at(STARTS), pytest.raises(EventError, match="No ticket has this code"):
        services.check_in(event, code="ZZZZ-ZZZZ", by=event.host)


def test_something_that_is_no_code_at_all_is_refused_as_such():
    event = tokyo_event()
    with at(STARTS), pytest.raises(EventError, match="not a ticket code"):
        services.check_in(event, code="<script>", by=event.host)


def test_a_code_of_another_event_is_refused_as_such():
    event = tokyo_event()
    elsewhere = seat(EventFactory())
    with at(STARTS), pytest.raises(EventError, match="for another event"):
        services.check_in(event, code=elsewhere.ticket_code, by=event.host)
    assert elsewhere.__class__.objects.get(pk=elsewhere.pk).checked_in_at is None


def test_a_second_check_in_is_refused_with_the_time_of_the_first():
    event = tokyo_event()
    invitation = seat(event, profile=SocialProfileFactory(preferred_name="Aiko"))
    with at(STARTS):
        services.check_in(event, code=invitation.ticket_code, by=event.host)
        with pytest.raises(EventError, match=r"Aiko is already checked in \(since 19:00\)"):
            services.check_in_guest(invitation, by=event.host)


def test_a_seat_given_back_cannot_be_checked_in():
    event = tokyo_event()
    invitation = seat(event)
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.CANCELLED, cancelled_at=STARTS
    )
    with at(STARTS), pytest.raises(EventError, match="no longer has a seat"):
        services.check_in(event, code=invitation.ticket_code, by=event.host)


def test_only_the_host_checks_in():
    event = tokyo_event()
    invitation = seat(event)
    with at(STARTS), pytest.raises(EventError, match="Only the host"):
        services.check_in_guest(invitation, by=HostProfileFactory())


def test_undoing_a_check_in_takes_back_the_attended_row():
    event = tokyo_event()
    invitation = seat(event)
    with at(STARTS):
        services.check_in_guest(invitation, by=event.host)
        services.undo_check_in(invitation, by=event.host)
        with pytest.raises(EventError, match="is not checked in"):
            services.undo_check_in(invitation, by=event.host)
    invitation.refresh_from_db()
    assert invitation.checked_in_at is None
    assert not Attendance.objects.filter(event=event).exists()


# The check-in page


def test_the_check_in_page_lists_confirmed_guests_by_name_with_the_code_field(client):
    event = tokyo_event()
    seat(event, profile=SocialProfileFactory(preferred_name="Bea"))
    InvitationFactory(event=event, profile=SocialProfileFactory(preferred_name="Sent Only"))
    client.force_login(event.host.user)
    with at(STARTS):
        html = client.get(reverse("events:check-in", args=[event.pk])).content.decode()
    assert "Bea" in html and "Sent Only" not in html
    assert 'name="code"' in html
    assert 'data-hx-trigger="every 10s"' in html


def test_the_check_in_page_outside_the_window_says_when_it_opens_and_has_no_field(client):
    event = tokyo_event()
    client.force_login(event.host.user)
    with at(STARTS - datetime.timedelta(days=2)):
        html = client.get(reverse("events:check-in", args=[event.pk])).content.decode()
    assert "Check-in opens on the event&#x27;s day" in html
    assert 'name="code"' not in html


@pytest.mark.parametrize("name", ["check-in", "check-in-list"])
def test_someone_elses_check_in_page_is_not_found(client, name):
    event = tokyo_event()
    seat(event)
    client.force_login(event.invitations.get().profile.user)  # even a guest of the event
    assert client.get(reverse(f"events:{name}", args=[event.pk])).status_code == 404


def test_typing_a_code_without_javascript_checks_the_guest_in_and_says_so(client):
    event = tokyo_event()
    invitation = seat(event, profile=SocialProfileFactory(preferred_name="Bea"))
    client.force_login(event.host.user)
    with at(STARTS):
        response = client.post(
            reverse("events:check-in-code", args=[event.pk]),
            {"code": invitation.ticket_display},
            follow=True,
        )
    assert "Bea is checked in." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.checked_in_at


def test_typing_a_wrong_code_with_htmx_answers_the_panel_with_the_refusal(client):
    event = tokyo_event()
    seat(event)
    client.force_login(event.host.user)
    with at(STARTS):
        response = client.post(
            reverse("events:check-in-code", args=[event.pk]),
            {"code": "ZZZZ-ZZZZ"},
            headers={"HX-Request": "true"},
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="check-in-panel">')
    assert "No ticket has this code" in html


@pytest.mark.parametrize("code", ["", "x" * 500, "ABCD\x00EFGH"])
def test_bad_input_in_the_code_field_is_refused_never_a_500(client, code):
    event = tokyo_event()
    client.force_login(event.host.user)
    with at(STARTS):
        response = client.post(
            reverse("events:check-in-code", args=[event.pk]), {"code": code}, follow=True
        )
    assert response.status_code == 200
    assert "not a ticket code" in response.content.decode()


def test_the_toggle_checks_in_and_undoes(client):
    event = tokyo_event()
    invitation = seat(event)
    client.force_login(event.host.user)
    with at(STARTS):
        client.post(reverse("events:check-in-guest", args=[event.pk, invitation.pk]))
        invitation.refresh_from_db()
        assert invitation.checked_in_at
        client.post(reverse("events:undo-check-in", args=[event.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.checked_in_at is None


@pytest.mark.parametrize("name", ["check-in-guest", "undo-check-in"])
def test_the_toggles_refuse_get_and_strangers(client, name):
    event = tokyo_event()
    invitation = seat(event)
    url = reverse(f"events:{name}", args=[event.pk, invitation.pk])
    client.force_login(event.host.user)
    assert client.get(url).status_code == 405
    client.force_login(SocialProfileFactory().user)
    with at(STARTS):
        assert client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.checked_in_at is None


def test_a_guest_of_another_event_cannot_be_toggled_from_this_one(client):
    event = tokyo_event()
    other = seat(EventFactory(host=event.host))
    client.force_login(event.host.user)
    with at(STARTS):
        response = client.post(reverse("events:check-in-guest", args=[event.pk, other.pk]))
    assert response.status_code == 404
