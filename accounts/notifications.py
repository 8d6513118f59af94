"""Every kind of notification Momento sends, declared once.

A kind names its email templates (`templates/<app>/emails/<name>_{subject.txt,body.txt,
body.html}`; the subject is also the line shown in the notification centre), the label of its
switch on the preferences page, whether its email is on by default, and whether it can be turned
off at all: receipts, refunds and what touches a person's record cannot. `accounts.services.
notify` refuses a kind that is not here, and tests/accounts/test_notifications.py fails when a
kind here has no templates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    template: str
    label: str
    group: str
    optional: bool = True
    email_by_default: bool = True
    marketing: bool = False

    def template_names(self) -> list[str]:
        return [f"{self.template}_{part}" for part in ("subject.txt", "body.txt", "body.html")]


EVENTS = "Events and invitations"
PEOPLE = "People"
MONEY = "Payments and premium"
NEWS = "News from Momento"

_KINDS = [
    # Events and invitations.
    Kind("invited", "events/emails/invited", "A host invites you", EVENTS),
    Kind("seat_offered", "events/emails/seat_offered", "A seat frees up for you", EVENTS),
    Kind(
        "seat_confirmed",
        "events/emails/seat_confirmed",
        "Your seat at a free event is confirmed",
        EVENTS,
        optional=False,
    ),
    Kind("event_confirmed", "events/emails/event_confirmed", "An event you booked is on", EVENTS),
    Kind("event_changed", "events/emails/event_changed", "An event you booked changes", EVENTS),
    # Reminders (events/services/reminders.py), each sent once.
    Kind(
        "invitation_expiring",
        "events/emails/invitation_expiring",
        "An invitation ends tomorrow",
        EVENTS,
    ),
    Kind("offer_ending", "events/emails/offer_ending", "A seat offer's last hours", EVENTS),
    Kind(
        "event_reminder",
        "events/emails/event_reminder",
        "The day before an event, with the place",
        EVENTS,
    ),
    Kind("rate_event", "events/emails/rate_event", "Rate an event you went to", EVENTS),
    # Each of these tells a guest what happened to their seat and their money.
    Kind(
        "event_cancelled",
        "events/emails/event_cancelled",
        "An event you booked is cancelled",
        EVENTS,
        optional=False,
    ),
    Kind(
        "guest_removed",
        "events/emails/guest_removed",
        "A host takes back your seat",
        EVENTS,
        optional=False,
    ),
    Kind(
        "seat_cancelled",
        "events/emails/seat_cancelled",
        "You give a seat back",
        EVENTS,
        optional=False,
    ),
    # Counts against a person's record unless they dispute it in time: always told.
    Kind(
        "reported_no_show",
        "events/emails/reported_no_show",
        "A host reports you did not come",
        EVENTS,
        optional=False,
    ),
    Kind(
        "guest_cant_make_it",
        "events/emails/guest_cant_make_it",
        "A guest of yours can't make it",
        EVENTS,
    ),
    Kind(
        "ratings_published",
        "events/emails/ratings_published",
        "Your guests' ratings are published",
        EVENTS,
    ),
    # People.
    Kind("follow_request", "profiles/emails/follow_request", "Someone asks to follow you", PEOPLE),
    Kind("follow_accepted", "profiles/emails/follow_accepted", "A follow request accepted", PEOPLE),
    # A digest, throttled (messaging/digest.py): at most one an hour per conversation.
    Kind(
        "unread_messages",
        "messaging/emails/unread_messages",
        "Private messages you have not read",
        PEOPLE,
    ),
    Kind(
        "finish_profile",
        "profiles/emails/finish_profile",
        "A reminder to finish your profile",
        PEOPLE,
    ),
    # Payments and premium: receipts, never optional.
    Kind("booked", "payments/emails/booked", "Booking receipts", MONEY, optional=False),
    Kind("refunded", "payments/emails/refunded", "Refunds", MONEY, optional=False),
    Kind(
        "premium_welcome",
        "payments/emails/premium_welcome",
        "Premium starts",
        MONEY,
        optional=False,
    ),
    Kind("premium_ended", "payments/emails/premium_ended", "Premium ends", MONEY, optional=False),
    Kind(
        "payment_failed",
        "payments/emails/payment_failed",
        "A premium payment fails",
        MONEY,
        optional=False,
    ),
    Kind(
        "premium_cancelled",
        "payments/emails/premium_cancelled",
        "Premium is cancelled",
        MONEY,
        optional=False,
    ),
    # Told 7 days before the card is charged again.
    Kind(
        "premium_renewal",
        "payments/emails/premium_renewal",
        "Premium renews",
        MONEY,
        optional=False,
    ),
    # To a friend who is not a member yet (accounts.services.email_address): no switch.
    Kind(
        "referral", "accounts/emails/referral", "An invitation to Momento", PEOPLE, optional=False
    ),
    # Marketing: off until the person asks for it.
    Kind(
        "news",
        "accounts/emails/news",
        "News and offers from Momento",
        NEWS,
        email_by_default=False,
        marketing=True,
    ),
]

KINDS: dict[str, Kind] = {kind.key: kind for kind in _KINDS}
GROUPS = [EVENTS, PEOPLE, MONEY, NEWS]


def kind_named(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"{key!r} is not a registered notification kind") from None
