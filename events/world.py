"""The events side of a generated world (momento/world.py): events in every status, past and
upcoming, with tags; invitations in every status; attendance and ratings after completed
events; "interested" bookmarks; and the seats of paid events, for payments/world.py.

Each event's figures are decided first and its rows follow from them, as the services would
have left them (events/services.py):
- seats (confirmed + held + offered) never exceed the maximum; only a full event has a waitlist;
- planned: fewer confirmed than the minimum; confirmed and completed: at least the minimum;
- past events are completed or cancelled, with no invitation left waiting for an answer;
- a cancelled event's outstanding invitations were withdrawn; its confirmed seats stay, refunded;
- attendance only for confirmed guests of completed events; ratings from those who came, once;
- a few no-shows are disputed by their guest (some after the window, which then changes
  nothing), and staff decided some of the disputes; a few attendees confirmed others;
- most who came were checked in at the door (`checked_in_at`, and their attendance row reported
  then, as check-in writes it); ratings are made within the rating window, and an event's
  ratings are published (`ratings_published_at`) once its window closed or everyone who came
  rated, as the sweep would; hosts replied to some published comments;
- "would meet again" picks only between attendees of the same event, mostly one-sided, a few
  returned (mutual);
- members' absentee ratings follow from what counts (events.services.recompute_absentee_ratings,
  the same rule as the app, in a few bulk queries).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from events import services, tickets
from events.models import (
    Attendance,
    AttendanceReport,
    Event,
    Interested,
    Invitation,
    MeetAgain,
    Rating,
)
from events.services import QUORUM_REASON
from events.world_evening import After, after_the_evening, came, publish_ratings, with_reports
from momento.world import BIG_EVENT_INVITATIONS, BIG_HOST_EVENTS, BUSY_MEMBER_INVITATIONS

if TYPE_CHECKING:
    from momento.world import World

S = Invitation.Status
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
BIG_EVENT_TITLE = "The big event"
FEES = [800, 1000, 1200, 1500, 2000, 2500, 3500]
KINDS = [  # (share, smallest and largest maximum)
    (0.45, 4, 12),
    (0.35, 15, 40),
    (0.20, 60, 200),
]
ADJECTIVES = [
    "Long",
    "Slow",
    "Little",
    "Late",
    "Sunday",
    "Open",
    "Secret",
    "Rooftop",
    "Riverside",
    "Candlelit",
]
THINGS = [
    "supper",
    "brunch",
    "walk",
    "tasting",
    "game night",
    "picnic",
    "film club",
    "run",
    "dance class",
    "reading",
    "pottery evening",
    "market tour",
]
CANCEL_REASON = "Something came up: sorry, everyone. I will set a new date soon."

MODELS = [
    Event,
    Event.tags.through,
    Invitation,
    Interested,
    Attendance,
    AttendanceReport,
    Rating,
    MeetAgain,
]


@dataclass
class Plan:
    """One event's figures, decided before any of its rows is written."""

    id: str
    host: int  # the member hosting
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    created_at: datetime.datetime
    status: str
    min_participants: int
    max_participants: int
    invitations: int
    fee_cents: int = 0
    currency: str = "EUR"
    is_private: bool = True
    city: int = 0
    rsvp_deadline: datetime.datetime | None = None
    decision_deadline: datetime.datetime | None = None
    cancelled_at: datetime.datetime | None = None
    cancel_reason: str = ""
    big: bool = False
    forced: list[int] = field(default_factory=list)  # members who must be invited

    @property
    def answer_by(self) -> datetime.datetime:
        return self.rsvp_deadline or self.starts_at


def generate(world: World) -> None:
    plans = _plans(world)
    _force_guests(world, plans)
    _write_events(world, plans)
    attendance, ratings, reports = [], [], []
    after = After()
    codes: set[str] = set()  # ticket codes, unique on the site
    world.copy(
        Invitation,
        [
            "id",
            "event",
            "profile",
            "status",
            "asked",
            "expires_at",
            "hold_expires_at",
            "waitlisted_at",
            "responded_at",
            "cancelled_at",
            "cancelled_late",
            "removal_reason",
            "ticket_code",
            "checked_in_at",
            "created_at",
            "updated_at",
        ],
        (
            row
            for plan in plans
            for row in _invitations(world, plan, attendance, ratings, codes, after)
        ),
    )
    world.copy(
        Attendance,
        [
            "id",
            "event",
            "profile",
            "status",
            "reported_by",
            "reported_at",
            "staff_decision",
            "decided_at",
            "created_at",
        ],
        with_reports(world, attendance, reports),
    )
    world.copy(
        AttendanceReport, ["id", "attendance", "reported_by", "status", "created_at"], reports
    )
    world.copy(
        Rating,
        [
            "id",
            "event",
            "rater",
            "rated_host",
            "host_rating_value",
            "event_rating_value",
            "comment",
            "created_at",
            "reply",
            "replied_at",
        ],
        ratings,
    )
    world.copy(MeetAgain, ["id", "event", "chooser", "chosen", "created_at"], after.picks)
    publish_ratings(after.published)
    _interested(world, plans)
    services.recompute_absentee_ratings(now=world.now)
    big = next(plan for plan in plans if plan.big)
    world.targets["big_event_id"] = str(uuid.UUID(big.id))
    world.targets["big_event_title"] = BIG_EVENT_TITLE
    world.targets["big_host_events"] = sum(plan.host == 0 for plan in plans)
    world.targets["member_usernames_sample"] = [world.usernames[i] for i in world.sample]


# Plans ---------------------------------------------------------------------------------------


def _plans(world: World) -> list[Plan]:
    rng = world.rng
    others = [i for i in world.hosts if i != 0]
    regular = [
        _plan(world, rng.choice(others), past=rng.random() < 0.55) for _ in range(world.events)
    ]
    _proportion(world, regular)
    count = world.target_size(BIG_HOST_EVENTS, 6)
    # The big host: half past, half upcoming, every status among the first of each.
    past = [_plan(world, 0, past=True, small=True) for _ in range(count // 2)]
    upcoming = [_plan(world, 0, past=False, small=True) for _ in range(count - count // 2)]
    _set_status(world, past[0], Event.Status.COMPLETED)
    _set_status(world, past[1], Event.Status.CANCELLED)
    _big_event(world, upcoming[0])
    _set_status(world, upcoming[1], Event.Status.PLANNED)
    _set_status(world, upcoming[2], Event.Status.CANCELLED)
    return [*past, *upcoming, *regular]


def _plan(world: World, host: int, *, past: bool, small: bool = False) -> Plan:
    rng, now = world.rng, world.now
    if past:
        starts = now - datetime.timedelta(days=rng.uniform(2, 365))
    else:
        starts = now + datetime.timedelta(days=rng.uniform(1.5, 120))
    starts = starts.replace(hour=rng.randint(10, 21), minute=rng.choice((0, 30)), second=0)
    starts = starts.replace(microsecond=0)
    _, low, high = KINDS[0] if small else rng.choices(KINDS, weights=[k[0] for k in KINDS])[0]
    most = rng.randint(low, high)
    home = world.home_city[host]
    city = home if rng.random() < 0.8 else rng.randrange(len(world.city_ids))
    paid = rng.random() < 0.35
    plan = Plan(
        id=world.uuid(),
        host=host,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=rng.randint(2, 5)),
        created_at=min(starts - datetime.timedelta(days=rng.uniform(10, 60)), now - 2 * DAY),
        status="",
        min_participants=1,
        max_participants=most,
        invitations=round(most * rng.uniform(1.2, 2.0)),
        fee_cents=rng.choice(FEES) if paid else 0,
        currency="GBP" if world.city_countries[city] == "United Kingdom" else "EUR",
        is_private=rng.random() < 0.6,
        city=city,
    )
    if rng.random() < 0.5:
        plan.rsvp_deadline = starts - datetime.timedelta(days=rng.uniform(1, 3))
    if rng.random() < 0.4:
        plan.decision_deadline = starts - datetime.timedelta(days=rng.uniform(0.5, 2))
    if past:
        cancelled = rng.random() < 0.15
        _set_status(world, plan, Event.Status.CANCELLED if cancelled else Event.Status.COMPLETED)
    else:
        status = rng.choices(Event.Status.values, weights=(45, 47, 0, 8))[0]
        _set_status(world, plan, status)
    return plan


def _set_status(world: World, plan: Plan, status: str) -> None:
    rng = world.rng
    plan.status = status
    plan.min_participants = max(1, round(plan.max_participants * rng.uniform(0.2, 0.5)))
    if status == Event.Status.CANCELLED:
        plan.cancelled_at = world.between(plan.created_at, min(world.now, plan.starts_at) - HOUR)
        plan.cancel_reason = rng.choice((QUORUM_REASON, CANCEL_REASON))
    else:
        plan.cancelled_at, plan.cancel_reason = None, ""
    if status == Event.Status.PLANNED and plan.min_participants == 1:
        plan.min_participants = min(2, plan.max_participants)
    if status == Event.Status.PLANNED and (plan.decision_deadline or world.now) <= world.now:
        plan.decision_deadline = None  # the quorum sweep would have cancelled it


def _proportion(world: World, plans: list[Plan]) -> None:
    """Scale invitations and seats so that the proportional events hold the scale's invitations,
    within what the world's members allow (an event invites at most everyone but its host)."""
    most_guests = len(world.pool) - 1
    wanted = [float(plan.invitations) for plan in plans]
    for _ in range(4):  # what the capped events cannot take goes to the others
        capped = sum(min(w, most_guests) for w in wanted if w >= most_guests)
        free = sum(w for w in wanted if w < most_guests)
        factor = max(world.invitations - capped, 0) / max(free, 1)
        wanted = [w if w >= most_guests else w * factor for w in wanted]
    for plan, w in zip(plans, wanted, strict=True):
        factor = w / plan.invitations
        plan.invitations = max(2, min(round(w), most_guests))
        most = min(max(2, round(plan.max_participants * factor)), plan.invitations, 32767)
        if most != plan.max_participants:
            plan.max_participants = most
            _set_status(world, plan, plan.status)


def _big_event(world: World, plan: Plan) -> None:
    """Upcoming, public, paid and confirmed: full, with a waitlist and every invitation status."""
    plan.big = True
    plan.invitations = min(BIG_EVENT_INVITATIONS, len(world.pool) - 1)
    plan.max_participants = min(200, plan.invitations * 2 // 5)
    plan.fee_cents, plan.is_private = 1500, False
    plan.starts_at = (world.now + datetime.timedelta(days=14)).replace(
        hour=19, minute=0, second=0, microsecond=0
    )
    plan.ends_at = plan.starts_at + 4 * HOUR
    plan.rsvp_deadline = plan.starts_at - 2 * DAY
    plan.decision_deadline = plan.starts_at - 3 * DAY
    plan.created_at = world.now - 30 * DAY
    _set_status(world, plan, Event.Status.CONFIRMED)
    plan.min_participants = min(10, plan.max_participants)


def _force_guests(world: World, plans: list[Plan]) -> None:
    """The busy member is invited to hundreds of events, each member of the sample to a few."""
    rng = world.rng
    busy = min(world.target_size(BUSY_MEMBER_INVITATIONS, 5), len(plans))
    for plan in rng.sample(plans, busy):
        plan.forced.append(1)
    for member in world.sample:
        for plan in rng.sample(plans, min(3, len(plans))):
            if plan.host != member and member not in plan.forced:
                plan.forced.append(member)


def _write_events(world: World, plans: list[Plan]) -> None:
    rng = world.rng

    def rows():
        for plan in plans:
            paid = plan.fee_cents > 0
            yield (
                plan.id,
                world.hosts[plan.host],
                BIG_EVENT_TITLE if plan.big else f"{rng.choice(ADJECTIVES)} {rng.choice(THINGS)}",
                "A generated event: good company, a long table and something new to try.",
                world.city_ids[plan.city],
                "Somewhere central: the address comes with your seat",
                plan.starts_at,
                plan.ends_at,
                plan.min_participants,
                plan.max_participants,
                "about €20 at the venue" if rng.random() < 0.4 else "",
                plan.fee_cents,
                plan.currency,
                plan.is_private,
                rng.random() < 0.05,
                plan.rsvp_deadline,
                plan.decision_deadline,
                f"prod_world_{plan.id}" if paid else "",
                f"price_world_{plan.id}" if paid else "",
                plan.status,
                plan.cancel_reason,
                plan.cancelled_at,
                plan.created_at,
                plan.cancelled_at or plan.created_at,
            )

    fields = "id host title description city location starts_at ends_at min_participants "
    fields += "max_participants estimated_cost fee_cents currency is_private is_business "
    fields += "rsvp_deadline decision_deadline stripe_product_id stripe_price_id status "
    fields += "cancel_reason cancelled_at created_at updated_at"
    world.copy(Event, fields.split(), rows())
    world.copy(
        Event.tags.through,
        ["event", "interest"],
        (
            (plan.id, interest)
            for plan in plans
            for interest in rng.sample(world.interest_ids, rng.randint(1, 4))
        ),
    )


# Invitations ---------------------------------------------------------------------------------


def _statuses(world: World, plan: Plan) -> list[str]:
    """How many invitations of each status the event has, as the services would leave them."""
    rng, now = world.rng, world.now
    most, least = plan.max_participants, plan.min_participants
    upcoming = plan.starts_at > now
    open_ = plan.status in Event.OPEN_STATUSES
    paid = plan.fee_cents > 0
    n = max(plan.invitations, len(plan.forced))
    count = dict.fromkeys(S.values, 0)
    if plan.big:
        count[S.HELD] = max(1, most // 50)
        count[S.OFFERED] = max(1, most // 35)
        count[S.CONFIRMED] = most - count[S.HELD] - count[S.OFFERED]
        count[S.WAITLISTED] = max(1, n * 6 // 100)
        count[S.PAYMENT_FAILED] = max(1, n // 100)
        count[S.CANCELLED] = max(1, n * 2 // 100)
        count[S.REMOVED] = max(1, n // 100)
    else:
        if plan.status in (Event.Status.COMPLETED, Event.Status.CONFIRMED):
            full = rng.random() < 0.25
            count[S.CONFIRMED] = most if full else rng.randint(max(least, most * 3 // 5), most)
        elif plan.status == Event.Status.PLANNED or plan.cancel_reason == QUORUM_REASON:
            count[S.CONFIRMED] = rng.randint(0, least - 1)
        else:
            count[S.CONFIRMED] = rng.randint(0, most)
        if open_ and upcoming:
            free = most - count[S.CONFIRMED]
            count[S.HELD] = min(free, rng.choice((0, 0, 1, 2))) if paid else 0
            free -= count[S.HELD]
            count[S.OFFERED] = min(free, rng.choice((0, 0, 0, 1)))
            free -= count[S.OFFERED]
            count[S.WAITLISTED] = rng.randint(1, 5) if free == 0 else 0
            count[S.PAYMENT_FAILED] = rng.choice((0, 0, 1)) if paid else 0
        count[S.CANCELLED] = rng.choice((0, 0, 0, 1, 2))
        count[S.REMOVED] = rng.choice((0, 0, 0, 0, 1))
    # A small world may not have enough people for all of them: the extras go first.
    most_guests = len(world.pool) - 1
    for status in (S.WAITLISTED, S.CANCELLED, S.REMOVED, S.PAYMENT_FAILED, S.OFFERED, S.HELD):
        count[status] -= min(count[status], max(sum(count.values()) - most_guests, 0))
    rest = max(n - sum(count.values()), 0)
    answerable = open_ and upcoming and plan.answer_by > now
    shares = {S.SENT: 40 if answerable else 0, S.DECLINED: 35, S.EXPIRED: 15, S.WITHDRAWN: 10}
    for status in rng.choices(list(shares), weights=list(shares.values()), k=rest):
        count[status] += 1
    if plan.status == Event.Status.CANCELLED:
        # Cancelling withdrew everything still outstanding.
        for status in Invitation.OUTSTANDING:
            count[S.WITHDRAWN] += count[status]
            count[status] = 0
    statuses = [status for status, k in count.items() for _ in range(k)]
    rng.shuffle(statuses)
    return statuses


def _guests(world: World, plan: Plan, k: int) -> list[int]:
    rng = world.rng
    chosen = [m for m in plan.forced if m != plan.host]
    taken = {plan.host, *chosen}
    pool = world.pool
    if k > len(pool) - 1:
        raise ValueError(f"{k} invitations to one event, for {len(pool)} people.")
    while len(chosen) < k:
        for member in rng.sample(pool, min(len(pool), k - len(chosen) + 2)):
            if member not in taken and len(chosen) < k:
                taken.add(member)
                chosen.append(member)
    rng.shuffle(chosen)
    return chosen


def _invitations(world: World, plan: Plan, attendance: list, ratings: list, codes: set, after):
    rng, now, p = world.rng, world.now, world.profile_ids
    statuses = _statuses(world, plan)
    guests = _guests(world, plan, len(statuses))
    # Invitations were sent before the event started, and before it was cancelled.
    latest = min(now, plan.starts_at, plan.cancelled_at or now) - datetime.timedelta(minutes=5)
    refund_deadline = plan.starts_at - datetime.timedelta(hours=Event.DEFAULT_REFUND_CUTOFF_HOURS)
    host_profile = p[plan.host]
    host_id = world.hosts[plan.host]
    completed = plan.status == Event.Status.COMPLETED
    first_row, first_rating = len(attendance), len(ratings)
    for status, member in zip(statuses, guests, strict=True):
        invitation_id = world.uuid()
        created = world.between(plan.created_at, latest)
        answered = world.between(created, latest)
        expires = plan.answer_by
        hold = waitlisted = responded = cancelled = None
        late, reason, updated = False, "", answered
        if status == S.SENT:
            updated = created
        elif status == S.HELD:
            responded = now - datetime.timedelta(minutes=rng.uniform(1, 20))
            hold, updated = responded + datetime.timedelta(minutes=30), responded
        elif status in (S.CONFIRMED, S.DECLINED, S.PAYMENT_FAILED):
            responded = answered
        elif status == S.EXPIRED:
            expires = answered
        elif status == S.WAITLISTED:
            waitlisted = responded = answered
        elif status == S.OFFERED:
            waitlisted = responded = answered
            expires = min(now + datetime.timedelta(hours=rng.uniform(1, 24)), plan.starts_at)
        elif status == S.WITHDRAWN:
            updated = plan.cancelled_at or answered
        elif status in Invitation.GIVEN_BACK:
            responded = world.between(created, answered)
            cancelled = updated = answered
            late = status == S.CANCELLED and cancelled > refund_deadline
            reason = "We are one seat short: sorry, next time." if status == S.REMOVED else ""
        checked_in = None
        if completed and status == S.CONFIRMED:
            checked_in = came(world, plan, member, attendance, ratings, host_profile, host_id)
        yield (
            invitation_id,
            plan.id,
            p[member],
            status,
            not plan.is_private and rng.random() < 0.3,
            expires,
            hold,
            waitlisted,
            responded,
            cancelled,
            late,
            reason,
            _ticket_code(world, codes) if status in TICKETED else "",
            checked_in,
            created,
            max(updated, created, checked_in or created),
        )
        if plan.fee_cents and status in SEAT_PAYMENTS:
            world.paid_seats.append(
                (invitation_id, plan, member, status, late, responded or created)
            )
    if completed:
        after_the_evening(world, plan, attendance[first_row:], ratings, first_rating, after)


# Statuses of invitations that were confirmed once, and so carry a ticket code (events/tickets.py).
TICKETED = (S.CONFIRMED, *Invitation.GIVEN_BACK)


def _ticket_code(world: World, codes: set) -> str:
    """A code from the tickets' alphabet, unique on the site: at scale 100 (2 million seats)
    random codes would collide, so each is drawn again until it is new."""
    while True:
        code = "".join(world.rng.choices(tickets.ALPHABET, k=tickets.LENGTH))
        if code not in codes:
            codes.add(code)
            return code


# Statuses of a paid event's invitations that have a payment (payments/world.py).
SEAT_PAYMENTS = (S.CONFIRMED, S.HELD, S.PAYMENT_FAILED, *Invitation.GIVEN_BACK)


def _interested(world: World, plans: list[Plan]) -> None:
    rng = world.rng

    def rows():
        for plan in plans:
            if plan.is_private:
                continue
            members = {rng.choice(world.pool) for _ in range(rng.choice((0, 1, 2, 3, 5, 8)))}
            for member in sorted(members - {plan.host}):
                created = world.between(plan.created_at, min(world.now, plan.starts_at))
                yield (world.uuid(), plan.id, world.profile_ids[member], created)

    world.copy(Interested, ["id", "event", "profile", "created_at"], rows())
