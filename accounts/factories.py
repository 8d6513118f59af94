"""Factories for accounts. They create through accounts.services, like the app does, so tests
and the demo world get the same rows a real sign-up makes (metrics, allauth email address)."""

import factory

from accounts import services
from accounts.models import User, UserInternalMetrics

DEFAULT_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = DEFAULT_PASSWORD
    verified = True

    class Params:
        staff = factory.Trait(is_staff=True, is_superuser=True)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_user(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs.pop("verified")
        return model_class(*args, **kwargs)


class UserInternalMetricsFactory(factory.django.DjangoModelFactory):
    """The row exists as soon as the user does; this factory sets its values."""

    class Meta:
        model = UserInternalMetrics

    user = factory.SubFactory(UserFactory)
    absentee_rating = 1.0
    internal_attractiveness_rating = 0.0

    @classmethod
    def _create(cls, model_class, *args, user, **values):
        model_class.objects.filter(user=user).update(**values)
        return model_class.objects.get(user=user)
