"""The money side of the demo world: a booking fee paid, one refunded and one declined (its
guest may try again), and a premium member whose likes page shows who liked them, made in the
local test mode through payments.services and the local gateway, like the app makes them.

Stripe's answers are webhook events: the local gateway records them and queues their processing.
The demo processes the ones it caused at once (webhooks.process), so the world is whole without a
running worker; the queued jobs later find them processed and do nothing.

Idempotent like events/demo.py: a guest's steps only run while that guest has no payment for the
event, and the premium member's while they have no plan, so a second run creates nothing and
sends no email. With Stripe keys configured the demo makes no payments: nobody could pay them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.db import transaction
from django.urls import resolve

from accounts.demo import DEMO_DOMAIN
from events import services as events
from events.models import Event, Invitation
from payments import local, services, stripe_gateway, webhooks
from payments.models import Payment, Plan, Subscription, SubscriptionPayment, WebhookEvent
from profiles.models import HostProfile, SocialProfile

if TYPE_CHECKING:
    from accounts.demo import World

# A paid event from events/demo.py that takes guests for weeks, and what each guest's card does.
EVENT = ("ravi", "Product team supper")
BOOKINGS = [
    ("ines", "pay"),  # paid: her seat is confirmed
    ("sam", "refund"),  # paid, then refunded from the console; the seat stays his
    ("ana", "decline"),  # declined: the demo participant can try again from her invitations
]
# Liked by Ana and Sam (profiles/demo.py LIKES): "Who liked you" shows them.
PREMIUM_MEMBER = ("yuki", Plan.MONTHLY)


def logins() -> dict[str, str]:
    """The log-in seed_demo lists beside accounts.demo.LOGINS."""
    if not stripe_gateway.is_local():
        return {}
    return {"premium": f"{PREMIUM_MEMBER[0]}@{DEMO_DOMAIN}"}


def seed(world: World) -> World:
    """Add the money side to `world` (after events.demo.seed's)."""
    if not stripe_gateway.is_local():
        return world
    # Stripe events recorded from here on are this run's.
    since = WebhookEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _bookings(world, since)
    _premium(world, since)
    world.created.extend(WebhookEvent.objects.filter(pk__gt=since).order_by("pk"))
    return world


def _deliver(since: int) -> None:
    """What the worker does with the Stripe events recorded since `since`: each processed once,
    oldest first."""
    waiting = WebhookEvent.objects.filter(pk__gt=since, processed_at__isnull=True)
    for pk in waiting.order_by("pk").values_list("pk", flat=True):
        webhooks.process(pk)


# Booking fees ----------------------------------------------------------------------------------


def _bookings(world: World, since: int) -> None:
    host_name, title = EVENT
    host = HostProfile.objects.select_related("user").get(user=world.users[host_name])
    event = Event.objects.filter(host=host, title=title).first()
    if event is None or event.is_free:
        return
    # The task events.services.create_event deferred: the event's price, before anyone pays.
    event = services.publish_event_price(event)
    for username, outcome in BOOKINGS:
        user = world.users[username]
        if Payment.objects.filter(event=event, user=user).exists():
            continue
        profile = SocialProfile.objects.select_related("user").get(user=user)
        try:
            with transaction.atomic():
                world.created.extend(_book(event, host, profile, outcome, since))
        except (events.EventError, services.PaymentError):
            # Someone trying the demo changed its world (a block, a full or started event):
            # this guest is left out rather than the whole demo failing.
            pass


def _book(event: Event, host, profile: SocialProfile, outcome: str, since: int) -> list:
    """One guest accepts, goes to Checkout and pays or is declined; returns the new rows."""
    created = []
    invitation = event.invitations.filter(profile=profile).first()
    if invitation is None:
        invitation = events.invite(event, profile, by=host)
        created.append(invitation)
    elif invitation.status != Invitation.Status.SENT:
        return created  # answered since: their answer stands
    invitation = events.accept_invitation(invitation, by=profile)
    payment = services.start_checkout(invitation, by=profile.user)
    created.append(payment)
    # The local checkout page's buttons.
    (local.decline if outcome == "decline" else local.pay)(payment)
    _deliver(since)
    if outcome == "refund":
        payment.refresh_from_db()
        services.refund_by_staff(payment)  # the console's goodwill refund
        _deliver(since)
    return created


# Premium ---------------------------------------------------------------------------------------


def _premium(world: World, since: int) -> None:
    username, plan = PREMIUM_MEMBER
    user = world.users[username]
    if Subscription.objects.filter(user=user).exists():
        return
    # What the local checkout page does when its Pay button is pressed.
    url = services.start_subscription(user, plan=plan)
    token = resolve(url).kwargs["token"]
    session = signing.loads(token, salt=stripe_gateway.LOCAL_SALT)
    local.subscribe(session_id=session["session"], user_id=session["user"], plan=session["plan"])
    _deliver(since)
    world.created.extend(Subscription.objects.filter(user=user))
    world.created.extend(SubscriptionPayment.objects.filter(user=user))
