"""The harnesses' world: one person per role, each with sentinel values in every private field
and in their internal metrics, and the objects that tie them together.

Every capability extends `build_world` so its pages are checked by the access matrix and the
private-data canary: the host owns the objects, the invitee holds an invitation, the guest a
confirmed seat, the stranger nothing.
"""

import json
from dataclasses import dataclass, field
from datetime import date

from accounts.factories import UserFactory, UserInternalMetricsFactory
from accounts.models import User

ANONYMOUS = "anonymous"
PEOPLE = ("stranger", "invitee", "guest", "host", "staff")
ROLES = (ANONYMOUS, *PEOPLE)


@dataclass
class World:
    people: dict[str, User]
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


def _sentinel_person(role: str, number: int) -> User:
    user = UserFactory(
        username=role,
        email=f"canary.{role}.{number}7q@sentinel.test",
        last_name=f"Zzcanary{role.title()}lastname",
        phone_number=f"+1 555 01{number}0 {number}{number}7{number}",
        birth_date=date(1931, 3, 10 + number),
        payment_customer_id=f"cus_CANARY{role.upper()}{number}x7",
        staff=role == "staff",
    )
    UserInternalMetricsFactory(
        user=user,
        absentee_rating=float(f"0.{number}31415"),
        internal_attractiveness_rating=float(f"{number}.271828"),
    )
    return user


def build_world() -> World:
    world = World(people={role: _sentinel_person(role, n) for n, role in enumerate(PEOPLE, 1)})
    _people_objects(world)
    _console_objects(world)
    return world


def _people_objects(world: World) -> None:
    """Profiles and the social graph. The host is a host with photos, cities, interests, moods,
    a past event the guest attended and rated, and an upcoming one; the guest follows the host;
    the invitee likes the host and asks to follow them; staff blocked the stranger, whom the
    guest reported."""
    from events.factories import AttendanceFactory, EventFactory, RatingFactory
    from profiles import services
    from profiles.factories import (
        CityFactory,
        HostProfileFactory,
        InterestFactory,
        MoodFactory,
        add_photo,
    )

    profiles = {role: user.social_profile for role, user in world.people.items()}
    for role, profile in profiles.items():
        services.update_profile(profile, first_name=role.title(), bio=f"The {role} of the world.")
    host = profiles["host"]
    paris, lyon = CityFactory(name="Paris"), CityFactory(name="Lyon")
    services.add_city(host, paris)
    world.objects["host_city"] = services.add_city(host, lyon)
    services.set_interests(host, [InterestFactory(name="Hiking"), InterestFactory(name="Jazz")])
    services.set_moods(host, [MoodFactory(name="Chatty")])
    world.objects["photo"] = add_photo(host)
    add_photo(host, colour=(20, 120, 90))
    add_photo(host, kind="cover")
    host_profile = HostProfileFactory(user=world.host, host_name="Host's Table")
    past = EventFactory(host=host_profile, city=paris, past=True)
    AttendanceFactory(event=past, profile=profiles["guest"])
    RatingFactory(event=past, rater=profiles["guest"], host_rating_value=5, event_rating_value=4)
    follow = services.request_follow(profiles["guest"], host)
    services.accept_follow(follow, by=host)
    world.objects["follow_request"] = services.request_follow(profiles["invitee"], host)
    services.like(profiles["invitee"], host)
    services.block(profiles["staff"], profiles["stranger"])
    services.report(profiles["guest"], profiles["stranger"], reason="spam", note="Harness.")
    _event_objects(world, host_profile, paris)


# The exact address of the world's private event: for its host and confirmed guests only.
PRIVATE_ADDRESS = "7 Secret Lane"


def _event_objects(world: World, host_profile, city) -> None:
    """The host's upcoming private event: the guest has a confirmed seat and is interested, the
    invitee holds a sent invitation, the stranger is not invited. A public paid event in the
    same city is discoverable."""
    from events import services
    from events.factories import EventFactory

    profiles = {role: user.social_profile for role, user in world.people.items()}
    event = EventFactory(
        host=host_profile, city=city, title="Supper at the host's", location=PRIVATE_ADDRESS
    )
    guest = services.invite(event, profiles["guest"], by=host_profile)
    services.accept_invitation(guest, by=profiles["guest"])
    world.objects["invitation"] = services.invite(event, profiles["invitee"], by=host_profile)
    services.mark_interested(event, by=profiles["guest"])
    world.objects["event"] = event
    world.objects["public_event"] = EventFactory(
        host=host_profile, city=city, title="Open picnic", is_private=False, fee_cents=1200
    )


def _console_objects(world: World) -> None:
    """One row of every model the console shows, so each of its pages has an object to open."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.tasks import send_email

    Group.objects.create(name="Moderators")
    TOTP.activate(world.staff, "JBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(world.staff)
    UserSession.objects.create(
        user=world.host, ip="192.0.2.7", session_key="harness-session", user_agent="Harness"
    )
    with connection.cursor() as cursor:  # a job row even while tests queue jobs in memory
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES (%s, %s, %s)",
            ["emails", send_email.name, json.dumps({"message": {"subject": "Harness"}})],
        )


def private_strings(user: User) -> set[str]:
    """Every way a person's private data or internal metrics could show up in text."""
    values = {user.email, user.phone_number, user.last_name, user.payment_customer_id}
    local_part = user.email.split("@")[0]
    if local_part.lower() != user.username.lower():  # a username is public
        values.add(local_part)
    if user.birth_date:
        born = user.birth_date
        values |= {
            born.isoformat(),
            born.strftime("%d/%m/%Y"),
            born.strftime("%m/%d/%Y"),
            f"{born:%B} {born.day}, {born.year}",
            f"{born:%b}. {born.day}, {born.year}",
            f"{born.day} {born:%B} {born.year}",
        }
    metrics = getattr(user, "internal_metrics", None)
    if metrics is not None:
        metrics.refresh_from_db()
        for number in (metrics.absentee_rating, metrics.internal_attractiveness_rating):
            if number not in (0.0, 1.0):
                text = repr(number)
                values |= {text, text.replace(".", ",")}
    # Too short to be a sentinel: defaults and common values would match anywhere.
    return {value for value in values if value and len(value) >= 6}
