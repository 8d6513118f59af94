"""Events, and what happens after them: attendance and ratings.

This is the part the people pages need (events hosted, attended and rated); the events issue adds
invitations, seats, tickets and the status machine on top of it.
"""

import uuid

from django.db import models
from django.db.models import Avg, Q
from django.utils import timezone

from profiles.models import City, HostProfile, Interest, SocialProfile


class EventQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def hosted_by(self, host: HostProfile):
        """The seed's "events a user has hosted"."""
        return self.filter(host=host)

    def attended_by(self, profile: SocialProfile):
        """The seed's "events a user has attended": attendance reported as attended."""
        return self.filter(
            attendances__profile=profile, attendances__status=Attendance.Status.ATTENDED
        )


class Event(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    host = models.ForeignKey(HostProfile, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=5000, blank=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="events")
    location = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    min_participants = models.PositiveSmallIntegerField(default=1)
    max_participants = models.PositiveSmallIntegerField(default=6)
    estimated_cost = models.CharField(max_length=100, blank=True)
    tags = models.ManyToManyField(Interest, blank=True, related_name="events")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(min_participants__gte=1)
                & Q(min_participants__lte=models.F("max_participants")),
                name="event_participants_range",
            ),
        ]
        indexes = [
            # A host's events, upcoming and past.
            models.Index(fields=["host", "starts_at"], name="event_host_idx"),
        ]

    def __str__(self):
        return self.title


class InvitationQuerySet(models.QuerySet):
    def holding_seats(self):
        """Invitations that take a seat: confirmed, or held while the guest pays."""
        return self.filter(status__in=Invitation.SEAT_STATUSES)


class Invitation(models.Model):
    """An invitation to one event for one person, and the seat it may hold."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        HELD = "held", "Seat held while paying"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        WAITLISTED = "waitlisted", "On the waitlist"
        WITHDRAWN = "withdrawn", "Withdrawn by the host"

    SEAT_STATUSES = (Status.HELD, Status.CONFIRMED)
    ANSWERABLE = (Status.SENT, Status.PAYMENT_FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    profile = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="invitations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    expires_at = models.DateTimeField(null=True, blank=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "profile"], name="invitation_once"),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(hold_expires_at__isnull=False),
                name="invitation_hold_has_deadline",
            ),
        ]
        indexes = [
            # Seats taken on an event (confirmed + held), counted under the event's row lock.
            models.Index(fields=["event", "status"], name="invitation_event_status_idx"),
            # A person's invitations, newest first.
            models.Index(fields=["profile", "-created_at"], name="invitation_profile_idx"),
        ]

    def __str__(self):
        return f"Invitation of {self.profile_id} to {self.event_id} ({self.status})"


class Attendance(models.Model):
    """Who came, as reported after the event."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        LATE = "late", "Late"
        NO_SHOW = "no_show", "No-show"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    profile = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(max_length=10, choices=Status.choices)
    reported_by = models.ForeignKey(
        SocialProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "profile"], name="attendance_once"),
        ]
        # Events a person attended.
        indexes = [models.Index(fields=["profile", "status"], name="attendance_profile_idx")]

    def __str__(self):
        return f"{self.profile_id} {self.status} {self.event_id}"


class RatingQuerySet(models.QuerySet):
    def host_average(self, host: HostProfile) -> float | None:
        """The seed's "host's average rating", from the rows, never stored twice."""
        return self.filter(rated_host=host).aggregate(value=Avg("host_rating_value"))["value"]

    def attended_events_average(self, profile: SocialProfile) -> float | None:
        """The seed's "average rating of the events a user has attended"."""
        attended = Event.objects.attended_by(profile).values("pk")
        return self.filter(event__in=attended).aggregate(value=Avg("event_rating_value"))["value"]


class Rating(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="ratings")
    rated_host = models.ForeignKey(HostProfile, on_delete=models.CASCADE, related_name="ratings")
    host_rating_value = models.PositiveSmallIntegerField()
    event_rating_value = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "rater"], name="rating_once"),
            models.CheckConstraint(
                condition=Q(host_rating_value__range=(1, 5)) & Q(event_rating_value__range=(1, 5)),
                name="rating_values_1_to_5",
            ),
        ]
        # A host's average rating.
        indexes = [models.Index(fields=["rated_host"], name="rating_host_idx")]

    def __str__(self):
        return f"Rating of {self.event_id} by {self.rater_id}"
