"""Writes about accounts. Every other app, the admin and the demo world create users here."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User


@transaction.atomic
def create_user(
    *,
    email: str,
    username: str,
    password: str | None,
    verified: bool = False,
    **fields,
) -> User:
    """Create a user with their allauth email address, verified or awaiting confirmation."""
    user = User.objects.create_user(email=email, username=username, password=password, **fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user
