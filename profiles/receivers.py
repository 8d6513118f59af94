"""Glue that must hold for every way a user is created (sign-up, admin, createsuperuser, tests)."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from profiles.models import SocialProfile


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="profiles.create_profile")
def create_social_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        SocialProfile.objects.get_or_create(user=instance)
