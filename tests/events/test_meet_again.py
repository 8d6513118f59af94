""" "Would meet again": private picks among an event's attendees, shown only when mutual
(events/services/ratings.py choose_to_meet_again, MeetAgainQuerySet)."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from events import services
from events.models import RATING_WINDOW, MeetAgain
from events.services import EventError
from profiles import services as profile_services
from profiles.factories import SocialProfileFactory
from tests.events.test_ratings import ATTENDED, LATE, NO_SHOW, completed_event
from tests.races import run_at_once

pytestmark = pytest.mark.django_db


def pick(event, chooser, *chosen):
    return services.choose_to_meet_again(event, by=chooser, chosen=list(chosen))


def picks_of(event, chooser) -> set:
    return set(
        MeetAgain.objects.filter(event=event, chooser=chooser).values_list("chosen", flat=True)
    )


def test_an_attendee_picks_among_the_others_and_may_change_their_mind():
    event, (ana, ben, cleo) = completed_event(ATTENDED, LATE, ATTENDED)
    assert pick(event, ana, ben, cleo) == []  # nobody picked ana back
    assert picks_of(event, ana) == {ben.pk, cleo.pk}
    pick(event, ana, cleo)
    assert picks_of(event, ana) == {cleo.pk}
    pick(event, ana)
    assert picks_of(event, ana) == set()


def test_a_pick_returned_is_mutual_for_both():
    event, (ana, ben, cleo) = completed_event(ATTENDED, ATTENDED, ATTENDED)
    pick(event, ana, ben, cleo)
    [mutual] = pick(event, ben, ana)
    assert mutual.chosen == ana
    pairs = set(MeetAgain.objects.mutual().values_list("chooser", "chosen"))
    assert pairs == {(ana.pk, ben.pk), (ben.pk, ana.pk)}
    assert [p.chosen for p in MeetAgain.objects.shown_to(ana)] == [ben]
    assert list(MeetAgain.objects.shown_to(cleo)) == []


def test_picks_outside_the_attendees_or_oneself_are_refused_and_change_nothing():
    event, (ana, ben, no_show) = completed_event(ATTENDED, ATTENDED, NO_SHOW)
    pick(event, ana, ben)
    for chosen, message in (
        ([ana], "You cannot pick yourself."),
        ([no_show], "only pick people who came"),
        ([SocialProfileFactory()], "only pick people who came"),
    ):
        with pytest.raises(EventError, match=message):
            pick(event, ana, *chosen)
        assert picks_of(event, ana) == {ben.pk}


def test_a_no_show_or_a_stranger_cannot_pick():
    event, (ana, no_show) = completed_event(ATTENDED, NO_SHOW)
    with pytest.raises(EventError, match="did not come"):
        pick(event, no_show, ana)
    with pytest.raises(EventError, match="Only the guests who came"):
        pick(event, SocialProfileFactory(), ana)
    assert not MeetAgain.objects.exists()


def test_picks_close_with_the_rating_window_but_mutual_ones_stay_shown():
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED)
    pick(event, ana, ben)
    pick(event, ben, ana)
    with time_machine.travel(event.ends_at + RATING_WINDOW + datetime.timedelta(minutes=1)):
        with pytest.raises(EventError, match="ended on"):
            pick(event, ana)
        assert picks_of(event, ana) == {ben.pk}
        assert [p.chosen for p in MeetAgain.objects.shown_to(ana)] == [ben]


def test_a_block_hides_a_mutual_pick():
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED)
    pick(event, ana, ben)
    pick(event, ben, ana)
    profile_services.block(ben, ana)
    assert list(MeetAgain.objects.shown_to(ana)) == []
    assert list(MeetAgain.objects.shown_to(ben)) == []


@pytest.mark.django_db(transaction=True)
def test_two_edits_at_once_by_the_same_person_leave_one_of_them_whole():
    event, (ana, ben, cleo) = completed_event(ATTENDED, ATTENDED, ATTENDED)
    errors = run_at_once([lambda: pick(event, ana, ben), lambda: pick(event, ana, ben, cleo)])
    assert errors == []
    assert picks_of(event, ana) in ({ben.pk}, {ben.pk, cleo.pk})


# Pages -------------------------------------------------------------------------------------


def test_the_meet_again_page_saves_picks_and_shows_a_mutual_one(client):
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED)
    ben.preferred_name = "Benedetta"
    ben.save()
    client.force_login(ana.user)
    url = reverse("events:meet-again", args=[event.pk])
    page = client.get(url).content.decode()
    assert f'value="{ben.pk}"' in page and "Benedetta" in page
    assert client.post(url, {"chosen": [str(ben.pk)]}).status_code == 302
    assert picks_of(event, ana) == {ben.pk}
    assert "both want to meet again" not in client.get(url).content.decode()
    pick(event, ben, ana)
    for page_url in (url, event.get_absolute_url(), reverse("events:my-events")):
        assert "You and Benedetta both want to meet again." in client.get(page_url).content.decode()


def test_picking_someone_not_listed_on_the_page_is_explained(client):
    event, (ana, _) = completed_event(ATTENDED, ATTENDED)
    client.force_login(ana.user)
    url = reverse("events:meet-again", args=[event.pk])
    response = client.post(url, {"chosen": [str(SocialProfileFactory().pk)]})
    assert "Pick only among the people listed." in response.content.decode()
    assert not MeetAgain.objects.exists()


def test_a_no_show_is_told_why_they_cannot_pick(client):
    event, (_, no_show) = completed_event(ATTENDED, NO_SHOW)
    client.force_login(no_show.user)
    url = reverse("events:meet-again", args=[event.pk])
    assert "did not come" in client.get(url).content.decode()
    response = client.post(url, {"chosen": []}, follow=True)
    assert "did not come" in response.content.decode()


CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token, new on each page


def _pages_of(client, urls) -> dict[str, str]:
    pages = {}
    for url, htmx in urls:
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        pages[url] = CSRF.sub("TOKEN", response.content.decode())
    return pages


def test_a_one_sided_pick_is_invisible_on_every_page_the_picked_person_opens(client):
    """Ben's pages are byte for byte the same before and after Ana picks him (CSRF tokens
    aside): the event page, my events, the rating and meet-again pages, both profiles, the
    host's page, the home page, and their htmx fragments."""
    event, (ana, ben) = completed_event(ATTENDED, ATTENDED, is_private=False)
    client.force_login(ben.user)
    urls = [
        (event.get_absolute_url(), False),
        (event.get_absolute_url(), True),
        (reverse("events:my-events"), False),
        (reverse("events:my-events"), True),
        (reverse("events:rate", args=[event.pk]), False),
        (reverse("events:meet-again", args=[event.pk]), False),
        (reverse("profiles:profile", args=[ana.user.username]), False),
        (reverse("profiles:profile", args=[ben.user.username]), False),
        (reverse("profiles:host", args=[event.host.user.username]), False),
        (reverse("home"), False),
    ]
    before = _pages_of(client, urls)
    pick(event, ana, ben)
    after = _pages_of(client, urls)
    for url, _ in urls:
        assert after[url] == before[url], url
    assert MeetAgain.objects.filter(chooser=ana, chosen=ben).exists()
