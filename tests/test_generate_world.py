"""The benchmark world (momento/world.py, `manage.py generate_world`): generated once for this
module at a small scale, then checked by queries, as a person logging in, and page by page."""

import datetime
import json

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, UserInternalMetrics
from events import tickets
from events.models import (
    RATING_WINDOW,
    Attendance,
    AttendanceReport,
    Event,
    Interested,
    Invitation,
    MeetAgain,
    Rating,
)
from momento import world as world_module
from payments.models import Payment, Subscription, SubscriptionPayment
from profiles.models import Follow, HostProfile, Like, Photo, SocialProfile, UserCity
from tests.accounts.helpers import log_in

# One worker generates the module's world once (make test runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("generate_world")
SCALE = 0.05
SEED = 7
S = Invitation.Status
SCHEMA = """
    SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL
    SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) || convalidated::text
      FROM pg_constraint
    UNION ALL
    SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
    ORDER BY 1, 2, 3
"""


def schema() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA)
        return cursor.fetchall()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the whole module, in a transaction rolled back at its end; each test runs
    in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = schema()
        summary = world_module.generate(scale=SCALE, seed=SEED)
        yield {**summary, "schema_before": before}
        transaction.set_rollback(True)


@pytest.fixture
def targets(world, db):
    return world["targets"]


def seats(*statuses):
    return Count("invitations", filter=Q(invitations__status__in=statuses))


# The world's shape ----------------------------------------------------------------------------


def test_summary_has_the_shape_the_benchmark_reads(world, db):
    assert world["scale"] == SCALE
    assert world["password"] == world_module.PASSWORD
    assert world["seconds"] < 60
    for name in ("big_event_id", "big_host_username", "busy_member_username"):
        assert world["targets"][name]
    assert len(world["targets"]["member_usernames_sample"]) == world_module.SAMPLE_SIZE
    counts = world["counts"]
    for model in (User, SocialProfile, Event, Invitation, Attendance, Rating, MeetAgain, Payment):
        assert counts[model._meta.db_table] == model.objects.count(), model


def test_counts_follow_the_scale(world, db):
    members = round(world_module.MEMBERS_PER_SCALE * SCALE)
    assert User.objects.count() == members
    big_host_events = world["targets"]["big_host_events"]
    assert big_host_events == round(world_module.BIG_HOST_EVENTS * SCALE)
    assert Event.objects.count() == round(world_module.EVENTS_PER_SCALE * SCALE) + big_host_events
    regular = Invitation.objects.exclude(event__host__user__username="big_host").count()
    # As many as the scale says, or as many as a small world's members allow.
    events = round(world_module.EVENTS_PER_SCALE * SCALE)
    expected = min(world_module.INVITATIONS_PER_SCALE * SCALE, events * (members - 2))
    assert 0.8 * expected <= regular <= 1.2 * expected
    for model in (Attendance, Rating, Like, Follow, Interested, Payment, Subscription, Photo):
        assert model.objects.exists(), model


def test_constraints_indexes_and_triggers_are_all_back_after_the_load(world, db):
    assert schema() == world["schema_before"]


def test_a_second_world_is_refused_and_nothing_is_written(world, db):
    users = User.objects.count()
    with pytest.raises(world_module.WorldError, match="already has people"):
        world_module.generate(scale=SCALE, seed=SEED)
    assert User.objects.count() == users


def test_every_status_of_events_and_invitations_is_there(world, db):
    statuses = set(Event.objects.values_list("status", flat=True))
    assert statuses == set(Event.Status.values)
    assert set(Invitation.objects.values_list("status", flat=True)) == set(S.values)


# Accounts and people -------------------------------------------------------------------------


def test_every_member_has_a_verified_address_a_profile_and_metrics(world, db):
    users = User.objects.all()
    assert not users.exclude(
        Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True, primary=True))
    ).exists()
    assert SocialProfile.objects.count() == users.count()
    assert UserInternalMetrics.objects.count() == users.count()
    assert users.filter(is_staff=True).count() == 1


def test_absentee_ratings_follow_from_what_counts(world, db):
    """The app's rule and formula (AttendanceQuerySet, accounts/reliability.py), at the world's
    moment: a disputed no-show counts neither way, a late cancellation weighs half."""
    from accounts.reliability import absentee_rating

    now = None  # the test's moment; the world's is seconds earlier, no window closes between
    disputed = Attendance.objects.with_outcome(now).filter(outcome="disputed").first()
    no_show = Attendance.objects.counted_no_show(now).first()
    assert disputed is not None and no_show is not None
    for row in (disputed, no_show):
        user = row.profile.user
        counted = Attendance.objects.counted(now).filter(profile__user=user)
        late = Invitation.objects.filter(
            profile__user=user, status=S.CANCELLED, cancelled_late=True
        )
        expected = absentee_rating(
            came=counted.exclude(outcome=Attendance.Status.NO_SHOW).count(),
            no_shows=counted.filter(outcome=Attendance.Status.NO_SHOW).count(),
            late_cancellations=late.count(),
        )
        assert user.internal_metrics.absentee_rating == pytest.approx(expected)
    assert AttendanceReport.objects.filter(attendance__profile=F("reported_by")).exists()
    assert AttendanceReport.objects.exclude(attendance__profile=F("reported_by")).exists()
    assert Attendance.objects.exclude(staff_decision="").exists()


def test_everyone_with_cities_has_one_current_and_one_primary(world, db):
    wrong = (
        UserCity.objects.values("profile")
        .annotate(
            current=Count("pk", filter=Q(is_current=True)),
            primary=Count("pk", filter=Q(is_primary=True)),
        )
        .exclude(current=1, primary=1)
    )
    assert not wrong.exists()
    assert UserCity.objects.filter(is_current=True, is_primary=False).exists()
    assert Follow.objects.filter(status=Follow.Status.PENDING).exists()
    assert Follow.objects.filter(status=Follow.Status.ACCEPTED).exists()


def test_photos_show_pictures_stored_once(world, db):
    from django.core.files.storage import default_storage

    names = set(Photo.objects.values_list("thumb", flat=True))
    assert 1 <= len(names) <= 4 < Photo.objects.count()
    assert all(default_storage.exists(name) for name in names)
    assert not Photo.objects.filter(profile__onboarded_at__isnull=True).exists()


# Events, seats and what followed them ---------------------------------------------------------


def test_seats_never_exceed_the_maximum_and_statuses_follow_confirmed_seats(world, db):
    events = Event.objects.annotate(
        taken=seats(*Invitation.SEAT_STATUSES),
        confirmed=seats(S.CONFIRMED),
        waiting=seats(S.WAITLISTED),
    )
    assert not events.filter(taken__gt=F("max_participants")).exists()
    sure = events.filter(status__in=(Event.Status.CONFIRMED, Event.Status.COMPLETED))
    assert sure.exists()
    assert not sure.filter(confirmed__lt=F("min_participants")).exists()
    planned = events.filter(status=Event.Status.PLANNED)
    assert planned.exists()
    assert not planned.filter(confirmed__gte=F("min_participants")).exists()
    # Only a full event has a waitlist.
    assert not events.filter(waiting__gt=0, taken__lt=F("max_participants")).exists()


def test_past_events_are_over_and_nothing_waits_on_them(world, db):
    past = Event.objects.filter(ends_at__lt=timezone.now())
    assert set(past.values_list("status", flat=True)) == {"completed", "cancelled"}
    upcoming = Event.objects.filter(starts_at__gt=timezone.now())
    assert {"planned", "confirmed", "cancelled"} <= set(upcoming.values_list("status", flat=True))
    stale = Invitation.objects.filter(status__in=Invitation.OUTSTANDING).filter(
        Q(event__in=past) | Q(event__status=Event.Status.CANCELLED)
    )
    assert not stale.exists()


def test_attendance_only_for_confirmed_guests_of_completed_events(world, db):
    confirmed = Invitation.objects.filter(
        event=OuterRef("event"), profile=OuterRef("profile"), status=S.CONFIRMED
    )
    attendance = Attendance.objects.all()
    assert attendance.exists()
    assert not attendance.exclude(event__status=Event.Status.COMPLETED).exists()
    assert not attendance.exclude(Exists(confirmed)).exists()
    # And every confirmed guest of a completed event was reported.
    reported = Attendance.objects.filter(event=OuterRef("event"), profile=OuterRef("profile"))
    unreported = Invitation.objects.filter(
        status=S.CONFIRMED, event__status=Event.Status.COMPLETED
    ).exclude(Exists(reported))
    assert not unreported.exists()


def test_every_seat_confirmed_once_has_a_ticket_code_of_the_tickets_alphabet(world, db):
    ticketed = Invitation.objects.filter(status__in=(S.CONFIRMED, *Invitation.GIVEN_BACK))
    assert ticketed.exists()
    assert not ticketed.filter(ticket_code="").exists()
    assert not Invitation.objects.exclude(pk__in=ticketed).exclude(ticket_code="").exists()
    codes = list(ticketed.values_list("ticket_code", flat=True)[:200])
    assert all(tickets.normalise(code) == code for code in codes)


def test_ratings_only_from_those_who_came_once_each_about_the_host(world, db):
    came = Attendance.objects.filter(
        event=OuterRef("event"),
        profile=OuterRef("rater"),
        status__in=(Attendance.Status.ATTENDED, Attendance.Status.LATE),
    )
    ratings = Rating.objects.all()
    assert ratings.exists()
    assert not ratings.exclude(Exists(came)).exists()
    assert not ratings.exclude(rated_host=F("event__host")).exists()
    twice = ratings.values("event", "rater").annotate(n=Count("pk")).filter(n__gt=1)
    assert not twice.exists()


def test_check_ins_only_for_attendees_of_past_events_and_their_row_reported_then(world, db):
    checked_in = Invitation.objects.filter(checked_in_at__isnull=False)
    assert checked_in.exists()
    assert not checked_in.exclude(status=S.CONFIRMED, event__status="completed").exists()
    row = Attendance.objects.filter(event=OuterRef("event"), profile=OuterRef("profile"))
    came = row.filter(status__in=Attendance.PRESENT)
    assert not checked_in.exclude(Exists(came)).exists(), "only those who came were checked in"
    # Check-in writes the host's row at the door (events/services/checkin.py).
    reported_then = row.filter(
        reported_at=OuterRef("checked_in_at"),
        reported_by=OuterRef("event__host__user__social_profile"),
    )
    assert not checked_in.exclude(Exists(reported_then)).exists()
    # At the door: from a quarter of an hour before the start, before the event ended.
    assert not checked_in.filter(
        Q(checked_in_at__lt=F("event__starts_at") - datetime.timedelta(minutes=16))
        | Q(checked_in_at__gte=F("event__ends_at"))
    ).exists()
    # Not everyone who came was checked in: the host reported the others after the event.
    assert Attendance.objects.filter(status__in=Attendance.PRESENT).count() > checked_in.count()


def test_ratings_are_published_once_the_window_closed_or_everyone_rated(world, db):
    now = timezone.now()
    completed = Event.objects.filter(status="completed")
    published = completed.filter(ratings_published_at__isnull=False)
    assert (
        not Event.objects.exclude(status="completed")
        .filter(ratings_published_at__isnull=False)
        .exists()
    )
    # Every event whose window closed is published, after it closed.
    closed = completed.filter(ends_at__lte=now - RATING_WINDOW)
    assert closed.exists()
    assert not closed.filter(ratings_published_at__isnull=True).exists()
    assert (
        not published.filter(ratings_published_at__lt=F("ends_at") + RATING_WINDOW)
        .filter(ends_at__lte=now - RATING_WINDOW)
        .exists()
    )
    # The others: published exactly when everyone who came has rated, at the last rating.
    attendees = Count(
        "attendances", filter=Q(attendances__status__in=Attendance.PRESENT), distinct=True
    )
    ratings = Count("ratings", distinct=True)
    window_open = completed.filter(ends_at__gt=now - RATING_WINDOW).annotate(
        attendees=attendees, rated=ratings
    )
    all_rated = window_open.filter(rated=F("attendees"), attendees__gt=0)
    assert (
        not window_open.exclude(pk__in=all_rated.values("pk"))
        .filter(ratings_published_at__isnull=False)
        .exists()
    )
    assert not all_rated.filter(ratings_published_at__isnull=True).exists()
    for event in all_rated[:20]:
        last = event.ratings.order_by("-created_at").values_list("created_at", flat=True)[0]
        assert event.ratings_published_at == last, event
    # Ratings were made within their window, after the event.
    assert not Rating.objects.filter(
        Q(created_at__gt=F("event__ends_at") + RATING_WINDOW)
        | Q(created_at__lt=F("event__ends_at"))
    ).exists()


def test_hosts_replied_only_to_published_comments_after_publication(world, db):
    replied = Rating.objects.exclude(reply="")
    assert replied.exists()
    assert not replied.filter(comment="").exists()
    assert not replied.filter(
        Q(event__ratings_published_at__isnull=True)
        | Q(replied_at__lt=F("event__ratings_published_at"))
        | Q(replied_at__isnull=True)
    ).exists()
    assert not Rating.objects.filter(reply="", replied_at__isnull=False).exists()
    assert Rating.objects.exclude(comment="").filter(reply="").exists(), "not every comment"


def test_meet_again_picks_are_between_attendees_mostly_one_sided(world, db):
    picks = MeetAgain.objects.all()
    assert picks.exists()
    came = Attendance.objects.filter(event=OuterRef("event"), status__in=Attendance.PRESENT)
    assert not picks.exclude(Exists(came.filter(profile=OuterRef("chooser")))).exists()
    assert not picks.exclude(Exists(came.filter(profile=OuterRef("chosen")))).exists()
    assert not picks.exclude(event__status="completed").exists()
    assert not picks.filter(
        Q(created_at__lt=F("event__ends_at"))
        | Q(created_at__gt=F("event__ends_at") + RATING_WINDOW)
    ).exists()
    mutual = picks.mutual().count()
    assert 0 < mutual < picks.count() - mutual, (mutual, picks.count())


def test_notifications_belong_to_active_members_most_read_and_the_busy_member_has_many(
    world, targets, db
):
    from accounts.models import Notification
    from accounts.notifications import KINDS
    from accounts.world_notifications import BUSY_MEMBERS_OWN

    notifications = Notification.objects.all()
    assert notifications.exists()
    assert not notifications.filter(recipient__is_active=False).exists()
    assert not notifications.filter(read_at__lt=F("created_at")).exists()
    assert set(notifications.values_list("kind", flat=True).distinct()) <= set(KINDS)
    share_read = notifications.filter(read_at__isnull=False).count() / notifications.count()
    assert 0.6 < share_read < 0.95
    busy = notifications.filter(recipient__username=targets["busy_member_username"])
    assert busy.count() == BUSY_MEMBERS_OWN


def test_payments_follow_the_seats_of_paid_events(world, db):
    payments = Payment.objects.all()
    assert not payments.filter(event__fee_cents=0).exists()
    assert not payments.exclude(event=F("invitation__event")).exists()
    assert not payments.exclude(user=F("invitation__profile__user")).exists()
    assert not payments.exclude(amount_cents=F("event__fee_cents")).exists()
    expected = {
        S.HELD: {Payment.Status.PENDING},
        S.PAYMENT_FAILED: {Payment.Status.FAILED},
        S.REMOVED: {Payment.Status.REFUNDED},
    }
    for status, payment_statuses in expected.items():
        found = set(payments.filter(invitation__status=status).values_list("status", flat=True))
        assert found == payment_statuses, status
    open_seats = payments.filter(
        invitation__status=S.CONFIRMED, event__status__in=Event.OPEN_STATUSES
    )
    assert set(open_seats.values_list("status", flat=True)) <= set(Payment.PAID)
    cancelled = payments.filter(
        invitation__status=S.CONFIRMED, event__status=Event.Status.CANCELLED
    )
    assert set(cancelled.values_list("status", flat=True)) <= {"refunded", "released"}
    # Every confirmed seat of a paid event has exactly one payment.
    paid_seats = Invitation.objects.filter(status=S.CONFIRMED, event__fee_cents__gt=0)
    assert not paid_seats.annotate(n=Count("payments")).exclude(n=1).exists()
    assert User.objects.exclude(payment_customer_id="").count() == (
        User.objects.filter(
            Q(Exists(Payment.objects.filter(user=OuterRef("pk"))))
            | Q(Exists(Subscription.objects.filter(user=OuterRef("pk"))))
        ).count()
    )
    assert SubscriptionPayment.objects.exists()


# The benchmark's targets ----------------------------------------------------------------------


def test_big_event_big_host_busy_member_and_sample_exist(targets):
    big = Event.objects.annotate(n=Count("invitations")).get(pk=targets["big_event_id"])
    assert big.host.user.username == targets["big_host_username"]
    assert big.n == Event.objects.annotate(n=Count("invitations")).order_by("-n")[0].n
    assert big.n == min(world_module.BIG_EVENT_INVITATIONS, User.objects.count() - 2)
    assert big.status == Event.Status.CONFIRMED
    host = HostProfile.objects.get(user__username=targets["big_host_username"])
    assert host.events.count() == targets["big_host_events"]
    assert host.events.upcoming().exists() and host.events.past().exists()
    assert host.events.count() == max(
        HostProfile.objects.annotate(n=Count("events")).values_list("n", flat=True)
    )

    busy = Invitation.objects.filter(profile__user__username=targets["busy_member_username"])
    busiest = Invitation.objects.values("profile").annotate(n=Count("pk")).order_by("-n")[0]
    assert busy.count() == busiest["n"]

    sample = SocialProfile.objects.filter(user__username__in=targets["member_usernames_sample"])
    assert sample.count() == world_module.SAMPLE_SIZE
    assert not sample.filter(onboarded_at__isnull=True).exists()
    assert not sample.filter(user__is_active=False).exists()
    assert not sample.filter(user__host_profile__isnull=False).exists()
    assert not sample.annotate(n=Count("invitations")).filter(n=0).exists()


def test_a_generated_member_logs_in_with_the_world_password(targets, client):
    username = targets["member_usernames_sample"][0]
    email = User.objects.get(username=username).email
    response = log_in(client, email, world_module.PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("events:my-invitations")).status_code == 200
    assert log_in(client.__class__(), email, "not-the-password").status_code == 200


def pages(targets):
    member = targets["member_usernames_sample"][0]
    other = targets["member_usernames_sample"][1]
    host = targets["big_host_username"]
    busy = targets["busy_member_username"]
    event = targets["big_event_id"]
    return [
        (member, reverse("home")),
        (member, reverse("events:discover")),
        (member, reverse("profiles:browse")),
        (member, reverse("profiles:profile", args=[other])),
        (member, reverse("profiles:profile", args=[host])),
        (member, reverse("events:my-invitations")),
        (member, reverse("events:my-events")),
        (busy, reverse("home")),
        (busy, reverse("events:my-invitations")),
        (busy, reverse("events:my-events")),
        (host, reverse("events:detail", args=[event])),
        (host, reverse("events:hosting")),
        (host, reverse("events:guests", args=[event])),
        (host, reverse("profiles:host", args=[host])),
        (busy, reverse("accounts:notifications")),
        (busy, reverse("accounts:notification-badge")),
    ]


@pytest.mark.parametrize("index", range(16))
def test_key_pages_render_for_generated_members(targets, client, index):
    username, url = pages(targets)[index]
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200, (username, url)


def invitations_digest() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(id::text || profile_id::text || status, ',' ORDER BY id))"
            "  FROM events_invitation"
        )
        return cursor.fetchone()[0]


def test_command_flushes_generates_the_same_world_for_a_seed_and_writes_the_summary(
    world, db, tmp_path, capsys
):
    runs = []
    for run in range(2):
        path = tmp_path / f"world-{run}.json"
        call_command(
            "generate_world", "--scale", "0.03", "--seed", "5", "--flush", "--summary", path
        )
        runs.append((json.loads(path.read_text()), invitations_digest()))
    (summary, digest), (again, digest_again) = runs
    assert summary["counts"]["accounts_user"] == User.objects.count() == world_module.MIN_MEMBERS
    assert summary["targets"]["big_event_id"] == str(Event.objects.get(title="The big event").pk)
    assert (again["targets"], again["counts"], digest_again) == (
        summary["targets"],
        summary["counts"],
        digest,
    )
    out = capsys.readouterr().out
    assert "big_host" in out and world_module.PASSWORD in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scale", "0.03"], "already has people"),
        (["--scale", "0"], "above 0"),
        (["--scale", "-1", "--flush"], "above 0"),
        (["--scale", "nan"], "above 0"),
        (["--scale", "1e9"], "up to 1000"),
    ],
)
def test_command_refuses_and_changes_nothing(world, db, arguments, message):
    users = User.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("generate_world", *arguments, verbosity=0)
    assert User.objects.count() == users


def test_boards_have_posts_signed_with_the_role_their_author_had(world, db):
    from messaging.models import EventPost, PostReport

    assert world["counts"][EventPost._meta.db_table] == EventPost.objects.count() > 0
    assert world["counts"][PostReport._meta.db_table] == PostReport.objects.count()
    posts = EventPost.objects.all()
    assert set(posts.values_list("role", flat=True)) == set(EventPost.Role.values)
    host_posts = posts.filter(role="host")
    assert not host_posts.exclude(author__user__host_profile=F("event__host")).exists()
    confirmed = Invitation.objects.filter(
        event=OuterRef("event"), profile=OuterRef("author"), status=S.CONFIRMED
    )
    assert not posts.filter(role="attendee").exclude(Exists(confirmed)).exists()
    assert not posts.filter(created_at__gt=F("event__ends_at")).exists()


def test_conversations_are_between_people_who_attended_an_event_together(world, db):
    from messaging.models import Conversation, ConversationParticipant, Message

    assert world["counts"][Conversation._meta.db_table] == Conversation.objects.count() > 0
    assert ConversationParticipant.objects.count() == 2 * Conversation.objects.count()
    assert world["counts"][Message._meta.db_table] == Message.objects.count()
    assert not Conversation.objects.filter(first__gte=F("second")).exists()
    second_came = Attendance.objects.present().filter(
        event=OuterRef("event"), profile=OuterRef(OuterRef("second"))
    )
    both_came = Attendance.objects.present().filter(Exists(second_came), profile=OuterRef("first"))
    assert not Conversation.objects.exclude(Exists(both_came)).exists()
    senders = Message.objects.exclude(
        Q(sender=F("conversation__first")) | Q(sender=F("conversation__second"))
    )
    assert not senders.exists()
