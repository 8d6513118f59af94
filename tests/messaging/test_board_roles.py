"""The board's anonymised roles: every board view and fragment, rendered as every other
participant, shows no value that identifies a poster (names, username, email, photo file names,
ids of their profile, user, host profile or invitation, their ticket)."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.factories import UserFactory
from events.factories import EventFactory, InvitationFactory
from messaging import access, services
from messaging.models import EventPost
from profiles import services as profiles
from profiles.factories import HostProfileFactory, add_photo, profile_of

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _person(tag: str):
    user = UserFactory(
        username=f"zz{tag}handle", email=f"zz{tag}@mail.test", last_name=f"Zz{tag}lastname"
    )
    profile = profile_of(user, first_name=f"Zz{tag}first")
    profiles.update_profile(profile, preferred_name=f"Zz{tag}preferred")
    add_photo(profile)
    return user


def _identifying(user, invitation=None) -> set[str]:
    profile = user.social_profile
    values = {
        user.username,
        user.email,
        user.last_name,
        profile.first_name,
        profile.preferred_name,
        str(profile.pk),
        str(profile.pk).replace("-", ""),
    }
    for photo in profile.photos.all():
        values |= {name.rsplit("/", 1)[-1] for name in (photo.large, photo.medium, photo.thumb)}
        values.add(str(photo.pk))
    host = getattr(user, "host_profile", None)
    if host is not None:
        values.add(str(host.pk))
    if invitation is not None:
        values |= {str(invitation.pk), invitation.ticket_code}
    return {value for value in values if value}


@pytest.fixture
def party():
    host = _person("host")
    event = EventFactory(host=HostProfileFactory(user=host))
    people = {"host": (host, None)}
    for role, traits in (
        ("guest", {"confirmed": True}),
        ("other", {"confirmed": True}),
        ("invitee", {}),
    ):
        user = _person(role)
        invitation = InvitationFactory(event=event, profile=user.social_profile, **traits)
        people[role] = (user, invitation)
    posts = {}
    for role, (user, _) in people.items():
        board = access.board_for_reader(user, event.pk)
        posts[role] = services.write_post(board, content=f"A question from one of us ({role}).")
    return event, people, posts


def _pages(client, event, viewer_role, post, poster_role):
    """Every board view and fragment that this viewer can get with this post: (name, response,
    whether it shows the post)."""
    board = reverse("messaging:board", args=[event.pk])
    new = reverse("messaging:board-new", args=[event.pk])
    write = reverse("messaging:board-post", args=[event.pk])
    pages = [
        ("board", client.get(board), True),
        ("poll, htmx", client.get(new, {"since": ""}, headers=HTMX), True),
        ("poll", client.get(new, {"since": ""}), False),
        ("post, htmx", client.post(write, {"content": "Me too"}, headers=HTMX), False),
    ]
    if viewer_role != poster_role:
        report = reverse("messaging:post-report", args=[event.pk, post.pk])
        pages.append(("report", client.get(report), True))
    if viewer_role == "host":
        for name in ("post-hide", "post-unhide"):
            url = reverse(f"messaging:{name}", args=[event.pk, post.pk])
            pages.append((name, client.post(url, headers=HTMX), True))
    return pages


@pytest.mark.parametrize("poster_role", ["host", "guest", "invitee"])
def test_no_board_view_identifies_a_poster_to_anyone_else(client, party, poster_role):
    event, people, posts = party
    poster, invitation = people[poster_role]
    secrets = _identifying(poster, invitation)
    post = posts[poster_role]
    for viewer_role, (viewer, _) in people.items():
        if viewer == poster:
            continue
        client.force_login(viewer)
        for name, response, shows_post in _pages(client, event, viewer_role, post, poster_role):
            assert response.status_code == 200, (viewer_role, name)
            text = response.content.decode() + str(dict(response.headers))
            if shows_post:
                assert post.content in text, (viewer_role, name)
            leaked = {value for value in secrets if value in text}
            assert not leaked, (viewer_role, name, leaked)
    for message in mail.outbox:
        body = message.body + "".join(str(alt[0]) for alt in getattr(message, "alternatives", []))
        assert not {value for value in secrets if value in body}


def test_the_role_shown_is_the_posters_part_in_the_event(client, party):
    event, people, posts = party
    client.force_login(people["other"][0])
    page = client.get(reverse("messaging:board", args=[event.pk])).content.decode()
    for role, label in (("host", "Host"), ("guest", "Attendee"), ("invitee", "Invitee")):
        item = page.split(f'id="post-{posts[role].pk}"')[1].split("</li>")[0]
        assert f'<strong class="post-role">{label}</strong>' in item
    assert set(EventPost.objects.values_list("role", flat=True)) == {"host", "attendee", "invitee"}


def test_staff_see_the_author_in_the_console(client, party, staff):
    event, people, posts = party
    client.force_login(staff)
    url = reverse("admin:messaging_eventpost_change", args=[posts["guest"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Zzguestpreferred" in page.content.decode() or "zzguesthandle" in page.content.decode()
