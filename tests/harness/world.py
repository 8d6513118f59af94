"""The harnesses' world: one person per role, each with sentinel values in every private field
and in their internal metrics, and the objects that tie them together.

Every capability extends `build_world` so its pages are checked by the access matrix and the
private-data canary: the host owns the objects, the invitee holds an invitation, the guest a
confirmed seat, the stranger nothing.
"""

import datetime
import json
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.urls import reverse

from accounts.factories import UserFactory, UserInternalMetricsFactory
from accounts.models import Notification, User
from accounts.services import refer

ANONYMOUS = "anonymous"
PEOPLE = ("stranger", "invitee", "guest", "host", "staff")
ROLES = (ANONYMOUS, *PEOPLE)


@dataclass
class World:
    people: dict[str, User]
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


def _sentinel(prefix: str, role: str, tag: str = "") -> str:
    """A Stripe id that is one person's and nobody else's: `pi_CANARYGUEST3x7b`."""
    return f"{prefix}_CANARY{role.upper()}{PEOPLE.index(role) + 1}x7{tag}"


def _sentinel_person(role: str, number: int) -> User:
    user = UserFactory(
        username=role,
        email=f"canary.{role}.{number}7q@sentinel.test",
        last_name=f"Zzcanary{role.title()}lastname",
        phone_number=f"+1 555 01{number}0 {number}{number}7{number}",
        birth_date=date(1931, 3, 10 + number),
        payment_customer_id=_sentinel("cus", role),
        staff=role == "staff",
    )
    UserInternalMetricsFactory(
        user=user,
        absentee_rating=float(f"0.{number}31415"),
        internal_attractiveness_rating=float(f"{number}.271828"),
    )
    return user


def build_world() -> World:
    world = World(people={role: _sentinel_person(role, n) for n, role in enumerate(PEOPLE, 1)})
    _people_objects(world)
    _payment_objects(world)
    _console_objects(world)
    return world


def _people_objects(world: World) -> None:
    """Profiles and the social graph. The host is a host with photos, cities, interests, moods,
    a past event the guest attended and rated, and an upcoming one; the guest follows the host;
    the invitee likes the host and asks to follow them; staff blocked the stranger, whom the
    guest reported."""
    from profiles import services
    from profiles.factories import (
        CityFactory,
        HostProfileFactory,
        InterestFactory,
        MoodFactory,
        add_photo,
    )

    profiles = {role: user.social_profile for role, user in world.people.items()}
    for role, profile in profiles.items():
        services.update_profile(profile, first_name=role.title(), bio=f"The {role} of the world.")
    host = profiles["host"]
    paris, lyon = CityFactory(name="Paris"), CityFactory(name="Lyon")
    services.add_city(host, paris)
    world.objects["host_city"] = services.add_city(host, lyon)
    services.set_interests(host, [InterestFactory(name="Hiking"), InterestFactory(name="Jazz")])
    services.set_moods(host, [MoodFactory(name="Chatty")])
    world.objects["photo"] = add_photo(host)
    add_photo(host, colour=(20, 120, 90))
    add_photo(host, kind="cover")
    host_profile = HostProfileFactory(user=world.host, host_name="Host's Table")
    _past_event(world, host_profile, paris)
    follow = services.request_follow(profiles["guest"], host)
    services.accept_follow(follow, by=host)
    world.objects["follow_request"] = services.request_follow(profiles["invitee"], host)
    world.objects["referral"] = refer(world.people["guest"], "a-friend@example.com")
    world.objects["host_notification"] = Notification.objects.get(
        recipient=world.host,
        kind="follow_request",
        about_id=str(world.objects["follow_request"].pk),
    )
    services.like(profiles["invitee"], host)
    services.like(profiles["stranger"], profiles["guest"])  # who, only premium members see
    services.block(profiles["staff"], profiles["stranger"])
    services.report(profiles["guest"], profiles["stranger"], reason="spam", note="Harness.")
    _event_objects(world, host_profile, paris)
    _attendance_objects(world, host_profile, paris)
    _conversation_objects(world)


def _conversation_objects(world: World) -> None:
    """The guest (who follows the host) and the host talk: the host has read everything, the
    guest has one unread message."""
    from messaging import access, services

    guest, host = world.guest.social_profile, world.host.social_profile
    conversation = services.open_conversation(guest, host)
    services.send_message(
        access.thread_for_participant(world.guest, conversation.pk), content="Thank you again!"
    )
    host_side = access.thread_for_participant(world.host, conversation.pk)
    services.send_message(host_side, content="Come back soon.")
    thanks = conversation.messages.get(content="Thank you again!")
    services.report_message(host_side, thanks, reason="other", note="Harness report.")
    world.objects["conversation"] = conversation
    world.objects["guest_message"] = thanks


def _attendance_objects(world: World, host_profile, city) -> None:
    """An evening that ended two hours ago, where the guest and the invitee had a seat: the
    host reported the guest came and the invitee did not; the invitee disputes it and the guest
    says the invitee came (a dispute for staff, undecided)."""
    from django.utils import timezone

    from events import services
    from events.factories import EventFactory, InvitationFactory
    from events.models import Attendance, Event

    now = timezone.now()
    evening = EventFactory(
        host=host_profile,
        city=city,
        title="Last night's supper",
        starts_at=now - datetime.timedelta(hours=5),
        ends_at=now - datetime.timedelta(hours=2),
        status=Event.Status.COMPLETED,
    )
    guest, invitee = world.guest.social_profile, world.invitee.social_profile
    for profile in (guest, invitee):
        InvitationFactory(event=evening, profile=profile, confirmed=True)
    S = Attendance.Status
    services.report_attendance(
        evening, by=host_profile, statuses={guest.pk: S.ATTENDED, invitee.pk: S.NO_SHOW}
    )
    services.dispute_no_show(evening, by=invitee, status=S.LATE)
    services.report_others(evening, by=guest, statuses={invitee.pk: S.LATE})
    world.objects["evening"] = evening


def _past_event(world: World, host_profile, city) -> None:
    """The host's completed private event: the guest and one other person came, both rated
    (so the ratings are published, the guest's with a comment the host has not answered yet),
    and they would both meet each other again."""
    from events import services
    from events.factories import AttendanceFactory, EventFactory, InvitationFactory
    from profiles.factories import SocialProfileFactory

    past = EventFactory(host=host_profile, city=city, past=True, title="Past supper")
    guest, other = world.guest.social_profile, SocialProfileFactory(first_name="Olive")
    for profile in (guest, other):
        InvitationFactory(event=past, profile=profile, confirmed=True)
        AttendanceFactory(event=past, profile=profile)
    world.objects["rating"] = services.rate_event(
        past, by=guest, host_rating=5, event_rating=4, comment="A warm table."
    )
    services.rate_event(past, by=other, host_rating=4, event_rating=4)
    services.choose_to_meet_again(past, by=guest, chosen=[other])
    services.choose_to_meet_again(past, by=other, chosen=[guest])
    world.objects["past_event"] = past


# The exact address of the world's private event: for its host and confirmed guests only.
PRIVATE_ADDRESS = "7 Secret Lane"


def _event_objects(world: World, host_profile, city) -> None:
    """The host's upcoming private event: the guest has a confirmed seat and is interested, the
    invitee holds a sent invitation, the stranger is not invited. A public paid event in the
    same city is discoverable."""
    from events import services
    from events.factories import EventFactory

    profiles = {role: user.social_profile for role, user in world.people.items()}
    event = EventFactory(
        host=host_profile, city=city, title="Supper at the host's", location=PRIVATE_ADDRESS
    )
    guest = services.invite(event, profiles["guest"], by=host_profile)
    world.objects["guest_invitation"] = services.accept_invitation(guest, by=profiles["guest"])
    world.objects["invitation"] = services.invite(event, profiles["invitee"], by=host_profile)
    services.mark_interested(event, by=profiles["guest"])
    world.objects["event"] = event
    _board_objects(world, event)
    _evening_objects(world, host_profile, city)
    world.objects["public_event"] = EventFactory(
        host=host_profile,
        city=city,
        title="Open picnic",
        is_private=False,
        fee_cents=1200,
        stripe_product_id="prod_CANARYEVENTx7",
        stripe_price_id="price_CANARYEVENTx7",
    )
    # Private calendar feeds: the host's, the guest's and the invitee's are on; the stranger's
    # was turned off, and its token answers 404.
    for role in ("host", "guest", "invitee"):
        world.objects[f"{role}_feed"] = services.turn_on_calendar_feed(profiles[role])
    revoked = services.turn_on_calendar_feed(profiles["stranger"])
    services.turn_off_calendar_feed(profiles["stranger"])
    world.objects["revoked_feed_token"] = revoked.token


def _board_objects(world: World, event) -> None:
    """The private event's board: a post by the host, one by the guest (which the invitee
    reported) and one by the invitee, which the host hid."""
    from messaging import access, services

    boards = {
        role: access.board_for_reader(world.people[role], event.pk)
        for role in ("host", "guest", "invitee")
    }
    services.write_post(boards["host"], content="Welcome! Tell me about any allergies.")
    world.objects["board_post"] = post = services.write_post(
        boards["guest"], content="No nuts for me, please.\nAnd is there a lift?"
    )
    services.report_post(boards["invitee"], post, reason="other", note="Harness report.")
    hidden = services.write_post(boards["invitee"], content="Anyone selling a spare seat?")
    services.hide_post(boards["host"], hidden, by=world.host)


def _evening_objects(world: World, host_profile, city) -> None:
    """The host's event tonight, under way (check-in open): the guest has a seat and said they
    are running late, the invitee was checked in."""
    from django.utils import timezone

    from events import services
    from events.factories import EventFactory, InvitationFactory

    profiles = {role: user.social_profile for role, user in world.people.items()}
    now = timezone.now()
    tonight = EventFactory(
        host=host_profile,
        city=city,
        title="Tonight at the host's",
        location="9 Tonight Row",  # the invitee has a seat here: not the private event's address
        min_participants=1,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=2),
        status="confirmed",
    )
    seat = InvitationFactory(event=tonight, profile=profiles["guest"], confirmed=True)
    services.report_running_late(seat, minutes=10, by=profiles["guest"])
    arrived = InvitationFactory(event=tonight, profile=profiles["invitee"], confirmed=True)
    services.check_in_guest(arrived, by=host_profile)
    world.objects["tonight"] = tonight
    world.objects["tonight_invitation"] = seat
    world.objects["tonight_arrived"] = arrived


def _payment_objects(world: World) -> None:
    """Money, with a sentinel in every private field. On the public paid event, the guest's first
    payment came after their seat hold had lapsed and was refunded, and the second is paid and
    their seat confirmed; the invitee's card was declined once and their seat is held with a
    Checkout open. The host is a premium member with a paid and a failed invoice; the guest's
    old plan has ended. One Stripe event was received."""
    from django.utils import timezone

    from events import services as events
    from payments import services
    from payments.models import Payment, Plan, Subscription, SubscriptionPayment, WebhookEvent

    event = world.objects["public_event"]
    guest, invitee = world.guest.social_profile, world.invitee.social_profile

    seat = events.invite(event, guest, by=event.host)
    events.accept_invitation(seat, by=guest)
    world.objects["refunded_payment"] = _payment(
        seat,
        Payment.Status.REFUNDED,
        "a",
        seat_lost=True,
        refund_reason=f"Refunded, canary reason of guest 7q{PEOPLE.index('guest') + 1}",
        stripe_refund_id=_sentinel("re", "guest", "a"),
    )
    paid = _payment(seat, Payment.Status.PENDING, "b")
    world.objects["payment"] = services.advance(  # confirms the seat and emails the guest
        paid,
        Payment.Status.CAPTURED,
        stripe_payment_intent_id=_sentinel("pi", "guest", "b"),
        stripe_charge_id=_sentinel("ch", "guest", "b"),
    )

    held = events.invite(event, invitee, by=event.host)
    events.accept_invitation(held, by=invitee)
    world.objects["held_invitation"] = held
    world.objects["failed_payment"] = _payment(
        held,
        Payment.Status.FAILED,
        "a",
        failure_message=f"Declined, canary message of invitee 7q{PEOPLE.index('invitee') + 1}",
    )
    pending = _payment(held, Payment.Status.PENDING, "b")
    pending.checkout_url = local_checkout_url(
        mode="payment", session=pending.stripe_checkout_session_id, payment=str(pending.pk)
    )
    pending.save(update_fields=["checkout_url"])
    world.objects["pending_payment"] = pending
    # A premium Checkout of staff's, who are not premium.
    world.objects["premium_checkout_url"] = local_checkout_url(
        mode="subscription",
        session=_sentinel("cs", "staff"),
        user=str(world.staff.pk),
        plan="yearly",
    )

    now, day = timezone.now(), datetime.timedelta(days=1)
    world.objects["subscription"] = plan = Subscription.objects.create(
        user=world.host,
        plan=Plan.YEARLY,
        status=Subscription.Status.ACTIVE,
        stripe_subscription_id=_sentinel("sub", "host"),
        started_at=now - 40 * day,
        current_period_end=now + 325 * day,
    )
    for tag, status, days_ago in (("a", "failed", 41), ("b", "paid", 40)):  # card updated
        SubscriptionPayment.objects.create(
            subscription=plan,
            user=world.host,
            amount_cents=9000,
            currency="EUR",
            status=status,
            stripe_invoice_id=_sentinel("in", "host", tag),
            stripe_payment_intent_id=_sentinel("pi", "host", f"sub{tag}"),
            created_at=now - days_ago * day,
        )
    ended = Subscription.objects.create(
        user=world.guest,
        plan=Plan.MONTHLY,
        status=Subscription.Status.ENDED,
        stripe_subscription_id=_sentinel("sub", "guest"),
        started_at=now - 100 * day,
        current_period_end=now - 10 * day,
        ended_at=now - 10 * day,
    )
    SubscriptionPayment.objects.create(
        subscription=ended,
        user=world.guest,
        amount_cents=900,
        currency="EUR",
        status="paid",
        stripe_invoice_id=_sentinel("in", "guest"),
        stripe_payment_intent_id=_sentinel("pi", "guest", "sub"),
    )
    WebhookEvent.objects.create(
        stripe_event_id="evt_CANARYx7",
        type="charge.refunded",
        payload={"data": {"object": {"id": _sentinel("ch", "guest", "a"), "refunded": True}}},
        processed_at=now,
    )


def _payment(invitation, status: str, tag: str, **fields):
    """One payment for an invitation, with its payer's Stripe ids."""
    from payments.models import Payment

    role = invitation.profile.user.username
    ids = {"stripe_checkout_session_id": _sentinel("cs", role, tag)}
    if status != Payment.Status.PENDING:
        ids["stripe_payment_intent_id"] = _sentinel("pi", role, tag)
    if status in (Payment.Status.CAPTURED, Payment.Status.REFUNDED):
        ids["stripe_charge_id"] = _sentinel("ch", role, tag)
    event = invitation.event
    return Payment.objects.create(
        user=invitation.profile.user,
        event=event,
        invitation=invitation,
        amount_cents=event.fee_cents,
        currency=event.currency,
        status=status,
        **ids,
        **fields,
    )


def local_checkout_url(**session) -> str:
    """The local test mode's checkout page for a session, signed as LocalGateway signs it."""
    from payments.stripe_gateway import LOCAL_SALT

    token = signing.dumps(session, salt=LOCAL_SALT)
    return reverse("payments:local-checkout", args=[token])


def _console_objects(world: World) -> None:
    """One row of every model the console shows, so each of its pages has an object to open."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.tasks import send_email

    Group.objects.create(name="Moderators")
    TOTP.activate(world.staff, "JBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(world.staff)
    UserSession.objects.create(
        user=world.host, ip="192.0.2.7", session_key="harness-session", user_agent="Harness"
    )
    with connection.cursor() as cursor:  # a job row even while tests queue jobs in memory
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES (%s, %s, %s)",
            ["emails", send_email.name, json.dumps({"message": {"subject": "Harness"}})],
        )


def private_strings(user: User) -> set[str]:
    """Every way a person's private data or internal metrics could show up in text."""
    return private_strings_of([user])[user.pk]


def private_strings_of(users) -> dict[int, set[str]]:
    """`private_strings` of each of these people by primary key, in a constant number of
    queries: the email canary checks every email against everyone in the database."""
    from accounts.models import UserInternalMetrics
    from events.models import CalendarFeed, Invitation
    from payments.models import Payment, Subscription, SubscriptionPayment

    users = list(users)
    pks = [user.pk for user in users]
    metrics = {row.pk: row for row in UserInternalMetrics.objects.filter(pk__in=pks)}
    ids: dict[int, set[str]] = {pk: set() for pk in pks}
    texts: dict[int, set[str]] = {pk: set() for pk in pks}
    payments = Payment.objects.filter(user__in=pks)
    for user_id, *row in payments.values_list("user_id", *PAYMENT_IDS):
        ids[user_id] |= set(row)
    for user_id, *row in payments.values_list("user_id", "failure_message", "refund_reason"):
        texts[user_id] |= {text for text in row if "canary" in text}
    subscriptions = Subscription.objects.filter(user__in=pks)
    for user_id, value in subscriptions.values_list("user_id", "stripe_subscription_id"):
        ids[user_id].add(value)
    # A ticket is its guest's (and shown to nobody else, not even the host: they type it).
    tickets = Invitation.objects.filter(profile__user__in=pks).exclude(ticket_code="")
    for user_id, code in tickets.values_list("profile__user_id", "ticket_code"):
        ids[user_id] |= {code, f"{code[:4]}-{code[4:]}"}
    invoices = SubscriptionPayment.objects.filter(user__in=pks).values_list(
        "user_id", "stripe_invoice_id", "stripe_payment_intent_id"
    )
    for user_id, *row in invoices:
        ids[user_id] |= set(row)
    # A calendar feed's token opens the person's events: theirs alone to see.
    feeds = CalendarFeed.objects.filter(profile__user__in=pks)
    for user_id, token in feeds.values_list("profile__user_id", "token"):
        ids[user_id].add(token)
    return {
        user.pk: _private_strings(user, metrics.get(user.pk), ids[user.pk], texts[user.pk])
        for user in users
    }


def _private_strings(user: User, metrics, stripe_ids: set[str], texts: set[str]) -> set[str]:
    values = {user.email, user.phone_number, user.last_name, user.payment_customer_id}
    local_part = user.email.split("@")[0]
    if local_part.lower() != user.username.lower():  # a username is public
        values.add(local_part)
    if user.birth_date:
        born = user.birth_date
        values |= {
            born.isoformat(),
            born.strftime("%d/%m/%Y"),
            born.strftime("%m/%d/%Y"),
            f"{born:%B} {born.day}, {born.year}",
            f"{born:%b}. {born.day}, {born.year}",
            f"{born.day} {born:%B} {born.year}",
        }
    if metrics is not None:
        for number in (metrics.absentee_rating, metrics.internal_attractiveness_rating):
            if number not in (0.0, 1.0):
                text = repr(number)
                values |= {text, text.replace(".", ",")}
    # A person's Stripe ids, and the world's sentinels in their payments' free text: the
    # services write the same words for everyone there ("Your card was declined.").
    values |= {value for value in stripe_ids | {user.payment_customer_id} if value} | texts
    # Too short to be a sentinel: defaults and common values would match anywhere.
    return {value for value in values if value and len(value) >= 6}


PAYMENT_IDS = (
    "stripe_checkout_session_id",
    "stripe_payment_intent_id",
    "stripe_charge_id",
    "stripe_refund_id",
)


def stripe_ids_of(user: User) -> set[str]:
    from payments.models import Payment, Subscription, SubscriptionPayment

    ids = {user.payment_customer_id}
    for row in Payment.objects.filter(user=user).values_list(*PAYMENT_IDS):
        ids |= set(row)
    ids |= set(
        Subscription.objects.filter(user=user).values_list("stripe_subscription_id", flat=True)
    )
    invoices = SubscriptionPayment.objects.filter(user=user)
    for row in invoices.values_list("stripe_invoice_id", "stripe_payment_intent_id"):
        ids |= set(row)
    return {value for value in ids if value}


def stripe_ids() -> set[str]:
    """Every Stripe id in the database. Only the console shows them, to staff; no participant
    page does, not even to the person they are about."""
    from events.models import Event
    from payments.models import WebhookEvent

    ids = set().union(*(stripe_ids_of(user) for user in User.objects.all()))
    for row in Event.objects.values_list("stripe_product_id", "stripe_price_id"):
        ids |= set(row)
    ids |= set(WebhookEvent.objects.values_list("stripe_event_id", flat=True))
    return {value for value in ids if value}
