"""The unread-messages digest: an email through `accounts.services.notify` (kind
"unread_messages", which each person may turn off) telling someone that a conversation has
messages they have not read. Never one email per message:

- at most one per conversation and person every `EVERY` (ConversationParticipant.
  last_emailed_at), and only about messages newer than the last one told;
- none while the person is active: they read or wrote in any conversation in the last
  `ACTIVE_FOR`, or the unread message is younger than that (they may still see it live);
- none for a conversation closed by a block, either way.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts import services as accounts
from accounts.notifications import kind_named
from messaging.inbox import NEVER
from messaging.models import ConversationParticipant, Message
from profiles.models import Block, SocialProfile

EVERY = datetime.timedelta(hours=1)
ACTIVE_FOR = datetime.timedelta(minutes=10)
KIND = "unread_messages"


def due(now: datetime.datetime):
    """The participant rows a digest is due for, each with the other person's profile id."""
    told = Greatest(
        Coalesce(F("last_read_at"), Value(NEVER)), Coalesce(F("last_emailed_at"), Value(NEVER))
    )
    fresh = Message.objects.filter(
        conversation=OuterRef("conversation"), created_at__gt=OuterRef("told")
    ).exclude(sender=OuterRef("profile"))
    active = ConversationParticipant.objects.filter(
        profile=OuterRef("profile"), last_read_at__gt=now - ACTIVE_FOR
    )
    other = ConversationParticipant.objects.filter(conversation=OuterRef("conversation")).exclude(
        profile=OuterRef("profile")
    )
    conversation = OuterRef("conversation")
    blocked = Block.objects.filter(
        Q(blocker=OuterRef("profile"), blocked__conversations__conversation=conversation)
        | Q(blocked=OuterRef("profile"), blocker__conversations__conversation=conversation)
    )
    return (
        ConversationParticipant.objects.filter(
            Q(last_read_at__isnull=True) | Q(last_message_at__gt=F("last_read_at")),
            Q(last_emailed_at__isnull=True) | Q(last_emailed_at__lte=now - EVERY),
            last_message_at__lte=now - ACTIVE_FOR,
        )
        .annotate(told=told, other_profile=Subquery(other.values("profile")[:1]))
        .filter(Exists(fresh))
        .exclude(Exists(active))
        .exclude(Exists(blocked))
        .select_related("profile__user", "conversation")
    )


def send_unread_digests(now: datetime.datetime | None = None) -> int:
    """Tell each person due a digest (see the module docstring); returns how many were told."""
    now = now or timezone.now()
    kind = kind_named(KIND)
    rows = list(due(now))
    others = SocialProfile.objects.in_bulk([row.other_profile for row in rows])
    told = 0
    for row in rows:
        user = row.profile.user
        with transaction.atomic():
            ConversationParticipant.objects.filter(pk=row.pk).update(last_emailed_at=now)
            if not accounts.wants_email(user, kind):
                continue  # turned off: the badge and the inbox still say it
            accounts.notify(
                user,
                KIND,
                about=row.conversation,
                context={
                    "other": others.get(row.other_profile),
                    "unread": _unread(row),
                    "link": row.conversation.get_absolute_url(),
                },
            )
            told += 1
    return told


def _unread(row) -> int:
    read = row.last_read_at or NEVER
    return (
        Message.objects.filter(conversation=row.conversation, created_at__gt=read)
        .exclude(sender=row.profile)
        .count()
    )
