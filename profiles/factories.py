"""Factories for people and the social graph. Like accounts.factories, they write through the
services where a service exists, so tests and the demo world get the rows the app makes."""

import io

import factory
from PIL import Image

from accounts.factories import UserFactory
from profiles import services, zones
from profiles.models import (
    City,
    Follow,
    HostProfile,
    Interest,
    Mood,
    Photo,
    Report,
    SocialProfile,
)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Interest {n}")


class MoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mood
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Mood {n}")
    emoji = ""


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("name", "country")

    name = factory.Sequence(lambda n: f"City {n}")
    country = "France"
    time_zone = factory.LazyAttribute(lambda o: zones.zone_for(o.name, o.country))


def profile_of(user=None, **fields) -> SocialProfile:
    """The profile every user has, filled in with `fields` (a new user when none is given)."""
    user = user or UserFactory()
    profile = user.social_profile
    if fields:
        services.update_profile(profile, **fields)
    return profile


class SocialProfileFactory(factory.django.DjangoModelFactory):
    """`SocialProfileFactory(first_name="Ana")` → a new user's profile, filled in."""

    class Meta:
        model = SocialProfile

    user = factory.SubFactory(UserFactory)
    first_name = factory.Faker("first_name")

    @classmethod
    def _create(cls, model_class, *args, user, **fields):
        return profile_of(user, **fields)


class HostProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostProfile

    user = factory.SubFactory(UserFactory)
    host_name = factory.Sequence(lambda n: f"Host {n}")
    host_bio = "I host small dinners."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.save_host_profile(**kwargs)


def test_image(size=(400, 300), colour=(200, 90, 120)) -> Image.Image:
    return Image.new("RGB", size, colour)


def jpeg_bytes(size=(400, 300), colour=(200, 90, 120)) -> bytes:
    buffer = io.BytesIO()
    test_image(size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def add_photo(profile: SocialProfile, *, colour=(200, 90, 120), kind=Photo.Kind.PORTRAIT):
    return services.add_photo(profile, image=test_image(colour=colour), kind=kind)


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(SocialProfileFactory)
    followed = factory.SubFactory(SocialProfileFactory)
    status = Follow.Status.PENDING

    class Params:
        accepted = factory.Trait(status=Follow.Status.ACCEPTED)
        declined = factory.Trait(status=Follow.Status.DECLINED)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    reporter = factory.SubFactory(SocialProfileFactory)
    reported = factory.SubFactory(SocialProfileFactory)
    reason = Report.Reason.SPAM
    note = "Sends the same message to everyone."
