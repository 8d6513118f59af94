"""Glue that must hold for every way a user is created (sign-up, admin, createsuperuser, tests)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User, UserInternalMetrics


@receiver(post_save, sender=User, dispatch_uid="accounts.create_internal_metrics")
def create_internal_metrics(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        UserInternalMetrics.objects.get_or_create(user=instance)
