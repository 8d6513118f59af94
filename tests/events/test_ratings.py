"""Double-blind ratings after an event, the host's reply, and the pages that show them
(events/services/ratings.py, events/after.py, events/views/ratings.py)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events import services, tasks
from events.factories import AttendanceFactory, EventFactory, InvitationFactory
from events.models import RATING_WINDOW, Attendance, Event, Rating
from events.services import EventError
from profiles.factories import SocialProfileFactory
from tests.races import run_at_once

pytestmark = pytest.mark.django_db

ATTENDED, LATE, NO_SHOW = (
    Attendance.Status.ATTENDED,
    Attendance.Status.LATE,
    Attendance.Status.NO_SHOW,
)


def completed_event(*statuses, **fields):
    """A completed event that ended a day ago, with one confirmed guest per status given (their
    attendance as the host reported it); returns the event and the guests."""
    now = timezone.now()
    event = EventFactory(
        status=Event.Status.COMPLETED,
        starts_at=now - datetime.timedelta(days=1, hours=3),
        ends_at=now - datetime.timedelta(days=1),
        **fields,
    )
    guests = []
    for status in statuses:
        guest = SocialProfileFactory()
        InvitationFactory(event=event, profile=guest, confirmed=True)
        AttendanceFactory(event=event, profile=guest, status=status)
        guests.append(guest)
    return event, guests


def rate(event, guest, host=5, event_rating=4, comment=""):
    return services.rate_event(
        event, by=guest, host_rating=host, event_rating=event_rating, comment=comment
    )


def refused(call, message):
    count = Rating.objects.count()
    with pytest.raises(EventError, match=message):
        call()
    assert Rating.objects.count() == count


# The one definition of an attendee ---------------------------------------------------------


def test_attendees_are_those_reported_attended_or_late_never_no_shows():
    event, (on_time, late, no_show) = completed_event(ATTENDED, LATE, NO_SHOW)
    AttendanceFactory(profile=on_time)  # another event
    people = set(Attendance.objects.attendees(event).values_list("profile", flat=True))
    assert people == {on_time.pk, late.pk}


# Who may rate, and when -------------------------------------------------------------------


def test_an_attendee_rates_the_host_and_the_event_once_with_a_comment():
    event, (ana, ben) = completed_event(ATTENDED, LATE)
    rating = rate(event, ana, host=5, event_rating=3, comment="  Lovely.  ")
    assert (rating.host_rating_value, rating.event_rating_value) == (5, 3)
    assert rating.comment == "Lovely."
    assert rating.rated_host_id == event.host_id
    assert rate(event, ben).rater == ben  # late is an attendee too


def test_a_second_rating_is_refused():
    event, (ana, _) = completed_event(ATTENDED, ATTENDED)
    rate(event, ana)
    refused(lambda: rate(event, ana, host=1), "You have already rated this event.")
    assert Rating.objects.get(rater=ana).host_rating_value == 5


def test_a_rating_before_the_event_is_completed_is_refused():
    event, (ana,) = completed_event(ATTENDED)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CONFIRMED)
    event.refresh_from_db()
    refused(lambda: rate(event, ana), "You can rate this event once the event is over.")


def test_a_no_show_cannot_rate():
    event, (_, no_show) = completed_event(ATTENDED, NO_SHOW)
    refused(lambda: rate(event, no_show), "The host reported that you did not come")


def test_someone_never_there_cannot_rate():
    event, _ = completed_event(ATTENDED)
    refused(lambda: rate(event, SocialProfileFactory()), "Only the guests who came")


def test_the_host_cannot_rate_their_own_event():
    event, _ = completed_event(ATTENDED)
    refused(lambda: rate(event, event.host.user.social_profile), "You hosted this event")


def test_a_rating_after_the_window_is_refused():
    event, (ana,) = completed_event(ATTENDED)
    with time_machine.travel(event.ends_at + RATING_WINDOW):
        refused(lambda: rate(event, ana), "The time to rate this event ended on")
    with time_machine.travel(event.ends_at + RATING_WINDOW - datetime.timedelta(minutes=1)):
        assert rate(event, ana)


def test_stars_outside_1_to_5_are_refused():
    event, (ana,) = completed_event(ATTENDED)
    refused(lambda: rate(event, ana, host=6), "from 1 to 5 stars")
    refused(lambda: rate(event, ana, event_rating=0), "from 1 to 5 stars")


@pytest.mark.django_db(transaction=True)
def test_the_same_person_rating_twice_at_once_makes_one_rating():
    event, (ana, _) = completed_event(ATTENDED, ATTENDED)
    errors = run_at_once([lambda: rate(event, ana), lambda: rate(event, ana, host=1)])
    assert [error.message for error in errors] == ["You have already rated this event."]
    assert Rating.objects.filter(event=event, rater=ana).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_last_two_raters_at_once_publish_the_ratings(task_queue):
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED)
    assert run_at_once([lambda: rate(event, ana), lambda: rate(event, ben)]) == []
    event.refresh_from_db()
    assert event.ratings_published_at is not None
    assert Rating.objects.published().filter(event=event).count() == 2
    assert len([m for m in task_queue.outbox() if "ratings" in m.subject]) == 1


# Double-blind publication ------------------------------------------------------------------


def test_ratings_stay_blind_until_every_attendee_has_rated(task_queue):
    event, (ana, ben, _) = completed_event(ATTENDED, LATE, NO_SHOW)
    rate(event, ana, host=2)
    assert not Rating.objects.published().exists()
    assert Rating.objects.host_average(event.host) is None
    assert task_queue.outbox() == []

    rate(event, ben, host=4)  # the no-show is not waited for
    assert Rating.objects.published().filter(event=event).count() == 2
    assert Rating.objects.host_average(event.host) == 3
    [email] = task_queue.outbox()
    assert email.to == [event.host.user.email]
    assert "2 guests rated" in email.body
    assert reverse("events:ratings", args=[event.pk]) in email.body


def test_ratings_are_published_when_the_window_closes_even_if_some_did_not_rate(task_queue):
    event, (ana, _) = completed_event(ATTENDED, ATTENDED)
    rate(event, ana, host=4)
    closes = event.ends_at + RATING_WINDOW
    with time_machine.travel(closes - datetime.timedelta(seconds=1)):
        assert Rating.objects.host_average(event.host) is None
        assert services.publish_due_ratings() == 0
    with time_machine.travel(closes, tick=False):
        # Visible at once, before any sweep: the window is computed.
        assert Rating.objects.host_average(event.host) == 4
        assert task_queue.outbox() == []
        assert tasks.sweep_events(timestamp=0)["ratings_published"] == 1
        assert services.publish_due_ratings() == 0  # once
    [email] = task_queue.outbox()
    assert "1 guest rated" in email.body
    event.refresh_from_db()
    assert event.ratings_published_at == closes


def test_a_window_closing_without_any_rating_marks_the_event_and_emails_nobody(task_queue):
    event, _ = completed_event(ATTENDED)
    with time_machine.travel(event.ends_at + RATING_WINDOW):
        assert services.publish_due_ratings() == 1
    assert task_queue.outbox() == []


def test_the_published_mark_agrees_with_the_rule():
    """Wherever the mark is set, every attendee had rated or the window had closed."""
    full, (ana,) = completed_event(ATTENDED)
    rate(full, ana)
    half, (ben, _) = completed_event(ATTENDED, ATTENDED)
    rate(half, ben)
    services.publish_due_ratings()
    for event in Event.objects.filter(pk__in=[full.pk, half.pk]):
        marked = event.ratings_published_at is not None
        assert marked == (
            services.everyone_rated(event) or event.ratings_close_at <= timezone.now()
        )


def test_a_changed_report_that_leaves_everyone_rated_publishes(task_queue):
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED)
    rate(event, ana)
    Attendance.objects.filter(event=event, profile=ben).update(status=NO_SHOW)
    assert services.publish_if_everyone_rated(event)
    assert Rating.objects.published().filter(event=event).exists()


def test_attended_events_average_counts_only_published_ratings():
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED)
    rate(event, ana, event_rating=2)
    assert Rating.objects.attended_events_average(ana) is None
    rate(event, ben, event_rating=4)
    assert Rating.objects.attended_events_average(ana) == 3


# Replies ---------------------------------------------------------------------------------


def test_the_host_replies_once_to_a_published_comment():
    event, (ana,) = completed_event(ATTENDED)
    rating = rate(event, ana, comment="Too loud.")
    rating = services.reply_to_rating(rating, by=event.host, text=" We moved tables since. ")
    assert rating.reply == "We moved tables since." and rating.replied_at is not None
    with pytest.raises(EventError, match="already replied"):
        services.reply_to_rating(rating, by=event.host, text="Again")
    rating.refresh_from_db()
    assert rating.reply == "We moved tables since."


def test_replies_are_refused_before_publication_without_comment_or_by_someone_else():
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED)
    blind = rate(event, ana, comment="Nice.")
    with pytest.raises(EventError, match="once the ratings are published"):
        services.reply_to_rating(blind, by=event.host, text="Thanks")
    bare = rate(event, ben)
    with pytest.raises(EventError, match="no comment"):
        services.reply_to_rating(bare, by=event.host, text="Thanks")
    other_host = EventFactory().host
    with pytest.raises(EventError, match="Only the host"):
        services.reply_to_rating(blind, by=other_host, text="Thanks")
    with pytest.raises(EventError, match="Write a reply"):
        services.reply_to_rating(blind, by=event.host, text="   ")
    assert not Rating.objects.exclude(reply="").exists()


# Pages -------------------------------------------------------------------------------------


def test_the_rating_page_rates_and_then_shows_mine_as_hidden_until_publication(client):
    event, (ana, _) = completed_event(ATTENDED, ATTENDED)
    client.force_login(ana.user)
    url = reverse("events:rate", args=[event.pk])
    page = client.get(url).content.decode()
    assert 'name="host_rating"' in page and "You can rate once" in page
    response = client.post(url, {"host_rating": 4, "event_rating": 5, "comment": "Warm."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Your rating" in page and "Warm." in page
    assert "Only you can see your rating for now" in page
    assert 'name="host_rating"' not in page


def test_the_rating_page_explains_a_refusal_and_changes_nothing(client):
    event, (_, no_show) = completed_event(ATTENDED, NO_SHOW)
    client.force_login(no_show.user)
    url = reverse("events:rate", args=[event.pk])
    assert "did not come" in client.get(url).content.decode()
    response = client.post(url, {"host_rating": 4, "event_rating": 5}, follow=True)
    assert "did not come" in response.content.decode()
    assert not Rating.objects.exists()


def test_bad_stars_on_the_rating_page_are_explained(client):
    event, (ana,) = completed_event(ATTENDED)
    client.force_login(ana.user)
    response = client.post(reverse("events:rate", args=[event.pk]), {"host_rating": 9})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_stranger_gets_404_on_a_private_events_rating_pages(client):
    event, _ = completed_event(ATTENDED)
    client.force_login(SocialProfileFactory().user)
    for name in ("rate", "meet-again", "ratings"):
        assert client.get(reverse(f"events:{name}", args=[event.pk])).status_code == 404


def test_the_reply_view_is_post_only_and_404_for_others(client):
    event, (ana,) = completed_event(ATTENDED)
    rating = rate(event, ana, comment="Good.")
    url = reverse("events:rating-reply", args=[event.pk, rating.pk])
    client.force_login(event.host.user)
    assert client.get(url).status_code == 405
    client.force_login(ana.user)
    assert client.post(url, {"reply": "Me?"}).status_code == 404


def test_blind_ratings_show_nowhere_for_the_host_then_everywhere_once_published(client):
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED, is_private=False)
    rate(event, ana, host=2, comment="A secret about the soup.")
    client.force_login(event.host.user)
    pages = [
        reverse("events:ratings", args=[event.pk]),
        reverse("events:detail", args=[event.pk]),
        reverse("profiles:host", args=[event.host.user.username]),
        reverse("profiles:profile", args=[event.host.user.username]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "A secret about the soup." not in page, url
        assert "2.0" not in page, url
    assert "Not rated yet" in client.get(pages[2]).content.decode()
    rate(event, ben, host=4)
    for url in pages[:3]:
        assert "A secret about the soup." in client.get(url).content.decode(), url
    assert "Rated 3.0 / 5 by 2 guests" in client.get(pages[2]).content.decode()


def test_the_host_replies_from_the_ratings_page_and_it_shows_on_the_host_page(client):
    event, (ana,) = completed_event(ATTENDED)
    rating = rate(event, ana, comment="Great bread.")
    client.force_login(event.host.user)
    url = reverse("events:rating-reply", args=[event.pk, rating.pk])
    response = client.post(
        url, {"reply": "From the bakery next door."}, headers={"HX-Request": "true"}
    )
    assert f'id="rating-{rating.pk}"' in response.content.decode()
    assert "From the bakery next door." in response.content.decode()
    host_page = client.get(reverse("profiles:host", args=[event.host.user.username]))
    assert "The host's reply:</strong> From the bakery next door." in host_page.content.decode()
    again = client.post(url, {"reply": "Twice"}, follow=True).content.decode()
    assert "You have already replied to this comment." in again


def test_the_event_page_and_my_events_link_an_attendee_to_rate(client):
    event, (ana,) = completed_event(ATTENDED)
    client.force_login(ana.user)
    rate_url = reverse("events:rate", args=[event.pk])
    assert rate_url in client.get(event.get_absolute_url()).content.decode()
    assert rate_url in client.get(reverse("events:my-events")).content.decode()
    rate(event, ana)
    assert (
        "Rate the host and the event" not in client.get(event.get_absolute_url()).content.decode()
    )


def test_a_no_show_is_not_offered_to_rate(client):
    event, (_, no_show) = completed_event(ATTENDED, NO_SHOW)
    client.force_login(no_show.user)
    rate_url = reverse("events:rate", args=[event.pk])
    assert rate_url not in client.get(event.get_absolute_url()).content.decode()
    assert rate_url not in client.get(reverse("events:my-events")).content.decode()
