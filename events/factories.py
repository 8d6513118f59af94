import datetime

import factory
from django.utils import timezone

from events.models import Attendance, Event, Rating
from profiles.factories import CityFactory, HostProfileFactory, SocialProfileFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    host = factory.SubFactory(HostProfileFactory)
    title = factory.Sequence(lambda n: f"Dinner for six #{n}")
    description = "A long table, good food, new people."
    city = factory.SubFactory(CityFactory)
    location = "12 rue des Martyrs"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    min_participants = 2
    max_participants = 6

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7)),
            status=Event.Status.COMPLETED,
        )


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory, past=True)
    profile = factory.SubFactory(SocialProfileFactory)
    status = Attendance.Status.ATTENDED


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    event = factory.SubFactory(EventFactory, past=True)
    rater = factory.SubFactory(SocialProfileFactory)
    rated_host = factory.SelfAttribute("event.host")
    host_rating_value = 5
    event_rating_value = 4
