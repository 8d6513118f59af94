"""The only way views load a person's own account rows: someone else's are 404."""

from django.shortcuts import get_object_or_404

from accounts.models import Notification


def notification_for_recipient(user, notification_id) -> Notification:
    return get_object_or_404(Notification, pk=notification_id, recipient=user)
