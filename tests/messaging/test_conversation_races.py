import pytest

from messaging import services
from messaging.models import Conversation, ConversationParticipant
from profiles.factories import FollowFactory, SocialProfileFactory
from tests.races import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_people_opening_their_conversation_at_once_get_one():
    for _ in range(5):
        me, other = SocialProfileFactory(), SocialProfileFactory()
        FollowFactory(follower=me, followed=other, accepted=True)
        opened = []
        errors = run_at_once(
            [
                lambda a=me, b=other, out=opened: out.append(services.open_conversation(a, b)),
                lambda a=other, b=me, out=opened: out.append(services.open_conversation(a, b)),
            ]
        )
        assert errors == []
        assert len({conversation.pk for conversation in opened}) == 1
    assert Conversation.objects.count() == 5
    assert ConversationParticipant.objects.count() == 10
