"""The rows of a host's guests page, built in Python once per page: what each row shows and the
URLs of its links, from paths reversed once (momento/urlmaker.py). The template then only prints
values, so a row costs a few variable lookups and one date format."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.dates import MONTHS_3

from events.models import Event, Invitation
from momento.urlmaker import STR_SLOT, UUID_SLOT, url_maker

PAGE_SIZE = 50
ORDER = ("-created_at", "-pk")  # newest first, on invitation_guests_idx


@dataclass(frozen=True)
class GuestRow:
    name: str
    profile_url: str
    asked: bool
    status: str
    # "3 Feb, 14:05": the date filter's "j M, H:i", in the current time zone and language
    since: str
    since_iso: str
    action: str  # "withdraw", "remove" or ""
    action_url: str


def guest_rows(event: Event, invitations: list[Invitation]) -> list[GuestRow]:
    """`invitations` come from `Invitation.objects.for_guest_list()`."""
    profile_url = url_maker("profiles:profile", STR_SLOT)
    action_urls = {
        "withdraw": url_maker("events:withdraw", event.pk, UUID_SLOT),
        "remove": url_maker("events:remove-guest", event.pk, UUID_SLOT),
    }
    labels = dict(Invitation.Status.choices)
    months = {number: str(name).title() for number, name in MONTHS_3.items()}  # translated once
    rows = []
    for invitation in invitations:
        action = _action(event, invitation)
        since = timezone.localtime(invitation.updated_at)
        rows.append(
            GuestRow(
                name=invitation.profile.display_name,
                profile_url=profile_url(invitation.profile.user.username),
                asked=invitation.asked,
                status=labels.get(invitation.status, invitation.status),
                since=f"{since.day} {months[since.month]}, {since:%H:%M}",
                since_iso=since.strftime("%Y-%m-%dT%H:%M%z"),
                action=action,
                action_url=action_urls[action](invitation.pk) if action else "",
            )
        )
    return rows


def _action(event: Event, invitation: Invitation) -> str:
    if not event.is_open:
        return ""
    if invitation.is_outstanding:
        return "withdraw"
    if invitation.status == Invitation.Status.CONFIRMED:
        return "remove"
    return ""
