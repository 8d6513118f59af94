"""Glue that must hold for every way a user is created (sign-up, admin, createsuperuser, tests)."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.middleware import note_activity_recorded
from accounts.models import User, UserInternalMetrics


@receiver(post_save, sender=User, dispatch_uid="accounts.create_internal_metrics")
def create_internal_metrics(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        UserInternalMetrics.objects.get_or_create(user=instance)


@receiver(user_logged_in, dispatch_uid="accounts.note_session_activity_at_log_in")
def note_session_activity_at_log_in(sender, request, **kwargs):
    # allauth's own receiver has just written the session's row: the next request needn't.
    note_activity_recorded(request)


@receiver(email_confirmed, dispatch_uid="accounts.accept_referral_on_verified_email")
def accept_referral_on_verified_email(sender, request, email_address, **kwargs):
    from accounts.services import accept_referral_of

    accept_referral_of(email_address.user)
