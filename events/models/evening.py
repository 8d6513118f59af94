"""What happens after an event: attendance (and what counts), reports, ratings, the
personal calendar feed and "would meet again"."""

import datetime
import uuid

from django.db import models
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from profiles.models import Block, HostProfile, SocialProfile

from .event import Event

# Attendance outcomes, from `AttendanceQuerySet.with_outcome()`: what a row means today.
CAME = ("attended", "late")


class AttendanceQuerySet(models.QuerySet):
    """The counting rule, written once (README, "After the event").

    The host's report is the record (`Attendance.status`). A host-reported no-show counts
    against the guest only when it stands:
    - staff decided that it stands; or
    - staff have not decided, nobody contradicted it (no report by the guest or by another
      attendee saying they attended or were late, made by the end of the dispute window), and
      the dispute window (`Attendance.DISPUTE_FOR` after the host's report) has closed.
    A contradicted no-show waits for staff ("disputed"), an uncontradicted one waits for its
    window to close ("pending"); neither counts either way. Staff deciding the guest was there
    makes it count as attended. Attended and late always count, as came.
    """

    def with_outcome(self, now: datetime.datetime | None = None):
        """Each row with `contradicted` and `outcome`: attended, late, no_show (counted) or
        disputed, pending (not counted yet)."""
        now = now or timezone.now()
        S = Attendance.Status
        contradicted = AttendanceReport.objects.filter(
            attendance=OuterRef("pk"),
            status__in=CAME,
            created_at__lte=OuterRef("reported_at") + Attendance.DISPUTE_FOR,
        )
        return self.annotate(contradicted=Exists(contradicted)).annotate(
            outcome=Case(
                When(status__in=CAME, then=F("status")),
                When(staff_decision=Attendance.Decision.STANDS, then=Value(S.NO_SHOW)),
                When(staff_decision=Attendance.Decision.OVERTURNED, then=Value(S.ATTENDED)),
                When(contradicted=True, then=Value("disputed")),
                When(reported_at__gt=now - Attendance.DISPUTE_FOR, then=Value("pending")),
                default=Value(S.NO_SHOW),
                output_field=models.CharField(),
            )
        )

    def counted(self, now: datetime.datetime | None = None):
        """The rows that count in someone's record and reliability: came, or a no-show that
        stands."""
        return self.with_outcome(now).filter(outcome__in=(*CAME, Attendance.Status.NO_SHOW))

    def counted_no_show(self, now: datetime.datetime | None = None):
        return self.with_outcome(now).filter(outcome=Attendance.Status.NO_SHOW)

    def disputed_undecided(self):
        """No-shows contradicted in time that staff have yet to decide (the console's filter)."""
        return self.with_outcome().filter(outcome="disputed")

    def for_attendance_page(self):
        """What the attendance pages show of each row: the guest's card, without private data."""
        return self.select_related("profile__user").only(
            "event",
            "profile",
            "status",
            "reported_by",
            "reported_at",
            "staff_decision",
            "profile__preferred_name",
            "profile__first_name",
            "profile__user__username",
        )

    def present(self):
        """THE definition of an event's attendees, used by every rule about them (ratings,
        "would meet again", events attended): the host's report says they came, on time or
        late (`Attendance.PRESENT`). A no-show, or someone with no row, is not an attendee."""
        return self.filter(status__in=Attendance.PRESENT)

    def attendees(self, event: Event):
        """The attendance rows of the event's attendees."""
        return self.present().filter(event=event)


class Attendance(models.Model):
    """Who came, as the host reported after the event (or checked them in): one row per guest,
    the record. Other attendees' reports and the guest's dispute are `AttendanceReport` rows;
    staff decide disputed no-shows here. What counts: `AttendanceQuerySet`."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        LATE = "late", "Late"
        NO_SHOW = "no_show", "No-show"

    class Decision(models.TextChoices):
        STANDS = "stands", "The no-show stands"
        OVERTURNED = "overturned", "The guest was there"

    # From the event's end, how long the host and the attendees may report.
    REPORT_FOR = datetime.timedelta(days=7)
    # From the host's no-show report, how long the guest and the attendees may contradict it.
    DISPUTE_FOR = datetime.timedelta(hours=72)

    # The statuses of someone who came: an attendee (AttendanceQuerySet.present).
    PRESENT = (Status.ATTENDED, Status.LATE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    profile = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(max_length=10, choices=Status.choices)
    reported_by = models.ForeignKey(
        SocialProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the host's current status was reported: the dispute window runs from here.
    reported_at = models.DateTimeField(null=True, blank=True)
    staff_decision = models.CharField(
        max_length=10, choices=Decision.choices, blank=True, default=""
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "profile"], name="attendance_once"),
        ]
        indexes = [
            # Events a person attended; a person's record and reliability.
            models.Index(fields=["profile", "status"], name="attendance_profile_idx"),
            # The settling sweep: no-shows whose dispute window closes.
            models.Index(
                fields=["reported_at"],
                condition=Q(status="no_show", staff_decision=""),
                name="attendance_open_no_show_idx",
            ),
        ]

    def __str__(self):
        return f"{self.profile_id} {self.status} {self.event_id}"

    @property
    def dispute_until(self) -> datetime.datetime | None:
        """Until when a no-show may be contradicted, or None for anything else."""
        if self.status != self.Status.NO_SHOW or self.reported_at is None:
            return None
        return self.reported_at + self.DISPUTE_FOR


class AttendanceReport(models.Model):
    """Someone else's word about a guest's attendance: another attendee's report, or the
    guest's own dispute of a no-show (`reported_by` is then the guest). Once, and final."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Attendance.Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attendance", "reported_by"], name="attendance_report_once"
            ),
        ]
        # An attendee's reports at one event (their page), by reporter.
        indexes = [models.Index(fields=["reported_by"], name="attendance_report_by_idx")]

    def __str__(self):
        return f"{self.reported_by_id} says {self.status} about {self.attendance_id}"


# After a completed event, its attendees may rate it and pick whom they would meet again for
# this long after its end; its ratings are published at the latest then (the Airbnb rule).
RATING_WINDOW = datetime.timedelta(days=14)


class RatingQuerySet(models.QuerySet):
    def published(self):
        """The ratings anyone but their rater may see: their event's ratings were published
        once every attendee had rated (`Event.ratings_published_at`, set by the service that
        saw it happen), or its rating window has closed (computed, so nothing waits for a
        sweep). EVERY read of ratings for someone else goes through here, the averages first."""
        closed = timezone.now() - RATING_WINDOW
        return self.filter(
            Q(event__ratings_published_at__isnull=False) | Q(event__ends_at__lte=closed)
        )

    def host_average(self, host: HostProfile) -> float | None:
        """The seed's "host's average rating", from the published rows, never stored twice."""
        return self.host_summary(host)["average"]

    def host_summary(self, host: HostProfile) -> dict:
        """The host's published average (`average`, None without any) and `count`, in one
        query."""
        return (
            self.published()
            .filter(rated_host=host)
            .aggregate(average=Avg("host_rating_value"), count=Count("pk"))
        )

    def attended_events_average(self, profile: SocialProfile) -> float | None:
        """The seed's "average rating of the events a user has attended", published rows only."""
        attended = Event.objects.attended_by(profile).values("pk")
        published = self.published().filter(event__in=attended)
        return published.aggregate(value=Avg("event_rating_value"))["value"]

    def for_display(self):
        """What a shown rating needs: its event's title, and the rater's name for the host."""
        return self.select_related("event", "rater").order_by("-created_at", "-pk")


class Rating(models.Model):
    """One attendee's rating of an event and its host (events/services/ratings.py), and the
    host's one reply to its comment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="ratings")
    rated_host = models.ForeignKey(HostProfile, on_delete=models.CASCADE, related_name="ratings")
    host_rating_value = models.PositiveSmallIntegerField()
    event_rating_value = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=2000, blank=True)
    reply = models.TextField(max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "rater"], name="rating_once"),
            models.CheckConstraint(
                condition=Q(host_rating_value__range=(1, 5)) & Q(event_rating_value__range=(1, 5)),
                name="rating_values_1_to_5",
            ),
            models.CheckConstraint(
                # A reply has its time; a reply staff removed keeps it (the host replied once).
                condition=Q(reply="") | Q(replied_at__isnull=False),
                name="rating_reply_has_time",
            ),
        ]
        # A host's average rating.
        indexes = [models.Index(fields=["rated_host"], name="rating_host_idx")]

    def __str__(self):
        return f"Rating of {self.event_id} by {self.rater_id}"


class CalendarFeed(models.Model):
    """One person's private calendar feed (/calendar/<token>.ics): calendar apps cannot log in,
    so whoever holds the token reads the person's seats and hosted events. The token is private
    data (the harness canary guards it); regenerating it replaces it, turning the feed off
    deletes the row, and either way the old address answers 404."""

    profile = models.OneToOneField(
        SocialProfile, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)  # secrets.token_urlsafe(32)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.profile_id}"


class MeetAgainQuerySet(models.QuerySet):
    def mutual(self):
        """Picks returned by the person picked, at the same event: each mutual pair appears
        twice, once from each side. Kept for curation (a later issue)."""
        back = MeetAgain.objects.filter(
            event=OuterRef("event"), chooser=OuterRef("chosen"), chosen=OuterRef("chooser")
        )
        return self.filter(Exists(back))

    def shown_to(self, profile: SocialProfile):
        """The mutual picks `profile` may be shown: theirs, returned, with nobody blocked
        either way. A one-sided pick is never shown to anyone but its chooser."""
        blocked = Block.objects.filter(
            Q(blocker=profile, blocked=OuterRef("chosen"))
            | Q(blocker=OuterRef("chosen"), blocked=profile)
        )
        return (
            self.filter(chooser=profile)
            .mutual()
            .exclude(Exists(blocked))
            .select_related("chosen")
            .order_by("chosen__preferred_name", "chosen__first_name", "pk")
        )


class MeetAgain(models.Model):
    """ "Would meet again": one attendee privately picks another of the same event. Only a pick
    returned (MeetAgainQuerySet.mutual) is ever shown, and only to the two of them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meet_again")
    chooser = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="+")
    chosen = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetAgainQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "chooser", "chosen"], name="meet_again_once"),
            models.CheckConstraint(
                condition=~Q(chooser=F("chosen")), name="meet_again_not_oneself"
            ),
        ]
        indexes = [
            # A person's picks across their events, for "my events".
            models.Index(fields=["chooser", "event"], name="meet_again_chooser_idx"),
        ]

    def __str__(self):
        return f"{self.chooser_id} would meet {self.chosen_id} again ({self.event_id})"
