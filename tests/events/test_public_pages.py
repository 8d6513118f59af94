"""Public event pages anyone can open (issue 12): a public event's page and discovery work logged
out, with a preview for shared links; everything else asks an anonymous visitor to log in,
exactly as for an id that does not exist; the going list shows who the viewer may see."""

import datetime
import html
import re
import uuid
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.factories import DEFAULT_PASSWORD
from accounts.models import User
from events.factories import EventFactory, InterestedFactory, InvitationFactory
from events.models import Invitation
from profiles import services as profile_services
from profiles.factories import CityFactory, HostProfileFactory, InterestFactory
from tests.accounts.helpers import link_in
from tests.events.test_views import titles
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db
Status = Invitation.Status


def url(name: str, *args) -> str:
    return reverse(f"events:{name}", args=args)


def login_redirect(path: str) -> str:
    return f"{reverse('account_login')}?next={quote(path, safe='/')}"


@pytest.fixture
def public_event():
    event = EventFactory(
        is_private=False,
        title="Picnic by the canal",
        description='Bring a blanket.\nWe share <bread> & "cheese".',
        host=HostProfileFactory(host_name="Nina's picnics"),
        city=CityFactory(name="Paris"),
        location="Quai de Valmy, by the lock",
        fee_cents=500,
        estimated_cost="a bottle",
        max_participants=8,
    )
    event.tags.add(InterestFactory(name="Picnics"))
    InvitationFactory(event=event, confirmed=True, profile__first_name="Gus")
    return event


# The public page, logged out ------------------------------------------------------------------


def test_anyone_opens_a_public_event_page_with_its_facts(client, public_event):
    page = client.get(public_event.get_absolute_url())
    assert page.status_code == 200
    for fact in (
        "Picnic by the canal",
        "Paris",
        "Nina&#x27;s picnics",
        "€5.00 booking fee + a bottle at the venue",
        "Picnics",
        "7 seats free",
        "1 going",
        public_event.starts_at.strftime("%Y"),
    ):
        assertContains(page, fact)
    assertContains(page, reverse("profiles:host", args=[public_event.host.user.username]))


def test_anonymous_visitors_see_how_many_are_going_but_not_who(client, public_event):
    guest = public_event.invitations.get().profile
    page = client.get(public_event.get_absolute_url())
    assertContains(page, "1 guest confirmed.")
    assertNotContains(page, guest.user.username)
    assertNotContains(page, "Gus")
    assertNotContains(page, 'class="cards people"')
    assertNotContains(page, url("interested", public_event.pk))  # a count, not a button


def test_asking_for_a_seat_logged_out_means_logging_in_then_back_to_the_event(
    client, public_event, stranger
):
    event_url = public_event.get_absolute_url()
    page = client.get(event_url)
    assertNotContains(page, f'action="{url("ask", public_event.pk)}"')
    login = login_redirect(event_url)
    signup = f"{reverse('account_signup')}?next={quote(event_url, safe='/')}"
    assertContains(page, f'href="{login}"')
    assertContains(page, f'href="{signup}"')

    assertContains(client.get(login), f'value="{event_url}"')  # the form carries it on
    response = client.post(login, {"login": stranger.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.url == event_url
    assertContains(client.get(event_url), f'action="{url("ask", public_event.pk)}"')


def test_signing_up_from_an_event_comes_back_to_it_once_the_email_is_confirmed(
    client, public_event, task_queue
):
    event_url = public_event.get_absolute_url()
    signup = f"{reverse('account_signup')}?next={quote(event_url, safe='/')}"
    password = "a-long-Passphrase-42"
    response = client.post(
        signup,
        {
            "email": "new.guest@example.com",
            "username": "newguest",
            "password1": password,
            "password2": password,
        },
    )
    assert response.url == reverse("account_email_verification_sent")
    (message,) = task_queue.outbox()
    confirm = re.sub(r"^https?://[^/]+", "", link_in(message))
    response = client.post(confirm)
    assert response.status_code == 302 and response.url == event_url
    assert EmailAddress.objects.get(email="new.guest@example.com").verified
    assert client.get(event_url).context["user"] == User.objects.get(username="newguest")


def test_a_completed_public_event_stays_open_to_anonymous_visitors(client):
    event = EventFactory(is_private=False, past=True, title="Last summer's picnic")
    page = client.get(event.get_absolute_url())
    assertContains(page, "Last summer&#x27;s picnic")
    assertNotContains(page, "Log in to ask for a seat")


# Nothing else exists for anonymous visitors ---------------------------------------------------


INVITATION = uuid.uuid4()


def _event_urls(event_id) -> list[str]:
    invitation = INVITATION
    return [
        url("detail", event_id),
        url("edit", event_id),
        url("cancel", event_id),
        url("guests", event_id),
        url("withdraw", event_id, invitation),
        url("ask", event_id),
        url("interested", event_id),
        url("not-interested", event_id),
    ]


@pytest.mark.parametrize("kind", ["private", "cancelled", "public"])
def test_anonymous_visitors_get_the_same_log_in_redirect_as_for_an_id_that_does_not_exist(
    client, kind
):
    fields = {
        "private": {},
        "cancelled": {"is_private": False, "status": "cancelled"},
        "public": {"is_private": False},
    }[kind]
    event = EventFactory(**fields)
    made_up = uuid.uuid4()
    for real, fake in zip(_event_urls(event.pk), _event_urls(made_up), strict=True):
        if kind == "public" and real == event.get_absolute_url():
            continue  # the one page that opens
        answer, control = client.get(real), client.get(fake)
        assert answer.status_code == control.status_code == 302, real
        # The same Location once the id is swapped: nothing tells whether it exists.
        assert answer["Location"] == login_redirect(real), real
        assert control["Location"] == login_redirect(fake)
        answer, control = client.post(real), client.post(fake)
        assert answer.status_code == control.status_code, real
        if answer.status_code == 302:
            assert answer["Location"] == login_redirect(real), real
        else:  # the page itself takes no POST, whatever the id
            assert answer.status_code == 405 and real == event.get_absolute_url()
        assert answer.content == control.content


def test_an_invitee_following_their_email_link_logged_out_lands_on_the_event(client, stranger):
    event = EventFactory(location="7 Secret Lane")
    InvitationFactory(event=event, profile=stranger.social_profile)
    response = client.get(event.get_absolute_url())
    assert response.url == login_redirect(event.get_absolute_url())
    response = client.post(response.url, {"login": stranger.email, "password": DEFAULT_PASSWORD})
    assert response.url == event.get_absolute_url()
    page = client.get(response.url)
    assertContains(page, "You are invited.")
    assertNotContains(page, "7 Secret Lane")


def test_once_logged_in_a_private_event_still_does_not_exist_for_a_stranger(client, stranger):
    event = EventFactory()
    client.force_login(stranger)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(url("detail", uuid.uuid4())).status_code == 404


def test_members_still_see_a_cancelled_public_event(client, stranger):
    event = EventFactory(is_private=False, status="cancelled", cancel_reason="Rain.")
    client.force_login(stranger)
    assertContains(client.get(event.get_absolute_url()), "This event is cancelled. Rain.")


# Shared links preview well ----------------------------------------------------------------------


def _meta(page) -> dict[str, str]:
    found = re.findall(
        r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page.content.decode()
    )
    return {name: html.unescape(content) for name, content in found}


def test_a_public_event_page_has_opengraph_and_twitter_tags_escaped(client, public_event, settings):
    settings.SITE_URL = "https://momento.example"
    page = client.get(public_event.get_absolute_url())
    meta = _meta(page)
    assert meta["og:title"] == "Picnic by the canal"
    assert meta["og:type"] == "website"
    assert meta["og:url"] == f"https://momento.example{public_event.get_absolute_url()}"
    assert meta["twitter:card"] == "summary"
    assert "og:image" not in meta
    description = meta["og:description"]
    assert description == meta["description"]
    assert "Paris" in description and "Hosted by Nina's picnics" in description
    assert 'Bring a blanket. We share <bread> & "cheese".' in description
    assert "Quai de Valmy" not in description
    body = page.content.decode()
    assert "&lt;bread&gt; &amp; &quot;cheese&quot;" in body  # escaped inside the attribute
    assert "<bread>" not in body


def test_the_preview_description_is_short(client, public_event):
    public_event.description = "word " * 400
    public_event.save(update_fields=["description"])
    description = _meta(client.get(public_event.get_absolute_url()))["og:description"]
    assert len(description) <= 200 and description.endswith("…")


def test_an_event_image_previews_with_an_absolute_url(client, public_event, settings):
    settings.SITE_URL = "https://momento.example/"
    public_event.image_large = "events/abc-large.webp"
    public_event.save(update_fields=["image_large"])
    meta = _meta(client.get(public_event.get_absolute_url()))
    assert re.fullmatch(r"https://momento\.example/media/.*abc-large\.webp", meta["og:image"])
    assert meta["twitter:card"] == "summary_large_image"


def test_a_private_event_page_has_no_preview_even_for_its_guests(client, stranger):
    event = EventFactory(location="7 Secret Lane", description="Ring twice.")
    InvitationFactory(event=event, profile=stranger.social_profile, confirmed=True)
    client.force_login(stranger)
    page = client.get(event.get_absolute_url())
    assertContains(page, "7 Secret Lane")  # the guest sees it on the page...
    meta = _meta(page)
    assert not any(name.startswith(("og:", "twitter:")) for name in meta)  # ...not in a preview
    assert "Ring twice" not in meta["description"]


# Discovery, logged out ----------------------------------------------------------------------------


def test_anyone_discovers_public_events_in_every_city_or_the_one_chosen(client):
    paris, lyon = CityFactory(name="Paris"), CityFactory(name="Lyon")
    EventFactory(title="Paris picnic", city=paris, is_private=False)
    EventFactory(
        title="Lyon walk",
        city=lyon,
        is_private=False,
        starts_at=timezone.now() + datetime.timedelta(days=8),
    )
    EventFactory(title="Private supper", city=paris)
    EventFactory(title="Off picnic", city=paris, is_private=False, status="cancelled")
    EventFactory(title="Old picnic", city=paris, is_private=False, past=True)
    assert titles(client.get(url("discover"))) == ["Paris picnic", "Lyon walk"]
    assert titles(client.get(url("discover"), {"city": lyon.pk})) == ["Lyon walk"]
    assert titles(client.get(url("discover"), {"city": ""})) == ["Paris picnic", "Lyon walk"]


def test_anonymous_discovery_shows_events_whose_host_blocked_someone(client, stranger):
    event = EventFactory(title="Picnic", is_private=False)
    profile_services.block(event.host.user.social_profile, stranger.social_profile)
    assert titles(client.get(url("discover"))) == ["Picnic"]
    client.force_login(stranger)
    assert titles(client.get(url("discover"), {"city": ""})) == []


# The going list ---------------------------------------------------------------------------------


def test_the_going_list_includes_the_viewer_when_they_have_a_seat(client, user, public_event):
    InvitationFactory(event=public_event, profile=user.social_profile, confirmed=True)
    client.force_login(user)
    page = client.get(public_event.get_absolute_url())
    assertContains(page, "2 going")
    assertNotContains(page, "Nobody has confirmed yet")
    people = re.findall(r'href="/people/([^/"]+)/"', page.content.decode())
    assert user.username in people
    other = public_event.invitations.exclude(profile__user=user).get().profile
    assert other.user.username in people


def test_the_going_list_says_how_many_it_does_not_show(client, user):
    event = EventFactory(is_private=False)
    hidden = InvitationFactory(event=event, confirmed=True, profile__first_name="Hidden")
    profile_services.block(user.social_profile, hidden.profile)
    client.force_login(user)
    page = client.get(event.get_absolute_url())
    assertContains(page, "1 going")
    assertContains(page, "1 guest going.")
    assertNotContains(page, "Nobody has confirmed yet")
    assertNotContains(page, hidden.profile.user.username)
    seen = InvitationFactory(event=event, confirmed=True)
    page = client.get(event.get_absolute_url())
    assertContains(page, seen.profile.user.username)
    assertContains(page, "And 1 more going.")


# Query counts -----------------------------------------------------------------------------------


def _make_guests(event):
    def make(n):
        for _ in range(n):
            InvitationFactory(event=event, confirmed=True)
            InterestedFactory(event=event)
            event.tags.add(InterestFactory())

    return make


def test_the_public_event_page_costs_the_same_queries_logged_out_for_2_and_20_guests(
    client, django_assert_num_queries
):
    event = EventFactory(is_private=False, max_participants=40)
    count = assert_same_queries_for_few_and_many(
        client,
        event.get_absolute_url(),
        make=_make_guests(event),
        assert_num_queries=django_assert_num_queries,
    )
    assert count <= 5


def test_the_event_page_costs_the_same_queries_for_a_seated_viewer_for_2_and_20_guests(
    client, user, django_assert_num_queries
):
    event = EventFactory(is_private=False, max_participants=40)
    InvitationFactory(event=event, profile=user.social_profile, confirmed=True)
    client.force_login(user)
    assert_same_queries_for_few_and_many(
        client,
        event.get_absolute_url(),
        make=_make_guests(event),
        assert_num_queries=django_assert_num_queries,
    )


def test_anonymous_discovery_costs_the_same_queries_for_2_and_20_events(
    client, django_assert_num_queries
):
    def make(n):
        for event in EventFactory.create_batch(n, is_private=False):
            InvitationFactory(event=event, confirmed=True)

    assert_same_queries_for_few_and_many(
        client, url("discover"), make=make, assert_num_queries=django_assert_num_queries
    )
