"""The people pages (profiles/views.py) and the private settings page: who may see what, what each
form refuses, and what each list costs in queries."""

import datetime
import html
import io
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from events.factories import AttendanceFactory, EventFactory, RatingFactory
from profiles import images, services
from profiles.factories import (
    CityFactory,
    FollowFactory,
    HostProfileFactory,
    InterestFactory,
    MoodFactory,
    SocialProfileFactory,
    add_photo,
    jpeg_bytes,
)
from profiles.models import (
    Block,
    Follow,
    HostProfile,
    Like,
    Photo,
    Report,
    SocialProfile,
    UserCity,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

NOT_ACCEPTED = "This file is not a JPEG, PNG or WebP image."
DAMAGED = "This image could not be read; the file may be damaged."
TOO_MANY_PIXELS = "This image is too large (over 24 megapixels)."


def url(name: str, *args) -> str:
    return reverse(f"profiles:{name}", args=args)


def login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?next={next_url}"


def cards(response) -> list[str]:
    """The usernames on the person cards of a list page, in order."""
    return re.findall(
        r'<li class="card person-card">.*?<a href="/people/([^/"]+)/">',
        response.content.decode(),
        re.DOTALL,
    )


def next_page_url(response) -> str:
    found = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', response.content.decode())
    assert found, "no Next page link"
    return urljoin(response.wsgi_request.path, html.unescape(found.group(1)))


def stored_files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def me(client, user):
    """Alice, signed in."""
    client.force_login(user)
    return services.update_profile(user.social_profile, first_name="Alice")


@pytest.fixture
def ben():
    return SocialProfileFactory(first_name="Ben", user__username="ben")


@pytest.fixture
def charlie(stranger):
    return services.update_profile(stranger.social_profile, first_name="Charlie")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # default_storage is lazy and cached: check it really writes below the new MEDIA_ROOT.
    assert Path(default_storage.path("x")) == tmp_path / "x"
    return tmp_path


# Browse people -------------------------------------------------------------------------------


def test_browse_sends_anonymous_visitors_to_log_in(client):
    response = client.get(url("browse"))
    assertRedirects(response, login_url(url("browse")), fetch_redirect_response=False)


def test_browse_lists_other_active_people_but_not_me_inactive_or_blocked_either_way(client, me):
    visible = SocialProfileFactory()
    inactive = SocialProfileFactory(user__is_active=False)
    i_blocked = SocialProfileFactory()
    blocked_me = SocialProfileFactory()
    services.block(me, i_blocked)
    services.block(blocked_me, me)

    response = client.get(url("browse"))

    assert response.status_code == 200
    assert cards(response) == [visible.username]
    for hidden in (inactive, i_blocked, blocked_me):  # my own link is in the menu
        assertNotContains(response, f"/people/{hidden.username}/")


def test_browse_filters_by_any_of_a_persons_cities_by_interest_and_by_mood(client, me):
    paris, lyon = CityFactory(name="Paris"), CityFactory(name="Lyon")
    hiking, calm = InterestFactory(name="Hiking"), MoodFactory(name="Calm")
    ana, ben, cyd = SocialProfileFactory(), SocialProfileFactory(), SocialProfileFactory()
    services.add_city(ana, paris)
    services.add_city(ana, lyon)  # not her current city
    services.add_city(ben, paris)
    services.set_interests(ben, [hiking])
    services.set_moods(cyd, [calm])
    SocialProfileFactory()  # matches no filter

    def browse(**query):
        return set(cards(client.get(url("browse"), query)))

    assert browse(city=lyon.pk) == {ana.username}
    assert browse(city=paris.pk) == {ana.username, ben.username}
    assert browse(interest=hiking.pk) == {ben.username}
    assert browse(mood=calm.pk) == {cyd.username}
    assert browse(city=paris.pk, interest=hiking.pk) == {ben.username}
    assert browse(city=lyon.pk, mood=calm.pk) == set()


@pytest.mark.parametrize(
    "query", [{"city": "999999"}, {"city": "abc"}, {"interest": "1e9"}, {"mood": "-1"}]
)
def test_browse_with_an_invalid_filter_shows_the_error_and_everyone(client, me, query):
    other = SocialProfileFactory()

    response = client.get(url("browse"), query)

    assertContains(response, "Select a valid choice.")
    assert cards(response) == [other.username]


def test_browse_pages_of_20_continue_after_the_next_page_cursor_without_overlap(client, me):
    people = [SocialProfileFactory() for _ in range(25)]
    newest_first = [person.username for person in reversed(people)]

    first = client.get(url("browse"))
    second = client.get(next_page_url(first))

    assert cards(first) == newest_first[:20]
    assert cards(second) == newest_first[20:]
    assertNotContains(second, "Next page")


def test_browse_next_page_link_keeps_the_filters(client, me):
    paris = CityFactory()
    in_paris = [SocialProfileFactory() for _ in range(21)]
    for person in in_paris:
        services.add_city(person, paris)
    SocialProfileFactory()  # elsewhere

    second = client.get(next_page_url(client.get(url("browse"), {"city": paris.pk})))

    assert cards(second) == [in_paris[0].username]


@pytest.mark.parametrize("after", ["garbage", "WyIyMDI1Il0:1abc:forged", ""])
def test_browse_with_a_bad_cursor_shows_the_first_page(client, me, after):
    people = [SocialProfileFactory() for _ in range(3)]

    response = client.get(url("browse"), {"after": after})

    assert cards(response) == [person.username for person in reversed(people)]


def test_browse_with_a_tampered_cursor_shows_the_first_page(client, me):
    [SocialProfileFactory() for _ in range(21)]
    first = client.get(url("browse"))
    cursor = next_page_url(first).split("after=")[1]
    tampered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")

    response = client.get(url("browse"), {"after": tampered})

    assert cards(response) == cards(first)


# Query counts: the same with few rows and with many ------------------------------------------

# Each signed-in request costs 2 queries before the view runs: the session and the user
# (tests/test_request_floor.py).
BROWSE_QUERIES = 7  # + my profile, the page of cards, the city, interest and mood options
PROFILE_QUERIES = 19  # + 17: every fact on the page, one query each, and "am I a host"
FOLLOWERS_QUERIES = 7  # + my profile, the person, blocks, the page of follows, the cards
LIKES_QUERIES = 5  # + my profile, the page of likes, the cards


def person_with_everything() -> SocialProfile:
    person = SocialProfileFactory()
    add_photo(person)
    services.add_city(person, CityFactory())
    services.set_interests(person, [InterestFactory()])
    return person


def test_browse_costs_the_same_queries_for_2_and_20_people(client, me, django_assert_num_queries):
    for _ in range(2):
        person_with_everything()
    client.get(url("browse"))  # the first request of a session also records it
    with django_assert_num_queries(BROWSE_QUERIES):
        assert len(cards(client.get(url("browse")))) == 2
    for _ in range(18):
        person_with_everything()
    with django_assert_num_queries(BROWSE_QUERIES):
        assert len(cards(client.get(url("browse")))) == 20


def grow_profile(person: SocialProfile, host: HostProfile, count: int) -> None:
    """Bring everything the profile page shows up to `count` rows (photos, cities and moods only
    up to what the services allow)."""
    for _ in range(person.photos.count(), min(count, services.MAX_PHOTOS)):
        add_photo(person)
    for _ in range(person.cities.count(), min(count, services.MAX_CITIES)):
        services.add_city(person, CityFactory())
    interests = list(person.interests.all())
    services.set_interests(
        person, interests + [InterestFactory() for _ in range(count - len(interests))]
    )
    moods = list(person.moods.all())
    services.set_moods(
        person, moods + [MoodFactory() for _ in range(min(count, services.MAX_MOODS) - len(moods))]
    )
    for _ in range(person.followers.count(), count):
        FollowFactory(followed=person, accepted=True)
    for _ in range(person.following.count(), count):
        FollowFactory(follower=person, accepted=True)
    for _ in range(person.likes_received.count(), count):
        services.like(SocialProfileFactory(), person)
    for _ in range(person.attendances.count(), count):
        attended = AttendanceFactory(profile=person)
        RatingFactory(event=attended.event, rater=person)
    for _ in range(host.ratings.count(), count):
        RatingFactory(event__host=host)


def test_profile_page_costs_the_same_queries_for_2_and_20_of_everything(
    client, me, django_assert_num_queries
):
    person = SocialProfileFactory()
    host = HostProfileFactory(user=person.user)
    client.get(url("profile", person.username))  # the first request of a session records it
    for count in (2, 20):
        grow_profile(person, host, count)
        with django_assert_num_queries(PROFILE_QUERIES):
            response = client.get(url("profile", person.username))
        assertContains(response, f'/followers/">{count}</a>')
        assertContains(response, f"<dt>Events attended</dt><dd>{count}</dd>")
        assertContains(response, 'alt="Photo ', count=min(count, services.MAX_PHOTOS))


def test_followers_list_costs_the_same_queries_for_2_and_20_followers(
    client, me, django_assert_num_queries
):
    person = SocialProfileFactory()

    def add_followers(count):
        for _ in range(count):
            follower = SocialProfileFactory()
            add_photo(follower)
            FollowFactory(follower=follower, followed=person, accepted=True)

    add_followers(2)
    client.get(url("followers", person.username))  # the first request of a session records it
    with django_assert_num_queries(FOLLOWERS_QUERIES):
        assert len(cards(client.get(url("followers", person.username)))) == 2
    add_followers(18)
    with django_assert_num_queries(FOLLOWERS_QUERIES):
        assert len(cards(client.get(url("followers", person.username)))) == 20


def test_my_likes_costs_the_same_queries_for_2_and_20_liked_people(
    client, me, django_assert_num_queries
):
    def like_people(count):
        for _ in range(count):
            person = SocialProfileFactory()
            add_photo(person)
            services.like(me, person)

    like_people(2)
    client.get(url("likes"))  # the first request of a session also records it
    with django_assert_num_queries(LIKES_QUERIES):
        assert len(cards(client.get(url("likes")))) == 2
    like_people(18)
    with django_assert_num_queries(LIKES_QUERIES):
        assert len(cards(client.get(url("likes")))) == 20


# Profile page --------------------------------------------------------------------------------


def test_profile_shows_public_fields_but_never_private_data_to_another_member(client, me):
    dora = SocialProfileFactory(
        first_name="Dora",
        bio="Walks along the canal every Sunday.",
        user__username="dora",
        user__email="dora.hidden@example.com",
        user__last_name="Quillfeather",
        user__phone_number="+33 6 98 76 54 32",
        user__birth_date=datetime.date(1988, 7, 23),
    )
    services.set_interests(dora, [InterestFactory(name="Bouldering")])
    services.set_moods(dora, [MoodFactory(name="Curious", emoji="🤔")])
    services.add_city(dora, CityFactory(name="Marseille"))
    services.add_city(dora, CityFactory(name="Nantes"))
    for _ in range(2):
        FollowFactory(followed=dora, accepted=True)
    FollowFactory(follower=dora, accepted=True)
    FollowFactory(followed=dora)  # pending: not a follower yet
    for _ in range(3):
        AttendanceFactory(profile=dora)
    host = HostProfileFactory(user=dora.user)
    RatingFactory(event__host=host, host_rating_value=4)
    RatingFactory(event__host=host, host_rating_value=5)

    response = client.get(url("profile", "dora"))

    for shown in (
        "<h1>Dora</h1>",
        "Walks along the canal every Sunday.",
        "<li>Bouldering</li>",
        "<li>🤔 Curious</li>",
        "Marseille (now), Nantes",
        '<dt>Followers</dt><dd><a href="/people/dora/followers/">2</a></dd>',
        '<dt>Following</dt><dd><a href="/people/dora/following/">1</a></dd>',
        "<dt>Events attended</dt><dd>3</dd>",
        "<dt>Events hosted</dt><dd>2</dd>",
        "<dt>Host rating</dt><dd>4.5 / 5</dd>",
    ):
        assertContains(response, shown, html=False)
    for private in (
        "dora.hidden",
        "Quillfeather",
        "98 76 54 32",
        "+33",
        "1988-07-23",
        "July 23, 1988",
        "23 Jul",
        "Jul. 23",
        "23/07/1988",
        "07/23/1988",
    ):
        assertNotContains(response, private)


def test_profile_of_a_non_host_shows_no_host_rating(client, me, ben):
    response = client.get(url("profile", "ben"))

    assertContains(response, "<dt>Events attended</dt><dd>0</dd>")
    assertNotContains(response, "Host rating")


@pytest.mark.parametrize("who_blocks", ["me", "them"])
def test_profile_of_someone_blocked_either_way_is_404(client, me, ben, who_blocks):
    if who_blocks == "me":
        services.block(me, ben)
    else:
        services.block(ben, me)

    assert client.get(url("profile", "ben")).status_code == 404


def test_profile_of_an_unknown_or_inactive_person_is_404(client, me):
    SocialProfileFactory(user__username="gone", user__is_active=False)

    assert client.get(url("profile", "nobody")).status_code == 404
    assert client.get(url("profile", "gone")).status_code == 404


def test_profile_sends_anonymous_visitors_to_log_in(client, ben):
    response = client.get(url("profile", "ben"))

    assertRedirects(response, login_url(url("profile", "ben")), fetch_redirect_response=False)


def test_a_follow_request_shows_on_the_requesters_profile_to_the_person_asked(client, me, ben):
    request = services.request_follow(ben, me)

    response = client.get(url("profile", "ben"))

    assertContains(response, "Ben asked to follow you.")
    assertContains(response, f'action="{url("follow-accept", request.pk)}"')
    assertContains(response, f'action="{url("follow-decline", request.pk)}"')


def test_a_follow_request_is_invisible_to_a_third_person(client, me, ben, charlie):
    request = services.request_follow(ben, me)
    client.force_login(charlie.user)

    for page in (url("profile", "ben"), url("profile", "alice"), url("follow-requests")):
        response = client.get(page)
        assert response.status_code == 200
        assertNotContains(response, "asked to follow")
        assertNotContains(response, "Cancel follow request")
        assertNotContains(response, str(request.pk))
    assertContains(response, "No requests waiting for you.")
    assertContains(response, "You have no requests waiting for an answer.")
    assertNotContains(response, "/people/ben/")


# Likes ---------------------------------------------------------------------------------------


def test_like_records_the_like_and_goes_back_to_the_profile(client, me, ben):
    response = client.post(url("like", "ben"))

    assertRedirects(response, url("profile", "ben"), fetch_redirect_response=False)
    assert Like.objects.filter(liker=me, liked=ben).exists()


def test_like_over_htmx_answers_with_the_pressed_like_button(client, me, ben):
    response = client.post(url("like", "ben"), headers=HTMX)

    assert response.status_code == 200
    assertContains(response, 'aria-pressed="true"')
    assertContains(response, f'data-hx-post="{url("unlike", "ben")}"')
    assertNotContains(response, "<html")
    assert Like.objects.filter(liker=me, liked=ben).exists()


def test_unlike_removes_the_like(client, me, ben):
    services.like(me, ben)

    response = client.post(url("unlike", "ben"), headers=HTMX)

    assertContains(response, 'aria-pressed="false"')
    assert not Like.objects.exists()


@pytest.mark.parametrize("name", ["like", "unlike", "follow", "unfollow", "unblock"])
def test_acting_on_someone_by_get_is_405(client, me, ben, name):
    assert client.get(url(name, "ben")).status_code == 405
    assert not Like.objects.exists()
    assert not Follow.objects.exists()


def test_liking_yourself_is_404(client, me):
    assert client.post(url("like", "alice")).status_code == 404
    assert not Like.objects.exists()


@pytest.mark.parametrize("who_blocks", ["me", "them"])
def test_liking_someone_blocked_either_way_is_404(client, me, ben, who_blocks):
    services.block(*((me, ben) if who_blocks == "me" else (ben, me)))

    assert client.post(url("like", "ben")).status_code == 404
    assert not Like.objects.exists()


def test_my_likes_lists_whom_i_liked_but_not_people_blocked_or_gone_since(client, me, ben):
    dora, eve = SocialProfileFactory(), SocialProfileFactory()
    for person in (ben, dora, eve):
        services.like(me, person)
    services.block(dora, me)
    User.objects.filter(pk=eve.user_id).update(is_active=False)
    services.like(SocialProfileFactory(), ben)  # someone else's like

    response = client.get(url("likes"))

    assert cards(response) == ["ben"]


# Follows -------------------------------------------------------------------------------------


def test_follow_sends_a_request_and_says_so(client, me, ben):
    response = client.post(url("follow", "ben"), follow=True)

    assertContains(response, "You asked to follow Ben.")
    assertContains(response, "Cancel follow request")
    assert Follow.objects.get(follower=me, followed=ben).status == Follow.Status.PENDING


def test_the_person_asked_accepts_a_follow_request(client, me, ben):
    request = services.request_follow(ben, me)

    response = client.post(url("follow-accept", request.pk), follow=True)

    assertContains(response, "Ben now follows you.")
    request.refresh_from_db()
    assert request.status == Follow.Status.ACCEPTED


def test_the_person_asked_declines_a_follow_request(client, me, ben):
    request = services.request_follow(ben, me)

    response = client.post(url("follow-decline", request.pk))

    assertRedirects(response, url("follow-requests"), fetch_redirect_response=False)
    request.refresh_from_db()
    assert request.status == Follow.Status.DECLINED


@pytest.mark.parametrize("name", ["follow-accept", "follow-decline"])
def test_nobody_else_can_answer_a_follow_request(client, me, ben, charlie, name):
    request = services.request_follow(ben, me)

    for outsider in (charlie, ben):  # a stranger, and the requester himself
        client.force_login(outsider.user)
        assert client.post(url(name, request.pk)).status_code == 404
    request.refresh_from_db()
    assert request.status == Follow.Status.PENDING


@pytest.mark.parametrize("name", ["follow-accept", "follow-decline"])
def test_answering_a_follow_request_by_get_is_405(client, me, ben, name):
    request = services.request_follow(ben, me)

    assert client.get(url(name, request.pk)).status_code == 405
    request.refresh_from_db()
    assert request.status == Follow.Status.PENDING


def test_unfollow_ends_the_follow(client, me, ben):
    FollowFactory(follower=me, followed=ben, accepted=True)

    response = client.post(url("unfollow", "ben"), follow=True)

    assertContains(response, "You no longer follow Ben.")
    assert not Follow.objects.exists()


# Blocks and reports --------------------------------------------------------------------------


def test_block_asks_for_confirmation_before_blocking(client, me, ben):
    response = client.get(url("block", "ben"))

    assertContains(response, "Block Ben?")
    assert not Block.objects.exists()


def test_blocking_ends_follows_and_likes_both_ways_and_hides_both_profiles(client, me, ben):
    FollowFactory(follower=me, followed=ben, accepted=True)
    FollowFactory(follower=ben, followed=me)
    services.like(me, ben)
    services.like(ben, me)

    response = client.post(url("block", "ben"))

    assertRedirects(response, url("blocked"), fetch_redirect_response=False)
    assert Block.objects.filter(blocker=me, blocked=ben).exists()
    assert not Follow.objects.exists()
    assert not Like.objects.exists()
    assertContains(client.get(url("blocked")), "Ben (@ben)")
    assert client.get(url("profile", "ben")).status_code == 404
    client.force_login(ben.user)
    assert client.get(url("profile", "alice")).status_code == 404


def test_unblocking_makes_the_two_visible_again(client, me, ben):
    services.block(me, ben)

    response = client.post(url("unblock", "ben"))

    assertRedirects(response, url("blocked"), fetch_redirect_response=False)
    assert not Block.objects.exists()
    assert client.get(url("profile", "ben")).status_code == 200


def test_the_blocked_person_cannot_lift_the_block(client, me, ben):
    services.block(me, ben)
    client.force_login(ben.user)

    assert client.post(url("unblock", "alice")).status_code == 404
    assert Block.objects.filter(blocker=me, blocked=ben).exists()


def test_report_shows_the_form(client, me, ben):
    response = client.get(url("report", "ben"))

    assertContains(response, "<h1>Report Ben</h1>")
    assertContains(response, 'name="reason"')


def test_report_without_a_reason_is_refused_with_an_error(client, me, ben):
    response = client.post(url("report", "ben"), {"note": "He was rude at dinner."})

    assertContains(response, "<li>Choose a reason for your report.</li>")
    assertContains(response, "He was rude at dinner.")  # kept for the next try
    assert not Report.objects.exists()


def test_report_is_stored_for_the_moderators(client, me, ben):
    response = client.post(
        url("report", "ben"), {"reason": "harassment", "note": "He was rude at dinner."}
    )

    assertRedirects(response, url("profile", "ben"), fetch_redirect_response=False)
    report = Report.objects.get()
    assert (report.reporter, report.reported) == (me, ben)
    assert (report.reason, report.note) == (Report.Reason.HARASSMENT, "He was rude at dinner.")


def test_the_same_report_sent_twice_is_already_with_the_moderators(client, me, ben):
    data = {"reason": "harassment", "note": "He was rude at dinner."}
    client.post(url("report", "ben"), data)

    response = client.post(url("report", "ben"), data)

    assertContains(response, "Your report on Ben is already with our moderators.")
    assert Report.objects.count() == 1


def test_reporting_yourself_is_404(client, me):
    assert client.get(url("report", "alice")).status_code == 404
    assert client.post(url("report", "alice"), {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


# Photos --------------------------------------------------------------------------------------


def uploaded(name="me.jpg", content=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or jpeg_bytes(), content_type=content_type)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def truncated_png() -> bytes:
    data = png_bytes(Image.effect_noise((300, 300), 64))
    return data[: len(data) // 2]


def huge_png() -> bytes:
    return png_bytes(Image.new("1", (6000, 5000)))  # 30 megapixels, a few kilobytes


def portraits(profile) -> list:
    return list(profile.photos.filter(kind=Photo.Kind.PORTRAIT).order_by("position"))


def test_uploading_a_jpeg_adds_a_photo_and_its_files(client, me, media):
    response = client.post(url("edit-photos"), {"image": uploaded()})

    assertRedirects(response, url("edit-photos"), fetch_redirect_response=False)
    photo = me.photos.get()
    assert photo.kind == Photo.Kind.PORTRAIT
    assert stored_files(media) == set(photo.variant_names)


@pytest.mark.parametrize(
    ("page", "field"), [("edit-photos", "image"), ("upload-cover", "cover-image")]
)
@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        pytest.param(
            "notes.jpg", lambda: b"Dear diary,\n" * 50, "image/jpeg", NOT_ACCEPTED, id="text"
        ),
        pytest.param(
            "logo.svg",
            lambda: (
                b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">'
                b"<script>alert(1)</script></svg>"
            ),
            "image/svg+xml",
            NOT_ACCEPTED,
            id="svg",
        ),
        pytest.param("cut.png", truncated_png, "image/png", DAMAGED, id="truncated-png"),
        pytest.param("huge.png", huge_png, "image/png", TOO_MANY_PIXELS, id="huge-pixels"),
    ],
)
def test_a_bad_upload_is_refused_with_a_clear_message_and_stores_nothing(
    client, me, media, page, field, name, content, content_type, message
):
    response = client.post(url(page), {field: uploaded(name, content(), content_type)})

    assertContains(response, message)
    assert not Photo.objects.exists()
    assert stored_files(media) == set()


def test_a_file_over_the_size_limit_is_refused_and_stores_nothing(client, me, media, monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1024 * 1024)
    too_big = jpeg_bytes() + b"\0" * (1024 * 1024)

    response = client.post(url("edit-photos"), {"image": uploaded(content=too_big)})

    assertContains(response, "This file is larger than 1 MB. Please choose a smaller photo.")
    assert not Photo.objects.exists()
    assert stored_files(media) == set()


def test_a_seventh_photo_is_refused_with_a_message(client, me, media):
    for _ in range(services.MAX_PHOTOS):
        add_photo(me)
    before = stored_files(media)

    response = client.post(url("edit-photos"), {"image": uploaded()})

    assertContains(response, "<li>You can have up to 6 photos. Delete one to add another.</li>")
    assert me.photos.count() == services.MAX_PHOTOS
    assert stored_files(media) == before


def test_a_new_cover_replaces_the_old_one_and_its_files(
    client, me, media, django_capture_on_commit_callbacks
):
    old = add_photo(me, kind=Photo.Kind.COVER)
    portrait = add_photo(me)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("upload-cover"), {"cover-image": uploaded()})

    assertRedirects(response, url("edit-photos"), fetch_redirect_response=False)
    cover = me.photos.get(kind=Photo.Kind.COVER)
    assert cover.pk != old.pk
    assert stored_files(media) == {*cover.variant_names, *portrait.variant_names}


def test_moving_photos_earlier_and_later_reorders_them(client, me, media):
    first, second, third = (add_photo(me) for _ in range(3))

    response = client.post(url("photo-later", first.pk))
    assertRedirects(response, url("edit-photos"), fetch_redirect_response=False)
    assert portraits(me) == [second, first, third]

    client.post(url("photo-earlier", third.pk))
    assert portraits(me) == [second, third, first]


def test_deleting_a_photo_asks_first_then_removes_it_and_its_files(
    client, me, media, django_capture_on_commit_callbacks
):
    photo = add_photo(me)

    assertContains(client.get(url("photo-delete", photo.pk)), "Delete this photo?")
    assert me.photos.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("photo-delete", photo.pk))

    assertRedirects(response, url("edit-photos"), fetch_redirect_response=False)
    assert not me.photos.exists()
    assert stored_files(media) == set()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("photo-earlier", "post"),
        ("photo-later", "post"),
        ("photo-delete", "get"),
        ("photo-delete", "post"),
    ],
)
def test_someone_elses_photo_is_404(client, me, ben, media, name, method):
    first, second = add_photo(ben), add_photo(ben)

    assert getattr(client, method)(url(name, second.pk)).status_code == 404
    assert portraits(ben) == [first, second]


@pytest.mark.parametrize("name", ["photo-earlier", "photo-later"])
def test_moving_a_photo_by_get_is_405(client, me, media, name):
    first, second = add_photo(me), add_photo(me)

    assert client.get(url(name, first.pk)).status_code == 405
    assert portraits(me) == [first, second]


# Cities --------------------------------------------------------------------------------------


def flags(profile) -> dict[str, tuple[bool, bool]]:
    """{city name: (is_current, is_primary)}"""
    return {
        uc.city.name: (uc.is_current, uc.is_primary)
        for uc in UserCity.objects.filter(profile=profile).select_related("city")
    }


def test_cities_are_added_made_current_or_primary_and_removed(client, me):
    paris, lyon = CityFactory(name="Paris"), CityFactory(name="Lyon")

    response = client.post(url("edit-cities"), {"city": paris.pk})
    assertRedirects(response, url("edit-cities"), fetch_redirect_response=False)
    assert flags(me) == {"Paris": (True, True)}

    client.post(url("edit-cities"), {"city": lyon.pk})
    assert flags(me) == {"Paris": (True, True), "Lyon": (False, False)}

    in_lyon = UserCity.objects.get(profile=me, city=lyon)
    response = client.post(url("city-current", in_lyon.pk))
    assertRedirects(response, url("edit-cities"), fetch_redirect_response=False)
    assert flags(me) == {"Paris": (False, True), "Lyon": (True, False)}

    client.post(url("city-primary", in_lyon.pk))
    assert flags(me) == {"Paris": (False, False), "Lyon": (True, True)}

    client.post(url("city-remove", UserCity.objects.get(profile=me, city=paris).pk))
    assert flags(me) == {"Lyon": (True, True)}


def test_adding_the_same_city_twice_is_refused_with_a_message(client, me):
    paris = CityFactory(name="Paris", country="France")
    services.add_city(me, paris)

    response = client.post(url("edit-cities"), {"city": paris.pk})

    assertContains(response, "Paris, France is already one of your cities.")
    assert flags(me) == {"Paris": (True, True)}


@pytest.mark.parametrize("name", ["city-current", "city-primary", "city-remove"])
def test_someone_elses_city_is_404(client, me, ben, name):
    services.add_city(ben, CityFactory(name="Paris"))
    in_lyon = services.add_city(ben, CityFactory(name="Lyon"))

    assert client.post(url(name, in_lyon.pk)).status_code == 404
    assert flags(ben) == {"Paris": (True, True), "Lyon": (False, False)}


@pytest.mark.parametrize("name", ["city-current", "city-primary", "city-remove"])
def test_changing_a_city_by_get_is_405(client, me, name):
    services.add_city(me, CityFactory(name="Paris"))
    in_lyon = services.add_city(me, CityFactory(name="Lyon"))

    assert client.get(url(name, in_lyon.pk)).status_code == 405
    assert flags(me) == {"Paris": (True, True), "Lyon": (False, False)}


# Interests and moods -------------------------------------------------------------------------


def test_saving_interests_and_moods_replaces_the_previous_choice(client, me):
    hiking, cooking, chess = (InterestFactory() for _ in range(3))
    calm, curious = MoodFactory(), MoodFactory()
    services.set_interests(me, [hiking, cooking])
    services.set_moods(me, [calm])

    response = client.post(
        url("edit-interests"), {"interests": [cooking.pk, chess.pk], "moods": [curious.pk]}
    )

    assertRedirects(response, url("edit-interests"), fetch_redirect_response=False)
    assert set(me.interests.all()) == {cooking, chess}
    assert set(me.moods.all()) == {curious}


def test_choosing_four_moods_is_refused_and_changes_nothing(client, me):
    moods = [MoodFactory() for _ in range(4)]
    hiking = InterestFactory()
    services.set_moods(me, moods[:1])

    response = client.post(
        url("edit-interests"), {"interests": [hiking.pk], "moods": [m.pk for m in moods]}
    )

    assertContains(response, "Choose at most 3 moods.")
    assert list(me.moods.all()) == moods[:1]
    assert not me.interests.exists()


# Onboarding ----------------------------------------------------------------------------------


def step(name: str) -> str:
    return url("onboarding", name)


def test_onboarding_leads_from_step_to_step_and_finishes(client, me):
    about = {"first_name": "Alicia", "bio": "New in town.", "occupation": "Baker"}
    response = client.post(step("about"), about)
    assertRedirects(response, step("photos"), fetch_redirect_response=False)
    me.refresh_from_db()
    assert (me.first_name, me.bio, me.occupation) == ("Alicia", "New in town.", "Baker")

    assertContains(client.get(step("photos")), f'href="{step("interests")}">Skip this step')

    response = client.post(step("interests"), {"interests": [InterestFactory().pk]})
    assertRedirects(response, step("cities"), fetch_redirect_response=False)

    response = client.post(step("cities"), {"city": CityFactory().pk})
    assertRedirects(response, step("cities"), fetch_redirect_response=False)  # room for more
    assertContains(client.get(step("cities")), f'href="{url("onboarding-finish")}">Continue')

    assertContains(client.get(url("onboarding-finish")), "All set?")
    response = client.post(url("onboarding-finish"))
    assertRedirects(response, reverse("home"), fetch_redirect_response=False)
    me.refresh_from_db()
    assert me.onboarded_at is not None


def test_onboarding_photo_step_stays_on_the_step_after_an_upload(client, me, media):
    response = client.post(step("photos"), {"image": uploaded()})

    assertRedirects(response, step("photos"), fetch_redirect_response=False)
    assert me.photos.count() == 1


def test_an_unknown_onboarding_step_leads_to_the_first(client, me):
    response = client.get(step("payment"))

    assertRedirects(response, step("about"), fetch_redirect_response=False)


def test_home_reminds_me_to_finish_my_profile_until_i_do(client, me):
    assertContains(client.get(reverse("home")), "Finish your profile")

    services.finish_onboarding(me)

    assertNotContains(client.get(reverse("home")), "Finish your profile")


# Hosting -------------------------------------------------------------------------------------


def test_the_hosting_page_offers_to_become_a_host(client, me):
    assertContains(client.get(url("edit-host")), "<h1>Become a host</h1>")


def test_becoming_a_host_creates_the_host_profile_and_leads_to_its_page(client, me):
    data = {"host_name": "Supper at Alice", "host_bio": "Tables of six, slow food."}

    response = client.post(url("edit-host"), data)

    assertRedirects(response, url("host", "alice"), fetch_redirect_response=False)
    host = HostProfile.objects.get(user=me.user)
    assert (host.host_name, host.host_bio) == (data["host_name"], data["host_bio"])
    assertContains(client.get(url("edit-host")), "<h1>Your host profile</h1>")


def test_a_host_page_is_public_with_name_bio_rating_and_events(client):
    host = HostProfileFactory(host_name="Supper Club", host_bio="Long tables, good bread.")
    RatingFactory(event__host=host, event__title="Autumn supper", host_rating_value=5)
    RatingFactory(event__host=host, host_rating_value=3)
    EventFactory(host=host, title="Picnic in the park")

    response = client.get(url("host", host.user.username))

    assertContains(response, "<h1>Supper Club</h1>")
    assertContains(response, "Long tables, good bread.")
    assertContains(response, "Rated 4.0 / 5 by 2 guests")
    upcoming, past = response.content.decode().split("<h2>Past events</h2>")
    assert "Picnic in the park" in upcoming
    assert "Autumn supper" not in upcoming
    assert "Autumn supper" in past


def test_a_non_hosts_host_page_is_404(client, me, ben):
    assert client.get(url("host", "ben")).status_code == 404


def test_a_host_page_is_404_for_someone_blocked(client, me, ben):
    HostProfileFactory(user=ben.user)
    services.block(ben, me)

    assert client.get(url("host", "ben")).status_code == 404


# Private settings ----------------------------------------------------------------------------

SETTINGS = reverse("accounts:settings")
VALID_PRIVATE_DATA = {
    "last_name": "Ashworth",
    "phone_number": "+33 6 12 34 56 78",
    "birth_date": "1990-05-17",
    "language_preference": "fr",
}


def test_private_settings_send_anonymous_visitors_to_log_in(client):
    assertRedirects(client.get(SETTINGS), login_url(SETTINGS), fetch_redirect_response=False)


def test_private_settings_show_my_own_details_only(client, me, ben):
    User.objects.filter(pk=me.user_id).update(last_name="Ashworth")
    User.objects.filter(pk=ben.user_id).update(last_name="Blackwood", phone_number="+44 7700")

    response = client.get(SETTINGS)

    assertContains(response, 'value="Ashworth"')
    assertNotContains(response, "Blackwood")
    assertNotContains(response, "+44 7700")


def test_private_settings_save_my_details(client, me):
    response = client.post(SETTINGS, VALID_PRIVATE_DATA)

    assertRedirects(response, SETTINGS, fetch_redirect_response=False)
    user = User.objects.get(pk=me.user_id)
    assert (user.last_name, user.phone_number, user.birth_date, user.language_preference) == (
        "Ashworth",
        "+33 6 12 34 56 78",
        datetime.date(1990, 5, 17),
        "fr",
    )


def years_ago(years: int, days: int = 0) -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - years) - datetime.timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            lambda: {"phone_number": "call me maybe"},
            "Enter a phone number with digits, spaces and an optional leading +.",
        ),
        # Dates made when the test runs, not when it is collected: a run may cross midnight.
        (lambda: {"birth_date": years_ago(0, days=-1)}, "Your birth date cannot be in the future."),
        (
            lambda: {"birth_date": years_ago(18, days=-1)},
            "Momento is for adults: you must be 18 or over.",
        ),
    ],
    ids=["bad-phone", "born-tomorrow", "under-18"],
)
def test_private_settings_refuse_bad_values_and_change_nothing(client, me, changes, message):
    changes = changes()
    User.objects.filter(pk=me.user_id).update(
        last_name="Before", phone_number="+33 1 00 00 00 00", birth_date=datetime.date(1980, 1, 1)
    )

    response = client.post(SETTINGS, VALID_PRIVATE_DATA | changes)

    assertContains(response, message)
    user = User.objects.get(pk=me.user_id)
    assert (user.last_name, user.phone_number, user.birth_date, user.language_preference) == (
        "Before",
        "+33 1 00 00 00 00",
        datetime.date(1980, 1, 1),
        "en",
    )
