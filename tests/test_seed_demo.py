import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts import demo
from accounts.models import Referral, User, UserInternalMetrics
from events import demo as events_demo
from events.models import (
    Attendance,
    AttendanceReport,
    CalendarFeed,
    Event,
    Interested,
    Invitation,
    MeetAgain,
    Rating,
)
from messaging import demo as messaging_demo
from messaging.models import Conversation, ConversationParticipant, EventPost, Message, PostReport
from payments import demo as payments_demo
from payments.models import Payment, Subscription, SubscriptionPayment, WebhookEvent
from profiles import demo as profiles_demo
from profiles import services as profile_services
from profiles.models import (
    Block,
    City,
    Follow,
    HostProfile,
    Interest,
    Like,
    Mood,
    Photo,
    ProfileInterest,
    ProfileMood,
    Report,
    SocialProfile,
    UserCity,
)
from tests.accounts.helpers import log_in

PEOPLE_MODELS = [
    Interest,
    Mood,
    City,
    ProfileInterest,
    ProfileMood,
    UserCity,
    HostProfile,
    Event,
    Event.tags.through,
    Attendance,
    AttendanceReport,
    Rating,
    Like,
    Follow,
    Block,
    Report,
    Photo,
]
EVENTS_MODELS = [Invitation, Interested, CalendarFeed, MeetAgain]
PAYMENTS_MODELS = [Payment, Subscription, SubscriptionPayment, WebhookEvent]
ACCOUNTS_MODELS = [Referral]
MESSAGING_MODELS = [EventPost, PostReport, Conversation, ConversationParticipant, Message]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # The demo world stores generated photos: keep them out of the project's media folder.
    settings.MEDIA_ROOT = tmp_path


def snapshot():
    return {
        "users": sorted(User.objects.values_list("id", "email", "password", "updated_at")),
        "addresses": sorted(EmailAddress.objects.values_list("id", "email", "verified")),
        "metrics": sorted(UserInternalMetrics.objects.values_list("user_id", "updated_at")),
        "profiles": sorted(SocialProfile.objects.values_list("id", "updated_at", "onboarded_at")),
        "hosts": sorted(HostProfile.objects.values_list("id", "updated_at")),
        "events": sorted(Event.objects.values_list("id", "status", "updated_at")),
        "invitations": sorted(Invitation.objects.values_list("id", "status", "updated_at")),
        "payments": sorted(Payment.objects.values_list("id", "status", "updated_at")),
        "subscriptions": sorted(Subscription.objects.values_list("id", "status", "updated_at")),
        "webhook_events": sorted(WebhookEvent.objects.values_list("id", "processed_at")),
        "posts": sorted(EventPost.objects.values_list("id", "hidden_at", "deleted_at")),
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                PEOPLE_MODELS + EVENTS_MODELS + PAYMENTS_MODELS + ACCOUNTS_MODELS + MESSAGING_MODELS
            )
        },
    }


@pytest.mark.django_db
def test_seed_demo_builds_the_world_once_and_a_second_run_changes_nothing(
    capsys, task_queue, tmp_path
):
    call_command("seed_demo")
    first = snapshot()
    jobs = len(task_queue.jobs)
    assert jobs, "follow requests were emailed on the first run"
    files = sorted(tmp_path.rglob("*"))
    capsys.readouterr()

    call_command("seed_demo")

    assert snapshot() == first
    assert "0 new objects" in capsys.readouterr().out
    assert len(task_queue.jobs) == jobs, "no email is sent again"
    assert sorted(tmp_path.rglob("*")) == files, "no photo is stored again"


@pytest.mark.django_db
def test_demo_world_has_a_verified_participant_host_and_staff_member_who_can_log_in(client):
    call_command("seed_demo", verbosity=0)
    assert set(demo.LOGINS) == {"participant", "host", "staff"}
    assert User.objects.get(email=demo.LOGINS["staff"]).is_staff
    for email in demo.LOGINS.values():
        assert EmailAddress.objects.get(email=email).verified
        assert log_in(client, email, demo.DEMO_PASSWORD).status_code == 302, email
        client.logout()
    assert User.objects.count() == len(demo.PEOPLE)


@pytest.mark.django_db
def test_demo_world_has_people_with_profiles_photos_and_a_social_graph(capsys):
    call_command("seed_demo")
    created = int(capsys.readouterr().out.split("Demo world ready: ")[1].split()[0])
    # Every new row is counted, the people, events and payments sides included.
    assert created == len(demo.PEOPLE) + sum(
        model.objects.count()
        for model in (
            PEOPLE_MODELS + EVENTS_MODELS + PAYMENTS_MODELS + ACCOUNTS_MODELS + MESSAGING_MODELS
        )
    )

    assert Interest.objects.count() >= 15
    assert Mood.objects.exclude(emoji="").count() >= 6
    assert City.objects.get(name="Lisbon", country="Portugal").time_zone == "Europe/Lisbon"
    assert City.objects.get(name="Berlin").time_zone == "Europe/Berlin"
    assert CalendarFeed.objects.filter(profile__user__username="ana").exists()

    profiles = SocialProfile.objects.exclude(first_name="")
    assert profiles.count() >= len(demo.PEOPLE)
    assert profiles.exclude(bio="").count() >= len(demo.PEOPLE)
    assert SocialProfile.objects.filter(onboarded_at__isnull=True).exists()
    assert SocialProfile.objects.filter(onboarded_at__isnull=False).count() >= 10
    for profile in profiles:
        assert 2 <= profile.interests.count() <= 5, profile
        cities = profile.cities.all()
        assert cities.filter(is_current=True).count() == 1, profile
        assert cities.filter(is_primary=True).count() == 1, profile
    assert UserCity.objects.filter(is_current=True, is_primary=False).exists()

    photos = Photo.objects.all()
    assert photos.filter(kind=Photo.Kind.PORTRAIT).count() >= len(demo.PEOPLE)
    assert photos.filter(kind=Photo.Kind.COVER).exists()
    for photo in photos:
        for name in photo.variant_names:
            assert default_storage.exists(name), name

    assert Like.objects.count() >= 10
    assert Follow.objects.accepted().count() >= 5
    assert Follow.objects.pending().filter(followed__user__username="ana").exists()
    assert Block.objects.filter(
        blocker__user__username="leo", blocked__user__username="omar"
    ).exists()
    assert Report.objects.filter(status=Report.Status.OPEN).exists()

    hosts = HostProfile.objects.select_related("user")
    assert {host.user.username for host in hosts} == {
        person.username for person in demo.PEOPLE if person.role == "host"
    }
    for host in hosts:
        assert Event.objects.hosted_by(host).past().filter(status="completed").exists(), host
        assert Event.objects.hosted_by(host).upcoming().filter(status="planned").exists(), host
        assert 3 <= Rating.objects.host_average(host) <= 5, host
    assert Attendance.objects.filter(status=Attendance.Status.NO_SHOW).exists()
    assert Attendance.objects.filter(status=Attendance.Status.LATE).exists()
    assert Attendance.objects.disputed_undecided().filter(profile__user__username="omar").exists()
    assert Attendance.objects.with_outcome().filter(outcome="pending").exists()  # may dispute
    omar = UserInternalMetrics.objects.get(user__username="omar")
    assert omar.absentee_rating_updated_at is not None
    ana = SocialProfile.objects.get(user__username="ana")
    assert Event.objects.attended_by(ana).exists()
    assert Rating.objects.attended_events_average(ana) is not None


@pytest.mark.django_db
def test_demo_world_has_events_and_invitations_in_every_status_and_a_full_event_with_a_waitlist():
    call_command("seed_demo", verbosity=0)
    now = timezone.now()

    for status in Event.Status:
        assert Event.objects.filter(status=status).exists(), status
    for status in Invitation.Status:
        assert Invitation.objects.filter(status=status).exists(), status
    assert Invitation.objects.filter(status="held", hold_expires_at__gt=now).exists()
    assert Invitation.objects.filter(status="offered", expires_at__gt=now).exists()
    assert Event.objects.exclude(cancel_reason="").filter(status="cancelled").exists()

    events = Event.objects.upcoming()
    assert events.filter(is_private=True).exists() and events.filter(is_private=False).exists()
    assert events.filter(fee_cents=0).exists() and events.filter(fee_cents__gt=0).exists()
    assert events.filter(is_business=True).exists()
    assert events.filter(rsvp_deadline__isnull=False, decision_deadline__isnull=False).exists()
    assert Event.objects.discoverable().exists()
    assert Interested.objects.count() >= 3

    full = [
        event
        for event in Event.objects.open().upcoming().with_seats()
        if event.seats_confirmed == event.max_participants
    ]
    assert full, "an event has every seat confirmed"
    waitlist = full[0].invitations.filter(status="waitlisted")
    assert waitlist.count() == 2


@pytest.mark.django_db
def test_demo_log_ins_see_their_invitations_and_the_host_their_events(client):
    call_command("seed_demo", verbosity=0)
    for email in demo.LOGINS.values():
        invitations = Invitation.objects.filter(profile__user__email=email)
        assert invitations.exists(), email
        log_in(client, email, demo.DEMO_PASSWORD)
        page = client.get(reverse("events:my-invitations")).content.decode()
        for invitation in invitations.select_related("event"):
            assert escape(invitation.event.title) in page, (email, invitation.event)
        client.logout()

    host = HostProfile.objects.get(user__email=demo.LOGINS["host"])
    assert Event.objects.hosted_by(host).upcoming().open().exists()
    log_in(client, demo.LOGINS["host"], demo.DEMO_PASSWORD)
    page = client.get(reverse("events:hosting")).content.decode()
    for event in Event.objects.hosted_by(host).upcoming():
        assert escape(event.title) in page, event


@pytest.mark.django_db
def test_seed_demo_still_runs_on_a_demo_world_made_before_events_that_has_moved_on():
    # A world from before the events side, weeks old: its upcoming events have started since,
    # and someone trying the app blocked a host.
    world = demo.seed()
    profiles_demo.seed(world)
    Event.objects.update(
        starts_at=F("starts_at") - datetime.timedelta(days=30),
        ends_at=F("ends_at") - datetime.timedelta(days=30),
    )
    yuki, ravi = (SocialProfile.objects.get(user__username=name) for name in ("yuki", "ravi"))
    profile_services.block(yuki, ravi)

    call_command("seed_demo", verbosity=0)

    assert Invitation.objects.filter(status="waitlisted").count() == 2
    # Events that have ended (tonight's is under way: its attendance is still to come).
    started = Invitation.objects.filter(event__ends_at__lt=timezone.now())
    # Only the confirmed seats that the past events' attendance rows imply.
    reported = Attendance.objects.filter(event=OuterRef("event"), profile=OuterRef("profile"))
    assert not started.exclude(Exists(reported), status="confirmed").exists()
    between = Q(profile=yuki, event__host__user=ravi.user)
    assert not Invitation.objects.filter(between).exclude(Exists(reported)).exists()
    assert not Interested.objects.filter(between).exists()
    # The event whose guests included Yuki is left without new guests; the others have theirs.
    assert not Invitation.objects.filter(event__title="Keralan feast").exists()
    assert Invitation.objects.filter(event__title="Poetry and dal night").exists()


@pytest.mark.django_db
def test_demo_world_has_booking_fees_paid_refunded_and_declined_and_a_premium_member(
    client, capsys
):
    call_command("seed_demo")
    premium = payments_demo.logins()["premium"]
    assert f"premium      {premium}  password: {demo.DEMO_PASSWORD}" in capsys.readouterr().out
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()

    payments = Payment.objects.filter(event__in=Event.objects.upcoming().filter(fee_cents__gt=0))
    paid = payments.get(status=Payment.Status.CAPTURED)
    assert paid.invitation.status == Invitation.Status.CONFIRMED
    assert paid.stripe_charge_id
    refunded = payments.get(status=Payment.Status.REFUNDED)
    assert refunded.refund_reason and refunded.stripe_refund_id
    failed = payments.get(status=Payment.Status.FAILED)
    assert failed.failure_message == "Your card was declined."
    assert failed.invitation.status == Invitation.Status.PAYMENT_FAILED
    assert failed.user.email == demo.LOGINS["participant"]

    # The host sees the fees; the refunded guest sees why; the declined guest can try again.
    event = paid.event
    log_in(client, User.objects.get(pk=event.host.user_id).email, demo.DEMO_PASSWORD)
    page = client.get(reverse("events:guests", args=[event.pk])).content.decode()
    assert "Booking fees" in page and escape(paid.amount_display) in page
    client.logout()
    log_in(client, refunded.user.email, demo.DEMO_PASSWORD)
    page = client.get(reverse("payments:payment", args=[refunded.pk])).content.decode()
    assert "is refunded" in page and escape(refunded.refund_reason) in page
    client.logout()
    log_in(client, failed.user.email, demo.DEMO_PASSWORD)
    response = client.post(reverse("events:accept", args=[failed.invitation_id]))
    assert "/test-mode/checkout/" in response["Location"]
    client.logout()

    # The premium member's plan is active and paid, and their likes page shows who liked them.
    member = User.objects.get(email=premium)
    subscription = Subscription.objects.get(user=member)
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.payments.filter(status=SubscriptionPayment.Status.PAID).exists()
    log_in(client, premium, demo.DEMO_PASSWORD)
    page = client.get(reverse("profiles:liked-me")).content.decode()
    likers = SocialProfile.objects.filter(likes_given__liked__user=member)
    assert likers.exists()
    for liker in likers:
        assert escape(liker.display_name) in page, liker


@pytest.mark.django_db
def test_demo_log_ins_have_read_and_unread_notifications_of_several_kinds(client):
    from accounts.models import Notification

    call_command("seed_demo", verbosity=0)
    for name in ("ana", "hugo"):
        mine = Notification.objects.filter(recipient__username=name)
        assert mine.filter(read_at__isnull=True).count() == demo.UNREAD_KEPT, name
        assert mine.filter(read_at__isnull=False).exists(), name
        assert mine.values("kind").distinct().count() >= 2, name
    client.force_login(User.objects.get(username="ana"))
    page = client.get(reverse("accounts:notifications"))
    assert page.text.count('class="notification unread"') == demo.UNREAD_KEPT


@pytest.mark.django_db
def test_demo_world_has_an_event_under_way_today_with_guests_checked_in_and_one_running_late(
    client,
):
    call_command("seed_demo", verbosity=0)
    now = timezone.now()
    event = Event.objects.select_related("city", "host__user").get(title=events_demo.TONIGHT.title)
    assert event.host.user.email == demo.LOGINS["host"]
    assert event.starts_at <= now < event.ends_at
    assert now - event.starts_at <= datetime.timedelta(hours=1, minutes=1)
    # Today where the event is, whatever the server's zone.
    assert timezone.localtime(event.starts_at, event.zone).date() == (
        timezone.localtime(now, event.zone).date()
    )
    seats = event.invitations.filter(status="confirmed").select_related("profile__user")
    arrived = seats.filter(checked_in_at__isnull=False)
    assert {seat.profile.user.username for seat in arrived} == set(events_demo.TONIGHT_CHECKED_IN)
    assert Attendance.objects.filter(event=event, status="attended").count() == 2
    late = seats.get(running_late_minutes=15, checked_in_at__isnull=True)
    assert late.late_reported_at is not None

    log_in(client, demo.LOGINS["host"], demo.DEMO_PASSWORD)
    page = client.get(reverse("events:check-in", args=[event.pk])).content.decode()
    assert "15 min" in page
    for seat in seats:
        assert escape(seat.profile.display_name) in page, seat
    client.logout()
    log_in(client, late.profile.user.email, demo.DEMO_PASSWORD)
    ticket = client.get(reverse("events:ticket", args=[late.pk]))
    assert ticket.status_code == 200 and late.ticket_display in ticket.content.decode()


@pytest.mark.django_db
def test_the_readmes_evening_pages_are_reached_as_it_says(client):
    """README, "Demo log-ins": each evening page is a link away from where it says."""
    call_command("seed_demo", verbosity=0)
    tonight = Event.objects.get(title=events_demo.TONIGHT.title)
    dumplings = Event.objects.get(title="Dumplings and mahjong")
    bouchon = Event.objects.get(title="Bouchon night for eight")

    def page(email, name, *args):
        client.logout()
        log_in(client, email, demo.DEMO_PASSWORD)
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        return response.content.decode()

    hugo, ana, sam = (demo.LOGINS[role] for role in ("host", "participant", "staff"))
    assert tonight.get_absolute_url() in page(hugo, "events:hosting")
    event_page = client.get(tonight.get_absolute_url()).content.decode()
    assert reverse("events:check-in", args=[tonight.pk]) in event_page
    for event in (bouchon, dumplings):
        assert (
            reverse("events:ratings", args=[event.pk])
            in client.get(event.get_absolute_url()).content.decode()
        )
    ratings = page(hugo, "events:ratings", bouchon.pk)
    assert escape("Same table next winter?") in ratings

    seat = Invitation.objects.get(event=tonight, profile__user__email=ana)
    assert reverse("events:ticket", args=[seat.pk]) in page(ana, "events:my-events")
    assert reverse("events:rate", args=[dumplings.pk]) in page(sam, "events:my-events")
    chloe = "chloe@demo.momento.localhost"
    mine = page(chloe, "events:my-events")
    assert reverse("events:my-attendance", args=[dumplings.pk]) in mine
    # A past seat is not offered back (the past cards once inherited the upcoming list).
    past_seat = Invitation.objects.get(event=dumplings, profile__user__email=chloe)
    assert reverse("events:cancel-seat", args=[past_seat.pk]) not in mine


@pytest.mark.django_db
def test_a_demo_world_seeded_on_an_earlier_day_gets_todays_evening_and_keeps_the_old_one():
    call_command("seed_demo", verbosity=0)
    old = Event.objects.get(title=events_demo.TONIGHT.title)
    two_days = datetime.timedelta(days=2)
    Event.objects.filter(pk=old.pk).update(
        starts_at=F("starts_at") - two_days, ends_at=F("ends_at") - two_days
    )

    call_command("seed_demo", verbosity=0)

    now = timezone.now()
    evenings = Event.objects.filter(title=events_demo.TONIGHT.title)
    assert evenings.count() == 2
    new = evenings.get(starts_at__lte=now, ends_at__gt=now)
    assert new.pk != old.pk
    assert new.invitations.filter(checked_in_at__isnull=False).count() == 2
    assert new.invitations.filter(running_late_minutes=15).count() == 1
    assert old.invitations.filter(checked_in_at__isnull=False).count() == 2, "left as it was"


@pytest.mark.django_db
def test_demo_participant_has_referrals_in_every_state():
    from accounts.models import Referral

    call_command("seed_demo", verbosity=0)
    states = {r.status for r in Referral.objects.filter(inviter__username="ana")}
    assert states == {"sent", "expired", "accepted"}


@pytest.mark.django_db
def test_demo_world_has_lively_boards_signed_with_roles_and_a_post_in_the_moderation_queue(
    client,
):
    call_command("seed_demo", verbosity=0)
    for (host, title), posts in messaging_demo.BOARDS.items():
        event = Event.objects.filter(host__user__username=host, title=title).latest("starts_at")
        assert EventPost.objects.filter(event=event).count() >= len(posts), title
    roles = set(EventPost.objects.values_list("role", flat=True))
    assert roles == {"host", "attendee", "invitee"}
    spam = EventPost.objects.get(content=messaging_demo.SPAM)
    assert spam.hidden_at is not None and spam.reports.count() == 1
    # Ana, the demo participant, reads the chef's counter board from the waitlist.
    client.force_login(User.objects.get(email=demo.LOGINS["participant"]))
    event = Event.objects.get(title="Six seats at the chef's counter")
    page = client.get(reverse("messaging:board", args=[event.pk])).content.decode()
    assert escape("I'm on the waitlist") in page and "(you)" in page
    assert messaging_demo.SPAM not in page


@pytest.mark.django_db
def test_demo_log_ins_have_conversations_with_unread_messages(client):
    from messaging.inbox import unread_total

    call_command("seed_demo", verbosity=0)
    assert Conversation.objects.count() == len(messaging_demo.CONVERSATIONS)
    for role in ("participant", "host", "staff"):
        user = User.objects.get(email=demo.LOGINS[role])
        assert unread_total(user.social_profile) > 0, role
    client.force_login(User.objects.get(email=demo.LOGINS["participant"]))
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert "See you at the fishmonger then." in inbox and "is-unread" in inbox
