"""The people of the demo world, created like real sign-ups (factories → accounts.services)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.models import Notification, User

DEMO_PASSWORD = "momento-demo-2026"
DEMO_DOMAIN = "demo.momento.localhost"


@dataclass(frozen=True)
class Person:
    username: str
    last_name: str
    birth_date: datetime.date
    phone_number: str
    role: str = "participant"

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_DOMAIN}"


PEOPLE = [
    Person("ana", "Moreau", datetime.date(1994, 3, 12), "+33 6 12 34 56 01"),
    Person("hugo", "Lambert", datetime.date(1988, 7, 2), "+33 6 12 34 56 02", role="host"),
    Person("sam", "Okafor", datetime.date(1985, 11, 23), "+33 6 12 34 56 03", role="staff"),
    Person("lea", "Girard", datetime.date(1997, 1, 30), "+33 6 12 34 56 04"),
    Person("noah", "Weber", datetime.date(1991, 5, 18), "+49 151 2345 6705"),
    Person("mia", "Rossi", datetime.date(1999, 9, 9), "+39 347 123 4506"),
    Person("yuki", "Tanaka", datetime.date(1993, 4, 4), "+81 90 1234 5607"),
    Person("omar", "Haddad", datetime.date(1990, 12, 1), "+33 6 12 34 56 08"),
    Person("ines", "Costa", datetime.date(1996, 6, 21), "+351 912 345 609"),
    Person("leo", "Nowak", datetime.date(1989, 8, 14), "+48 512 345 610"),
    Person("chloe", "Martin", datetime.date(1995, 2, 27), "+33 6 12 34 56 11"),
    Person("ravi", "Patel", datetime.date(1992, 10, 5), "+44 7700 900612", role="host"),
]

# What `make run` prints: one log-in per role.
LOGINS = {person.role: person.email for person in PEOPLE[:3]}


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    created: list[object] = field(default_factory=list)


def seed(world: World | None = None) -> World:
    world = world or World()
    # Everyone shares the demo password: hash it once rather than once per person.
    password_hash = make_password(DEMO_PASSWORD)
    existing = {user.email: user for user in User.objects.filter(email__endswith=DEMO_DOMAIN)}
    for person in PEOPLE:
        user = existing.get(person.email)
        if user is None:
            user = UserFactory(
                username=person.username,
                email=person.email,
                password=None,
                last_name=person.last_name,
                birth_date=person.birth_date,
                phone_number=person.phone_number,
                staff=person.role == "staff",
            )
            User.objects.filter(pk=user.pk).update(password=password_hash)
            world.created.append(user)
        world.users[person.username] = user
    return world


UNREAD_KEPT = 2


def settle_notifications(world: World) -> None:
    """After the world is built, its people have been told about what happened to them (the
    services' own notifications); like a real person, each has read all but the latest few."""
    for user in world.users.values():
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        older = unread.order_by("-created_at", "-id").values_list("pk", flat=True)[UNREAD_KEPT:]
        Notification.objects.filter(pk__in=list(older)).update(read_at=timezone.now())


def seed_referrals(world: World) -> None:
    """Ana's invitations to friends, one in each state: open, expired, and accepted (Chloe
    joined through hers)."""
    from accounts.models import Referral
    from accounts.services import refer

    ana = world.users["ana"]
    if Referral.objects.filter(inviter=ana).exists():
        return
    world.created.append(refer(ana, "lucie@example.com"))
    expired = refer(ana, "marc@example.com")
    Referral.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - Referral.LASTS - datetime.timedelta(days=3),
        expires_at=timezone.now() - datetime.timedelta(days=3),
    )
    joined = refer(ana, "chloe.friend@example.com")
    Referral.objects.filter(pk=joined.pk).update(
        joined_by=world.users["chloe"], accepted_at=timezone.now() - datetime.timedelta(days=20)
    )
    world.created += [expired, joined]
