"""The events side of the demo world: events in every status, invitations in every status, a
waitlist, a full event and a few "interested" bookmarks, written through events.services like the
app writes them.

Idempotent like profiles/demo.py: an event is looked up by its host and title before it is made,
and a guest's steps only run while that guest has no invitation to the event yet, so a second run
creates nothing and sends no email. What the services cannot do, because only the clock does it
(an invitation that lapses at the RSVP deadline), is written the way the clock writes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from events import services
from events.models import Attendance, CalendarFeed, Event, Interested, Invitation
from profiles.demo import CITIES
from profiles.models import Block, City, HostProfile, Interest, SocialProfile

if TYPE_CHECKING:
    from accounts.demo import World


@dataclass(frozen=True)
class DemoEvent:
    host: str
    title: str
    # A guest's step: (username, action), in order; see ACTIONS.
    steps: list[tuple[str, str]] = field(default_factory=list)
    interested: list[str] = field(default_factory=list)  # usernames, on public events
    cancel_reason: str = ""  # the host cancels the event after the steps
    # What a new event is made with. Without a city, profiles/demo.py made the event already.
    city: str = ""
    location: str = ""
    description: str = ""
    days_from_now: int = 0
    hour: int = 19
    hours: int = 3
    time_frame: str = ""
    tags: list[str] = field(default_factory=list)
    min_participants: int = 2
    max_participants: int = 8
    fee_cents: int = 0
    estimated_cost: str = ""
    is_private: bool = True
    is_business: bool = False
    rsvp_days: int | None = None  # days from now, like days_from_now
    decision_days: int | None = None


EVENTS = [
    # Planned: one guest confirmed of the two it needs, one still to answer, one who said no.
    DemoEvent(
        "hugo",
        "Jazz and natural wine",
        steps=[
            ("chloe", "invite"),
            ("chloe", "accept"),
            ("sam", "invite"),
            ("omar", "invite"),
            ("omar", "decline"),
        ],
    ),
    # Full: every seat confirmed, and two people on the waitlist, the demo participant first.
    DemoEvent(
        "hugo",
        "Six seats at the chef's counter",
        city="Lyon",
        location="Croix-Rousse, the counter of a friend's bistro",
        description=(
            "Six of us at the counter while the kitchen works in front of us: five small plates "
            "from the morning market, a glass of something natural with each, and the chef "
            "explaining every one. Tell me about allergies when you accept."
        ),
        days_from_now=5,
        hour=20,
        time_frame="An evening, about three hours",
        tags=["Cooking", "Wine tasting"],
        min_participants=4,
        max_participants=6,
        estimated_cost="€45 for food and wine",
        rsvp_days=3,
        decision_days=4,
        steps=[
            *(
                (username, action)
                for username in ("chloe", "sam", "yuki", "ines", "noah", "leo")
                for action in ("invite", "accept")
            ),
            ("ana", "invite"),
            ("ana", "waitlist"),
            ("mia", "invite"),
            ("mia", "waitlist"),
        ],
    ),
    # Paid and public: confirmed once paid, a seat held while paying, a payment that failed and
    # the seat it freed offered to the waitlist's first.
    DemoEvent(
        "hugo",
        "Market to table",
        city="Paris",
        location="Marché des Enfants Rouges, Le Marais",
        description=(
            "We shop the market together with a small budget and a long list, then cook lunch "
            "from whatever we found in a borrowed kitchen two streets away. The booking fee "
            "covers the kitchen; the market is on us, shared at the end."
        ),
        days_from_now=7,
        hour=10,
        hours=5,
        time_frame="Late morning to mid-afternoon",
        tags=["Cooking", "Street food"],
        min_participants=2,
        max_participants=4,
        fee_cents=1500,
        estimated_cost="about €20 for the market",
        is_private=False,
        steps=[
            ("lea", "ask"),
            ("lea", "pay"),
            ("yuki", "invite"),
            ("yuki", "accept"),
            ("yuki", "pay"),
            ("noah", "ask"),
            ("ana", "invite"),
            ("ana", "accept"),  # held while she pays
            ("mia", "ask"),  # full: on the waitlist
            ("noah", "fail"),  # his seat is offered to Mia
        ],
        interested=["sam", "chloe", "omar"],
    ),
    # Cancelled by the host: invitations still open are withdrawn, everyone is told why.
    DemoEvent(
        "hugo",
        "Aperitivo on the rooftop",
        city="Paris",
        location="A rooftop in Belleville",
        description=(
            "Spritz, olives and the whole city turning orange. Bring something to nibble if you "
            "like; I bring the glasses and a speaker with a very good playlist."
        ),
        days_from_now=3,
        hour=18,
        tags=["Street food", "Dancing"],
        min_participants=3,
        max_participants=10,
        is_private=False,
        steps=[("mia", "ask"), ("ana", "invite"), ("omar", "invite")],
        cancel_reason=(
            "The building closes its rooftop for repairs that week. Sorry, everyone: I will set "
            "a new date as soon as I have one."
        ),
    ),
    # Confirmed, with the host log-in still to answer, a guest who declined, one who gave back
    # their seat and one the host removed.
    DemoEvent(
        "ravi",
        "Board games supper",
        steps=[
            ("chloe", "invite"),
            ("chloe", "accept"),
            ("chloe", "give_back"),
            ("lea", "invite"),
            ("lea", "accept"),
            ("lea", "remove"),
            ("leo", "invite"),
            ("leo", "accept"),
            ("noah", "invite"),
            ("noah", "accept"),
            ("hugo", "invite"),
            ("ana", "invite"),
            ("ines", "invite"),
            ("ines", "decline"),
        ],
    ),
    # Paid, confirmed, RSVPs closed: the one guest who never answered lapsed.
    DemoEvent(
        "ravi",
        "Keralan feast",
        city="London",
        location="Hackney, my flat (the address comes with your seat)",
        description=(
            "Fish moilee, thoran, appam and a very slow payasam: the food my grandmother cooked "
            "on Sundays in Kochi, for eight people round one table. Vegetarian on request."
        ),
        days_from_now=6,
        tags=["Cooking", "Languages"],
        min_participants=2,
        max_participants=8,
        fee_cents=1500,
        rsvp_days=4,  # moved to yesterday by the "expire" step
        steps=[
            ("yuki", "invite"),
            ("yuki", "accept"),
            ("yuki", "pay"),
            ("ines", "invite"),
            ("ines", "accept"),
            ("ines", "pay"),
            ("lea", "invite"),
            ("lea", "decline"),
            ("hugo", "invite"),
            ("hugo", "expire"),
        ],
    ),
    # A business event, planned, with an invitation the host took back.
    DemoEvent(
        "ravi",
        "Product team supper",
        city="London",
        location="A private dining room in Shoreditch",
        description=(
            "A supper for product and design teams who want to meet the people they build for: "
            "two long tables, assigned seats and a few questions on the menu to start the talk. "
            "Invoices on request."
        ),
        days_from_now=20,
        hours=4,
        tags=["Cooking", "Languages", "Theatre"],
        min_participants=4,
        max_participants=12,
        fee_cents=2500,
        estimated_cost="dinner included",
        is_business=True,
        rsvp_days=15,
        decision_days=17,
        steps=[
            ("sam", "invite"),
            ("ines", "invite"),
            ("chloe", "invite"),
            ("chloe", "withdraw"),
            ("yuki", "invite"),
            ("yuki", "decline"),
        ],
    ),
    # Public, planned and waiting for its quorum, with bookmarks.
    DemoEvent(
        "ravi",
        "Poetry and dal night",
        city="London",
        location="Hackney, the back room of a bookshop",
        description=(
            "Bring a poem you love, in any language, and read it out; I bring a big pot of dal, "
            "rice and pickles. Translations welcome, nobody is graded."
        ),
        days_from_now=9,
        hour=19,
        tags=["Poetry", "Languages", "Cooking"],
        min_participants=3,
        max_participants=10,
        estimated_cost="£5 towards the room",
        is_private=False,
        decision_days=7,
        steps=[("lea", "ask"), ("ines", "ask")],
        interested=["ana", "yuki", "mia"],
    ),
]


def seed(world: World) -> World:
    """Add the events side to `world` (accounts.demo.seed's, after profiles.demo.seed's)."""
    profiles = {
        profile.user.username: profile
        for profile in SocialProfile.objects.select_related("user").filter(
            user__in=world.users.values()
        )
    }
    hosts = {
        host.user.username: host
        for host in HostProfile.objects.select_related("user").filter(user__in=world.users.values())
    }
    evening = timezone.now().replace(hour=19, minute=0, second=0, microsecond=0)
    for spec in EVENTS:
        host = hosts[spec.host]
        event = Event.objects.filter(host=host, title=spec.title).first()
        if event is None:
            event = _create(world, host, spec, evening)
        before = set(event.invitations.values_list("profile_id", flat=True))
        steps = [(u, action) for u, action in spec.steps if profiles[u].pk not in before]
        if steps and _taking_guests(event):
            try:
                with transaction.atomic():
                    for username, action in steps:
                        ACTIONS[action](event, profiles[username], host)
            except services.EventError:
                # Someone trying the demo changed its world (a block, a full event): this
                # event's new guests are left out rather than the whole demo failing.
                pass
        world.created.extend(event.invitations.exclude(profile_id__in=before))
        if spec.cancel_reason:
            event.refresh_from_db()
            if event.is_open:
                services.cancel_event(event, by=host, reason=spec.cancel_reason)
        for username in spec.interested:
            profile = profiles[username]
            if Block.exists_between(profiles[spec.host], profile):
                continue  # the event is hidden from them
            if not Interested.objects.filter(event=event, profile=profile).exists():
                services.mark_interested(event, by=profile)
                world.created.append(Interested.objects.get(event=event, profile=profile))
    _calendar_feeds(world, profiles)
    _tonight(world, hosts, profiles)
    return world


# Hugo's event under way today: it started an hour ago (in Lyon's zone, today's date there), two
# guests are checked in and Ana, the demo participant, is running late, so the check-in page
# (as Hugo) and a ticket (as Ana) show an evening as it happens.
TONIGHT = DemoEvent(
    "hugo",
    "Tonight: cheese and natural wine",
    city="Lyon",
    location="Pentes de la Croix-Rousse, my flat (the code opens the door downstairs)",
    description=(
        "Six cheeses from the Croix-Rousse market, three bottles nobody has heard of and a long "
        "table. Show your ticket at the door: I check everyone in on my phone."
    ),
    hours=3,
    tags=["Wine tasting", "Cooking"],
    min_participants=2,
    max_participants=6,
    estimated_cost="€15 for cheese and wine",
    steps=[
        (username, action)
        for username in ("chloe", "sam", "ana")
        for action in ("invite", "accept")
    ],
)
TONIGHT_CHECKED_IN = ("chloe", "sam")
TONIGHT_LATE = ("ana", 15)


def _tonight(world: World, hosts, profiles) -> None:
    """Made once a day: while one that has not ended exists, a second run changes nothing; on a
    demo world seeded on an earlier day, the old evening stays in the past and a new one is
    under way. The guests accept while it is still ahead (the services refuse seats once an
    event has started), then the clock moves it to an hour ago and the evening happens through
    the check-in services."""
    spec, host = TONIGHT, hosts[TONIGHT.host]
    now = timezone.now()
    event = Event.objects.filter(host=host, title=spec.title, ends_at__gt=now).first()
    if event is None:
        event = _create(world, host, spec, now + datetime.timedelta(days=1))
        try:
            with transaction.atomic():
                for username, action in spec.steps:
                    ACTIONS[action](event, profiles[username], host)
        except services.EventError:
            pass  # someone trying the demo changed its world (a block): fewer guests
        world.created.extend(event.invitations.all())
        _started_an_hour_ago(event, spec.hours)
        event.refresh_from_db()
    try:
        with transaction.atomic():
            arrived = []
            for username in TONIGHT_CHECKED_IN:
                invitation = event.invitations.filter(profile=profiles[username]).first()
                if invitation is None:
                    continue
                if invitation.checked_in_at is None and services.check_in_window(event).open:
                    services.check_in_guest(invitation, by=host)
                    arrived.append(profiles[username].pk)
            world.created.extend(Attendance.objects.filter(event=event, profile__in=arrived))
            if arrived:  # as the worker would, once their attendance counts
                services.recompute_absentee_ratings(arrived)
            username, minutes = TONIGHT_LATE
            invitation = event.invitations.filter(profile=profiles[username]).first()
            if invitation and not invitation.late_reported_at and services.reporting_open(event):
                services.report_running_late(invitation, minutes=minutes, by=profiles[username])
    except services.EventError:
        pass  # someone trying the demo changed its world: tonight stays as it is


def _started_an_hour_ago(event: Event, hours: int) -> None:
    """What the clock does: the day came. The start is an hour ago, but never before midnight
    in the event's own zone, so the event is today's wherever the server is."""
    now = timezone.now()
    local = timezone.localtime(now, event.zone)
    midnight = datetime.datetime.combine(local.date(), datetime.time.min, tzinfo=event.zone)
    starts_at = max(now - datetime.timedelta(hours=1), midnight)
    Event.objects.filter(pk=event.pk).update(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        updated_at=now,
    )


# People whose private calendar feed is on: the demo participant and a host, so the settings
# page and the feed (/calendar/<token>.ics) have something to show. Created once.
CALENDAR_FEEDS = ("ana", "hugo")


def _calendar_feeds(world: World, profiles: dict[str, SocialProfile]) -> None:
    for username in CALENDAR_FEEDS:
        profile = profiles[username]
        if not CalendarFeed.objects.filter(profile=profile).exists():
            world.created.append(services.turn_on_calendar_feed(profile))


def _taking_guests(event: Event) -> bool:
    """An event made by an earlier run may have started or closed its RSVPs since: the guests it
    still lacks can only be invited while it takes them."""
    return event.is_open and services.answer_by(event) > timezone.now()


def _create(world: World, host: HostProfile, spec: DemoEvent, evening) -> Event:
    if not spec.city:
        raise LookupError(f"profiles/demo.py makes {spec.title!r}: run it first.")
    starts_at = evening.replace(hour=spec.hour) + datetime.timedelta(days=spec.days_from_now)

    def days(n: int | None):
        return None if n is None else evening + datetime.timedelta(days=n)

    country = dict(CITIES)[spec.city]
    event = services.create_event(
        host,
        tags=[Interest.objects.get(name__iexact=name) for name in spec.tags],
        title=spec.title,
        description=spec.description,
        city=City.objects.get(name__iexact=spec.city, country__iexact=country),
        location=spec.location,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=spec.hours),
        time_frame=spec.time_frame,
        min_participants=spec.min_participants,
        max_participants=spec.max_participants,
        fee_cents=spec.fee_cents,
        estimated_cost=spec.estimated_cost,
        is_private=spec.is_private,
        is_business=spec.is_business,
        rsvp_deadline=days(spec.rsvp_days),
        decision_deadline=days(spec.decision_days),
    )
    world.created.append(event)
    world.created.extend(Event.tags.through.objects.filter(event=event))
    return event


# A guest's steps ---------------------------------------------------------------------------------


def _invitation(event: Event, profile: SocialProfile) -> Invitation:
    return Invitation.objects.get(event=event, profile=profile)


def _expire(event: Event, profile: SocialProfile, host: HostProfile) -> None:
    """What the clock does (services.expire_lapsed): the RSVP deadline passed yesterday, and the
    invitation nobody answered lapsed with it."""
    now = timezone.now()
    deadline = now - datetime.timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(rsvp_deadline=deadline, updated_at=now)
    Invitation.objects.filter(event=event, profile=profile, status=Invitation.Status.SENT).update(
        status=Invitation.Status.EXPIRED, expires_at=deadline, updated_at=now
    )


ACTIONS = {
    # The host invites; on a public event, the guest may ask for a seat instead.
    "invite": lambda event, profile, host: services.invite(event, profile, by=host),
    "ask": lambda event, profile, host: services.ask_for_seat(event, by=profile),
    # The guest answers: a seat (held while paying on a paid event), no, or the waitlist.
    "accept": lambda event, profile, host: services.accept_invitation(
        _invitation(event, profile), by=profile
    ),
    "decline": lambda event, profile, host: services.decline_invitation(
        _invitation(event, profile), by=profile
    ),
    "waitlist": lambda event, profile, host: services.join_waitlist(
        _invitation(event, profile), by=profile
    ),
    # The payments app's answer about a held seat.
    "pay": lambda event, profile, host: services.confirm_paid_seat(_invitation(event, profile)),
    "fail": lambda event, profile, host: services.fail_paid_seat(_invitation(event, profile)),
    # The host takes an invitation back.
    "withdraw": lambda event, profile, host: services.withdraw_invitation(
        _invitation(event, profile), by=host
    ),
    "expire": _expire,
    # A confirmed seat given back by its guest, or taken back by the host.
    "give_back": lambda event, profile, host: services.cancel_seat(
        _invitation(event, profile), by=profile
    ),
    "remove": lambda event, profile, host: services.remove_guest(
        _invitation(event, profile), by=host, reason="We are one table short: sorry, next time."
    ),
}
