"""The people side of the demo world: profiles, photos, interests, moods, cities, hosting, a few
events, and the social graph, written through profiles.services like the app writes them.

Idempotent: every object is looked up before it is made, so a second run creates nothing, sends no
email and stores no photo. Profile fields are only filled in while a profile is still empty, so what
someone changes while trying the demo stays changed.
"""

from __future__ import annotations

import colorsys
import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from events import services as events_services
from events.factories import EventFactory
from events.models import Attendance, AttendanceReport, Event, Invitation, Rating
from profiles import services
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
)
from profiles.zones import zone_for

if TYPE_CHECKING:
    from accounts.demo import World

INTERESTS = [
    "Hiking",
    "Cooking",
    "Board games",
    "Jazz",
    "Photography",
    "Wine tasting",
    "Running",
    "Vintage film",
    "Climbing",
    "Pottery",
    "Languages",
    "Cycling",
    "Theatre",
    "Yoga",
    "Museums",
    "Street food",
    "Poetry",
    "Chess",
    "Sailing",
    "Dancing",
]

MOODS = {
    "Up for a long walk": "🚶",
    "Craving good food": "🍝",
    "Want to meet new people": "👋",
    "Feeling creative": "🎨",
    "Need to unwind": "🌿",
    "Up for an adventure": "🧗",
    "Chatty": "💬",
    "Curious": "🔎",
}

CITIES = [
    ("Paris", "France"),
    ("Lyon", "France"),
    ("Marseille", "France"),
    ("Berlin", "Germany"),
    ("Lisbon", "Portugal"),
    ("London", "United Kingdom"),
]


@dataclass(frozen=True)
class Face:
    """What one demo person shows in public. Never their last name or any other private data:
    emails about them go to the others (tests/mail.py checks)."""

    first_name: str
    bio: str
    gender: str
    occupation: str
    location: str
    interests: list[str]
    moods: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)  # the first one is current and primary
    current_city: str = ""  # a later city made current; the first one stays primary
    preferred_name: str = ""
    onboarded: bool = True
    portraits: int = 1
    cover: bool = False


FACES = {
    "ana": Face(
        "Ana",
        "Weekend hiker, weekday museum-goer. I always know a good bakery nearby.",
        "Woman",
        "Graphic designer",
        "Montmartre, Paris",
        ["Hiking", "Photography", "Museums", "Wine tasting"],
        moods=["Up for a long walk", "Want to meet new people"],
        cities=["Paris"],
        portraits=3,
        cover=True,
    ),
    "hugo": Face(
        "Hugo",
        "I cook for people I have just met and it usually works out. Long tables, small groups.",
        "Man",
        "Chef",
        "Croix-Rousse, Lyon",
        ["Cooking", "Wine tasting", "Jazz", "Street food"],
        moods=["Craving good food"],
        cities=["Lyon", "Paris"],
        portraits=2,
        cover=True,
    ),
    "sam": Face(
        "Samuel",
        "Board games, chess, early runs. I keep Momento tidy during the week.",
        "Man",
        "Community manager",
        "Belleville, Paris",
        ["Board games", "Chess", "Running"],
        cities=["Paris"],
        preferred_name="Sam",
    ),
    "lea": Face(
        "Léa",
        "Spending the year in Lisbon to learn Portuguese. Yoga in the morning, poetry at night.",
        "Woman",
        "Translator",
        "Alfama, Lisbon",
        ["Yoga", "Pottery", "Poetry", "Languages"],
        moods=["Feeling creative"],
        cities=["Paris", "Lisbon"],
        current_city="Lisbon",
        portraits=2,
    ),
    "noah": Face(
        "Noah",
        "Cycling around Berlin, bouldering on weekends, jazz bars after.",
        "Man",
        "Software developer",
        "Kreuzberg, Berlin",
        ["Cycling", "Climbing", "Jazz"],
        moods=["Up for an adventure", "Chatty"],
        cities=["Berlin"],
        portraits=3,
    ),
    "mia": Face(
        "Emilia",
        "New in Paris. Show me your favourite dance floor and your favourite street food.",
        "Woman",
        "Architecture student",
        "Le Marais, Paris",
        ["Dancing", "Theatre", "Street food"],
        moods=["Want to meet new people"],
        cities=["Paris"],
        preferred_name="Mia",
        onboarded=False,
    ),
    "yuki": Face(
        "Yuki",
        "Film cameras, old cinemas and clay. Between Paris and London these days.",
        "Non-binary",
        "Photographer",
        "Shoreditch, London",
        ["Photography", "Vintage film", "Museums", "Pottery", "Languages"],
        moods=["Curious", "Feeling creative"],
        cities=["Paris", "London"],
        current_city="London",
        portraits=3,
    ),
    "omar": Face(
        "Omar",
        "Sailing when there is wind, cooking when there is not.",
        "Man",
        "Marine engineer",
        "Le Panier, Marseille",
        ["Sailing", "Cooking", "Street food"],
        cities=["Marseille"],
        onboarded=False,
    ),
    "ines": Face(
        "Inês",
        "Five languages, two left feet, always up for a dance class anyway.",
        "Woman",
        "Teacher",
        "Príncipe Real, Lisbon",
        ["Languages", "Dancing", "Poetry", "Sailing"],
        moods=["Chatty"],
        cities=["Lisbon", "Paris"],
        portraits=2,
        cover=True,
    ),
    "leo": Face(
        "Leopold",
        "Chess in the park, board games at home, a bike to get between them.",
        "Man",
        "Data analyst",
        "Prenzlauer Berg, Berlin",
        ["Chess", "Board games", "Cycling"],
        moods=["Need to unwind"],
        cities=["Berlin"],
        preferred_name="Leo",
    ),
    "chloe": Face(
        "Chloé",
        "Runner, yogi, and the one who plans the hike.",
        "Woman",
        "Physiotherapist",
        "Presqu'île, Lyon",
        ["Running", "Yoga", "Hiking"],
        moods=["Up for a long walk", "Need to unwind"],
        cities=["Lyon", "Marseille", "Paris"],
        portraits=2,
    ),
    "ravi": Face(
        "Ravi",
        "I host supper clubs in my flat: one long table, one big pot, strangers by dessert.",
        "Man",
        "Product manager",
        "Hackney, London",
        ["Cooking", "Languages", "Theatre", "Jazz"],
        moods=["Craving good food", "Want to meet new people"],
        cities=["London"],
        portraits=3,
        cover=True,
    ),
}

HOSTS = {
    "hugo": (
        "Hugo's Long Table",
        "Dinners for six to ten in Lyon and Paris: seasonal food from the market, natural wine, "
        "and a seating plan that mixes people up.",
    ),
    "ravi": (
        "Ravi's Supper Club",
        "Home-cooked suppers in East London. Tell me what you cannot eat; I will cook around it.",
    ),
}


@dataclass(frozen=True)
class DemoEvent:
    host: str
    title: str
    city: str
    location: str
    days_from_now: int  # negative: in the past
    tags: list[str]
    # username -> (attendance status, host rating, event rating); no rating for a no-show.
    attendees: dict[str, tuple[str, int | None, int | None]] = field(default_factory=dict)
    # (who, about whom, status): an attendee's word on another guest, or, about themself, a
    # guest disputing the host's no-show; made a few hours after the host's report.
    said: list[tuple[str, str, str]] = field(default_factory=list)


ATTENDED = Attendance.Status.ATTENDED
LATE = Attendance.Status.LATE
NO_SHOW = Attendance.Status.NO_SHOW

# Past events (completed, dated before the seed) only exist so that profile pages show events
# attended and hosted and average ratings; the events issue brings real ones.
EVENTS = [
    DemoEvent(
        "hugo",
        "Bouchon night for eight",
        "Lyon",
        "Rue Mercière",
        -40,
        ["Cooking", "Wine tasting"],
        {
            "ana": (ATTENDED, 5, 5),
            "chloe": (ATTENDED, 4, 4),
            "sam": (ATTENDED, 5, 4),
            "omar": (NO_SHOW, None, None),
        },
    ),
    DemoEvent(
        "hugo",
        "Market walk and brunch",
        "Paris",
        "Marché d'Aligre",
        -12,
        ["Street food", "Hiking"],
        {
            "ana": (ATTENDED, 4, 5),
            "mia": (ATTENDED, 5, 4),
            "yuki": (LATE, 4, 3),
            "omar": (NO_SHOW, None, None),
        },
        # Omar says he was there and Mia agrees: a dispute for staff, still undecided.
        said=[("omar", "omar", ATTENDED), ("mia", "omar", ATTENDED), ("ana", "yuki", LATE)],
    ),
    DemoEvent(
        "hugo",
        "Dumplings and mahjong",
        "Paris",
        "Belleville",
        -2,
        ["Board games", "Cooking"],
        # Reported two days ago: Chloe may still dispute her no-show (log in as her).
        {"ana": (ATTENDED, None, None), "sam": (LATE, None, None), "chloe": (NO_SHOW, None, None)},
    ),
    DemoEvent(
        "ravi",
        "Curry and conversation",
        "London",
        "Hackney",
        -30,
        ["Cooking", "Languages"],
        {"yuki": (ATTENDED, 5, 5), "ines": (ATTENDED, 4, 4), "lea": (ATTENDED, 3, 4)},
    ),
    DemoEvent(
        "ravi",
        "Theatre, then tapas",
        "London",
        "South Bank",
        -8,
        ["Theatre", "Street food"],
        {"ana": (ATTENDED, 5, 4), "noah": (ATTENDED, 4, 3), "leo": (ATTENDED, 5, 5)},
    ),
    DemoEvent("hugo", "Jazz and natural wine", "Lyon", "Quai Saint-Vincent", 10, ["Jazz"]),
    DemoEvent("ravi", "Board games supper", "London", "Hackney", 14, ["Board games", "Cooking"]),
]

LIKES = [
    ("ana", "hugo"),
    ("ana", "yuki"),
    ("hugo", "ana"),
    ("lea", "ana"),
    ("omar", "ana"),
    ("noah", "mia"),
    ("mia", "noah"),
    ("yuki", "ines"),
    ("ines", "lea"),
    ("chloe", "ravi"),
    ("ravi", "chloe"),
    ("leo", "sam"),
    ("sam", "yuki"),
]

ACCEPTED_FOLLOWS = [
    ("ana", "hugo"),
    ("hugo", "ana"),
    ("ana", "lea"),
    ("yuki", "ana"),
    ("lea", "yuki"),
    ("noah", "leo"),
    ("mia", "ines"),
    ("ines", "mia"),
    ("chloe", "hugo"),
    ("ravi", "hugo"),
    ("sam", "ravi"),
]
PENDING_FOLLOWS = [("noah", "ana"), ("ravi", "lea")]  # ana, the demo log-in, has a request

BLOCK = ("leo", "omar")
REPORT = (
    "leo",
    "omar",
    "harassment",
    "Kept messaging me after a board-game night, even after I asked him to stop.",
)


def seed(world: World) -> World:
    """Add the people side to `world` (accounts.demo.seed's), appending what it creates."""
    interests = _catalog(world, Interest, {name: {} for name in INTERESTS})
    moods = _catalog(world, Mood, {name: {"emoji": emoji} for name, emoji in MOODS.items()})
    cities = _cities(world)
    profiles = {
        profile.user.username: profile
        for profile in SocialProfile.objects.select_related("user").filter(
            user__in=world.users.values()
        )
    }
    for username, face in FACES.items():
        _fill_profile(world, profiles[username], face, interests, moods, cities)
    hosts = _hosts(world)
    _events(world, hosts, profiles, cities, interests)
    _social_graph(world, profiles)
    # Last: files stay behind in MEDIA_ROOT if the command's transaction rolls back.
    for username, face in FACES.items():
        _photos(world, profiles[username], face)
    return world


# Catalogs ------------------------------------------------------------------------------------


def _catalog(world: World, model, entries: dict[str, dict]) -> dict:
    # Names are unique whatever their case: look them up the same way.
    found = {}
    for name, defaults in entries.items():
        obj, created = model.objects.get_or_create(
            name__iexact=name, defaults={"name": name, **defaults}
        )
        if created:
            world.created.append(obj)
        found[name] = obj
    return found


def _cities(world: World) -> dict[str, City]:
    found = {}
    for name, country in CITIES:
        city, created = City.objects.get_or_create(
            name__iexact=name,
            country__iexact=country,
            defaults={"name": name, "country": country, "time_zone": zone_for(name, country)},
        )
        if created:
            world.created.append(city)
        found[name] = city
    return found


# Profiles ------------------------------------------------------------------------------------


def _fill_profile(world, profile, face: Face, interests, moods, cities) -> None:
    if profile.first_name == "":
        services.update_profile(
            profile,
            first_name=face.first_name,
            preferred_name=face.preferred_name,
            bio=face.bio,
            gender=face.gender,
            occupation=face.occupation,
            location=face.location,
        )
    if not ProfileInterest.objects.filter(profile=profile).exists():
        services.set_interests(profile, [interests[name] for name in face.interests])
        world.created.extend(ProfileInterest.objects.filter(profile=profile))
    if face.moods and not ProfileMood.objects.filter(profile=profile).exists():
        services.set_moods(profile, [moods[name] for name in face.moods])
        world.created.extend(ProfileMood.objects.filter(profile=profile))
    if face.cities and not profile.cities.exists():
        added = {name: services.add_city(profile, cities[name]) for name in face.cities}
        world.created.extend(added.values())
        if face.current_city:
            services.set_current_city(added[face.current_city])
    if face.onboarded:
        services.finish_onboarding(profile)


def _hosts(world: World) -> dict[str, HostProfile]:
    hosts = {}
    for username, (host_name, host_bio) in HOSTS.items():
        user = world.users[username]
        host = HostProfile.objects.filter(user=user).first()
        if host is None:
            host = services.save_host_profile(user, host_name=host_name, host_bio=host_bio)
            world.created.append(host)
        hosts[username] = host
    return hosts


def _events(world, hosts, profiles, cities, interests) -> None:
    evening = timezone.now().replace(hour=19, minute=0, second=0, microsecond=0)
    for spec in EVENTS:
        host = hosts[spec.host]
        event = Event.objects.filter(host=host, title=spec.title).first()
        if event is None:
            past = spec.days_from_now < 0
            starts_at = evening + datetime.timedelta(days=spec.days_from_now)
            event = EventFactory(
                host=host,
                title=spec.title,
                description=(
                    "A past demo event: it happened before the demo world was made."
                    if past
                    else "An upcoming demo event."
                ),
                city=cities[spec.city],
                location=spec.location,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=3),
                min_participants=2,
                max_participants=8,
                estimated_cost="€25 each",
                status=Event.Status.COMPLETED if past else Event.Status.PLANNED,
            )
            event.tags.set([interests[name] for name in spec.tags])
            world.created.append(event)
            world.created.extend(Event.tags.through.objects.filter(event=event))
        for username, (status, host_rating, event_rating) in spec.attendees.items():
            profile = profiles[username]
            # Whoever was reported, came or not, had a confirmed seat.
            invitation, created = Invitation.objects.get_or_create(
                event=event,
                profile=profile,
                defaults={
                    "status": Invitation.Status.CONFIRMED,
                    "responded_at": event.starts_at - datetime.timedelta(days=3),
                },
            )
            if created:
                world.created.append(invitation)
            attendance, created = Attendance.objects.get_or_create(
                event=event,
                profile=profile,
                defaults={
                    "status": status,
                    "reported_by": profiles[spec.host],
                    "reported_at": event.ends_at + datetime.timedelta(hours=2),
                },
            )
            if created:
                world.created.append(attendance)
            if host_rating is None:
                continue
            rating, created = Rating.objects.get_or_create(
                event=event,
                rater=profile,
                defaults={
                    "rated_host": host,
                    "host_rating_value": host_rating,
                    "event_rating_value": event_rating,
                },
            )
            if created:
                world.created.append(rating)
        for who, about, status in spec.said:
            report, created = AttendanceReport.objects.get_or_create(
                attendance=Attendance.objects.get(event=event, profile=profiles[about]),
                reported_by=profiles[who],
                defaults={
                    "status": status,
                    "created_at": event.ends_at + datetime.timedelta(hours=9),
                },
            )
            if created:
                world.created.append(report)
    # Reliability follows from what counts, as the worker would have computed it.
    events_services.recompute_absentee_ratings()
    _after_the_evenings(world, hosts, profiles)


def _after_the_evenings(world, hosts, profiles) -> None:
    """Ratings published (every attendee rated, or the 14 days passed) and one still blind, a
    comment with the host's reply, and a mutual "would meet again", through the services."""
    bouchon, market, dumplings = (
        Event.objects.get(host=hosts["hugo"], title=title)
        for title in ("Bouchon night for eight", "Market walk and brunch", "Dumplings and mahjong")
    )
    # Still blind: Ana rated the dumplings two days ago, Sam has not yet (log in as Hugo).
    rating, created = Rating.objects.get_or_create(
        event=dumplings,
        rater=profiles["ana"],
        defaults={"rated_host": hosts["hugo"], "host_rating_value": 5, "event_rating_value": 4},
    )
    if created:
        world.created.append(rating)
    # The sweep publishes the bouchon (its window closed) and the market (everyone rated).
    events_services.publish_due_ratings()
    comment = Rating.objects.get(event=bouchon, rater=profiles["ana"])
    if not comment.comment:
        comment.comment = "The best bouchon of my year, and a table that kept talking until late."
        comment.save(update_fields=["comment"])
    if not comment.reply:
        events_services.reply_to_rating(
            comment, by=hosts["hugo"], text="Thank you, Ana! Same table next winter?"
        )
    if not market.meet_again.exists():
        for chooser, chosen in (("ana", "mia"), ("mia", "ana"), ("yuki", "ana")):
            events_services.choose_to_meet_again(
                market, by=profiles[chooser], chosen=[profiles[chosen]]
            )
        world.created.extend(market.meet_again.all())


# The social graph ----------------------------------------------------------------------------


def _social_graph(world: World, profiles: dict[str, SocialProfile]) -> None:
    # The block first: the services then refuse any like or follow across it.
    blocker, blocked = (profiles[name] for name in BLOCK)
    if not Block.objects.filter(blocker=blocker, blocked=blocked).exists():
        world.created.append(services.block(blocker, blocked))

    reporter_name, reported_name, reason, note = REPORT
    reporter, reported = profiles[reporter_name], profiles[reported_name]
    if not Report.objects.filter(reporter=reporter, reported=reported).exists():
        world.created.append(services.report(reporter, reported, reason=reason, note=note))

    for liker, liked in LIKES:
        if not Like.objects.filter(liker=profiles[liker], liked=profiles[liked]).exists():
            world.created.append(services.like(profiles[liker], profiles[liked]))

    # Only new requests: request_follow emails the person asked, and accepting emails back.
    for pairs, accept in ((ACCEPTED_FOLLOWS, True), (PENDING_FOLLOWS, False)):
        for follower_name, followed_name in pairs:
            follower, followed = profiles[follower_name], profiles[followed_name]
            if Follow.objects.filter(follower=follower, followed=followed).exists():
                continue
            follow = services.request_follow(follower, followed)
            if accept:
                follow = services.accept_follow(follow, by=followed)
            world.created.append(follow)


# Photos --------------------------------------------------------------------------------------

PORTRAIT_SIZE = (480, 480)
COVER_SIZE = (1200, 400)


def _photos(world: World, profile: SocialProfile, face: Face) -> None:
    if profile.photos.exists():
        return
    username = profile.user.username
    for index in range(face.portraits):
        image = demo_image(username, PORTRAIT_SIZE, variant=index)
        world.created.append(services.add_photo(profile, image=image))
    if face.cover:
        image = demo_image(username, COVER_SIZE, variant=face.portraits)
        world.created.append(services.add_photo(profile, image=image, kind=Photo.Kind.COVER))


def demo_image(username: str, size: tuple[int, int], *, variant: int = 0) -> Image.Image:
    """A gradient in the person's own colour with a few soft circles and their initial: the same
    picture for the same arguments, every time."""
    digest = hashlib.sha256(f"{username}:{variant}".encode()).digest()
    hue = (hashlib.sha256(username.encode()).digest()[0] / 255 + variant * 0.07) % 1.0
    light, dark = _rgb(hue, 0.72, 0.55), _rgb((hue + 0.08) % 1.0, 0.38, 0.6)
    width, height = size
    # Rotated, then cropped to the middle so that no empty corner shows.
    gradient = Image.linear_gradient("L").rotate(digest[0] % 360, expand=True)
    middle = (gradient.width - 180) // 2
    mask = gradient.crop((middle, middle, middle + 180, middle + 180)).resize(size)
    image = Image.composite(Image.new("RGB", size, light), Image.new("RGB", size, dark), mask)
    draw = ImageDraw.Draw(image)
    for i in range(3):
        x, y = digest[1 + i] / 255 * width, digest[4 + i] / 255 * height
        radius = (0.15 + digest[7 + i] / 255 * 0.25) * min(width, height)
        tint = _rgb((hue + 0.05 * (i + 1)) % 1.0, 0.5 + 0.08 * i, 0.45)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=tint)
    letter_size = int(min(width, height) * 0.6)
    draw.text(
        (width / 2, height / 2),
        username[:1].upper(),
        fill=(255, 255, 255),
        font=_font(letter_size),
        anchor="mm",
        stroke_width=max(2, letter_size // 60),
        stroke_fill=_rgb(hue, 0.25, 0.5),
    )
    return image


def _rgb(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


@functools.cache
def _font(size: int):
    return ImageFont.load_default(size=size)
