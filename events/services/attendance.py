"""After the event: who came, confirmed by more than one person, and the reliability it feeds.

Rules, before the code:
- From the event's end and for `Attendance.REPORT_FOR`, the host reports each confirmed guest
  attended, late or no-show (`report_attendance`); the `Attendance` row is the record, one per
  guest, with the host as `reported_by` (check-in writes attended rows into it beforehand).
  Only people with a confirmed seat appear: a guest who gave the seat back, late or not, never
  does (a late cancellation is counted apart, on the invitation).
- In the same window, attendees (the host reported them attended or late) may report on the
  others the host reported (`report_others`): one `AttendanceReport` each, final.
- A guest the host reported as a no-show may dispute it once, "I was there" or "I was late",
  until `Attendance.DISPUTE_FOR` after the host's report (`dispute_no_show`); they are told by
  email when the report is made.
- What counts is written once, in `events.models.AttendanceQuerySet`; staff decide disputed
  no-shows in the console (`decide_no_show`).
- Reliability (`UserInternalMetrics.absentee_rating`, accounts/reliability.py) is recomputed by
  the task worker from the counted rows when attendance settles: after each report, dispute and
  decision (deferred in the same transaction), and when a dispute window closes
  (`settle_closed_windows`, periodic).

Lock order: the event's row, then the attendance rows, as everywhere in events.services: a host
reporting and a guest disputing at once are served one after the other.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.services import notify
from events.models import CAME, Attendance, AttendanceReport, Event, Invitation
from events.services.core import EventError, _lock, _refuse_unless_host
from profiles.models import HostProfile, SocialProfile

S = Attendance.Status


def report_window(event: Event) -> tuple[datetime.datetime, datetime.datetime]:
    """When attendance of this event may be reported: from its end, for REPORT_FOR."""
    return event.ends_at, event.ends_at + Attendance.REPORT_FOR


def _refuse_outside_report_window(event: Event, now: datetime.datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise EventError("This event was cancelled: there is no attendance to report.")
    opens, closes = report_window(event)
    if now < opens:
        raise EventError("This event hasn't ended yet: report who came once it is over.")
    if now > closes:
        raise EventError("The time to report on this event has passed.")


def _by_profile(statuses: dict) -> dict:
    """Keys as profile ids (UUIDs), whether given as ids or as their text."""
    try:
        return {uuid.UUID(str(pk)): status for pk, status in statuses.items()}
    except ValueError:
        raise EventError("Only guests with a confirmed seat can be reported on.") from None


def _confirmed_guests(event: Event) -> set:
    return set(
        event.invitations.filter(status=Invitation.Status.CONFIRMED).values_list(
            "profile_id", flat=True
        )
    )


@transaction.atomic
def report_attendance(event: Event, *, by: HostProfile, statuses: dict) -> list[Attendance]:
    """The host's report: `statuses` maps guests' profile ids to attended, late or no_show.
    Refused as a whole, changing nothing, when any of it is refused. A guest newly reported
    as a no-show is emailed how to dispute it. Returns the rows that changed."""
    event = _lock(event)
    _refuse_unless_host(event, by)
    statuses = _by_profile(statuses)
    now = timezone.now()
    _refuse_outside_report_window(event, now)
    if any(status not in S.values for status in statuses.values()):
        raise EventError("Choose attended, late or no-show for each guest.")
    unknown = set(statuses) - _confirmed_guests(event)
    if unknown:
        raise EventError("Only guests with a confirmed seat can be reported on.")
    rows = {
        row.profile_id: row
        for row in Attendance.objects.select_for_update().filter(
            event=event, profile_id__in=list(statuses)
        )
    }
    decided = [row for pk, row in rows.items() if row.staff_decision and row.status != statuses[pk]]
    if decided:
        raise EventError("Staff have decided about a guest's attendance; it can't be changed.")
    reporter = by.user.social_profile
    changed = []
    for profile_id, status in statuses.items():
        row = rows.get(profile_id)
        if row is None:
            row = Attendance(event=event, profile_id=profile_id)
        elif row.status == status and row.reported_at is not None:
            continue
        row.status, row.reported_by, row.reported_at = status, reporter, now
        row.save()
        changed.append(row)
    no_shows = [row for row in changed if row.status == S.NO_SHOW]
    _tell_no_shows(event, no_shows)
    _settle([row.profile_id for row in changed])
    return changed


def _tell_no_shows(event: Event, rows: list[Attendance]) -> None:
    people = SocialProfile.objects.select_related("user").in_bulk([row.profile_id for row in rows])
    for row in rows:
        notify(
            people[row.profile_id].user,
            "reported_no_show",
            about=event,
            link=reverse("events:my-attendance", args=[event.pk]),
            context={"event": event, "until": row.dispute_until},
        )


def is_attendee(event: Event, profile: SocialProfile) -> bool:
    """Came, as the host reported (or checked in): attended or late."""
    return Attendance.objects.filter(event=event, profile=profile, status__in=CAME).exists()


@transaction.atomic
def report_others(event: Event, *, by: SocialProfile, statuses: dict) -> list[AttendanceReport]:
    """An attendee's word on the others the host reported: `statuses` maps their profile ids to
    attended, late or no_show. Each report is made once; the whole is refused when any is."""
    event = _lock(event)
    now = timezone.now()
    _refuse_outside_report_window(event, now)
    statuses = _by_profile(statuses)
    if not is_attendee(event, by):
        raise EventError("Only people who attended this event can report on the others.")
    if by.pk in statuses:
        raise EventError("You can't report on yourself.")
    if any(status not in S.values for status in statuses.values()):
        raise EventError("Choose attended, late or no-show for each person you report on.")
    rows = {
        row.profile_id: row
        for row in Attendance.objects.filter(event=event, profile_id__in=list(statuses))
    }
    if set(statuses) - set(rows) or set(statuses) - _confirmed_guests(event):
        raise EventError("You can report only on guests the host has reported on.")
    done = AttendanceReport.objects.filter(attendance__in=rows.values(), reported_by=by)
    if done.exists():
        raise EventError("You already reported on some of these guests: a report is final.")
    reports = [
        AttendanceReport.objects.create(
            attendance=rows[pk], reported_by=by, status=status, created_at=now
        )
        for pk, status in statuses.items()
    ]
    _settle(list(statuses))
    return reports


@transaction.atomic
def dispute_no_show(event: Event, *, by: SocialProfile, status: str) -> AttendanceReport:
    """The guest says "I was there" (attended) or "I was late" about the host's report that
    they did not come, once, within the dispute window."""
    event = _lock(event)
    attendance = Attendance.objects.select_for_update().filter(event=event, profile=by).first()
    if status not in CAME:
        raise EventError("Say whether you were there on time or late.")
    if attendance is None or attendance.status != S.NO_SHOW:
        raise EventError("The host did not report you as a no-show: there is nothing to dispute.")
    if AttendanceReport.objects.filter(attendance=attendance, reported_by=by).exists():
        raise EventError("You already disputed this report.")
    if attendance.staff_decision:
        raise EventError("Staff have already decided about this report.")
    now = timezone.now()
    if attendance.dispute_until is None or now > attendance.dispute_until:
        raise EventError("The time to dispute this report has passed.")
    try:
        with transaction.atomic():
            report = AttendanceReport.objects.create(
                attendance=attendance, reported_by=by, status=status, created_at=now
            )
    except IntegrityError:  # the unique constraint, should a second request slip through
        raise EventError("You already disputed this report.") from None
    _settle([by.pk])
    return report


def reporting(event: Event, now: datetime.datetime | None = None) -> str:
    """Where the event is in its reporting: "cancelled", "early" (not ended), "open" or
    "closed" — what the attendance pages show."""
    now = now or timezone.now()
    opens, closes = report_window(event)
    if event.status == Event.Status.CANCELLED:
        return "cancelled"
    return "early" if now < opens else "open" if now <= closes else "closed"


@transaction.atomic
def decide_no_show(attendance: Attendance, *, by, decision: str) -> Attendance:
    """Staff decide a disputed no-show: it stands, or the guest was there. `by` is the staff
    user; the console calls this."""
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if not by.is_staff:
        raise EventError("Only staff decide disputes.")
    if decision not in Attendance.Decision.values:
        raise EventError("Choose whether the no-show stands or the guest was there.")
    if attendance.status != S.NO_SHOW:
        raise EventError("Only a no-show can be decided.")
    if attendance.staff_decision:
        raise EventError("This report is already decided.")
    attendance.staff_decision, attendance.decided_by = decision, by
    attendance.decided_at = timezone.now()
    attendance.save(update_fields=["staff_decision", "decided_by", "decided_at"])
    _settle([attendance.profile_id])
    return attendance


def _settle(profile_ids: list) -> None:
    """Reliability of these people is recomputed by the worker once this transaction commits."""
    if not profile_ids:
        return
    from events import tasks

    tasks.recompute_reliability.defer(profile_ids=sorted({str(pk) for pk in profile_ids}))


@dataclass(frozen=True)
class Record:
    """A person's own attendance record, as they see it (never the rating)."""

    came: int
    counted: int
    late: int
    open: int  # no-shows still in their dispute window, or waiting for staff
    late_cancellations: int

    @property
    def is_empty(self) -> bool:
        return not (self.counted or self.open or self.late_cancellations)

    def __str__(self) -> str:
        """ "You attended 7 of 8 events (1 late); 1 late cancellation; 1 report still open." """
        parts = [f"You attended {self.came} of {self.counted} event{_s(self.counted)}"]
        if self.late:
            parts[0] += f" ({self.late} late)"
        if self.late_cancellations:
            count = self.late_cancellations
            parts.append(f"{count} late cancellation{_s(count)}")
        if self.open:
            parts.append(f"{self.open} report{_s(self.open)} still open")
        return "; ".join(parts) + "."


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def record_of(profile: SocialProfile) -> Record:
    """Two queries: the counted rows by outcome, and the late cancellations."""
    counts = (
        Attendance.objects.with_outcome()
        .filter(profile=profile)
        .aggregate(
            came=Count("pk", filter=Q(outcome__in=CAME)),
            late=Count("pk", filter=Q(outcome=S.LATE)),
            no_shows=Count("pk", filter=Q(outcome=S.NO_SHOW)),
            open=Count("pk", filter=Q(outcome__in=("pending", "disputed"))),
        )
    )
    late_cancellations = _late_cancellations().filter(profile=profile).count()
    return Record(
        came=counts["came"],
        counted=counts["came"] + counts["no_shows"],
        late=counts["late"],
        open=counts["open"],
        late_cancellations=late_cancellations,
    )


def _late_cancellations():
    return Invitation.objects.filter(status=Invitation.Status.CANCELLED, cancelled_late=True)


def recompute_absentee_ratings(profile_ids: list | None = None, *, now=None) -> int:
    """`absentee_rating` of these people (everyone when None) from their counted attendance
    and late cancellations (accounts/reliability.py), in one UPDATE that stamps
    `absentee_rating_updated_at` (and `updated_at` only when the rating moved). Returns how
    many rows it stamped."""
    from accounts.models import UserInternalMetrics
    from accounts.reliability import absentee_rating

    now = now or timezone.now()
    rows = Attendance.objects.counted(now)
    lates = _late_cancellations()
    metrics = UserInternalMetrics.objects.all()
    if profile_ids is not None:
        rows = rows.filter(profile_id__in=profile_ids)
        lates = lates.filter(profile_id__in=profile_ids)
        metrics = metrics.filter(user__social_profile__in=profile_ids)
    counts = {
        user: (came, no_shows)
        for user, came, no_shows in rows.values("profile__user_id")
        .annotate(
            came=Count("pk", filter=Q(outcome__in=CAME)),
            no_shows=Count("pk", filter=Q(outcome=S.NO_SHOW)),
        )
        .values_list("profile__user_id", "came", "no_shows")
    }
    late = dict(
        lates.values("profile__user_id")
        .annotate(n=Count("pk"))
        .values_list("profile__user_id", "n")
    )
    users = list(metrics.values_list("user_id", flat=True))
    ratings = [
        absentee_rating(
            came=counts.get(user, (0, 0))[0],
            no_shows=counts.get(user, (0, 0))[1],
            late_cancellations=late.get(user, 0),
        )
        for user in users
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE accounts_userinternalmetrics AS metrics
               SET absentee_rating = computed.rating, absentee_rating_updated_at = %s,
                   updated_at = CASE WHEN metrics.absentee_rating IS DISTINCT FROM computed.rating
                                     THEN %s ELSE metrics.updated_at END
              FROM (SELECT unnest(%s::uuid[]) AS user_id, unnest(%s::float8[]) AS rating)
                   AS computed
             WHERE metrics.user_id = computed.user_id
            """,
            [now, now, users, ratings],
        )
        return cursor.rowcount


def settle_closed_windows(now: datetime.datetime | None = None) -> int:
    """The periodic sweep: people with an undisputed no-show whose dispute window has closed
    since their rating was last computed get it recomputed. Returns how many."""
    from accounts.models import UserInternalMetrics

    now = now or timezone.now()
    stale = UserInternalMetrics.objects.filter(user=OuterRef("profile__user")).filter(
        Q(absentee_rating_updated_at__isnull=True)
        | Q(absentee_rating_updated_at__lt=OuterRef("reported_at") + Attendance.DISPUTE_FOR)
    )
    closed = (
        Attendance.objects.filter(
            status=S.NO_SHOW,
            staff_decision="",
            reported_at__lte=now - Attendance.DISPUTE_FOR,
        )
        .filter(Exists(stale))
        .values_list("profile_id", flat=True)
        .distinct()
    )
    profile_ids = list(closed)
    if not profile_ids:
        return 0
    return recompute_absentee_ratings(profile_ids, now=now)
