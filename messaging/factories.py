import factory

from events.factories import EventFactory
from messaging.models import EventPost, PostReport
from profiles.factories import SocialProfileFactory


class EventPostFactory(factory.django.DjangoModelFactory):
    """A post by a guest; `role` says how it is signed."""

    class Meta:
        model = EventPost

    event = factory.SubFactory(EventFactory)
    author = factory.SubFactory(SocialProfileFactory)
    role = EventPost.Role.ATTENDEE
    content = factory.Sequence(lambda n: f"Is there parking nearby? ({n})")


class PostReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostReport

    post = factory.SubFactory(EventPostFactory)
    reporter = factory.SubFactory(SocialProfileFactory)
    reason = PostReport.Reason.SPAM
