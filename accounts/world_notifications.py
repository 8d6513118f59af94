"""The notifications of a generated world (momento/world.py), written last: what the site told
each member lately, most of it read. The busy member has a long history, for the centre's
keyset pages and the badge's count at scale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Notification
from accounts.world import BUSY_MEMBER

if TYPE_CHECKING:
    from momento.world import World

MODELS = [Notification]
PER_MEMBER = 10  # on average, over the last 90 days
BUSY_MEMBERS_OWN = 400
READ_SHARE = 0.8

LINES = [
    ("follow_request", "{name} would like to follow you", "/me/follow-requests/"),
    ("follow_accepted", "{name} accepted your follow request", "/people/"),
    ("invited", "{name}'s Table invited you to a supper", "/me/invitations/"),
    ("event_reminder", "Tomorrow: supper with {name}", "/me/events/"),
    ("rate_event", "How was supper with {name}?", "/me/events/"),
    ("seat_offered", "A seat is free for you: brunch with {name}", "/me/invitations/"),
]


def generate(world: World) -> None:
    rng = world.rng
    busy = world.usernames.index(BUSY_MEMBER)

    def rows():
        for i in world.pool:
            count = BUSY_MEMBERS_OWN if i == busy else rng.randint(0, 2 * PER_MEMBER)
            for _ in range(count):
                kind, line, link = rng.choice(LINES)
                created = world.ago(days=rng.uniform(0, 90))
                read = rng.random() < READ_SHARE
                yield (
                    world.uuid(),
                    world.user_ids[i],
                    kind,
                    line.format(name=world.first_names[rng.choice(world.pool)]),
                    link,
                    created,
                    world.between(created, world.now) if read else None,
                )

    world.copy(
        Notification,
        ["id", "recipient", "kind", "title", "link", "created_at", "read_at"],
        rows(),
    )
