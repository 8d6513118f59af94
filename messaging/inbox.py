"""What the inbox, a conversation page, its poll and the navigation badge show. Each costs a
fixed number of queries, whatever the number of conversations or messages."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from messaging.access import Thread
from messaging.board import mark, parse_mark
from messaging.models import ConversationParticipant, Message
from momento.pagination import paginate
from profiles.models import Block, SocialProfile

INBOX_SIZE = 20
THREAD_SIZE = 30
BADGE_CAP = 99
NEVER = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _unread(profile_field: str = "profile"):
    """Messages of the row's conversation after the row's person last read it, not theirs."""
    return Message.objects.filter(
        conversation=OuterRef("conversation"),
        created_at__gt=Coalesce(OuterRef("last_read_at"), Value(NEVER)),
        hidden_at__isnull=True,
    ).exclude(sender=OuterRef(profile_field))


def _gone_for(me: SocialProfile):
    """My conversations the other person closed by blocking me: gone from my inbox."""
    return Exists(
        Block.objects.filter(
            blocked=me, blocker__conversations__conversation=OuterRef("conversation")
        )
    )


def inbox(me: SocialProfile, *, cursor: str | None) -> dict:
    """A page of my conversations, latest message first, each with the other person, the
    latest message (and whether it is mine) and my unread count. Two queries."""
    latest = Message.objects.filter(
        conversation=OuterRef("conversation"), hidden_at__isnull=True
    ).order_by("-created_at", "-pk")
    other = ConversationParticipant.objects.filter(conversation=OuterRef("conversation")).exclude(
        profile=me
    )
    unread = _unread().values("conversation").annotate(n=Count("pk")).values("n")
    rows = (
        ConversationParticipant.objects.filter(profile=me, last_message_at__isnull=False)
        .exclude(_gone_for(me))
        .annotate(
            other_id=Subquery(other.values("profile")[:1]),
            preview=Subquery(latest.values("content")[:1]),
            preview_sender=Subquery(latest.values("sender")[:1]),
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
        )
    )
    page = paginate(rows, order=("-last_message_at", "-pk"), cursor=cursor, size=INBOX_SIZE)
    people = SocialProfile.objects.for_cards().in_bulk([row.other_id for row in page.items])
    for row in page.items:
        row.other = people.get(row.other_id)
        row.preview_mine = row.preview_sender == me.pk
    return {"rows": [row for row in page.items if row.other], "next_cursor": page.next_cursor}


def unread_total(me: SocialProfile) -> int:
    """The navigation badge: my unread messages in conversations still mine, capped. One
    query."""
    rows = (
        Message.objects.filter(
            conversation__participants__profile=me,
            created_at__gt=Coalesce(F("conversation__participants__last_read_at"), Value(NEVER)),
            hidden_at__isnull=True,
        )
        .exclude(sender=me)
        .exclude(
            Exists(
                Block.objects.filter(
                    blocked=me, blocker__conversations__conversation=OuterRef("conversation")
                )
            )
        )
    )
    return rows[: BADGE_CAP + 1].count()


def _messages(thread: Thread):
    shown = Message.objects.filter(conversation=thread.conversation, hidden_at__isnull=True)
    return shown.only("id", "conversation", "sender", "content", "created_at")


def thread_page(thread: Thread, *, earlier: str | None) -> dict:
    """The latest messages (or those before `earlier`), oldest first, with where my unread
    ones start and whether the other has seen my latest message. One query."""
    found = paginate(
        _messages(thread), order=("-created_at", "-pk"), cursor=earlier, size=THREAD_SIZE
    )
    messages = list(reversed(found.items))
    latest = not earlier
    return {
        **_marks(thread, messages),
        "thread": thread,
        "messages": messages,
        "earlier": found.next_cursor,
        "polls": latest,
        "since": mark(messages[-1].created_at) if latest and messages else "",
        "upto": messages[-1].created_at if latest and messages else None,
        "last_mine": bool(messages) and messages[-1].mine,
    }


def thread_since(thread: Thread, since: str, *, last_mine: bool) -> dict:
    """The messages after `since`, oldest first: one indexed range read."""
    messages = _messages(thread).order_by("created_at", "pk")
    if since:
        messages = messages.filter(created_at__gt=parse_mark(since))
    messages = list(messages[:THREAD_SIZE])
    marks = _marks(thread, messages)
    if not messages:  # nothing new: is the last message shown, if mine, seen now?
        marks["seen"] = last_mine and _seen(thread, since)
    return {
        **marks,
        "thread": thread,
        "messages": messages,
        "polls": True,
        "since": mark(messages[-1].created_at) if messages else since,
        "upto": messages[-1].created_at if messages else None,
        "last_mine": messages[-1].mine if messages else last_mine,
    }


def _marks(thread: Thread, messages: list) -> dict:
    me = thread.me
    first_unread = next(
        (
            m.pk
            for m in messages
            if m.sender_id != me.profile_id
            and (me.last_read_at is None or m.created_at > me.last_read_at)
        ),
        None,
    )
    for message in messages:
        message.mine = message.sender_id == me.profile_id
    last = messages[-1] if messages else None
    seen = bool(
        last
        and last.mine
        and thread.other.last_read_at
        and thread.other.last_read_at >= last.created_at
    )
    return {"first_unread": first_unread, "seen": seen}


def _seen(thread: Thread, since: str) -> bool:
    """On a poll with nothing new: whether the other has read up to the last message shown."""
    if not since:
        return False
    other_read = thread.other.last_read_at
    return bool(other_read and other_read >= parse_mark(since))
