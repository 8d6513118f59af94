"""The people of a generated world (momento/world.py): users with a verified primary email
address and the world's one password, their private data, and their internal metrics (the
absentee rating is computed from attendance by events/world.py)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings

from accounts.models import User, UserInternalMetrics

if TYPE_CHECKING:
    from momento.world import World

DOMAIN = "world.momento.localhost"
BIG_HOST = "big_host"
BUSY_MEMBER = "busy_member"
STAFF = "world_staff"
# The first members are the benchmark's targets and the staff log-in, by name.
SPECIAL = [BIG_HOST, BUSY_MEMBER, STAFF]
INACTIVE_SHARE = 0.003

FIRST_NAMES = [
    "Ana",
    "Hugo",
    "Sam",
    "Lea",
    "Noah",
    "Mia",
    "Yuki",
    "Omar",
    "Ines",
    "Leo",
    "Chloe",
    "Ravi",
    "Emma",
    "Lucas",
    "Sofia",
    "Mateo",
    "Amara",
    "Kofi",
    "Nina",
    "Jonas",
    "Aisha",
    "Tomas",
    "Elif",
    "Marco",
    "Zoe",
    "Felix",
    "Laila",
    "Oscar",
    "Maya",
    "Ivan",
    "Priya",
    "Diego",
    "Hana",
    "Youssef",
    "Clara",
    "Arjun",
    "Freya",
    "Malik",
    "Lina",
    "Pablo",
    "Selma",
    "Theo",
    "Nadia",
    "Emil",
    "Rosa",
    "Karim",
    "Alice",
    "Jan",
    "Ingrid",
    "Samir",
]
LAST_NAMES = [
    "Moreau",
    "Lambert",
    "Okafor",
    "Girard",
    "Weber",
    "Rossi",
    "Tanaka",
    "Haddad",
    "Costa",
    "Nowak",
    "Martin",
    "Patel",
    "Dubois",
    "Schmidt",
    "Garcia",
    "Silva",
    "Novak",
    "Jensen",
    "Kowalski",
    "Bernard",
    "Fischer",
    "Romano",
    "Yilmaz",
    "Sato",
    "Mensah",
    "Ortiz",
]

MODELS = [User, EmailAddress, UserInternalMetrics]


def generate(world: World) -> None:
    rng = world.rng
    n = world.members
    languages = [code for code, _ in settings.LANGUAGES]
    for i in range(n):
        first = rng.choice(FIRST_NAMES)
        world.user_ids.append(world.uuid())
        world.first_names.append(first)
        world.usernames.append(SPECIAL[i] if i < len(SPECIAL) else f"{first.lower()}{i}")
        days = 730 if i < len(SPECIAL) else rng.uniform(20, 730)
        world.joined.append(world.ago(days=days))
    world.staff = SPECIAL.index(STAFF)
    inactive = {
        i for i in range(len(SPECIAL), n) if rng.random() < INACTIVE_SHARE and n > MIN_ACTIVE
    }
    world.pool = [i for i in range(n) if i != world.staff and i not in inactive]
    ordinary = [i for i in world.pool if i >= len(SPECIAL)]
    world.sample = rng.sample(ordinary, min(len(ordinary), 50))

    def users():
        for i in range(n):
            joined = world.joined[i]
            recently = rng.random() < 0.7
            yield (
                world.user_ids[i],
                world.usernames[i],
                f"{world.usernames[i]}@{DOMAIN}",
                world.password_hash,
                i == world.staff,  # is_staff
                i == world.staff,  # is_superuser
                i not in inactive,
                joined,
                world.between(world.ago(days=30), world.now) if recently else None,
                rng.choice(LAST_NAMES),
                _phone(rng),
                datetime.date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28)),
                languages[0] if rng.random() < 0.7 else rng.choice(languages),
                joined,
            )

    world.copy(
        User,
        [
            "id",
            "username",
            "email",
            "password",
            "is_staff",
            "is_superuser",
            "is_active",
            "date_joined",
            "last_login",
            "last_name",
            "phone_number",
            "birth_date",
            "language_preference",
            "updated_at",
        ],
        users(),
    )
    world.copy(
        EmailAddress,
        ["user", "email", "verified", "primary"],
        ((world.user_ids[i], f"{world.usernames[i]}@{DOMAIN}", True, True) for i in range(n)),
    )
    world.copy(
        UserInternalMetrics,
        ["user", "absentee_rating", "internal_attractiveness_rating", "updated_at"],
        ((world.user_ids[i], 1.0, round(rng.uniform(0, 5), 2), world.now) for i in range(n)),
    )
    world.targets["big_host_username"] = BIG_HOST
    world.targets["busy_member_username"] = BUSY_MEMBER
    world.targets["staff_username"] = STAFF
    world.targets["email_domain"] = DOMAIN


MIN_ACTIVE = 200  # small worlds have nobody inactive: every member may be in the sample


def _phone(rng) -> str:
    return "+33 6 " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
