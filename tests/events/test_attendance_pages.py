"""The attendance pages: the host's one form for the whole list, an attendee's page (their word
on the others, a dispute of a no-show), what each refusal says, and who gets 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.factories import EventFactory, InvitationFactory
from events.models import Attendance, AttendanceReport, Event, Invitation
from profiles.factories import SocialProfileFactory
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db
S = Attendance.Status


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


@pytest.fixture
def evening():
    event = EventFactory(starts_at=ago(hours=4), ends_at=ago(hours=1), status="completed")
    ana, ben = (
        InvitationFactory(event=event, confirmed=True, profile__first_name=name).profile
        for name in ("Ana", "Ben")
    )
    return event, ana, ben


def report(event, statuses):
    services.report_attendance(event, by=event.host, statuses=statuses)


def host_page(event):
    return reverse("events:attendance", args=[event.pk])


def my_page(event):
    return reverse("events:my-attendance", args=[event.pk])


def test_the_host_page_lists_confirmed_guests_pre_filled_from_check_in(client, evening):
    event, ana, ben = evening
    host = event.host.user.social_profile
    Attendance.objects.create(event=event, profile=ana, status=S.ATTENDED, reported_by=host)
    gone = InvitationFactory(
        event=event,
        status=Invitation.Status.CANCELLED,
        cancelled_at=ago(days=1),
        cancelled_late=True,
        profile__first_name="Dora",
    )
    client.force_login(event.host.user)
    html = client.get(host_page(event)).content.decode()
    assert (
        f'name="guest-{ana.pk}" value="attended" required id="id_guest-{ana.pk}_0" checked' in html
    )
    assert f'name="guest-{ben.pk}"' in html
    assert f'name="guest-{gone.profile.pk}"' not in html  # a late cancellation is listed apart
    assert "Gave back their seat late" in html and "Dora" in html


def test_the_host_reports_the_whole_list_in_one_post(client, evening):
    event, ana, ben = evening
    client.force_login(event.host.user)
    data = {f"guest-{ana.pk}": "attended", f"guest-{ben.pk}": "no_show"}
    response = client.post(host_page(event), data, follow=True)
    assert "Attendance is saved." in response.content.decode()
    statuses = dict(Attendance.objects.values_list("profile", "status"))
    assert statuses == {ana.pk: S.ATTENDED, ben.pk: S.NO_SHOW}


def test_a_missing_choice_is_explained_and_nothing_is_saved(client, evening):
    event, ana, ben = evening
    client.force_login(event.host.user)
    response = client.post(host_page(event), {f"guest-{ana.pk}": "attended"})
    assert response.status_code == 200
    assert "Choose attended, late or no-show for Ben." in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_host_page_before_the_end_says_when_to_come_back(client, evening):
    event, ana, _ = evening
    Event.objects.filter(pk=event.pk).update(ends_at=timezone.now() + datetime.timedelta(hours=1))
    client.force_login(event.host.user)
    html = client.get(host_page(event)).content.decode()
    assert (
        "once the event is over" in html
        and '<form method="post" novalidate class="attendance"' not in html
    )
    response = client.post(
        host_page(event), {f"guest-{ana.pk}": "attended", f"guest-{evening[2].pk}": "late"}
    )
    assert "This event hasn&#x27;t ended yet" in response.content.decode()
    assert not Attendance.objects.exists()


def test_others_get_404_on_the_host_page_and_on_an_attendee_page(client, evening):
    event, ana, _ = evening
    stranger = SocialProfileFactory()
    client.force_login(stranger.user)
    assert client.get(host_page(event)).status_code == 404
    assert client.get(my_page(event)).status_code == 404
    client.force_login(ana.user)
    assert client.get(host_page(event)).status_code == 404
    client.force_login(event.host.user)
    assert client.get(my_page(event)).status_code == 404  # the host had no seat


def test_a_guest_who_gave_back_the_seat_has_no_attendance_page(client, evening):
    event, ana, _ = evening
    Invitation.objects.filter(profile=ana).update(
        status=Invitation.Status.CANCELLED, cancelled_at=ago(days=1), cancelled_late=True
    )
    client.force_login(ana.user)
    assert client.get(my_page(event)).status_code == 404


def test_the_dispute_is_post_only(client, evening):
    event, ana, _ = evening
    client.force_login(ana.user)
    assert client.get(reverse("events:attendance-dispute", args=[event.pk])).status_code == 405


def test_a_guest_reported_absent_disputes_from_their_page(client, evening):
    event, ana, ben = evening
    services.report_attendance(
        event, by=event.host, statuses={ana.pk: "no_show", ben.pk: "attended"}
    )
    client.force_login(ana.user)
    html = client.get(my_page(event)).content.decode()
    assert "The host reported that you did not come." in html
    assert event.zone.key in html
    url = reverse("events:attendance-dispute", args=[event.pk])
    html = client.post(url, {"status": "attended"}, follow=True).content.decode()
    assert "Sent: staff will decide" in html
    assert "You said you were there. Staff will decide" in html
    html = client.post(url, {"status": "late"}, follow=True).content.decode()
    assert "You already disputed this report." in html
    assert AttendanceReport.objects.count() == 1


def test_an_attendee_reports_on_the_others_from_their_page(client, evening):
    event, ana, ben = evening
    services.report_attendance(
        event, by=event.host, statuses={ana.pk: "attended", ben.pk: "no_show"}
    )
    client.force_login(ana.user)
    html = client.get(my_page(event)).content.decode()
    assert f'name="guest-{ben.pk}"' in html and f'name="guest-{ana.pk}"' not in html
    html = client.post(my_page(event), {}, follow=True).content.decode()
    assert "for at least one person" in html
    html = client.post(my_page(event), {f"guest-{ben.pk}": "late"}, follow=True).content.decode()
    assert "Thank you: your word is saved." in html
    assert "Ben: you said late" in html
    assert f'name="guest-{ben.pk}"' not in html  # final
    assert AttendanceReport.objects.get().status == S.LATE


def test_a_reported_no_show_cannot_report_on_the_others(client, evening):
    event, ana, ben = evening
    services.report_attendance(
        event, by=event.host, statuses={ana.pk: "no_show", ben.pk: "attended"}
    )
    client.force_login(ana.user)
    html = client.get(my_page(event)).content.decode()
    assert f'name="guest-{ben.pk}"' not in html
    response = client.post(my_page(event), {f"guest-{ben.pk}": "no_show"})
    assert "Only people who attended this event" in response.content.decode()
    assert not AttendanceReport.objects.exists()


def _guests(event):
    def make(n):
        for _ in range(n):
            invitation = InvitationFactory(event=event, confirmed=True)
            services.report_attendance(
                event, by=event.host, statuses={invitation.profile_id: "no_show"}
            )

    return make


def test_the_host_page_runs_as_many_queries_with_2_and_20_guests(client, django_assert_num_queries):
    event = EventFactory(starts_at=ago(hours=4), ends_at=ago(hours=1), status="completed")
    client.force_login(event.host.user)
    assert_same_queries_for_few_and_many(
        client, host_page(event), make=_guests(event), assert_num_queries=django_assert_num_queries
    )


def test_an_attendee_page_runs_as_many_queries_with_2_and_20_guests(
    client, django_assert_num_queries
):
    event = EventFactory(starts_at=ago(hours=4), ends_at=ago(hours=1), status="completed")
    me = InvitationFactory(event=event, confirmed=True).profile
    services.report_attendance(event, by=event.host, statuses={me.pk: "attended"})
    client.force_login(me.user)
    assert_same_queries_for_few_and_many(
        client, my_page(event), make=_guests(event), assert_num_queries=django_assert_num_queries
    )
