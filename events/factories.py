import datetime

import factory
from django.utils import timezone

from events import tickets
from events.models import Attendance, Event, Interested, Invitation, MeetAgain, Rating
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
        # Every attendee has rated: its ratings are published (RatingQuerySet.published).
        ratings_published = factory.Trait(ratings_published_at=factory.LazyFunction(timezone.now))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory, past=True)
    profile = factory.SubFactory(SocialProfileFactory)
    status = Attendance.Status.ATTENDED


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    event = factory.SubFactory(EventFactory, past=True, ratings_published=True)
    rater = factory.SubFactory(SocialProfileFactory)
    rated_host = factory.SelfAttribute("event.host")
    host_rating_value = 5
    event_rating_value = 4


class InvitationFactory(factory.django.DjangoModelFactory):
    """A sent invitation; traits give the other states with the fields each one needs."""

    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)
    profile = factory.SubFactory(SocialProfileFactory)
    expires_at = factory.SelfAttribute("event.starts_at")

    class Params:
        confirmed = factory.Trait(
            status=Invitation.Status.CONFIRMED,
            responded_at=factory.LazyFunction(timezone.now),
            ticket_code=factory.LazyFunction(tickets.new_code),
        )
        held = factory.Trait(
            status=Invitation.Status.HELD,
            hold_expires_at=factory.LazyFunction(
                lambda: timezone.now() + datetime.timedelta(minutes=30)
            ),
        )
        waitlisted = factory.Trait(
            status=Invitation.Status.WAITLISTED, waitlisted_at=factory.LazyFunction(timezone.now)
        )
        offered = factory.Trait(
            status=Invitation.Status.OFFERED,
            expires_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=24)),
        )


class InterestedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interested

    event = factory.SubFactory(EventFactory)
    profile = factory.SubFactory(SocialProfileFactory)


class MeetAgainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetAgain

    event = factory.SubFactory(EventFactory, past=True)
    chooser = factory.SubFactory(SocialProfileFactory)
    chosen = factory.SubFactory(SocialProfileFactory)
