"""The people side of a generated world (momento/world.py): the catalogs, every member's public
profile with interests, moods and cities (exactly one current and one primary each), host
profiles, and the social graph: likes, follows (pending, accepted, declined), a few blocks and
reports, and portraits for some: a handful of pictures stored once and shared by everyone's photo
rows (deleting one such photo in the app deletes the files the others show too)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connection

from profiles import demo, images
from profiles.models import (
    Block,
    City,
    Follow,
    HostProfile,
    Interest,
    Like,
    Mood,
    Photo,
    ProfileInterest,
    ProfileMood,
    Report,
    SocialProfile,
    UserCity,
)
from profiles.zones import zone_for

if TYPE_CHECKING:
    from momento.world import World

INTERESTS = [
    *demo.INTERESTS,
    *[
        "Baking",
        "Birdwatching",
        "Gardening",
        "Karaoke",
        "Knitting",
        "Painting",
        "Surfing",
        "Swimming",
        "Tennis",
        "Volunteering",
        "Architecture",
        "Astronomy",
        "Comedy",
        "Crafts",
        "Design",
        "Football",
        "Meditation",
        "Opera",
        "Podcasts",
        "Reading",
    ],
]
CITIES = [
    *demo.CITIES,
    ("Bordeaux", "France"),
    ("Toulouse", "France"),
    ("Nantes", "France"),
    ("Lille", "France"),
    ("Munich", "Germany"),
    ("Hamburg", "Germany"),
    ("Porto", "Portugal"),
    ("Madrid", "Spain"),
    ("Barcelona", "Spain"),
    ("Valencia", "Spain"),
    ("Rome", "Italy"),
    ("Milan", "Italy"),
    ("Amsterdam", "Netherlands"),
    ("Brussels", "Belgium"),
    ("Vienna", "Austria"),
    ("Zurich", "Switzerland"),
    ("Copenhagen", "Denmark"),
    ("Manchester", "United Kingdom"),
    ("Edinburgh", "United Kingdom"),
    ("Dublin", "Ireland"),
]
# Most people live in the first few cities: pages about a big city have a lot to show.
CITY_WEIGHTS = [12, 5, 3, 6, 4, 8, *([1] * (len(CITIES) - 6))]
OCCUPATIONS = [
    "Designer",
    "Chef",
    "Teacher",
    "Nurse",
    "Developer",
    "Architect",
    "Student",
    "Photographer",
    "Translator",
    "Engineer",
    "Physiotherapist",
    "Journalist",
    "Musician",
    "Lawyer",
    "Researcher",
    "Product manager",
    "Baker",
    "Gardener",
]
GENDERS = ["Woman", "Man", "Non-binary", ""]
BIOS = [
    "Weekend hiker, weekday museum-goer. I always know a good bakery nearby.",
    "Long tables, small groups, and one more story before dessert.",
    "New in town and saying yes to everything for a year.",
    "Board games on Sundays, early runs on Mondays, jazz whenever.",
    "I cook too much and like company to eat it.",
    "",
]
NOTE = "Generated for the benchmark world."

MODELS = [
    Interest,
    Mood,
    City,
    SocialProfile,
    ProfileInterest,
    ProfileMood,
    UserCity,
    HostProfile,
    Like,
    Follow,
    Block,
    Report,
    Photo,
]


PICTURES = 4  # stored once, each shown by many photo rows
PHOTO_SHARE = 0.4  # of onboarded people, with one to three portraits


def generate(world: World) -> None:
    _catalogs(world)
    onboarded = _profiles(world)
    _hosts(world)
    _social_graph(world)
    _photos(world, onboarded)


def _catalogs(world: World) -> None:
    interests = world.bulk_create(Interest, [Interest(name=name) for name in INTERESTS])
    world.interest_ids = [interest.pk for interest in interests]
    world.bulk_create(Mood, [Mood(name=name, emoji=emoji) for name, emoji in demo.MOODS.items()])
    cities = world.bulk_create(
        City, [City(name=name, country=c, time_zone=zone_for(name, c)) for name, c in CITIES]
    )
    world.city_ids = [city.pk for city in cities]
    world.city_countries = [country for _, country in CITIES]


def _profiles(world: World) -> list[bool]:
    rng, n = world.rng, world.members
    everyone_onboarded = {*range(3), *world.sample}
    onboarded_at = [i in everyone_onboarded or rng.random() < 0.9 for i in range(n)]
    cities = range(len(world.city_ids))
    world.profile_ids = [world.uuid() for _ in range(n)]
    world.home_city = rng.choices(cities, weights=CITY_WEIGHTS, k=n)

    def profiles():
        for i in range(n):
            joined = world.joined[i]
            onboarded = onboarded_at[i]
            first = world.first_names[i]
            home = CITIES[world.home_city[i]][0]
            yield (
                world.profile_ids[i],
                world.user_ids[i],
                first if onboarded or rng.random() < 0.5 else "",
                first[:3] if rng.random() < 0.05 else "",
                rng.choice(BIOS) if onboarded else "",
                rng.choice(GENDERS),
                rng.choice(OCCUPATIONS) if onboarded else "",
                f"Centre, {home}" if onboarded else "",
                world.between(joined, world.now) if onboarded else None,
                None if onboarded or rng.random() < 0.5 else world.now,
                joined,
                joined,
            )

    world.copy(
        SocialProfile,
        [
            "id",
            "user",
            "first_name",
            "preferred_name",
            "bio",
            "gender",
            "occupation",
            "location",
            "onboarded_at",
            "onboarding_reminded_at",
            "created_at",
            "updated_at",
        ],
        profiles(),
    )
    interest_ids, mood_ids = world.interest_ids, list(Mood.objects.values_list("pk", flat=True))
    world.copy(
        ProfileInterest,
        ["profile", "interest"],
        (
            (world.profile_ids[i], interest)
            for i in range(n)
            for interest in rng.sample(interest_ids, rng.randint(2, 6))
        ),
    )
    world.copy(
        ProfileMood,
        ["profile", "mood", "created_at"],
        (
            (world.profile_ids[i], mood, world.between(world.joined[i], world.now))
            for i in range(n)
            for mood in rng.sample(mood_ids, rng.choice((0, 0, 1, 1, 2)))
        ),
    )
    with _one_current_and_primary_checked_at_once():
        world.copy(
            UserCity,
            ["id", "profile", "city", "is_current", "is_primary", "created_at"],
            (row for i in range(n) for row in _cities_of(world, i)),
        )
    return onboarded_at


# The rule of migration 0002's constraint trigger, for every person at once.
ONE_CURRENT_AND_PRIMARY = """
    SELECT count(*) FROM (
        SELECT profile_id FROM profiles_usercity GROUP BY profile_id
        HAVING count(*) FILTER (WHERE is_current) <> 1 OR count(*) FILTER (WHERE is_primary) <> 1
    ) AS wrong
"""


@contextmanager
def _one_current_and_primary_checked_at_once():
    """The trigger checks each row written with three lookups; for a whole world, its rule is
    checked once, by one query over the table, and the trigger is back before anything else."""
    trigger = "usercity_exactly_one_current_and_primary"
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE profiles_usercity DISABLE TRIGGER {trigger}")
        yield
        cursor.execute(f"ALTER TABLE profiles_usercity ENABLE TRIGGER {trigger}")
        cursor.execute(ONE_CURRENT_AND_PRIMARY)
        (wrong,) = cursor.fetchone()
    if wrong:
        raise ValueError(f"{wrong} people without exactly one current and one primary city.")


def _cities_of(world: World, i: int):
    """The home city first and primary; one or two more for some, one of them perhaps current."""
    rng = world.rng
    home = world.home_city[i]
    others = [c for c in rng.sample(range(len(world.city_ids)), 3) if c != home]
    extra = others[: rng.choice((0, 0, 0, 1, 1, 2))]
    current = rng.choice(extra) if extra and rng.random() < 0.4 else home
    for city in (home, *extra):
        yield (
            world.uuid(),
            world.profile_ids[i],
            world.city_ids[city],
            city == current,
            city == home,
            world.joined[i],
        )


def _hosts(world: World) -> None:
    """The big host, and about one member in twenty; not the busy member nor the sample, who
    are ordinary guests."""
    rng = world.rng
    guests_only = {1, *world.sample}
    others = [i for i in world.pool if i > 0 and i not in guests_only]
    members = [0, *(i for i in others if rng.random() < 0.05)]
    if len(members) < 4:
        members = [0, *others[:3]]
    world.hosts = {i: world.uuid() for i in members}
    world.copy(
        HostProfile,
        ["id", "user", "host_name", "host_bio", "created_at", "updated_at"],
        (
            (
                host_id,
                world.user_ids[i],
                f"{world.first_names[i]}'s table",
                "Small dinners and long walks with people I have not met yet.",
                world.joined[i],
                world.joined[i],
            )
            for i, host_id in world.hosts.items()
        ),
    )


def _pairs(world: World, k: int, *, among: list[int], taken: set | None = None) -> list:
    """`k` distinct ordered pairs of different members."""
    rng, taken = world.rng, taken if taken is not None else set()
    pairs = []
    for _ in range(k * 2):
        if len(pairs) == k:
            break
        a, b = rng.choice(among), rng.choice(among)
        if a != b and (a, b) not in taken:
            taken.add((a, b))
            pairs.append((a, b))
    return pairs


def _social_graph(world: World) -> None:
    rng, pool, p = world.rng, world.pool, world.profile_ids
    n = len(pool)

    def since(a: int, b: int):
        return world.between(max(world.joined[a], world.joined[b]), world.now)

    world.copy(
        Like,
        ["liker", "liked", "created_at"],
        ((p[a], p[b], since(a, b)) for a, b in _pairs(world, n * 5, among=pool)),
    )

    def follows():
        for a, b in _pairs(world, n * 4, among=pool):
            status = rng.choices(Follow.Status.values, weights=(20, 70, 10))[0]
            asked = since(a, b)
            answered = None if status == Follow.Status.PENDING else world.between(asked, world.now)
            yield (world.uuid(), p[a], p[b], status, asked, answered)

    world.copy(
        Follow, ["id", "follower", "followed", "status", "created_at", "responded_at"], follows()
    )
    # Blocks and reports stay away from the benchmark's targets: their pages show everything.
    ordinary = sorted(set(pool) - {0, 1, *world.sample})
    blocks = _pairs(world, max(n // 500, 1), among=ordinary)
    world.copy(
        Block,
        ["blocker", "blocked", "created_at"],
        ((p[a], p[b], since(a, b)) for a, b in blocks),
    )

    def reports():
        for a, b in _pairs(world, max(n // 1000, 1), among=ordinary):
            status = rng.choice(Report.Status.values)
            made = since(a, b)
            resolved = status != Report.Status.OPEN
            yield (
                world.uuid(),
                p[a],
                p[b],
                rng.choice(Report.Reason.values),
                NOTE,
                status,
                made,
                world.between(made, world.now) if resolved else None,
                world.user_ids[world.staff] if resolved else None,
            )

    world.copy(
        Report,
        [
            "id",
            "reporter",
            "reported",
            "reason",
            "note",
            "status",
            "created_at",
            "resolved_at",
            "resolved_by",
        ],
        reports(),
    )


def _photos(world: World, onboarded: list[bool]) -> None:
    """Last: the files stay behind in the storage if the transaction rolls back."""
    rng = world.rng
    if not any(onboarded):
        return
    pictures = [
        images.save_variants(demo.demo_image(f"world{k}", demo.PORTRAIT_SIZE), folder="photos")
        for k in range(PICTURES)
    ]

    def rows():
        for i, done in enumerate(onboarded):
            if not done or rng.random() >= PHOTO_SHARE:
                continue
            for position in range(rng.randint(1, 3)):
                picture = rng.choice(pictures)
                yield (
                    world.uuid(),
                    world.profile_ids[i],
                    Photo.Kind.PORTRAIT,
                    position,
                    picture.names["large"],
                    picture.names["medium"],
                    picture.names["thumb"],
                    picture.width,
                    picture.height,
                    world.joined[i],
                )

    fields = "id profile kind position large medium thumb width height created_at"
    world.copy(Photo, fields.split(), rows())
