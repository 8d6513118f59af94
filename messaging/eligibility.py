"""Who may open a private conversation with whom: the rule, written once.

Two people may talk when they both attended the same event (AttendanceQuerySet.present: on time
or late; a no-show does not count) or when either follows the other and the follow was
accepted. The person being messaged may narrow it (MessagingSettings) to their mutual "would
meet again" picks and the people they follow. A block, either way, closes it: no conversation
opens, and an open one becomes read-only.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from events.models import Attendance, MeetAgain
from messaging.models import MessagingSettings
from profiles.models import Block, Follow, SocialProfile

NOT_ELIGIBLE = (
    "You can message people you attended an event with, and people you follow or who follow you."
)
NARROWED = "This person only takes messages from people they follow or picked to meet again."
BLOCKED = "You can't message this person."


def blocked_between(a: SocialProfile, b: SocialProfile) -> bool:
    return Block.exists_between(a, b)


def attended_together(a: SocialProfile, b: SocialProfile) -> bool:
    theirs = Attendance.objects.present().filter(event=OuterRef("event"), profile=b)
    return Attendance.objects.present().filter(profile=a).filter(Exists(theirs)).exists()


def refusal_to_message(me: SocialProfile, other: SocialProfile) -> str | None:
    """Why `me` may not open a conversation with `other`, or None when they may."""
    if me.pk == other.pk:
        return "You can't message yourself."
    if blocked_between(me, other):
        return BLOCKED
    follows = Follow.objects.accepted().between(me, other).exists()
    if not follows and not attended_together(me, other):
        return NOT_ELIGIBLE
    setting = MessagingSettings.objects.filter(profile=other).values_list(
        "who_can_message", flat=True
    )
    if setting.first() == MessagingSettings.Who.PICKS_AND_FOLLOWING:
        they_follow = Follow.objects.accepted().filter(follower=other, followed=me).exists()
        picked_back = MeetAgain.objects.filter(chooser=me, chosen=other, event=OuterRef("event"))
        mutual = MeetAgain.objects.filter(chooser=other, chosen=me).filter(Exists(picked_back))
        if not (they_follow or mutual.exists()):
            return NARROWED
    return None
