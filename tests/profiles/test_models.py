"""What the database itself guarantees about people and events (constraints, the deferred city
trigger), and the QuerySet methods the pages build on."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from events.factories import AttendanceFactory, EventFactory, RatingFactory
from events.models import Attendance, Event, Rating
from profiles import services
from profiles.factories import (
    CityFactory,
    HostProfileFactory,
    InterestFactory,
    SocialProfileFactory,
)
from profiles.models import (
    Block,
    City,
    Follow,
    Interest,
    Like,
    Mood,
    Photo,
    Report,
    SocialProfile,
    UserCity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return SocialProfileFactory(first_name="Ana")


@pytest.fixture
def ben():
    return SocialProfileFactory(first_name="Ben")


def photo(profile, *, kind=Photo.Kind.PORTRAIT, position=0, name="p"):
    """A Photo row without files: the constraints and queries only look at the row."""
    return Photo.objects.create(
        profile=profile,
        kind=kind,
        position=position,
        large=f"photos/{name}-large.webp",
        medium=f"photos/{name}-medium.webp",
        thumb=f"photos/{name}-thumb.webp",
        width=400,
        height=300,
    )


TRIGGER_REFUSAL = "exactly one current and one primary city"


def check_deferred_constraints():
    """Run the checks PostgreSQL would run at commit, then defer them again for the test."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# Constraints on the social graph --------------------------------------------------------------


def test_a_person_cannot_like_themselves(ana):
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(liker=ana, liked=ana)


def test_a_person_likes_another_only_once(ana, ben):
    Like.objects.create(liker=ana, liked=ben)
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(liker=ana, liked=ben)


def test_likes_in_both_directions_are_two_different_likes(ana, ben):
    Like.objects.create(liker=ana, liked=ben)
    Like.objects.create(liker=ben, liked=ana)
    assert Like.objects.count() == 2


def test_a_person_cannot_follow_themselves(ana):
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=ana, followed=ana)


def test_a_person_follows_another_only_once(ana, ben):
    Follow.objects.create(follower=ana, followed=ben, status=Follow.Status.DECLINED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=ana, followed=ben)


def test_a_person_cannot_block_themselves(ana):
    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(blocker=ana, blocked=ana)


def test_a_person_cannot_report_themselves(ana):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=ana, reported=ana, reason=Report.Reason.SPAM)


def test_a_person_has_one_open_report_on_someone_and_any_number_of_closed_ones(ana, ben):
    Report.objects.create(reporter=ana, reported=ben, reason=Report.Reason.SPAM)
    for status in (Report.Status.ACTIONED, Report.Status.DISMISSED):
        Report.objects.create(reporter=ana, reported=ben, reason=Report.Reason.SPAM, status=status)
    Report.objects.create(reporter=ben, reported=ana, reason=Report.Reason.SPAM)  # the other way
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=ana, reported=ben, reason=Report.Reason.FAKE)


# Constraints on cities ------------------------------------------------------------------------


def test_a_person_has_at_most_one_current_city(ana):
    UserCity.objects.create(profile=ana, city=CityFactory(), is_current=True, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserCity.objects.create(profile=ana, city=CityFactory(), is_current=True)


def test_a_person_has_at_most_one_primary_city(ana):
    UserCity.objects.create(profile=ana, city=CityFactory(), is_current=True, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserCity.objects.create(profile=ana, city=CityFactory(), is_primary=True)


def test_a_person_lists_a_city_only_once(ana):
    paris = CityFactory(name="Paris")
    UserCity.objects.create(profile=ana, city=paris, is_current=True, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserCity.objects.create(profile=ana, city=paris)


def test_two_people_may_have_the_same_current_city(ana, ben):
    paris = CityFactory(name="Paris")
    UserCity.objects.create(profile=ana, city=paris, is_current=True, is_primary=True)
    UserCity.objects.create(profile=ben, city=paris, is_current=True, is_primary=True)
    check_deferred_constraints()


# The deferred trigger usercity_exactly_one_current_and_primary (profiles migration 0002).


def test_an_only_city_that_is_neither_current_nor_primary_fails_at_commit(ana):
    with pytest.raises(IntegrityError, match=TRIGGER_REFUSAL), transaction.atomic():
        UserCity.objects.create(profile=ana, city=CityFactory())
        check_deferred_constraints()


def test_an_only_city_that_is_current_but_not_primary_fails_at_commit(ana):
    with pytest.raises(IntegrityError, match=TRIGGER_REFUSAL), transaction.atomic():
        UserCity.objects.create(profile=ana, city=CityFactory(), is_current=True)
        check_deferred_constraints()


def test_one_current_and_one_primary_city_on_different_rows_pass_the_trigger(ana):
    UserCity.objects.create(profile=ana, city=CityFactory(), is_current=True)
    UserCity.objects.create(profile=ana, city=CityFactory(), is_primary=True)
    UserCity.objects.create(profile=ana, city=CityFactory())
    check_deferred_constraints()


def test_deleting_the_only_current_city_while_another_remains_fails_at_commit(ana):
    current = UserCity.objects.create(
        profile=ana, city=CityFactory(), is_current=True, is_primary=True
    )
    UserCity.objects.create(profile=ana, city=CityFactory())
    check_deferred_constraints()
    with pytest.raises(IntegrityError, match=TRIGGER_REFUSAL), transaction.atomic():
        current.delete()
        check_deferred_constraints()


def test_deleting_every_city_of_a_person_passes_the_trigger(ana):
    UserCity.objects.create(profile=ana, city=CityFactory(), is_current=True, is_primary=True)
    UserCity.objects.create(profile=ana, city=CityFactory())
    check_deferred_constraints()
    ana.cities.all().delete()
    check_deferred_constraints()
    assert not UserCity.objects.filter(profile=ana).exists()


# Constraints on photos and catalogs -----------------------------------------------------------


def test_two_portraits_cannot_share_a_position(ana):
    photo(ana, position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        photo(ana, position=0, name="q")


def test_a_cover_may_share_position_zero_with_the_first_portrait(ana):
    photo(ana, position=0)
    photo(ana, kind=Photo.Kind.COVER, position=0, name="cover")
    assert ana.photos.count() == 2


def test_a_person_has_at_most_one_cover(ana):
    photo(ana, kind=Photo.Kind.COVER)
    with pytest.raises(IntegrityError), transaction.atomic():
        photo(ana, kind=Photo.Kind.COVER, position=1, name="q")


@pytest.mark.parametrize(
    ("model", "first", "second"),
    [
        (Interest, {"name": "Hiking"}, {"name": "hiking"}),
        (Mood, {"name": "Up for a walk"}, {"name": "UP FOR A WALK"}),
        (City, {"name": "Paris", "country": "France"}, {"name": "paris", "country": "FRANCE"}),
    ],
)
def test_catalog_names_are_unique_whatever_their_case(model, first, second):
    model.objects.create(**first)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**second)


def test_cities_of_the_same_name_in_different_countries_are_different_cities():
    City.objects.create(name="Paris", country="France")
    City.objects.create(name="Paris", country="United States")
    assert City.objects.count() == 2


# Constraints on events ------------------------------------------------------------------------


def test_an_event_cannot_end_before_it_starts():
    starts_at = datetime.datetime(2030, 5, 1, 19, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(starts_at=starts_at, ends_at=starts_at - datetime.timedelta(hours=1))


def test_an_event_cannot_end_when_it_starts():
    starts_at = datetime.datetime(2030, 5, 1, 19, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(starts_at=starts_at, ends_at=starts_at)


def test_an_event_cannot_need_more_participants_than_it_takes():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(min_participants=7, max_participants=6)


def test_an_event_may_need_exactly_as_many_participants_as_it_takes():
    assert EventFactory(min_participants=6, max_participants=6).pk


@pytest.mark.parametrize("field", ["host_rating_value", "event_rating_value"])
@pytest.mark.parametrize("value", [0, 6])
def test_ratings_go_from_one_to_five(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(**{field: value})


@pytest.mark.parametrize("value", [1, 5])
def test_ratings_of_one_and_five_are_accepted(value):
    rating = RatingFactory(host_rating_value=value, event_rating_value=value)
    assert rating.pk


def test_a_person_rates_an_event_only_once(ana):
    event = EventFactory(past=True)
    RatingFactory(event=event, rater=ana)
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(event=event, rater=ana, host_rating_value=1)


def test_a_person_attends_an_event_only_once(ana):
    event = EventFactory(past=True)
    AttendanceFactory(event=event, profile=ana)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(event=event, profile=ana, status=Attendance.Status.NO_SHOW)


# SocialProfile QuerySet -----------------------------------------------------------------------


def test_visible_to_hides_the_viewer_inactive_people_and_blocks_either_way(ana, ben):
    inactive = SocialProfileFactory()
    inactive.user.is_active = False
    inactive.user.save(update_fields=["is_active"])
    blocked_by_ana = SocialProfileFactory()
    blocks_ana = SocialProfileFactory()
    services.block(ana, blocked_by_ana)
    services.block(blocks_ana, ana)

    assert set(SocialProfile.objects.visible_to(ana)) == {ben}
    assert set(SocialProfile.objects.visible_to(ben)) == {ana, blocked_by_ana, blocks_ana}


def test_a_block_between_two_others_does_not_hide_them_from_the_viewer(ana, ben):
    carl = SocialProfileFactory()
    services.block(ben, carl)
    assert set(SocialProfile.objects.visible_to(ana)) == {ben, carl}


def test_for_cards_shows_the_first_portrait_and_the_current_city(ana):
    photo(ana, kind=Photo.Kind.COVER, name="cover")
    photo(ana, position=1, name="second")
    photo(ana, position=0, name="first")
    services.add_city(ana, CityFactory(name="Lyon"))
    services.add_city(ana, CityFactory(name="Paris"))
    services.set_current_city(ana.cities.get(city__name="Paris"))

    card = SocialProfile.objects.for_cards().get(pk=ana.pk)

    assert card.thumb == "photos/first-thumb.webp"
    assert card.current_city_name == "Paris"


def test_for_cards_never_shows_the_cover_as_the_thumb(ana):
    photo(ana, kind=Photo.Kind.COVER, name="cover")
    card = SocialProfile.objects.for_cards().get(pk=ana.pk)
    assert card.thumb is None


def test_for_cards_of_a_new_person_has_no_thumb_and_no_city(ana):
    card = SocialProfile.objects.for_cards().get(pk=ana.pk)
    assert (card.thumb, card.current_city_name) == (None, None)


def test_for_cards_loads_the_user_with_the_profile(ana, django_assert_num_queries):
    with django_assert_num_queries(1):
        card = SocialProfile.objects.for_cards().get(pk=ana.pk)
        assert card.username == ana.user.username


# The seed's common queries --------------------------------------------------------------------


def test_attended_by_counts_the_events_reported_as_attended_on_time_or_late(ana, ben):
    attended = AttendanceFactory(profile=ana, status=Attendance.Status.ATTENDED).event
    AttendanceFactory(profile=ana, status=Attendance.Status.NO_SHOW)
    late = AttendanceFactory(profile=ana, status=Attendance.Status.LATE).event
    AttendanceFactory(profile=ben, status=Attendance.Status.ATTENDED)
    EventFactory(past=True)

    assert set(Event.objects.attended_by(ana)) == {attended, late}


def test_attended_by_lists_each_event_once_however_many_came(ana, ben):
    event = EventFactory(past=True)
    AttendanceFactory(event=event, profile=ana)
    AttendanceFactory(event=event, profile=ben)
    assert list(Event.objects.attended_by(ana)) == [event]


def test_hosted_by_lists_only_the_hosts_events():
    host, other_host = HostProfileFactory(), HostProfileFactory()
    hosted = {EventFactory(host=host), EventFactory(host=host, past=True)}
    EventFactory(host=other_host)

    assert set(Event.objects.hosted_by(host)) == hosted
    assert not Event.objects.hosted_by(HostProfileFactory()).exists()


def test_host_average_is_the_mean_of_the_hosts_ratings():
    host, other_host = HostProfileFactory(), HostProfileFactory()
    RatingFactory(event__host=host, host_rating_value=5)
    RatingFactory(event__host=host, host_rating_value=4)
    RatingFactory(event__host=other_host, host_rating_value=1)

    assert Rating.objects.host_average(host) == 4.5
    assert Rating.objects.host_average(other_host) == 1


def test_host_average_is_none_without_ratings():
    RatingFactory(host_rating_value=3)
    assert Rating.objects.host_average(HostProfileFactory()) is None


def test_attended_events_average_covers_only_events_the_person_attended(ana):
    attended = AttendanceFactory(profile=ana, event__ratings_published=True).event
    RatingFactory(event=attended, event_rating_value=4)
    RatingFactory(event=attended, event_rating_value=2)
    also_attended = AttendanceFactory(profile=ana, event__ratings_published=True).event
    RatingFactory(event=also_attended, event_rating_value=3)
    missed = AttendanceFactory(
        profile=ana, status=Attendance.Status.NO_SHOW, event__ratings_published=True
    ).event
    RatingFactory(event=missed, event_rating_value=1)
    RatingFactory(event_rating_value=5)  # an event ana never went to

    assert Rating.objects.attended_events_average(ana) == 3


def test_attended_events_average_is_none_for_someone_who_attended_nothing(ana):
    RatingFactory(event_rating_value=5)
    assert Rating.objects.attended_events_average(ana) is None


def test_a_profiles_interests_are_the_ones_they_chose(ana, ben):
    hiking, cooking, chess = (InterestFactory(name=n) for n in ("Hiking", "Cooking", "Chess"))
    services.set_interests(ana, [hiking, cooking])
    services.set_interests(ben, [chess])

    assert list(ana.interests.all()) == [cooking, hiking]  # catalog order: by name
    assert list(ben.interests.all()) == [chess]
