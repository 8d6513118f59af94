"""Invitations (and the seats they hold) and the "interested" bookmark."""

import datetime
import uuid

from django.db import models
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from profiles.models import Block, Photo, SocialProfile

from .evening import CAME, Attendance, AttendanceReport
from .event import Event, _count, _sum

# page's order has no NULL for its keyset cursor to compare.
NO_DEADLINE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


# What a row of "my events" reads (templates/events/_my_events.html, events/after.py): a page
# of seats builds no column it does not show (a seat's row and its event's have about twenty
# dates each, every one parsed).
MY_EVENT_FIELDS = (
    "event",
    "status",
    "cancelled_late",
    "removal_reason",
    "event__title",
    "event__starts_at",
    "event__ends_at",
    "event__status",
    "event__cancel_reason",
    "event__currency",
    "event__city",
    "event__host",
    "event__city__name",
    "event__city__country",
    "event__city__time_zone",
    "event__host__host_name",
)


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
            .only(*MY_EVENT_FIELDS)
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

    def answers_first_page(self, profile: SocialProfile, *, cursor: str | None, size: int = 20):
        """A keyset page of "my invitations" (`ANSWERS_FIRST`, with the cards' columns), in one
        query ordered among a few rows only: the next page of the person's rows waiting for an
        answer (on invitation_needs_answer_idx) and of the rest, newest first (on
        invitation_profile_idx, cut at the page's end before the cards' joins). Never every
        invitation they ever had. The same pages, cursors included, as paginate() over
        answers_first()."""
        from momento.pagination import after_condition, paginate

        mine = self.of_visible_events(profile)
        waiting_order = Invitation.ANSWERS_FIRST[1:]  # among rows that need an answer
        rest_order = ("-created_at", "-pk")  # among the others: their deadline is one constant

        def within(after: list[str] | None):
            rest = mine.exclude(status__in=Invitation.NEEDS_ANSWER)
            if after is not None and after[0] != "1":  # the cursor is among the rest
                rest = rest.filter(after_condition(rest_order, after[2:]))
            rest = rest.order_by(*rest_order).values("pk")[: size + 1]
            if after is not None and after[0] != "1":
                return _compiled(rest)  # every waiting row comes before the cursor
            # Among these, answers_first()'s deadline is _deadline(): the only key computed.
            waiting = mine.filter(status__in=Invitation.NEEDS_ANSWER).annotate(deadline=_deadline())
            if after is not None:
                waiting = waiting.filter(after_condition(waiting_order, after[1:]))
            waiting = waiting.order_by(*waiting_order).values("pk")[: size + 1]
            return _compiled(waiting.union(rest, all=True))

        return paginate(
            self.for_cards().answers_first(),
            order=Invitation.ANSWERS_FIRST,
            cursor=cursor,
            size=size,
            within=within,
        )

    def for_dashboard(self, profile: SocialProfile, *, per_kind: int):
        """The home page's "what needs you", in one query: seats held while paying, invitations
        waiting for an answer (sent or payment failed) and waitlist offers that are still alive,
        on open upcoming events, the soonest deadline first: the first `per_kind` of each kind,
        and of "waiting" maybe a few more (up to three times as many: its parts are cut apart).
        Each row carries `kind` ("held", "waiting" or "offered") and its `deadline`.

        One UNION ALL of a part per kind, each read in deadline order from the person's own
        rows that need an answer (invitation_needs_answer_idx, invitation_hold_idx)
        and cut at `per_kind` before the cards' joins: the cost follows what waits for this
        person, never the site's invitations or events (tests/events/test_dashboard_plan.py)."""
        now = timezone.now()
        status = Invitation.Status
        upcoming = self.of_visible_events(profile).filter(
            event__status__in=Event.OPEN_STATUSES, event__starts_at__gt=now
        )
        # (kind, statuses, their deadline, which of them): one status and a deadline in the
        # index's order where it can be, so each part reads its first rows in order and stops.
        # "waiting" is three parts (sent, payment failed, either with no expiry: the event's
        # start), each with its first `per_kind`: the soonest `per_kind` are among them.
        expiring = Q(expires_at__isnull=False)
        parts = [
            upcoming.filter(only, status__in=statuses)
            .annotate(part_deadline=deadline)
            .filter(part_deadline__gt=now)
            .order_by("part_deadline", "pk")
            .values("pk")[:per_kind]
            for statuses, deadline, only in (
                ((status.HELD,), F("hold_expires_at"), Q()),
                # An offer always has its expiry (invitation_offer_has_deadline).
                ((status.OFFERED,), F("expires_at"), Q()),
                ((status.SENT,), F("expires_at"), expiring),
                ((status.PAYMENT_FAILED,), F("expires_at"), expiring),
                ((status.SENT, status.PAYMENT_FAILED), F("event__starts_at"), ~expiring),
            )
        ]
        first, *others = parts
        kind = Case(
            When(status=status.HELD, then=Value("held")),
            When(status=status.OFFERED, then=Value("offered")),
            default=Value("waiting"),
        )
        return (
            self.filter(pk__in=_compiled(first.union(*others, all=True)))
            .annotate(kind=kind, deadline=_deadline())
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


def _compiled(queryset) -> RawSQL:
    """A subquery of pks as its SQL, compiled once: a combined queryset (a UNION) given to a
    filter is resolved again part by part (cloned, its aliases relabelled), which costs more
    CPU than the query itself."""
    sql, params = queryset.query.sql_with_params()
    return RawSQL(sql, params)


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
            # What waits for a person's answer (the home page, my invitations): their few rows
            # of each such status, in expiry order, never their whole history or the site's.
            models.Index(
                fields=["profile", "status", "expires_at"],
                condition=Q(status__in=["sent", "offered", "payment_failed", "held"]),
                name="invitation_needs_answer_idx",
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
            # Seats held while paying (few: a checkout lasts minutes), per person by when the
            # hold lapses (the home page); the sweep reads them all for the lapsed ones.
            models.Index(
                fields=["profile", "hold_expires_at"],
                condition=Q(status="held"),
                name="invitation_hold_idx",
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
