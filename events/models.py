"""Events, their invitations and seats, the "interested" bookmark, and what happens after them:
attendance and ratings. Every write goes through events/services.py."""

import datetime
import re
import uuid
from zoneinfo import ZoneInfo

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower, NullIf, RowNumber
from django.utils import timezone

from momento.urlmaker import row_url
from profiles.models import Block, City, HostProfile, Interest, Photo, SocialProfile


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
# page's order has no NULL for its keyset cursor to compare.
NO_DEADLINE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class InvitationQuerySet(models.QuerySet):
    def holding_seats(self):
        """Invitations that take a seat: confirmed, or held while the guest pays."""
        return self.filter(status__in=Invitation.SEAT_STATUSES)

    def for_guest_list(self):
        """What a row of the host's guests page shows (events/guest_list.py), and nothing else:
        no private field of the guest is even loaded."""
        return self.select_related("profile__user").only(
            "event",  # read by event.invitations, which sets each row's event
            "status",
            "asked",
            "created_at",
            "updated_at",
            "profile__preferred_name",
            "profile__first_name",
            "profile__user__username",
        )

    def for_my_events(self, profile: SocialProfile):
        """One person's "my events": every seat they have or had (confirmed, given back or
        removed), with the event's start as `starts` (the page's keyset) and what was refunded
        for the seat as `refunded_cents`. Events of hosts blocked either way are left out."""
        from django.apps import apps

        payment = apps.get_model("payments", "Payment")
        refunded = payment.objects.filter(
            invitation=OuterRef("pk"), status__in=("refunded", "released")
        )
        return (
            self.of_visible_events(profile)
            .filter(status__in=(Invitation.Status.CONFIRMED, *Invitation.GIVEN_BACK))
            .select_related("event__city", "event__host")
            .annotate(
                starts=models.F("event__starts_at"),
                refunded_cents=_sum(refunded, "amount_cents"),
            )
        )

    def for_attendance(self, viewer: SocialProfile | None = None):
        """The attendance pages' rows: the event's confirmed guests (never one who gave the
        seat back) with their names only, and per guest the host's report (`reported`,
        `reported_at`, `decision`), whether they disputed it (`disputed`), how many others
        said they came (`said_came`) or not (`said_no_show`), and the viewer's own report on
        them (`mine`). One query, whatever the number of guests."""
        row = Attendance.objects.filter(event=OuterRef("event"), profile=OuterRef("profile"))
        said = AttendanceReport.objects.filter(
            attendance__event=OuterRef("event"), attendance__profile=OuterRef("profile")
        )
        others = said.exclude(reported_by=OuterRef("profile"))
        return (
            self.filter(status=Invitation.Status.CONFIRMED)
            .select_related("profile__user")
            .only(
                "event",
                "profile",
                "responded_at",
                "profile__preferred_name",
                "profile__first_name",
                "profile__user__username",
            )
            .annotate(
                reported=Subquery(row.values("status")[:1]),
                reported_at=Subquery(row.values("reported_at")[:1]),
                decision=Subquery(row.values("staff_decision")[:1]),
                disputed=Exists(said.filter(reported_by=OuterRef("profile"))),
                said_came=_count(others.filter(status__in=CAME)),
                said_no_show=_count(others.filter(status=Attendance.Status.NO_SHOW)),
                mine=Subquery(said.filter(reported_by=viewer).values("status")[:1])
                if viewer
                else Value(None, output_field=models.CharField()),
            )
            .order_by("responded_at", "pk")
        )

    def for_check_in(self, event: "Event"):
        """The host's check-in list: the confirmed guests, and those who gave their seat back
        saying they can't make it, with each one's first photo as `thumb`, by name. One query,
        whatever the number of guests."""
        first_photo = Photo.objects.filter(profile=OuterRef("profile"), kind=Photo.Kind.PORTRAIT)
        profile = "profile__"
        name = Coalesce(
            NullIf(F(f"{profile}preferred_name"), Value("")),
            NullIf(F(f"{profile}first_name"), Value("")),
            F(f"{profile}user__username"),
        )
        return (
            self.filter(event=event)
            .filter(Q(status=Invitation.Status.CONFIRMED) | Q(cant_make_it_at__isnull=False))
            .select_related("profile__user")
            .only(
                "event",
                "status",
                "checked_in_at",
                "running_late_minutes",
                "late_reported_at",
                "cant_make_it_at",
                "profile__preferred_name",
                "profile__first_name",
                "profile__user__username",
            )
            .annotate(
                thumb=Subquery(first_photo.order_by("position").values("thumb")[:1]),
                sort_name=Lower(name),
            )
            .order_by("sort_name", "pk")
        )

    def evening_news(self, event: "Event", profile_ids: list):
        """What the group sees on the event's day: who of these guests is running late or can't
        make it, with their name, in one query."""
        return (
            self.filter(event=event, profile_id__in=profile_ids)
            .filter(Q(late_reported_at__isnull=False) | Q(cant_make_it_at__isnull=False))
            .select_related("profile__user")
            .order_by("late_reported_at", "pk")
        )

    def for_cards(self):
        """What templates/events/_invitation_card.html shows of the event."""
        return self.select_related("event__city", "event__host")

    def of_visible_events(self, profile: SocialProfile):
        """The profile's invitations, without those to events of hosts blocked either way: two
        correlated EXISTS per invitation, so the cost follows the person's invitations, not
        the number of events on the site."""
        host_user = OuterRef("event__host__user")
        return (
            self.filter(profile=profile)
            .exclude(Exists(Block.objects.filter(blocker=profile, blocked__user=host_user)))
            .exclude(Exists(Block.objects.filter(blocker__user=host_user, blocked=profile)))
        )

    def answers_first(self):
        """Annotated for "my invitations" (order by `ANSWERS_FIRST`): the ones waiting for the
        guest (sent, offered, payment failed, held) first, the soonest deadline first; then the
        others, newest first. Every key is a column value, never NULL, so keyset pages work."""
        return self.annotate(
            needs_answer=Case(
                When(status__in=Invitation.NEEDS_ANSWER, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            deadline=Case(
                When(status__in=Invitation.NEEDS_ANSWER, then=_deadline()),
                default=Value(NO_DEADLINE),
                output_field=DateTimeField(),
            ),
        )

    def for_dashboard(self, profile: SocialProfile, *, per_kind: int):
        """The home page's "what needs you", in one query: seats held while paying, invitations
        waiting for an answer (sent or payment failed) and waitlist offers that are still alive,
        on open upcoming events, at most `per_kind` of each kind, the soonest deadline first.
        Each row carries `kind` ("held", "waiting" or "offered") and its `deadline`."""
        now = timezone.now()
        status = Invitation.Status
        kind = Case(
            When(status=status.HELD, then=Value("held")),
            When(status=status.OFFERED, then=Value("offered")),
            default=Value("waiting"),
        )
        return (
            self.of_visible_events(profile)
            .filter(
                status__in=Invitation.NEEDS_ANSWER,
                event__status__in=Event.OPEN_STATUSES,
                event__starts_at__gt=now,
            )
            .annotate(kind=kind, deadline=_deadline())
            .filter(deadline__gt=now)
            .annotate(
                rank=Window(RowNumber(), partition_by=kind, order_by=[F("deadline"), F("pk")])
            )
            .filter(rank__lte=per_kind)
            .for_cards()
            .order_by("deadline", "pk")
        )

    def next_seat(self, profile: SocialProfile):
        """The profile's confirmed seat at the next open event that has not ended, or None."""
        return (
            self.of_visible_events(profile)
            .filter(
                status=Invitation.Status.CONFIRMED,
                event__status__in=Event.OPEN_STATUSES,
                event__ends_at__gt=timezone.now(),
            )
            .for_cards()
            .order_by("event__starts_at", "pk")
            .first()
        )


def _deadline():
    """Until when the guest can act: the hold while paying, else the invitation's (or offer's)
    expiry, else the event's start."""
    return Case(
        When(status=Invitation.Status.HELD, then=F("hold_expires_at")),
        default=Coalesce("expires_at", "event__starts_at"),
        output_field=DateTimeField(),
    )


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
        OFFERED = "offered", "Seat offered from the waitlist"
        WITHDRAWN = "withdrawn", "Withdrawn by the host"
        CANCELLED = "cancelled", "Seat given back"
        REMOVED = "removed", "Removed by the host"

    # Statuses that take a seat: confirmed, held while paying, offered to the waitlist's first.
    SEAT_STATUSES = (Status.HELD, Status.CONFIRMED, Status.OFFERED)
    # A confirmed seat that was given back, by the guest or by the host.
    GIVEN_BACK = (Status.CANCELLED, Status.REMOVED)
    # Statuses the guest may still accept.
    ANSWERABLE = (Status.SENT, Status.OFFERED, Status.PAYMENT_FAILED)
    # Statuses waiting for the guest: an answer, or the payment of a held seat.
    NEEDS_ANSWER = (*ANSWERABLE, Status.HELD)
    # The order of "my invitations", on InvitationQuerySet.answers_first().
    ANSWERS_FIRST = ("-needs_answer", "deadline", "-created_at", "-pk")
    # Statuses the guest may decline, and the host may withdraw.
    OUTSTANDING = (
        Status.SENT,
        Status.HELD,
        Status.OFFERED,
        Status.PAYMENT_FAILED,
        Status.WAITLISTED,
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    profile = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="invitations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    # True when the guest asked for a seat on a public event, rather than being invited.
    asked = models.BooleanField(default=False)
    # Until when a sent invitation, or a waitlist offer, can be accepted.
    expires_at = models.DateTimeField(null=True, blank=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)  # the waitlist's order
    responded_at = models.DateTimeField(null=True, blank=True)
    # A confirmed seat given back: when, whether after the refund cut-off (a late cancellation,
    # counted apart from no-shows), and the host's reason when the host removed the guest.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_late = models.BooleanField(default=False)
    removal_reason = models.TextField(max_length=1000, blank=True)
    # The ticket (Maly's ticket identifier): a short unguessable code, given when the seat is
    # confirmed (events/services/checkin.py), shown to the guest and typed or scanned by the host.
    ticket_code = models.CharField(max_length=8, blank=True, editable=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # On the event's day the guest may tell the host and the group they are running late (by
    # about this many minutes) or can't make it.
    running_late_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    late_reported_at = models.DateTimeField(null=True, blank=True)
    cant_make_it_at = models.DateTimeField(null=True, blank=True)
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
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(expires_at__isnull=False),
                name="invitation_offer_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="invitation_waitlist_has_place",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["cancelled", "removed"]) | Q(cancelled_at__isnull=False),
                name="invitation_given_back_has_time",
            ),
            # Unique on the whole site, not only per event: a code typed at the wrong event is
            # told apart from a mistyped one. The constraint's index finds a typed code.
            models.UniqueConstraint(
                fields=["ticket_code"], condition=~Q(ticket_code=""), name="invitation_ticket_once"
            ),
            models.CheckConstraint(
                condition=Q(running_late_minutes__isnull=True)
                | Q(running_late_minutes__range=(1, 240)),
                name="invitation_running_late_range",
            ),
        ]
        indexes = [
            # Seats taken on an event (confirmed + held), counted under the event's row lock.
            models.Index(fields=["event", "status"], name="invitation_event_status_idx"),
            # The host's guests page: one event's invitations newest first, keyset-paginated.
            models.Index(fields=["event", "-created_at", "-id"], name="invitation_guests_idx"),
            # A person's invitations, newest first.
            models.Index(fields=["profile", "-created_at"], name="invitation_profile_idx"),
            # An event page's "going" list: confirmed guests in the order they confirmed, read in
            # order up to the cap, not every confirmed row joined to every profile and sorted.
            models.Index(
                fields=["event", "responded_at", "id"],
                condition=Q(status="confirmed"),
                name="invitation_going_idx",
            ),
            # The waitlist, first come first served.
            models.Index(
                fields=["event", "waitlisted_at"],
                condition=Q(status="waitlisted"),
                name="invitation_waitlist_idx",
            ),
            # The expiry sweep: answers and offers that lapse, and seat holds that lapse.
            models.Index(
                fields=["expires_at"],
                condition=Q(status__in=["sent", "offered"]),
                name="invitation_expiry_idx",
            ),
            models.Index(
                fields=["hold_expires_at"], condition=Q(status="held"), name="invitation_hold_idx"
            ),
        ]

    def __str__(self):
        return f"Invitation of {self.profile_id} to {self.event_id} ({self.status})"

    @property
    def is_answerable(self) -> bool:
        return self.status in self.ANSWERABLE

    @property
    def is_outstanding(self) -> bool:
        return self.status in self.OUTSTANDING

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def ticket_display(self) -> str:
        """The code as it is read out: two groups of four, `ABCD-2345`."""
        code = self.ticket_code
        return f"{code[:4]}-{code[4:]}" if code else ""


class Interested(models.Model):
    """Maly's "interested": a bookmark on an event, apart from any seat."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="interested")
    profile = models.ForeignKey(
        SocialProfile, on_delete=models.CASCADE, related_name="interested_in"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "interested"
        constraints = [
            models.UniqueConstraint(fields=["event", "profile"], name="interested_once"),
        ]

    def __str__(self):
        return f"{self.profile_id} is interested in {self.event_id}"


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
