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


PRIVATE_FIELDS = ("last_name", "phone_number", "birth_date", "language_preference")


def update_private_data(user: User, **fields) -> User:
    unknown = set(fields) - set(PRIVATE_FIELDS)
    if unknown:
        raise TypeError(f"Not private data fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(user, name, value)
    user.save(update_fields=[*fields, "updated_at"])
    return user
