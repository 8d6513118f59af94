"""What the signed-in home page shows: what needs the person now, in a constant number of
queries whatever their history (one for everything waiting for an answer, one for their next
seat, two for their hosting)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from events import access
from events.models import Event, Invitation
from profiles.models import HostProfile, SocialProfile

SHOWN = 5  # of each kind; "see all" leads to my invitations


@dataclass
class Dashboard:
    held: list[Invitation] = field(default_factory=list)
    waiting: list[Invitation] = field(default_factory=list)
    offered: list[Invitation] = field(default_factory=list)
    more: bool = False  # some kind has more than SHOWN
    next_seat: Invitation | None = None
    host: HostProfile | None = None
    hosted: Event | None = None  # the host's next event, with Event.objects.with_seats()

    @property
    def needs_nothing(self) -> bool:
        return not (self.held or self.waiting or self.offered)


def dashboard_for(user) -> Dashboard:
    profile: SocialProfile = user.social_profile
    board = Dashboard()
    kinds = {"held": board.held, "waiting": board.waiting, "offered": board.offered}
    for invitation in Invitation.objects.for_dashboard(profile, per_kind=SHOWN + 1):
        shown = kinds[invitation.kind]
        if len(shown) < SHOWN:
            shown.append(invitation)
        else:
            board.more = True
    board.next_seat = Invitation.objects.next_seat(profile)
    board.host = access.own_host_profile(user)
    if board.host is not None:
        board.hosted = (
            Event.objects.hosted_by(board.host)
            .open()
            .filter(ends_at__gt=timezone.now())
            .with_seats()
            .select_related("city")
            .order_by("starts_at", "pk")
            .first()
        )
    return board
