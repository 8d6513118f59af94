"""Who may read and write an event's board: the rule, written once, and the loaders that views
use (the board, or Http404).

Before the event ends, the board is open (read and write) to its host, to people with a live
invitation (sent, held while paying, offered from the waitlist, waitlisted, payment failed) and
to confirmed guests. Whoever declined, was withdrawn or removed, gave their seat back or let the
invitation expire loses it at that moment; a stranger never had it. After the end, the board is
the host's and the attendees' (AttendanceQuerySet.present: the host reported them there, on
time or late): they may still write for `OPEN_AFTER` ("thank you all", a photo's link), then
it is read-only for them, for good. A cancelled event's board is read-only. A block between the
host and the reader closes it, as it hides the event.

Everyone else gets Http404, exactly as for an event that does not exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import Attendance, Event, Invitation
from messaging.models import EventPost
from profiles.models import Block, SocialProfile

OPEN_AFTER = datetime.timedelta(days=30)  # after the end, attendees may still write
# Invitation statuses that open the board before the event ends.
LIVE_STATUSES = (*Invitation.OUTSTANDING, Invitation.Status.CONFIRMED)


@dataclass(frozen=True)
class Board:
    """An event's board as one reader may use it."""

    event: Event
    me_id: object  # the reader's SocialProfile pk
    role: str  # EventPost.Role: what their posts are signed with
    can_write: bool

    @property
    def is_host(self) -> bool:
        return self.role == EventPost.Role.HOST


def board_rights(
    event: Event, *, is_host: bool, status: str | None, came: bool, now: datetime.datetime
) -> tuple[bool, bool]:
    """(may read, may write) for someone with this part in the event: the rule of the module
    docstring, with no query."""
    open_ = event.status != Event.Status.CANCELLED
    if now < event.ends_at:
        may = is_host or status in LIVE_STATUSES
        return may, may and open_
    may = is_host or came
    return may, may and open_ and now < event.ends_at + OPEN_AFTER


def role_of(*, is_host: bool, status: str | None) -> str:
    if is_host:
        return EventPost.Role.HOST
    if status == Invitation.Status.CONFIRMED:
        return EventPost.Role.ATTENDEE
    return EventPost.Role.INVITEE


def board_for_reader(user, event_id) -> Board:
    """The board of this event as `user` may use it, or Http404. One query: the event with the
    reader's invitation status, whether they came and whether a block stands between them and
    the host, all as annotations."""
    mine = Invitation.objects.filter(event=OuterRef("pk"), profile__user_id=user.pk)
    came = Attendance.objects.present().filter(event=OuterRef("pk"), profile__user_id=user.pk)
    host_user = OuterRef("host__user_id")
    blocked = Block.objects.filter(
        Q(blocker__user_id=host_user, blocked__user_id=user.pk)
        | Q(blocker__user_id=user.pk, blocked__user_id=host_user)
    )
    me = SocialProfile.objects.filter(user_id=user.pk)
    events = Event.objects.select_related("host", "city").annotate(
        my_status=Subquery(mine.values("status")[:1]),
        came=Exists(came),
        blocked=Exists(blocked),
        me_id=Subquery(me.values("pk")[:1]),
    )
    event = get_object_or_404(events, pk=event_id)
    is_host = event.host.user_id == user.pk
    if event.blocked and not is_host:
        raise Http404
    may_read, may_write = board_rights(
        event, is_host=is_host, status=event.my_status, came=event.came, now=timezone.now()
    )
    if not may_read:
        raise Http404
    return Board(
        event=event,
        me_id=event.me_id,
        role=role_of(is_host=is_host, status=event.my_status),
        can_write=may_write,
    )


def post_on_board(board: Board, post_id) -> EventPost:
    """A post the reader can see on this board (a hidden one only for the host), or Http404."""
    posts = EventPost.objects.shown().filter(event=board.event)
    if not board.is_host:
        posts = posts.filter(hidden_at__isnull=True)
    return get_object_or_404(posts, pk=post_id)


def own_post(board: Board, post_id) -> EventPost:
    """One of the reader's own posts on this board, or Http404."""
    return get_object_or_404(
        EventPost.objects.shown(), pk=post_id, event=board.event, author_id=board.me_id
    )


def post_to_report(board: Board, post_id) -> EventPost:
    """Someone else's post the reader can see on this board; their own is Http404 (they may
    delete it instead)."""
    post = post_on_board(board, post_id)
    if post.author_id == board.me_id:
        raise Http404
    return post


# Private conversations ----------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    """A conversation as one of its two people sees it."""

    conversation: object
    me: object  # my ConversationParticipant, with its profile
    other: object  # the other's ConversationParticipant, with its profile and user
    blocked: bool  # I blocked the other: read-only (had they blocked me, it would be gone)

    @property
    def can_write(self) -> bool:
        return not self.blocked


def thread_for_participant(user, conversation_id) -> Thread:
    """One's own conversation, or Http404: anyone else's, a made-up id, and one the other
    person closed by blocking me (it is gone for me). One query: both sides with their people,
    each with whether they block the other."""
    from messaging.models import ConversationParticipant

    blocks_other = Block.objects.filter(
        blocker=OuterRef("profile"), blocked__conversations__conversation=OuterRef("conversation")
    )
    sides = list(
        ConversationParticipant.objects.filter(conversation_id=conversation_id)
        .select_related("conversation", "profile__user")
        .annotate(blocks_other=Exists(blocks_other))
        .order_by("pk")
    )
    mine = [side for side in sides if side.profile.user_id == user.pk]
    if len(sides) != 2 or not mine:
        raise Http404
    me = mine[0]
    other = sides[0] if sides[1] is me else sides[1]
    if other.blocks_other:
        raise Http404
    return Thread(
        conversation=me.conversation,
        me=me,
        other=other,
        blocked=me.blocks_other,
    )


def message_to_report(thread: Thread, message_id):
    """A message the other person sent in this conversation, still shown; else Http404."""
    from messaging.models import Message

    return get_object_or_404(
        Message.objects.filter(hidden_at__isnull=True),
        pk=message_id,
        conversation=thread.conversation,
        sender_id=thread.other.profile_id,
    )
