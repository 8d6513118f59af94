"""The unread-messages digest (messaging/digest.py): one email per conversation an hour at
most, none while the person is active, none when turned off, none across a block."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Notification, NotificationPreference
from messaging import digest, services
from messaging.access import thread_for_participant
from profiles import services as profiles
from profiles.factories import FollowFactory, SocialProfileFactory

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def talk():
    me, other = SocialProfileFactory(first_name="Rosalind"), SocialProfileFactory()
    FollowFactory(follower=me, followed=other, accepted=True)
    conversation = services.open_conversation(me, other)
    return me, other, conversation


def _send(profile, conversation, text="Hello"):
    services.send_message(thread_for_participant(profile.user, conversation.pk), content=text)


def _digests(user):
    return Notification.objects.filter(recipient=user, kind="unread_messages")


def test_one_digest_for_several_messages_then_none_within_the_hour(talk, task_queue):
    me, other, conversation = talk
    _send(me, conversation, "One"), _send(me, conversation, "Two")
    now = timezone.now()
    assert digest.send_unread_digests(now) == 0  # too fresh: they may still see it live
    assert digest.send_unread_digests(now + 11 * MINUTE) == 1
    assert digest.send_unread_digests(now + 12 * MINUTE) == 0  # nothing new since
    with time_machine.travel(now + 20 * MINUTE):
        _send(me, conversation, "Three")
    assert digest.send_unread_digests(now + 40 * MINUTE) == 0  # within the hour
    assert digest.send_unread_digests(now + 72 * MINUTE) == 1  # the hour is over, news
    assert _digests(other.user).count() == 2
    assert not _digests(me.user).exists()
    emails = [m for m in task_queue.outbox() if other.user.email in m.to]
    assert "Rosalind sent you 2 messages" in emails[0].subject
    assert conversation.get_absolute_url() in emails[0].body
    assert "One" not in emails[0].body  # the content stays on the site


def test_no_digest_while_the_person_is_active(talk):
    me, other, conversation = talk
    now = timezone.now()
    _send(me, conversation)
    # Reading any conversation in the last minutes counts as being here.
    with time_machine.travel(now + 11 * MINUTE):
        FollowFactory(follower=other, followed=(third := SocialProfileFactory()), accepted=True)
        elsewhere = services.open_conversation(other, third)
        elsewhere.participants.filter(profile=other).update(last_read_at=timezone.now())
        assert digest.send_unread_digests(timezone.now()) == 0
    assert digest.send_unread_digests(now + 30 * MINUTE) == 1


def test_no_digest_when_turned_off_or_across_a_block(talk):
    me, other, conversation = talk
    _send(me, conversation)
    NotificationPreference.objects.create(user=other.user, kind="unread_messages", email=False)
    later = timezone.now() + 11 * MINUTE
    assert digest.send_unread_digests(later) == 0
    NotificationPreference.objects.all().delete()
    _send(other, conversation, "Back to you")
    profiles.block(other, me)
    assert digest.send_unread_digests(later + datetime.timedelta(hours=2)) == 0
    assert not Notification.objects.filter(kind="unread_messages").exists()
