"""The boards and conversations of a generated world (momento/world.py).

Boards: on about half of the events, a post by
the host and posts by some of the people the board was open to before the event ended (live
invitations and confirmed seats), each signed with the role it would have had, written between
a week before the start and the end (or now, for an event under way). A few posts are hidden by
the host, and a few reported.

Conversations: on about a fifth of the completed events, one or two pairs of attendees talk
afterwards (one conversation per pair, however many events they shared), a few messages each,
the latest ones unread by their receiver now and then.

Reads the events, invitations and attendance events/world.py wrote, in order, from streamed
queries, so the same seed gives the same posts and messages at any scale."""

from __future__ import annotations

import datetime
import itertools
from typing import TYPE_CHECKING

from events.models import Attendance, Event, Invitation
from messaging.access import LIVE_STATUSES
from messaging.models import (
    Conversation,
    ConversationParticipant,
    EventPost,
    Message,
    PostReport,
)

if TYPE_CHECKING:
    from momento.world import World

MODELS = [EventPost, PostReport, Conversation, ConversationParticipant, Message]
TALKING_SHARE = 0.2  # completed events after which some attendees talk
LINES = [
    "Lovely evening, thank you!",
    "Shall we do it again next month?",
    "I found the place you mentioned.",
    "Are you going to the next one?",
    "It was great to meet you.",
    "Sending you the recipe tonight.",
]
BOARD_SHARE = 0.5  # events whose board has posts
POSTER_SHARE = 0.15  # of the board's readers, those who post (once or twice)
HIDDEN_SHARE = 0.02
REPORTED_SHARE = 0.01
TEXTS = [
    "Is there anything vegetarian?",
    "Can I bring a friend's dog? She is very calm.",
    "Which metro stop is nearest?",
    "Is the place step-free?",
    "Running ten minutes late, sorry!",
    "What should I bring?",
    "Is it fine to arrive a little after the start?",
    "Thank you for organising this.",
    "Any nut allergies among us? I'd bake something.",
    "Is there parking nearby?",
]
HOST_TEXTS = [
    "Welcome, everyone! Ask anything here.",
    "The door code comes with your ticket.",
    "Tell me about any allergies before the day, please.",
]
ROLE = {Invitation.Status.CONFIRMED: EventPost.Role.ATTENDEE}


def generate(world: World) -> None:
    posts: list[tuple] = []
    world.copy(
        EventPost,
        ["id", "event", "author", "role", "content", "created_at", "hidden_at"],
        _posts(world, posts),
    )
    world.copy(
        PostReport,
        ["id", "post", "reporter", "reason", "note", "status", "created_at"],
        _reports(world, posts),
    )
    _conversations(world)


def _events(world: World) -> dict:
    rows = Event.objects.order_by("pk").values_list(
        "pk", "host__user__social_profile", "starts_at", "ends_at"
    )
    return {pk: (host, starts, ends) for pk, host, starts, ends in rows}


def _posts(world: World, kept: list):
    rng = world.rng
    events = _events(world)
    readers = (
        Invitation.objects.filter(status__in=LIVE_STATUSES)
        .order_by("event_id", "profile_id")
        .values_list("event_id", "profile_id", "status")
        .iterator(chunk_size=20_000)
    )
    for event_id, rows in itertools.groupby(readers, key=lambda row: row[0]):
        rows = list(rows)
        if rng.random() >= BOARD_SHARE:
            continue
        host, starts, ends = events[event_id]
        start, end = starts - datetime.timedelta(days=7), min(ends, world.now)
        authors = [(host, EventPost.Role.HOST, rng.choice(HOST_TEXTS))]
        for _, profile, status in rows:
            if rng.random() < POSTER_SHARE:
                for _ in range(rng.choice((1, 1, 2))):
                    role = ROLE.get(status, EventPost.Role.INVITEE)
                    authors.append((profile, role, rng.choice(TEXTS)))
        for author, role, text in authors:
            post_id, written = world.uuid(), world.between(start, end)
            hidden = None
            if role != EventPost.Role.HOST and rng.random() < HIDDEN_SHARE:
                hidden = world.between(written, end)
            if role != EventPost.Role.HOST and rng.random() < REPORTED_SHARE:
                others = [row[1] for row in rows if row[1] != author]
                if others:
                    kept.append((post_id, rng.choice(others), world.between(written, end)))
            yield (post_id, event_id, author, role, text, written, hidden)


def _reports(world: World, kept: list):
    rng = world.rng
    for post_id, reporter, when in kept:
        reason = rng.choice(("spam", "harassment", "inappropriate", "other"))
        yield (world.uuid(), post_id, reporter, reason, "", PostReport.Status.OPEN, when)


def _conversations(world: World) -> None:
    rng = world.rng
    ends = dict(Event.objects.filter(status=Event.Status.COMPLETED).values_list("pk", "ends_at"))
    came = (
        Attendance.objects.present()
        .filter(event__status=Event.Status.COMPLETED)
        .order_by("event_id", "profile_id")
        .values_list("event_id", "profile_id")
        .iterator(chunk_size=20_000)
    )
    pairs: dict[tuple, datetime.datetime] = {}
    for event_id, rows in itertools.groupby(came, key=lambda row: row[0]):
        people = [profile for _, profile in rows]
        if len(people) < 2 or rng.random() >= TALKING_SHARE:
            continue
        for _ in range(rng.choice((1, 2))):
            a, b = rng.sample(people, 2)
            pairs.setdefault(tuple(sorted((a, b))), ends[event_id])
    conversations, sides, messages = [], [], []
    for (first, second), after in pairs.items():
        conversation = world.uuid()
        start = after + datetime.timedelta(hours=1)
        moments = sorted(world.between(start, world.now) for _ in range(rng.randint(2, 8)))
        conversations.append((conversation, first, second, moments[0]))
        for moment in moments:
            sender = rng.choice((first, second))
            messages.append((world.uuid(), conversation, sender, rng.choice(LINES), moment))
        last = moments[-1]
        for profile in (first, second):
            read = last if rng.random() < 0.7 else moments[0]
            sides.append((conversation, profile, read, last))
    world.copy(Conversation, ["id", "first", "second", "created_at"], conversations)
    world.copy(
        ConversationParticipant,
        ["conversation", "profile", "last_read_at", "last_message_at"],
        sides,
    )
    world.copy(Message, ["id", "conversation", "sender", "content", "created_at"], messages)
