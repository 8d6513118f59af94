"""After the event: the host reports who came, attendees confirm, a reported no-show may be
disputed within its window, staff decide, and what counts (events.models.AttendanceQuerySet)
feeds the person's record and their reliability."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserInternalMetrics
from accounts.reliability import PRIOR_RATING, absentee_rating
from events import services, tasks
from events.factories import EventFactory, InvitationFactory
from events.models import Attendance, AttendanceReport, Event, Invitation
from events.services import EventError
from profiles.factories import SocialProfileFactory

pytestmark = pytest.mark.django_db
S = Attendance.Status
HOUR = datetime.timedelta(hours=1)


def ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


@pytest.fixture
def evening():
    """An event that ended an hour ago, with three confirmed guests, one who gave back the seat
    late, and one who was only invited."""
    event = EventFactory(
        starts_at=ago(hours=4), ends_at=ago(hours=1), status=Event.Status.COMPLETED
    )
    guests = [
        InvitationFactory(event=event, confirmed=True, profile__first_name=name).profile
        for name in ("Ana", "Ben", "Cleo")
    ]
    late = InvitationFactory(
        event=event,
        status=Invitation.Status.CANCELLED,
        cancelled_at=ago(days=1),
        cancelled_late=True,
        profile__first_name="Dora",
    ).profile
    invited = InvitationFactory(event=event, profile__first_name="Eli").profile
    return event, guests, late, invited


def report(event, **statuses):
    return services.report_attendance(event, by=event.host, statuses=statuses)


def host_row(event, profile) -> Attendance:
    return Attendance.objects.get(event=event, profile=profile)


def outcome(event, profile, now=None) -> str:
    return Attendance.objects.with_outcome(now).get(event=event, profile=profile).outcome


# The host reports ------------------------------------------------------------------------------


def test_the_host_reports_each_confirmed_guest_and_is_the_reporter(evening):
    event, (ana, ben, cleo), *_ = evening
    report(event, **{str(ana.pk): S.ATTENDED, str(ben.pk): S.LATE, str(cleo.pk): S.NO_SHOW})
    row = host_row(event, cleo)
    assert (row.status, row.reported_by) == (S.NO_SHOW, event.host.user.social_profile)
    assert host_row(event, ben).status == S.LATE
    assert Attendance.objects.filter(event=event).count() == 3


def test_a_check_in_row_is_kept_as_it_is_and_can_be_changed(evening):
    event, (ana, ben, _), *_ = evening
    host = event.host.user.social_profile
    Attendance.objects.create(event=event, profile=ana, status=S.ATTENDED, reported_by=host)
    report(event, **{str(ana.pk): S.LATE})
    assert host_row(event, ana).status == S.LATE
    assert Attendance.objects.filter(event=event, profile=ana).count() == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("early", "This event hasn't ended yet: report who came once it is over."),
        ("closed", "The time to report on this event has passed."),
        ("cancelled", "This event was cancelled: there is no attendance to report."),
    ],
)
def test_reporting_outside_the_window_is_refused_with_its_own_message(evening, setup, message):
    event, (ana, *_), *_ = evening
    if setup == "early":
        Event.objects.filter(pk=event.pk).update(ends_at=timezone.now() + HOUR)
    elif setup == "closed":
        Event.objects.filter(pk=event.pk).update(
            starts_at=ago(days=7, hours=4), ends_at=ago(days=7, hours=1)
        )
    else:
        Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    with pytest.raises(EventError, match=message):
        report(event, **{str(ana.pk): S.ATTENDED})
    assert not Attendance.objects.exists()


def test_the_window_is_seven_days_from_the_end(evening):
    event, (ana, *_), *_ = evening
    with time_machine.travel(event.ends_at + Attendance.REPORT_FOR - HOUR):
        report(event, **{str(ana.pk): S.ATTENDED})
    with (
        time_machine.travel(event.ends_at + Attendance.REPORT_FOR + HOUR),
        pytest.raises(EventError, match="has passed"),
    ):
        report(event, **{str(ana.pk): S.NO_SHOW})
    assert host_row(event, ana).status == S.ATTENDED


def test_only_the_host_of_that_event_reports(evening):
    event, (ana, *_), *_ = evening
    other_host = EventFactory().host
    with pytest.raises(EventError, match="Only the host can do this."):
        services.report_attendance(event, by=other_host, statuses={str(ana.pk): S.NO_SHOW})
    assert not Attendance.objects.exists()


def test_nobody_without_a_confirmed_seat_can_be_reported_and_nothing_changes(evening):
    event, (ana, *_), late, invited = evening
    for person in (late, invited, SocialProfileFactory()):
        with pytest.raises(EventError, match="Only guests with a confirmed seat"):
            report(event, **{str(ana.pk): S.ATTENDED, str(person.pk): S.NO_SHOW})
    assert not Attendance.objects.exists()


def test_a_decided_report_cannot_be_changed_by_the_host(evening, staff):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    services.dispute_no_show(event, by=ana, status=S.ATTENDED)
    services.decide_no_show(host_row(event, ana), by=staff, decision=Attendance.Decision.STANDS)
    with pytest.raises(EventError, match="Staff have decided"):
        report(event, **{str(ana.pk): S.ATTENDED})
    assert host_row(event, ana).status == S.NO_SHOW


def test_a_guest_reported_absent_is_told_how_and_until_when_to_dispute(evening, task_queue):
    event, (ana, ben, _), *_ = evening
    task_queue.outbox().clear()
    report(event, **{str(ana.pk): S.NO_SHOW, str(ben.pk): S.ATTENDED})
    [email] = task_queue.outbox()
    assert email.to == [ana.user.email]
    assert "reported you as not coming" in email.subject
    assert reverse("events:my-attendance", args=[event.pk]) in email.body
    until = timezone.localtime(host_row(event, ana).dispute_until, event.zone)
    assert until.strftime("%H:%M") in email.body
    assert event.zone.key in email.body


def test_reporting_the_same_no_show_again_sends_no_second_email(evening, task_queue):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    task_queue.outbox().clear()
    reported_at = host_row(event, ana).reported_at
    report(event, **{str(ana.pk): S.NO_SHOW})
    assert task_queue.outbox() == []
    assert host_row(event, ana).reported_at == reported_at  # the window does not move


# Attendees report on the others ----------------------------------------------------------------


def test_an_attendee_reports_on_the_others_once(evening):
    event, (ana, ben, cleo), *_ = evening
    report(event, **{str(ana.pk): S.ATTENDED, str(ben.pk): S.NO_SHOW})
    services.report_others(event, by=ana, statuses={ben.pk: S.ATTENDED})
    [said] = AttendanceReport.objects.all()
    assert (said.reported_by, said.status, said.attendance.profile) == (ana, S.ATTENDED, ben)
    with pytest.raises(EventError, match="a report is final"):
        services.report_others(event, by=ana, statuses={ben.pk: S.NO_SHOW})
    assert AttendanceReport.objects.get().status == S.ATTENDED


def test_someone_who_did_not_attend_cannot_report_on_the_others(evening):
    event, (ana, ben, cleo), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW, str(ben.pk): S.ATTENDED})
    for person in (ana, cleo, SocialProfileFactory()):  # a no-show, unreported, a stranger
        with pytest.raises(EventError, match="Only people who attended this event"):
            services.report_others(event, by=person, statuses={ben.pk: S.NO_SHOW})
    assert not AttendanceReport.objects.exists()


def test_an_attendee_reports_only_on_guests_the_host_reported_and_not_on_themself(evening):
    event, (ana, ben, cleo), late, _ = evening
    report(event, **{str(ana.pk): S.ATTENDED, str(ben.pk): S.ATTENDED})
    with pytest.raises(EventError, match="only on guests the host has reported on"):
        services.report_others(event, by=ana, statuses={cleo.pk: S.NO_SHOW})
    with pytest.raises(EventError, match="only on guests the host has reported on"):
        services.report_others(event, by=ana, statuses={late.pk: S.NO_SHOW})
    with pytest.raises(EventError, match="You can't report on yourself."):
        services.report_others(event, by=ana, statuses={ana.pk: S.ATTENDED})
    assert not AttendanceReport.objects.exists()


def test_attendees_report_within_the_same_window_as_the_host(evening):
    event, (ana, ben, _), *_ = evening
    report(event, **{str(ana.pk): S.ATTENDED, str(ben.pk): S.ATTENDED})
    with (
        time_machine.travel(event.ends_at + Attendance.REPORT_FOR + HOUR),
        pytest.raises(EventError, match="has passed"),
    ):
        services.report_others(event, by=ana, statuses={ben.pk: S.ATTENDED})
    assert not AttendanceReport.objects.exists()


# Disputes and the dispute window ---------------------------------------------------------------


def test_the_guest_disputes_within_72_hours_of_the_report(evening):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    reported = host_row(event, ana).reported_at
    with time_machine.travel(reported + Attendance.DISPUTE_FOR - datetime.timedelta(minutes=1)):
        services.dispute_no_show(event, by=ana, status=S.ATTENDED)
    assert outcome(event, ana) == "disputed"


def test_a_dispute_after_the_window_is_refused_and_the_no_show_stands(evening):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    reported = host_row(event, ana).reported_at
    with (
        time_machine.travel(reported + Attendance.DISPUTE_FOR + datetime.timedelta(minutes=1)),
        pytest.raises(EventError, match="The time to dispute this report has passed."),
    ):
        services.dispute_no_show(event, by=ana, status=S.ATTENDED)
    assert not AttendanceReport.objects.exists()
    assert outcome(event, ana, now=reported + Attendance.DISPUTE_FOR + HOUR) == S.NO_SHOW


def test_a_second_dispute_is_refused(evening):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    services.dispute_no_show(event, by=ana, status=S.ATTENDED)
    with pytest.raises(EventError, match="You already disputed this report."):
        services.dispute_no_show(event, by=ana, status=S.LATE)
    assert AttendanceReport.objects.get().status == S.ATTENDED


def test_there_is_nothing_to_dispute_without_a_no_show(evening):
    event, (ana, ben, _), *_ = evening
    report(event, **{str(ana.pk): S.ATTENDED})
    for person in (ana, ben):  # reported as attended; not reported at all
        with pytest.raises(EventError, match="nothing to dispute"):
            services.dispute_no_show(event, by=person, status=S.ATTENDED)
    assert not AttendanceReport.objects.exists()


def test_a_dispute_must_say_attended_or_late(evening):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    with pytest.raises(EventError, match="on time or late"):
        services.dispute_no_show(event, by=ana, status=S.NO_SHOW)
    assert not AttendanceReport.objects.exists()


# What counts -----------------------------------------------------------------------------------


def test_an_uncontradicted_no_show_counts_only_once_its_window_closes(evening):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    reported = host_row(event, ana).reported_at
    assert outcome(event, ana) == "pending"
    assert not Attendance.objects.counted().exists()
    closed = reported + Attendance.DISPUTE_FOR + HOUR
    assert outcome(event, ana, now=closed) == S.NO_SHOW
    assert list(Attendance.objects.counted_no_show(closed).values_list("profile", flat=True)) == [
        ana.pk
    ]


def test_an_attendee_who_says_the_guest_came_contradicts_the_no_show(evening):
    event, (ana, ben, _), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW, str(ben.pk): S.ATTENDED})
    services.report_others(event, by=ben, statuses={ana.pk: S.LATE})
    later = timezone.now() + Attendance.DISPUTE_FOR + HOUR
    assert outcome(event, ana, now=later) == "disputed"
    assert list(Attendance.objects.disputed_undecided()) == [host_row(event, ana)]
    assert not Attendance.objects.counted_no_show(later).exists()


def test_an_attendee_agreeing_with_the_host_contradicts_nothing(evening):
    event, (ana, ben, _), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW, str(ben.pk): S.ATTENDED})
    services.report_others(event, by=ben, statuses={ana.pk: S.NO_SHOW})
    later = timezone.now() + Attendance.DISPUTE_FOR + HOUR
    assert outcome(event, ana, now=later) == S.NO_SHOW


def test_staff_decide_a_disputed_no_show_either_way(evening, staff):
    event, (ana, ben, _), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW, str(ben.pk): S.NO_SHOW})
    for person in (ana, ben):
        services.dispute_no_show(event, by=person, status=S.ATTENDED)
    stands, overturned = Attendance.Decision.STANDS, Attendance.Decision.OVERTURNED
    services.decide_no_show(host_row(event, ana), by=staff, decision=stands)
    services.decide_no_show(host_row(event, ben), by=staff, decision=overturned)
    assert (outcome(event, ana), outcome(event, ben)) == (S.NO_SHOW, S.ATTENDED)
    assert host_row(event, ana).decided_by == staff
    assert not Attendance.objects.disputed_undecided().exists()
    with pytest.raises(EventError, match="already decided"):
        services.decide_no_show(host_row(event, ana), by=staff, decision=overturned)


def test_only_staff_decide_and_only_no_shows(evening, user):
    event, (ana, ben, _), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW, str(ben.pk): S.ATTENDED})
    with pytest.raises(EventError, match="Only staff decide disputes."):
        services.decide_no_show(host_row(event, ana), by=user, decision="stands")
    staff = type(user).objects.filter(pk=user.pk)
    staff.update(is_staff=True)
    with pytest.raises(EventError, match="Only a no-show can be decided."):
        services.decide_no_show(host_row(event, ben), by=staff.get(), decision="stands")
    assert not Attendance.objects.exclude(staff_decision="").exists()


# The person's own record -----------------------------------------------------------------------


def test_my_events_shows_my_record_plainly_and_never_the_rating(client, evening, task_queue):
    event, (ana, *_), *_ = evening
    for status in (S.ATTENDED, S.ATTENDED, S.LATE, S.NO_SHOW):
        past = EventFactory(starts_at=ago(days=30), ends_at=ago(days=30), status="completed")
        Attendance.objects.create(event=past, profile=ana, status=status, reported_at=ago(days=29))
    InvitationFactory(
        profile=ana,
        status=Invitation.Status.CANCELLED,
        cancelled_at=ago(days=3),
        cancelled_late=True,
    )
    report(event, **{str(ana.pk): S.NO_SHOW})  # still open
    task_queue.run_here()
    client.force_login(ana.user)
    html = client.get(reverse("events:my-events")).content.decode()
    assert "You attended 3 of 4 events (1 late); 1 late cancellation; 1 report still open." in html
    rating = UserInternalMetrics.objects.get(user=ana.user).absentee_rating
    assert repr(rating) not in html and f"{rating:.2f}" not in html


# Reliability -----------------------------------------------------------------------------------


def test_the_formula_is_smoothed_by_its_prior():
    assert absentee_rating(came=0, no_shows=0, late_cancellations=0) == PRIOR_RATING == 0.95
    assert absentee_rating(came=1, no_shows=0, late_cancellations=0) > PRIOR_RATING
    assert absentee_rating(came=0, no_shows=1, late_cancellations=0) == pytest.approx(9.5 / 11)
    # A late cancellation weighs half a no-show.
    assert absentee_rating(came=0, no_shows=0, late_cancellations=2) == pytest.approx(
        absentee_rating(came=0, no_shows=1, late_cancellations=0)
    )
    assert absentee_rating(came=3, no_shows=3, late_cancellations=0) == pytest.approx(12.5 / 16)


def test_a_report_recomputes_reliability_from_the_counted_rows_in_the_worker(
    evening, task_queue, staff
):
    event, (ana, ben, _), late, _ = evening
    report(event, **{str(ana.pk): S.ATTENDED, str(ben.pk): S.NO_SHOW})
    assert {job["task_name"] for job in task_queue.jobs} >= {tasks.recompute_reliability.name}
    task_queue.run_here()
    metrics = UserInternalMetrics.objects.get(user=ana.user)
    assert metrics.absentee_rating == pytest.approx(
        absentee_rating(came=1, no_shows=0, late_cancellations=0)
    )
    assert metrics.absentee_rating_updated_at is not None
    # Ben's no-show is in its window: it counts neither way yet.
    assert UserInternalMetrics.objects.get(user=ben.user).absentee_rating == PRIOR_RATING
    services.recompute_absentee_ratings([late.pk])
    assert UserInternalMetrics.objects.get(user=late.user).absentee_rating == pytest.approx(
        absentee_rating(came=0, no_shows=0, late_cancellations=1)
    )


def test_the_sweep_recomputes_people_whose_dispute_window_just_closed(evening, task_queue):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    task_queue.run_here()
    assert UserInternalMetrics.objects.get(user=ana.user).absentee_rating == PRIOR_RATING
    closed = host_row(event, ana).reported_at + Attendance.DISPUTE_FOR + HOUR
    with time_machine.travel(closed):
        assert tasks.settle_attendance(timestamp=0) == 1
        assert tasks.settle_attendance(timestamp=0) == 0  # done once
    missed = absentee_rating(came=0, no_shows=1, late_cancellations=0)
    assert UserInternalMetrics.objects.get(user=ana.user).absentee_rating == pytest.approx(missed)


def test_a_staff_decision_recomputes_reliability(evening, task_queue, staff):
    event, (ana, *_), *_ = evening
    report(event, **{str(ana.pk): S.NO_SHOW})
    services.dispute_no_show(event, by=ana, status=S.ATTENDED)
    task_queue.run_here()
    services.decide_no_show(host_row(event, ana), by=staff, decision="overturned")
    task_queue.run_here()
    came = absentee_rating(came=1, no_shows=0, late_cancellations=0)
    assert UserInternalMetrics.objects.get(user=ana.user).absentee_rating == pytest.approx(came)
