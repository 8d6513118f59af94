"""Events: what a host proposes, its seats and counts, read through EventQuerySet."""

import datetime
import re
import uuid
from zoneinfo import ZoneInfo

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from momento.urlmaker import row_url
from profiles.models import Block, City, HostProfile, Interest, SocialProfile


class EventQuerySet(models.QuerySet):
    def open(self):
        """Events still taking place: planned or confirmed."""
        return self.filter(status__in=Event.OPEN_STATUSES)

    def visible_to(self, viewer: SocialProfile):
        """Events the viewer may see listed: none whose host they blocked, or who blocked them."""
        host_user = OuterRef("host__user")
        return self.exclude(
            Exists(Block.objects.filter(blocker=viewer, blocked__user=host_user))
        ).exclude(Exists(Block.objects.filter(blocker__user=host_user, blocked=viewer)))

    def discoverable(self):
        """What discovery lists: upcoming public events that still take place."""
        return self.open().filter(is_private=False, starts_at__gt=timezone.now())

    def with_counts(self):
        """Exact attending and interested counts, from the rows (never a stored number)."""
        confirmed = Invitation.objects.filter(
            event=OuterRef("pk"), status=Invitation.Status.CONFIRMED
        )
        interested = Interested.objects.filter(event=OuterRef("pk"))
        return self.annotate(attending_count=_count(confirmed), interested_count=_count(interested))

    def with_seats(self):
        """Per event: seats confirmed, held (paying or offered) and the invitation funnel, as
        `seat_counts` (read through Event.seats_confirmed and the others). One correlated
        subquery on the (event, status) index counts them all with FILTER, so a page of events
        costs what it shows, not a join of every invitation on the site grouped afterwards, and
        building and compiling it costs one subquery, not eight."""
        status = Invitation.Status
        # In the order of Event's properties: seats_confirmed, seats_held, invited_count, ...
        counted = [
            (status.CONFIRMED,),
            (status.HELD, status.OFFERED),
            (),  # invited: every invitation
            (status.SENT, status.PAYMENT_FAILED),
            (status.DECLINED,),
            (status.EXPIRED,),
            (status.WAITLISTED,),
            Invitation.GIVEN_BACK,
        ]
        per_event = (
            Invitation.objects.filter(event=OuterRef("pk"))
            .order_by()
            .annotate(
                counts=Func(
                    *map(_count_of, counted), template="ARRAY[%(expressions)s]", output_field=_INTS
                )
            )
            .values("counts")
        )
        return self.annotate(seat_counts=Subquery(per_event, output_field=_INTS))

    def with_attendance(self):
        """Per event: how many came, as reported (attended or late)."""
        came = Attendance.objects.present().filter(event=OuterRef("pk"))
        return self.annotate(attended_count=_count(came))

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def hosted_by(self, host: HostProfile):
        """The seed's "events a user has hosted"."""
        return self.filter(host=host)

    def attended_by(self, profile: SocialProfile):
        """The seed's "events a user has attended": those where they are an attendee
        (AttendanceQuerySet.present: attended or late)."""
        return self.filter(
            Exists(Attendance.objects.present().filter(event=OuterRef("pk"), profile=profile))
        )


_INTS = ArrayField(IntegerField())


def _count_of(statuses: tuple[str, ...]) -> Func:
    """COUNT(*) of the rows in these statuses (all rows when none), for one SELECT of several
    counts: the statuses are the code's constants, written into the SQL, so the ORM does not
    resolve a lookup per count on every request."""
    if not statuses:
        return Func(template="COUNT(*)", output_field=IntegerField())
    if not all(re.fullmatch("[a-z_]+", status) for status in statuses):
        raise ValueError(f"Not a status to write into SQL: {statuses!r}")
    listed = ", ".join(f"'{status}'" for status in statuses)
    return Func(
        F("status"),
        template=f"COUNT(*) FILTER (WHERE %(expressions)s IN ({listed}))",
        output_field=IntegerField(),
    )


def _count(queryset) -> Subquery:
    """A correlated COUNT(*) subquery: exact, and no join that multiplies other counts."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def _sum(queryset, field: str) -> Subquery:
    """A correlated SUM subquery, 0 when there is no row."""
    total = queryset.order_by().annotate(n=Func(field, function="SUM")).values("n")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


class Event(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.PLANNED, Status.CONFIRMED)
    DEFAULT_REFUND_CUTOFF_HOURS = 48

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
    # The booking fee, paid through Stripe when accepting (integer cents; 0 = free).
    fee_cents = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="EUR")
    tags = models.ManyToManyField(Interest, blank=True, related_name="events")
    # Private events are curated: only invited people take a seat. Public ones are discoverable.
    is_private = models.BooleanField(default=True)
    is_business = models.BooleanField(default=False)
    time_frame = models.CharField(max_length=80, blank=True)
    # Invitations expire at the RSVP deadline; the quorum is judged at the decision deadline.
    rsvp_deadline = models.DateTimeField(null=True, blank=True)
    decision_deadline = models.DateTimeField(null=True, blank=True)
    # A guest who gives back their seat is refunded in full up to this many hours before the
    # start, and not at all after (a late cancellation, never a no-show).
    refund_cutoff_hours = models.PositiveSmallIntegerField(
        default=DEFAULT_REFUND_CUTOFF_HOURS,
        help_text="Guests who cancel up to this many hours before the start get their booking "
        "fee back in full; after that, they get nothing back.",
    )
    # The create form's one-time token: a double submit makes one event, not two.
    creation_token = models.UUIDField(null=True, blank=True, editable=False)
    # Storage names of the image's variants (profiles/images.py); empty without an image.
    image_large = models.CharField(max_length=255, blank=True)
    image_medium = models.CharField(max_length=255, blank=True)
    image_thumb = models.CharField(max_length=255, blank=True)
    # A paid event's product and price at Stripe (payments.services.publish_event_price).
    stripe_product_id = models.CharField(max_length=255, blank=True)
    stripe_price_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.TextField(max_length=1000, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the event's ratings were published, by the service that made it true: the last
    # attendee's rating, or the sweep once the window closed (which also emails the host).
    # Null until then; a closed window publishes them anyway (RatingQuerySet.published).
    ratings_published_at = models.DateTimeField(null=True, blank=True, editable=False)
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
            models.CheckConstraint(
                condition=Q(rsvp_deadline__isnull=True)
                | Q(rsvp_deadline__lte=models.F("starts_at")),
                name="event_rsvp_before_start",
            ),
            models.CheckConstraint(
                condition=Q(decision_deadline__isnull=True)
                | Q(decision_deadline__lte=models.F("starts_at")),
                name="event_decision_before_start",
            ),
            models.UniqueConstraint(
                fields=["host", "creation_token"],
                condition=Q(creation_token__isnull=False),
                name="event_created_once",
            ),
        ]
        indexes = [
            # A host's events, upcoming and past.
            models.Index(fields=["host", "starts_at"], name="event_host_idx"),
            # Discovery: upcoming public events by city, in start order (keyset pagination).
            models.Index(
                fields=["city", "starts_at", "id"],
                condition=Q(is_private=False, status__in=["planned", "confirmed"]),
                name="event_discovery_idx",
            ),
            # The periodic sweeps: open events by start (quorum) and end (completion).
            models.Index(
                fields=["status", "ends_at"],
                condition=Q(status__in=["planned", "confirmed"]),
                name="event_open_idx",
            ),
            # The ratings sweep: completed events whose ratings are not published yet.
            models.Index(
                fields=["ends_at"],
                condition=Q(status="completed", ratings_published_at__isnull=True),
                name="event_ratings_blind_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return row_url("events:detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def zone(self) -> ZoneInfo:
        """The event's own time zone, its city's: every time of it is read and shown in this."""
        return self.city.zone

    @property
    def ratings_close_at(self) -> datetime.datetime:
        """The end of its rating window: no rating or pick after this, and every rating of it
        is published by then."""
        return self.ends_at + RATING_WINDOW

    @property
    def ratings_are_published(self) -> bool:
        """The row's side of RatingQuerySet.published, for one event already loaded."""
        return self.ratings_published_at is not None or self.ratings_close_at <= timezone.now()

    @property
    def is_free(self) -> bool:
        return self.fee_cents == 0

    @property
    def quorum_deadline(self):
        """When the minimum must be reached: the decision deadline, or the start."""
        return self.decision_deadline or self.starts_at

    @property
    def refund_deadline(self):
        """Until when a guest who gives back their seat gets the booking fee back."""
        return self.starts_at - datetime.timedelta(hours=self.refund_cutoff_hours)

    @property
    def fee_display(self) -> str:
        return format_money(self.fee_cents, self.currency)

    @property
    def price_line(self) -> str:
        """Everything a guest will spend, in one line: the booking fee and the cost there."""
        fee = "Free to book" if self.is_free else f"{self.fee_display} booking fee"
        if self.estimated_cost:
            return f"{fee} + {self.estimated_cost} at the venue"
        return f"{fee}, nothing to pay at the venue" if self.is_free else fee

    # The counts of Event.objects.with_seats(), by name (only on events annotated with it).
    seats_confirmed = property(lambda self: self._seat_count(0))
    seats_held = property(lambda self: self._seat_count(1))
    invited_count = property(lambda self: self._seat_count(2))
    pending_count = property(lambda self: self._seat_count(3))
    declined_count = property(lambda self: self._seat_count(4))
    expired_count = property(lambda self: self._seat_count(5))
    waitlisted_count = property(lambda self: self._seat_count(6))
    given_back_count = property(lambda self: self._seat_count(7))

    def _seat_count(self, index: int) -> int:
        return self.seat_counts[index]

    @property
    def seats_free(self) -> int:
        """Only on events annotated with Event.objects.with_seats()."""
        return max(self.max_participants - self.seats_confirmed - self.seats_held, 0)

    @property
    def image_names(self) -> list[str]:
        return [n for n in (self.image_large, self.image_medium, self.image_thumb) if n]


CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def format_money(cents: int, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    amount = f"{cents // 100}.{cents % 100:02d}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"


# The deadline of invitations that need no answer, in "my invitations": one constant, so the


# The invitations and the evening refer to Event; Event's queryset refers back to them at
# query time only, so they are imported once Event exists.
from .evening import RATING_WINDOW, Attendance  # noqa: E402
from .invitation import Interested, Invitation  # noqa: E402
