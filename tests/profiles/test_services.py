"""Every write about people (profiles/services.py) and every refusal it makes."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from profiles import services
from profiles.factories import (
    CityFactory,
    FollowFactory,
    InterestFactory,
    MoodFactory,
    ReportFactory,
    SocialProfileFactory,
    add_photo,
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
from profiles.services import ProfileError
from tests.races import run_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return SocialProfileFactory(first_name="Ana", user__email="ana.private@example.com")


@pytest.fixture
def ben():
    return SocialProfileFactory(first_name="Ben", user__email="ben.private@example.com")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # default_storage is lazy and cached: check it really writes below the new MEDIA_ROOT.
    assert Path(default_storage.path("x")) == tmp_path / "x"
    return tmp_path


def stored_files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def check_deferred_constraints():
    """Run the checks PostgreSQL would run at commit (the city trigger), then defer them again."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def positions(profile) -> list[tuple[str, int]]:
    portraits = profile.photos.filter(kind=Photo.Kind.PORTRAIT).order_by("position")
    return [(p.pk, p.position) for p in portraits]


def flags(profile) -> dict[str, tuple[bool, bool]]:
    """{city name: (is_current, is_primary)}"""
    return {
        uc.city.name: (uc.is_current, uc.is_primary)
        for uc in UserCity.objects.filter(profile=profile).select_related("city")
    }


# Profile and onboarding -----------------------------------------------------------------------


def test_update_profile_saves_the_given_fields(ana):
    services.update_profile(ana, preferred_name="Annie", occupation="Baker")
    ana = SocialProfile.objects.get(pk=ana.pk)
    assert (ana.preferred_name, ana.occupation, ana.first_name) == ("Annie", "Baker", "Ana")
    assert ana.display_name == "Annie"


def test_update_profile_refuses_fields_that_are_not_public_profile_fields(ana):
    with pytest.raises(TypeError, match="onboarded_at"):
        services.update_profile(ana, bio="Hi", onboarded_at=timezone.now())
    ana.refresh_from_db()
    assert ana.bio == ""
    assert ana.onboarded_at is None


def test_finish_onboarding_records_the_first_time_only(ana):
    first = datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC)
    with time_machine.travel(first, tick=False):
        services.finish_onboarding(ana)
    with time_machine.travel(first + datetime.timedelta(days=1), tick=False):
        services.finish_onboarding(SocialProfile.objects.get(pk=ana.pk))
    ana.refresh_from_db()
    assert ana.onboarded_at == first


def test_the_onboarding_reminder_goes_once_to_unfinished_profiles_older_than_the_cutoff(
    task_queue,
):
    start = timezone.now()
    with time_machine.travel(start - datetime.timedelta(days=3)):
        forgetful = SocialProfileFactory(user__email="forgetful@example.com")
        finished = SocialProfileFactory()
        services.finish_onboarding(finished)
        gone = SocialProfileFactory()
        gone.user.is_active = False
        gone.user.save(update_fields=["is_active"])
    with time_machine.travel(start - datetime.timedelta(days=1)):
        recent = SocialProfileFactory(user__email="recent@example.com")

    with time_machine.travel(start):
        assert services.remind_unfinished_onboarding(older_than=datetime.timedelta(days=2)) == 1
        assert services.remind_unfinished_onboarding(older_than=datetime.timedelta(days=2)) == 0

    [email] = task_queue.outbox()
    assert email.to == ["forgetful@example.com"]
    link = f"{django_settings.SITE_URL}/welcome/about/"
    assert link in email.body
    assert f'href="{link}"' in email.alternatives[0][0]
    forgetful.refresh_from_db()
    assert forgetful.onboarding_reminded_at is not None

    # Two days later the recent one is old enough; the forgetful one is not told again.
    with time_machine.travel(start + datetime.timedelta(days=2)):
        assert services.remind_unfinished_onboarding(older_than=datetime.timedelta(days=2)) == 1
    assert [email.to for email in task_queue.outbox()] == [
        ["forgetful@example.com"],
        ["recent@example.com"],
    ]
    recent.refresh_from_db()
    assert recent.onboarding_reminded_at is not None


# Interests and moods --------------------------------------------------------------------------


def test_set_interests_replaces_the_whole_set(ana):
    hiking, cooking, chess = (InterestFactory(name=n) for n in ("Hiking", "Cooking", "Chess"))
    services.set_interests(ana, [hiking, cooking])
    services.set_interests(ana, [cooking, chess])
    assert set(ana.interests.all()) == {cooking, chess}
    services.set_interests(ana, [])
    assert not ana.interests.exists()


def test_set_moods_replaces_the_whole_set(ana):
    calm, curious, social = MoodFactory(), MoodFactory(), MoodFactory()
    services.set_moods(ana, [calm, curious])
    services.set_moods(ana, [curious, social])
    assert set(ana.moods.all()) == {curious, social}


def test_set_moods_refuses_more_than_three_and_keeps_the_previous_ones(ana):
    moods = [MoodFactory() for _ in range(4)]
    services.set_moods(ana, moods[:1])
    with pytest.raises(ProfileError, match="at most 3 moods"):
        services.set_moods(ana, moods)
    assert list(ana.moods.all()) == moods[:1]


# Photos ---------------------------------------------------------------------------------------


def test_portraits_are_added_at_the_end(ana, media):
    photos = [add_photo(ana) for _ in range(3)]
    assert [p.position for p in photos] == [0, 1, 2]
    assert stored_files(media) == {name for p in photos for name in p.variant_names}
    assert all(name.startswith("photos/") for p in photos for name in p.variant_names)


def test_the_seventh_portrait_is_refused_and_stores_no_file(ana, media):
    for _ in range(services.MAX_PHOTOS):
        add_photo(ana)
    files = stored_files(media)
    with pytest.raises(ProfileError, match="up to 6 photos"):
        add_photo(ana)
    assert stored_files(media) == files
    assert ana.photos.count() == services.MAX_PHOTOS


def test_a_cover_does_not_count_as_a_portrait(ana, media):
    for _ in range(services.MAX_PHOTOS):
        add_photo(ana)
    cover = add_photo(ana, kind=Photo.Kind.COVER)
    assert cover.kind == Photo.Kind.COVER


def test_a_new_cover_replaces_the_old_one_and_its_files_go_after_commit(
    ana, media, django_capture_on_commit_callbacks
):
    portrait = add_photo(ana)
    old = add_photo(ana, kind=Photo.Kind.COVER)
    with django_capture_on_commit_callbacks(execute=True):
        new = add_photo(ana, kind=Photo.Kind.COVER)
        assert set(old.variant_names) <= stored_files(media)  # still there until commit

    assert list(ana.photos.filter(kind=Photo.Kind.COVER)) == [new]
    assert stored_files(media) == set(portrait.variant_names) | set(new.variant_names)


def test_move_photo_swaps_a_portrait_with_its_neighbour(ana, media):
    first, second, third = (add_photo(ana) for _ in range(3))
    services.move_photo(second, by=-1)
    assert positions(ana) == [(second.pk, 0), (first.pk, 1), (third.pk, 2)]
    services.move_photo(second, by=+1)
    services.move_photo(third, by=-1)
    assert positions(ana) == [(first.pk, 0), (third.pk, 1), (second.pk, 2)]


def test_move_photo_does_nothing_past_either_end(ana, media):
    first, second = add_photo(ana), add_photo(ana)
    services.move_photo(first, by=-1)
    services.move_photo(second, by=+1)
    assert positions(ana) == [(first.pk, 0), (second.pk, 1)]


def test_move_photo_leaves_a_cover_alone(ana, media):
    portrait = add_photo(ana)
    cover = add_photo(ana, kind=Photo.Kind.COVER)
    services.move_photo(cover, by=+1)
    assert positions(ana) == [(portrait.pk, 0)]
    cover.refresh_from_db()
    assert cover.position == 0


def test_delete_photo_closes_the_gap_and_deletes_its_files_after_commit(
    ana, media, django_capture_on_commit_callbacks
):
    first, second, third = (add_photo(ana) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_photo(second)
        assert set(second.variant_names) <= stored_files(media)

    assert positions(ana) == [(first.pk, 0), (third.pk, 1)]
    assert stored_files(media) == set(first.variant_names) | set(third.variant_names)
    assert add_photo(ana).position == 2


def test_deleting_the_cover_keeps_the_portraits_in_place(
    ana, media, django_capture_on_commit_callbacks
):
    first, second = add_photo(ana), add_photo(ana)
    cover = add_photo(ana, kind=Photo.Kind.COVER)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_photo(cover)
    assert positions(ana) == [(first.pk, 0), (second.pk, 1)]
    assert stored_files(media) == set(first.variant_names) | set(second.variant_names)


# Cities ---------------------------------------------------------------------------------------


def test_the_first_city_is_current_and_primary_and_the_next_ones_neither(ana):
    services.add_city(ana, CityFactory(name="Lyon"))
    services.add_city(ana, CityFactory(name="Paris"))
    assert flags(ana) == {"Lyon": (True, True), "Paris": (False, False)}
    check_deferred_constraints()


def test_adding_the_same_city_twice_is_refused(ana):
    lyon = CityFactory(name="Lyon")
    services.add_city(ana, lyon)
    with pytest.raises(ProfileError, match="already one of your cities"):
        services.add_city(ana, lyon)
    assert ana.cities.count() == 1
    check_deferred_constraints()


def test_a_person_lists_at_most_ten_cities(ana):
    for _ in range(services.MAX_CITIES):
        services.add_city(ana, CityFactory())
    with pytest.raises(ProfileError, match="up to 10 cities"):
        services.add_city(ana, CityFactory())
    check_deferred_constraints()


def test_set_current_city_moves_only_the_current_flag(ana):
    services.add_city(ana, CityFactory(name="Lyon"))
    paris = services.add_city(ana, CityFactory(name="Paris"))
    services.set_current_city(paris)
    assert flags(ana) == {"Lyon": (False, True), "Paris": (True, False)}
    check_deferred_constraints()
    services.set_current_city(paris)  # already current: nothing changes
    assert flags(ana) == {"Lyon": (False, True), "Paris": (True, False)}
    check_deferred_constraints()


def test_set_primary_city_moves_only_the_primary_flag(ana):
    services.add_city(ana, CityFactory(name="Lyon"))
    paris = services.add_city(ana, CityFactory(name="Paris"))
    services.set_primary_city(paris)
    assert flags(ana) == {"Lyon": (True, False), "Paris": (False, True)}
    check_deferred_constraints()


def test_removing_the_current_and_primary_city_hands_both_to_the_oldest_remaining(ana):
    start = timezone.now()
    added = []
    for days, name in enumerate(["Lyon", "Paris", "Nice"]):
        with time_machine.travel(start + datetime.timedelta(days=days)):
            added.append(services.add_city(ana, CityFactory(name=name)))
    services.remove_city(added[0])
    assert flags(ana) == {"Paris": (True, True), "Nice": (False, False)}
    check_deferred_constraints()


def test_removing_a_city_without_flags_changes_no_flags(ana):
    services.add_city(ana, CityFactory(name="Lyon"))
    paris = services.add_city(ana, CityFactory(name="Paris"))
    services.remove_city(paris)
    assert flags(ana) == {"Lyon": (True, True)}
    check_deferred_constraints()


def test_removing_the_current_city_keeps_the_primary_one_where_it_is(ana):
    services.add_city(ana, CityFactory(name="Lyon"))
    paris = services.add_city(ana, CityFactory(name="Paris"))
    services.add_city(ana, CityFactory(name="Nice"))
    services.set_current_city(paris)
    services.remove_city(paris)
    assert flags(ana) == {"Lyon": (True, True), "Nice": (False, False)}
    check_deferred_constraints()


def test_removing_a_city_trusts_the_database_not_a_stale_copy(ana):
    lyon = services.add_city(ana, CityFactory(name="Lyon"))  # loaded while current and primary
    paris = services.add_city(ana, CityFactory(name="Paris"))
    services.add_city(ana, CityFactory(name="Nice"))
    services.set_current_city(paris)
    services.set_primary_city(paris)
    services.remove_city(lyon)
    assert flags(ana) == {"Paris": (True, True), "Nice": (False, False)}
    check_deferred_constraints()


def test_removing_a_city_twice_is_harmless(ana):
    services.add_city(ana, CityFactory(name="Lyon"))
    paris = services.add_city(ana, CityFactory(name="Paris"))
    services.set_current_city(paris)
    services.remove_city(paris)
    services.remove_city(paris)
    assert flags(ana) == {"Lyon": (True, True)}
    check_deferred_constraints()


def test_removing_the_last_city_leaves_none(ana):
    lyon = services.add_city(ana, CityFactory(name="Lyon"))
    services.remove_city(lyon)
    assert flags(ana) == {}
    check_deferred_constraints()


# Hosting --------------------------------------------------------------------------------------


def test_save_host_profile_creates_then_updates_the_one_host_profile(ana):
    created = services.save_host_profile(ana.user, host_name="Ana's table", host_bio="Dinners.")
    updated = services.save_host_profile(ana.user, host_name="Chez Ana", host_bio="Brunches.")
    assert updated.pk == created.pk
    host = HostProfile.objects.get(user=ana.user)
    assert (host.host_name, host.host_bio) == ("Chez Ana", "Brunches.")


# Likes ----------------------------------------------------------------------------------------


def test_liking_twice_keeps_one_like(ana, ben):
    first = services.like(ana, ben)
    assert services.like(ana, ben) == first
    assert Like.objects.filter(liker=ana, liked=ben).count() == 1


def test_unlike_removes_only_ones_own_like_and_is_idempotent(ana, ben):
    services.like(ana, ben)
    services.like(ben, ana)
    services.unlike(ana, ben)
    services.unlike(ana, ben)
    assert list(Like.objects.values_list("liker", "liked")) == [(ben.pk, ana.pk)]


def test_a_person_cannot_like_themselves(ana):
    with pytest.raises(ProfileError, match="cannot like yourself"):
        services.like(ana, ana)
    assert not Like.objects.exists()


@pytest.mark.parametrize("blocker", ["liker", "liked"])
def test_nobody_likes_across_a_block_whoever_blocked(ana, ben, blocker):
    services.block(*((ana, ben) if blocker == "liker" else (ben, ana)))
    with pytest.raises(ProfileError, match="cannot like this person"):
        services.like(ana, ben)
    assert not Like.objects.exists()


# Follows --------------------------------------------------------------------------------------


def test_a_follow_request_is_pending_and_tells_the_followed_person_who_asked(ana, ben, task_queue):
    follow = services.request_follow(ana, ben)

    assert follow.status == Follow.Status.PENDING
    [email] = task_queue.outbox()
    assert email.to == ["ben.private@example.com"]
    assert email.subject.endswith("Ana would like to follow you")
    assert f"Ana (@{ana.user.username}) asked to follow you" in email.body
    assert "/me/follow-requests/" in email.body
    html = email.alternatives[0][0]
    for text in (email.subject, email.body, html):
        assert "ana.private@example.com" not in text


def test_asking_again_while_pending_sends_no_second_email(ana, ben, task_queue):
    first = services.request_follow(ana, ben)
    again = services.request_follow(ana, ben)
    assert again.pk == first.pk
    assert again.status == Follow.Status.PENDING
    assert len(task_queue.outbox()) == 1


def test_asking_again_once_accepted_changes_nothing(ana, ben, task_queue):
    FollowFactory(follower=ana, followed=ben, accepted=True)
    assert services.request_follow(ana, ben).status == Follow.Status.ACCEPTED
    assert task_queue.outbox() == []


def test_accepting_a_request_tells_the_follower(ana, ben, task_queue):
    follow = services.request_follow(ana, ben)
    accepted = services.accept_follow(follow, by=ben)

    assert accepted.status == Follow.Status.ACCEPTED
    assert accepted.responded_at is not None
    follow.refresh_from_db()
    assert follow.status == Follow.Status.ACCEPTED
    request_email, accepted_email = task_queue.outbox()
    assert accepted_email.to == ["ana.private@example.com"]
    assert accepted_email.subject.endswith("Ben accepted your follow request")
    assert "ben.private@example.com" not in accepted_email.body


@pytest.mark.parametrize("answer", [services.accept_follow, services.decline_follow])
def test_only_the_followed_person_answers_a_request(ana, ben, answer):
    follow = services.request_follow(ana, ben)
    for someone_else in (ana, SocialProfileFactory()):
        with pytest.raises(ProfileError, match="not addressed to you"):
            answer(follow, by=someone_else)
    follow.refresh_from_db()
    assert follow.status == Follow.Status.PENDING


@pytest.mark.parametrize("first", [services.accept_follow, services.decline_follow])
@pytest.mark.parametrize("second", [services.accept_follow, services.decline_follow])
def test_a_request_is_answered_only_once(ana, ben, first, second):
    follow = services.request_follow(ana, ben)
    answered = first(follow, by=ben)
    with pytest.raises(ProfileError, match="already been answered"):
        second(follow, by=ben)
    follow.refresh_from_db()
    assert follow.status == answered.status


def test_declining_a_request_does_not_tell_the_follower(ana, ben, task_queue):
    follow = services.request_follow(ana, ben)
    declined = services.decline_follow(follow, by=ben)

    assert declined.status == Follow.Status.DECLINED
    assert declined.responded_at is not None
    assert [email.to for email in task_queue.outbox()] == [["ben.private@example.com"]]


def test_asking_again_after_a_decline_changes_nothing_and_sends_nothing(ana, ben, task_queue):
    follow = services.decline_follow(services.request_follow(ana, ben), by=ben)
    again = services.request_follow(ana, ben)

    assert again.pk == follow.pk
    assert again.status == Follow.Status.DECLINED
    assert [email.to for email in task_queue.outbox()] == [["ben.private@example.com"]]


@pytest.mark.parametrize("status", Follow.Status.values)
def test_unfollow_removes_a_follow_whatever_its_status(ana, ben, status):
    FollowFactory(follower=ana, followed=ben, status=status)
    FollowFactory(follower=ben, followed=ana, accepted=True)
    services.unfollow(ana, ben)
    assert list(Follow.objects.values_list("follower", "followed")) == [(ben.pk, ana.pk)]


def test_remove_follower_ends_their_follow(ana, ben):
    FollowFactory(follower=ben, followed=ana, accepted=True)
    services.remove_follower(ana, ben)
    assert not Follow.objects.exists()


def test_a_person_cannot_follow_themselves(ana, task_queue):
    with pytest.raises(ProfileError, match="cannot follow yourself"):
        services.request_follow(ana, ana)
    assert not Follow.objects.exists()
    assert task_queue.outbox() == []


@pytest.mark.parametrize("blocker", ["follower", "followed"])
def test_nobody_follows_across_a_block_whoever_blocked(ana, ben, task_queue, blocker):
    services.block(*((ana, ben) if blocker == "follower" else (ben, ana)))
    with pytest.raises(ProfileError, match="cannot follow this person"):
        services.request_follow(ana, ben)
    assert not Follow.objects.exists()
    assert task_queue.outbox() == []


# Blocks and reports ---------------------------------------------------------------------------


def test_a_block_ends_follows_and_likes_both_ways_and_is_idempotent(ana, ben):
    carl = SocialProfileFactory()
    FollowFactory(follower=ana, followed=ben, accepted=True)
    FollowFactory(follower=ben, followed=ana)
    FollowFactory(follower=ana, followed=carl, accepted=True)
    services.like(ana, ben)
    services.like(ben, ana)
    services.like(ana, carl)

    first = services.block(ana, ben)
    assert services.block(ana, ben) == first

    assert list(Block.objects.values_list("blocker", "blocked")) == [(ana.pk, ben.pk)]
    assert list(Follow.objects.values_list("follower", "followed")) == [(ana.pk, carl.pk)]
    assert list(Like.objects.values_list("liker", "liked")) == [(ana.pk, carl.pk)]


def test_a_person_cannot_block_themselves(ana):
    with pytest.raises(ProfileError, match="cannot block yourself"):
        services.block(ana, ana)
    assert not Block.objects.exists()


def test_unblock_removes_only_the_blockers_own_block(ana, ben):
    services.block(ana, ben)
    services.block(ben, ana)
    services.unblock(ana, ben)
    assert list(Block.objects.values_list("blocker", "blocked")) == [(ben.pk, ana.pk)]
    services.unblock(ana, ben)  # nothing left of ana's: still only ben's block
    assert Block.objects.count() == 1
    services.unblock(ben, ana)
    assert not Block.objects.exists()


def test_a_report_is_opened_for_the_moderators(ana, ben):
    report = services.report(ana, ben, reason=Report.Reason.FAKE, note="Uses a stock photo.")
    report.refresh_from_db()
    assert (report.reporter, report.reported, report.reason, report.note) == (
        ana,
        ben,
        Report.Reason.FAKE,
        "Uses a stock photo.",
    )
    assert report.status == Report.Status.OPEN
    assert (report.resolved_at, report.resolved_by) == (None, None)


@pytest.mark.parametrize("reason", ["", "rude", "open"])
def test_a_report_needs_one_of_the_listed_reasons(ana, ben, reason):
    with pytest.raises(ProfileError, match="Choose a reason"):
        services.report(ana, ben, reason=reason, note="")
    assert not Report.objects.exists()


def test_the_same_report_sent_again_is_already_with_the_moderators(ana, ben, staff):
    first = services.report(ana, ben, reason=Report.Reason.FAKE, note="Stock photo.")
    with pytest.raises(ProfileError, match="Your report on Ben is already with our moderators."):
        services.report(ana, ben, reason=Report.Reason.SPAM, note="And spam.")
    assert list(Report.objects.all()) == [first]
    services.resolve_report(first, by=staff, status=Report.Status.DISMISSED)
    again = services.report(ana, ben, reason=Report.Reason.SPAM, note="Still at it.")
    assert again.status == Report.Status.OPEN  # a closed report does not stop a new one


def test_a_person_cannot_report_themselves(ana):
    with pytest.raises(ProfileError, match="cannot report yourself"):
        services.report(ana, ana, reason=Report.Reason.SPAM, note="")
    assert not Report.objects.exists()


@pytest.mark.parametrize("status", [Report.Status.ACTIONED, Report.Status.DISMISSED])
def test_resolving_a_report_records_who_when_and_how(staff, status):
    report = ReportFactory()
    moment = datetime.datetime(2030, 6, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        services.resolve_report(report, by=staff, status=status)
    report.refresh_from_db()
    assert (report.status, report.resolved_by, report.resolved_at) == (status, staff, moment)


def test_a_report_cannot_be_resolved_as_open(staff):
    report = ReportFactory()
    with pytest.raises(ProfileError, match="actioned or dismissed"):
        services.resolve_report(report, by=staff, status=Report.Status.OPEN)
    report.refresh_from_db()
    assert (report.status, report.resolved_by, report.resolved_at) == (
        Report.Status.OPEN,
        None,
        None,
    )


# Races ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cities_added_at_once_still_make_exactly_one_current_and_one_primary():
    ana = SocialProfileFactory()
    cities = [CityFactory() for _ in range(8)]

    errors = run_at_once([lambda city=city: services.add_city(ana, city) for city in cities])

    assert errors == []
    assert ana.cities.count() == 8
    assert ana.cities.filter(is_current=True).count() == 1
    assert ana.cities.filter(is_primary=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_likes_sent_at_once_make_one_like():
    ana, ben = SocialProfileFactory(), SocialProfileFactory()

    errors = run_at_once([lambda: services.like(ana, ben)] * 8)

    assert errors == []
    assert Like.objects.filter(liker=ana, liked=ben).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_report_sent_at_once_makes_one_open_report():
    ana, ben = SocialProfileFactory(), SocialProfileFactory(first_name="Ben")

    errors = run_at_once(
        [lambda: services.report(ana, ben, reason=Report.Reason.SPAM, note="")] * 8
    )

    assert Report.objects.filter(reporter=ana, reported=ben).count() == 1
    assert len(errors) == 7
    assert {str(error) for error in errors} == {
        "Your report on Ben is already with our moderators."
    }


@pytest.mark.django_db(transaction=True)
def test_a_like_racing_a_block_never_outlives_the_block():
    for _ in range(10):
        ana, ben = SocialProfileFactory(), SocialProfileFactory()
        errors = run_at_once(
            [
                lambda a=ana, b=ben: services.like(a, b),
                lambda a=ana, b=ben: services.block(b, a),
            ]
        )

        assert all(isinstance(error, ProfileError) for error in errors)
        assert Block.objects.filter(blocker=ben, blocked=ana).exists()
        assert not Like.objects.filter(liker=ana, liked=ben).exists()
