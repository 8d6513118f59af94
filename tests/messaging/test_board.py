"""The event board: posting with and without htmx, the poll, deleting, hiding, reporting, the
text shown as text, the rate limit."""

import json

import pytest
from django.urls import reverse

from events.factories import EventFactory, InvitationFactory
from messaging import board as board_view
from messaging.factories import EventPostFactory
from messaging.models import EventPost, PostReport

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def event():
    return EventFactory()


@pytest.fixture
def guest(event):
    return InvitationFactory(event=event, confirmed=True).profile


@pytest.fixture
def invitee(event):
    return InvitationFactory(event=event).profile


def _url(name, event, *more):
    return reverse(f"messaging:{name}", args=[event.pk, *more])


def test_a_post_is_signed_with_the_writers_role(client, event, guest, invitee):
    for profile, text in (
        (event.host.user.social_profile, "Welcome"),
        (guest, "Hi"),
        (invitee, "Diet?"),
    ):
        client.force_login(profile.user)
        assert client.post(_url("board-post", event), {"content": text}).status_code == 302
    roles = dict(EventPost.objects.values_list("content", "role"))
    assert roles == {"Welcome": "host", "Hi": "attendee", "Diet?": "invitee"}
    page = client.get(_url("board", event)).content.decode()
    for label in ("Host", "Attendee", "Invitee"):
        assert f'<strong class="post-role">{label}</strong>' in page


def test_an_htmx_post_answers_with_an_empty_form_and_asks_the_board_to_poll(client, event, guest):
    client.force_login(guest.user)
    response = client.post(_url("board-post", event), {"content": "Vegan options?"}, headers=HTMX)
    assert response.status_code == 200
    assert "board-changed" in json.loads(response.headers["HX-Trigger"])
    assert 'id="board-form"' in response.content.decode()
    assert "Vegan options?" not in response.content.decode()
    assert EventPost.objects.get().content == "Vegan options?"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Write something first."),
        ("   ", "Write something first."),
        ("x" * 2001, "at most 2,000"),
    ],
)
def test_bad_posts_are_refused_with_a_clear_message(client, event, guest, content, message):
    client.force_login(guest.user)
    response = client.post(_url("board-post", event), {"content": content}, headers=HTMX)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EventPost.objects.exists()


def test_the_poll_brings_only_posts_newer_than_its_mark(client, event, guest):
    old = EventPostFactory(event=event, content="Old news")
    client.force_login(guest.user)
    since = board_view.mark(old.created_at)
    quiet = client.get(_url("board-new", event), {"since": since}, headers=HTMX).content.decode()
    assert "Old news" not in quiet and "swap-oob" not in quiet
    EventPostFactory(event=event, content="Fresh news")
    fresh = client.get(_url("board-new", event), {"since": since}, headers=HTMX).content.decode()
    assert "Fresh news" in fresh and "Old news" not in fresh
    assert 'data-hx-swap-oob="beforeend:#board-posts"' in fresh


def test_a_forged_poll_mark_is_a_bad_request_not_an_error(client, event, guest):
    client.force_login(guest.user)
    for since in ("yesterday", "2026-01-01T10:00:00"):
        assert client.get(_url("board-new", event), {"since": since}).status_code == 400


def test_the_author_deletes_their_post_and_nobody_else_can(client, event, guest, invitee):
    post = EventPostFactory(event=event, author=guest)
    client.force_login(invitee.user)
    assert client.post(_url("post-delete", event, post.pk)).status_code == 404
    client.force_login(guest.user)
    response = client.post(_url("post-delete", event, post.pk), headers=HTMX)
    assert response.status_code == 200 and response.content == b""
    post.refresh_from_db()
    assert post.deleted_at is not None
    assert post.content not in client.get(_url("board", event)).content.decode()


def test_the_host_hides_a_post_from_the_guests_and_shows_it_again(client, event, guest, invitee):
    post = EventPostFactory(event=event, author=guest, content="Buy my crypto")
    client.force_login(invitee.user)
    assert client.post(_url("post-hide", event, post.pk)).status_code == 302
    post.refresh_from_db()
    assert post.hidden_at is None  # only the host may
    client.force_login(event.host.user)
    response = client.post(_url("post-hide", event, post.pk), headers=HTMX)
    assert "Hidden from guests" in response.content.decode()
    client.force_login(invitee.user)
    assert "Buy my crypto" not in client.get(_url("board", event)).content.decode()
    assert client.get(_url("post-report", event, post.pk)).status_code == 404
    client.force_login(event.host.user)
    assert "Buy my crypto" in client.get(_url("board", event)).content.decode()
    client.post(_url("post-unhide", event, post.pk))
    client.force_login(invitee.user)
    assert "Buy my crypto" in client.get(_url("board", event)).content.decode()


def test_a_reader_reports_a_post_once_and_not_their_own(client, event, guest, invitee):
    post = EventPostFactory(event=event, author=guest)
    client.force_login(guest.user)
    assert client.get(_url("post-report", event, post.pk)).status_code == 404
    client.force_login(invitee.user)
    url = _url("post-report", event, post.pk)
    assert client.get(url).status_code == 200
    assert "Choose a reason" in client.post(url, {"note": "Hmm"}).content.decode()
    assert client.post(url, {"reason": "spam", "note": "Ads"}).status_code == 302
    again = client.post(url, {"reason": "spam"})
    assert "already reported" in again.content.decode()
    report = PostReport.objects.get()
    assert (report.post, report.reporter, report.note) == (post, invitee, "Ads")


def test_text_is_shown_as_text_with_line_breaks_and_safe_links(client, event, guest):
    EventPostFactory(event=event, content="<script>alert(1)</script>\nSee https://example.com/map")
    client.force_login(guest.user)
    page = client.get(_url("board", event)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>See" in page
    assert '<a href="https://example.com/map" rel="nofollow noopener">' in page


def test_posting_is_rate_limited_with_a_clear_message(client, event, guest, settings):
    from messaging import views

    client.force_login(guest.user)
    limit = int(views.POST_RATE.split("/")[0])
    for number in range(limit):
        client.post(_url("board-post", event), {"content": f"Post {number}"})
    response = client.post(_url("board-post", event), {"content": "One more"}, headers=HTMX)
    assert "wait a while" in response.content.decode()
    assert client.post(_url("board-post", event), {"content": "One more"}).status_code == 429
    assert EventPost.objects.count() == limit


def test_earlier_posts_are_a_link_away(client, event, guest):
    for number in range(board_view.PAGE_SIZE + 3):
        EventPostFactory(event=event, content=f"Number {number:03d}")
    client.force_login(guest.user)
    page = client.get(_url("board", event)).content.decode()
    assert "Number 052" in page and "Number 002" not in page
    earlier = page.split('href="?earlier=')[1].split('"')[0]
    older = client.get(_url("board", event) + "?earlier=" + earlier).content.decode()
    assert "Number 002" in older and "Number 052" not in older
    assert 'id="board-poll"' not in older  # an old page does not poll


def test_the_event_page_links_the_board_for_those_it_is_open_to(client, event, guest):
    client.force_login(guest.user)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert _url("board", event) in page
