"""Every write about the event board.

The caller has loaded the board through messaging/access.py (`board_for_reader`), which says
whether the reader may read it and write on it and which role their posts carry; the services
check what they are asked against that, and raise `MessagingError` with a message safe to show.
A post is signed with its role at the time it is written, never with the person.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.access import Board
from messaging.models import POST_MAX_LENGTH, EventPost, PostReport


class MessagingError(Exception):
    """A refusal whose message is safe to show to the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def write_post(board: Board, *, content: str) -> EventPost:
    """A new post on the board, signed with the writer's role."""
    content = content.strip()
    if not board.can_write:
        raise MessagingError("The board is read-only now: the event has ended.")
    if not content:
        raise MessagingError("Write something first.")
    if len(content) > POST_MAX_LENGTH:
        raise MessagingError(f"A post is at most {POST_MAX_LENGTH:,} characters.")
    return EventPost.objects.create(
        event=board.event, author_id=board.me_id, role=board.role, content=content
    )


def delete_post(post: EventPost) -> EventPost:
    """The author takes their post down (access.own_post loaded it): it is gone for everyone."""
    if post.deleted_at is None:
        post.deleted_at = timezone.now()
        post.save(update_fields=["deleted_at"])
    return post


def hide_post(board: Board, post: EventPost, *, by) -> EventPost:
    """The event's host hides a post from every guest (staff do it from the console)."""
    if not board.is_host:
        raise MessagingError("Only the host can hide a post.")
    return _hide(post, by=by)


def unhide_post(board: Board, post: EventPost) -> EventPost:
    if not board.is_host:
        raise MessagingError("Only the host can show a hidden post again.")
    post.hidden_at, post.hidden_by = None, None
    post.save(update_fields=["hidden_at", "hidden_by"])
    return post


def hide_posts_by_staff(posts, *, by) -> int:
    """The console's action: hide these posts, record who did."""
    hidden = 0
    for post in posts:
        if post.hidden_at is None:
            _hide(post, by=by)
            hidden += 1
    return hidden


def _hide(post: EventPost, *, by) -> EventPost:
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by = timezone.now(), by
        post.save(update_fields=["hidden_at", "hidden_by"])
    return post


def report_post(board: Board, post: EventPost, *, reason: str, note: str = "") -> PostReport:
    """A reader sends a post to the moderation queue, once."""
    if post.author_id == board.me_id:
        raise MessagingError("You can't report your own post; you can delete it.")
    try:
        with transaction.atomic():
            return PostReport.objects.create(
                post=post, reporter_id=board.me_id, reason=reason, note=note.strip()
            )
    except IntegrityError:
        raise MessagingError("You have already reported this post.") from None


def resolve_reports(reports, *, status: str, by) -> int:
    """The console's actions: mark open reports as actioned or dismissed."""
    return reports.filter(status=PostReport.Status.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=by
    )


# Private conversations ----------------------------------------------------------------------


def open_conversation(me, other):
    """The conversation between `me` and `other`: the existing one (one per pair), or a new one
    when the rule of messaging/eligibility.py lets `me` open it. Two people opening it at once
    get the same one: the database refuses a second pair, and the loser reads the winner's."""
    from messaging import eligibility
    from messaging.models import Conversation, ConversationParticipant

    first, second = sorted((me, other), key=lambda profile: profile.pk)
    existing = Conversation.objects.filter(first=first, second=second).first()
    if existing is not None:
        if eligibility.blocked_between(me, other):
            raise MessagingError(eligibility.BLOCKED)
        return existing
    refusal = eligibility.refusal_to_message(me, other)
    if refusal:
        raise MessagingError(refusal)
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(first=first, second=second)
            ConversationParticipant.objects.bulk_create(
                [
                    ConversationParticipant(conversation=conversation, profile=first),
                    ConversationParticipant(conversation=conversation, profile=second),
                ]
            )
    except IntegrityError:
        conversation = Conversation.objects.get(first=first, second=second)
    return conversation


def send_message(thread, *, content: str):
    """A message from me in this conversation (access.thread_for_participant loaded it). Both
    sides' inbox order moves; my own read mark moves past my message."""
    from messaging.models import MESSAGE_MAX_LENGTH, ConversationParticipant, Message

    content = content.strip()
    if not thread.can_write:
        raise MessagingError("This conversation is closed: you can read it, not write in it.")
    if not content:
        raise MessagingError("Write something first.")
    if len(content) > MESSAGE_MAX_LENGTH:
        raise MessagingError(f"A message is at most {MESSAGE_MAX_LENGTH:,} characters.")
    with transaction.atomic():
        message = Message.objects.create(
            conversation=thread.conversation, sender=thread.me.profile, content=content
        )
        sides = ConversationParticipant.objects.filter(conversation=thread.conversation)
        sides.update(last_message_at=message.created_at)
        sides.filter(pk=thread.me.pk).update(last_read_at=message.created_at)
    return message


def mark_read(thread, *, upto) -> None:
    """I have read this conversation up to `upto` (the latest message shown to me)."""
    from messaging.models import ConversationParticipant

    if upto is None or (thread.me.last_read_at and thread.me.last_read_at >= upto):
        return
    ConversationParticipant.objects.filter(pk=thread.me.pk).update(last_read_at=upto)


def set_who_can_message(profile, *, who: str):
    from messaging.models import MessagingSettings

    settings, _ = MessagingSettings.objects.update_or_create(
        profile=profile, defaults={"who_can_message": who}
    )
    return settings


def report_message(thread, message, *, reason: str, note: str = ""):
    """I send a message the other person wrote to the moderation queue, once."""
    from messaging.models import MessageReport

    if message.sender_id != thread.other.profile_id:
        raise MessagingError("You can only report a message the other person sent.")
    try:
        with transaction.atomic():
            return MessageReport.objects.create(
                message=message, reporter=thread.me.profile, reason=reason, note=note.strip()
            )
    except IntegrityError:
        raise MessagingError("You have already reported this message.") from None


def hide_messages_by_staff(messages) -> int:
    return messages.filter(hidden_at__isnull=True).update(hidden_at=timezone.now())


def suspend_senders(messages) -> int:
    """The console's action: the senders of these messages can no longer log in (Django's
    inactive account; their sessions stop working at once)."""
    from accounts.models import User

    senders = messages.exclude(sender=None).values("sender__user")
    return User.objects.filter(pk__in=senders, is_active=True).update(is_active=False)
