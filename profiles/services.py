"""Every write about people: profiles, photos, interests, moods, cities, hosting, and the social
graph. Views, the admin, tasks, the demo world and tests all come through here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from PIL.Image import Image

from accounts.services import notify
from profiles import images
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

MAX_PHOTOS = 6
MAX_CITIES = 10
MAX_MOODS = 3


class ProfileError(Exception):
    """A refusal whose message is safe to show to the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Profile -------------------------------------------------------------------------------------

PROFILE_FIELDS = ("first_name", "preferred_name", "bio", "gender", "occupation", "location")


def update_profile(profile: SocialProfile, **fields) -> SocialProfile:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save(update_fields=[*fields, "updated_at"])
    return profile


def finish_onboarding(profile: SocialProfile) -> SocialProfile:
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
        profile.save(update_fields=["onboarded_at", "updated_at"])
    return profile


def remind_unfinished_onboarding(*, older_than: timezone.timedelta) -> int:
    """Email once the people who skipped onboarding a while ago. Returns how many were told."""
    cutoff = timezone.now() - older_than
    told = 0
    candidates = SocialProfile.objects.active().filter(
        onboarded_at__isnull=True, onboarding_reminded_at__isnull=True, created_at__lt=cutoff
    )
    for profile in candidates.select_related("user").iterator():
        with transaction.atomic():
            claimed = SocialProfile.objects.filter(
                pk=profile.pk, onboarding_reminded_at__isnull=True
            ).update(onboarding_reminded_at=timezone.now())
            if claimed:
                notify(
                    profile.user,
                    "finish_profile",
                    about=profile,
                    link=reverse("profiles:edit-about"),
                    context={},
                )
                told += 1
    return told


def set_interests(profile: SocialProfile, interests: Iterable[Interest]) -> None:
    _replace(ProfileInterest, profile, "interest", {i.pk for i in interests})


def set_moods(profile: SocialProfile, moods: Iterable[Mood]) -> None:
    chosen = {m.pk for m in moods}
    if len(chosen) > MAX_MOODS:
        raise ProfileError(f"Choose at most {MAX_MOODS} moods.")
    _replace(ProfileMood, profile, "mood", chosen)


@transaction.atomic
def _replace(through, profile: SocialProfile, field: str, chosen: set[int]) -> None:
    current = set(through.objects.filter(profile=profile).values_list(f"{field}_id", flat=True))
    through.objects.filter(profile=profile, **{f"{field}_id__in": current - chosen}).delete()
    through.objects.bulk_create(
        [through(profile=profile, **{f"{field}_id": pk}) for pk in chosen - current],
        ignore_conflicts=True,
    )


# Photos --------------------------------------------------------------------------------------


def add_photo(profile: SocialProfile, *, image: Image, kind: str = Photo.Kind.PORTRAIT) -> Photo:
    """Store a checked image (images.open_upload) as the last portrait, or as the cover,
    replacing the previous cover."""
    if kind == Photo.Kind.PORTRAIT:  # refuse before encoding; checked again under the lock
        _refuse_more_portraits(profile.photos.filter(kind=kind))
    stored = images.save_variants(image, folder="photos")
    try:
        with transaction.atomic():
            SocialProfile.objects.select_for_update().get(pk=profile.pk)
            if kind == Photo.Kind.COVER:
                old_cover = profile.photos.filter(kind=kind).first()
                if old_cover:
                    old_cover.delete()
                    _delete_files_on_commit(old_cover)
                position = 0
            else:
                portraits = profile.photos.filter(kind=kind)
                _refuse_more_portraits(portraits)
                position = max(portraits.values_list("position", flat=True), default=-1) + 1
            return Photo.objects.create(
                profile=profile,
                kind=kind,
                position=position,
                width=stored.width,
                height=stored.height,
                **stored.names,
            )
    except BaseException:
        images.delete_variants(stored.names.values())
        raise


def _refuse_more_portraits(portraits) -> None:
    if portraits.count() >= MAX_PHOTOS:
        raise ProfileError(f"You can have up to {MAX_PHOTOS} photos. Delete one to add another.")


def _locked_portraits(profile_id) -> list[Photo]:
    return list(
        Photo.objects.select_for_update()
        .filter(profile_id=profile_id, kind=Photo.Kind.PORTRAIT)
        .order_by("position")
    )


@transaction.atomic
def move_photo(photo: Photo, *, by: int) -> None:
    """Move a portrait `by` places (-1 earlier, +1 later), swapping with its neighbour."""
    portraits = _locked_portraits(photo.profile_id)
    index = next((i for i, p in enumerate(portraits) if p.pk == photo.pk), None)
    if index is None:
        return  # a cover (or a photo deleted meanwhile) has no place in the order
    target = index + by
    if not 0 <= target < len(portraits):
        return
    portraits[index], portraits[target] = portraits[target], portraits[index]
    _renumber(portraits)


@transaction.atomic
def delete_photo(photo: Photo) -> None:
    photo.delete()
    _delete_files_on_commit(photo)
    if photo.kind == Photo.Kind.PORTRAIT:
        _renumber(_locked_portraits(photo.profile_id))


def _renumber(portraits: list[Photo]) -> None:
    # Positions are unique per profile, checked row by row: move everyone out of the way first.
    ids = [p.pk for p in portraits]
    Photo.objects.filter(pk__in=ids).update(position=F("position") + 1000)
    for position, photo in enumerate(portraits):
        Photo.objects.filter(pk=photo.pk).update(position=position)


def _delete_files_on_commit(photo: Photo) -> None:
    names = photo.variant_names
    transaction.on_commit(lambda: images.delete_variants(names))


# Cities --------------------------------------------------------------------------------------


@transaction.atomic
def add_city(profile: SocialProfile, city: City) -> UserCity:
    """The first city someone adds is both their current and their primary city."""
    SocialProfile.objects.select_for_update().get(pk=profile.pk)
    existing = profile.cities.all()
    if existing.filter(city=city).exists():
        raise ProfileError(f"{city} is already one of your cities.")
    if existing.count() >= MAX_CITIES:
        raise ProfileError(f"You can list up to {MAX_CITIES} cities.")
    first = not existing.exists()
    return UserCity.objects.create(profile=profile, city=city, is_current=first, is_primary=first)


@transaction.atomic
def set_current_city(user_city: UserCity) -> None:
    _move_flag(user_city, "is_current")


@transaction.atomic
def set_primary_city(user_city: UserCity) -> None:
    _move_flag(user_city, "is_primary")


def _move_flag(user_city: UserCity, flag: str) -> None:
    SocialProfile.objects.select_for_update().get(pk=user_city.profile_id)
    UserCity.objects.filter(profile_id=user_city.profile_id, **{flag: True}).exclude(
        pk=user_city.pk
    ).update(**{flag: False})
    UserCity.objects.filter(pk=user_city.pk).update(**{flag: True})


@transaction.atomic
def remove_city(user_city: UserCity) -> None:
    """Removing the current or primary city hands that role to the oldest remaining city."""
    SocialProfile.objects.select_for_update().get(pk=user_city.profile_id)
    # The flags as they are now, under the lock: the caller's copy may predate a flag move.
    user_city = UserCity.objects.filter(pk=user_city.pk).first()
    if user_city is None:
        return  # already removed
    user_city.delete()
    remaining = UserCity.objects.filter(profile_id=user_city.profile_id).order_by("created_at")
    heir = remaining.first()
    if heir is None:
        return
    for flag in ("is_current", "is_primary"):
        if getattr(user_city, flag):
            UserCity.objects.filter(pk=heir.pk).update(**{flag: True})


# Hosting -------------------------------------------------------------------------------------


def save_host_profile(user, *, host_name: str, host_bio: str) -> HostProfile:
    """Become a host, or update one's host profile."""
    host, _ = HostProfile.objects.update_or_create(
        user=user, defaults={"host_name": host_name, "host_bio": host_bio}
    )
    return host


# Likes ---------------------------------------------------------------------------------------


@transaction.atomic
def like(liker: SocialProfile, liked: SocialProfile) -> Like:
    _refuse_self_or_blocked(liker, liked, "like")
    like, _ = Like.objects.get_or_create(liker=liker, liked=liked)
    return like


def unlike(liker: SocialProfile, liked: SocialProfile) -> None:
    Like.objects.filter(liker=liker, liked=liked).delete()


def _lock_pair(a: SocialProfile, b: SocialProfile) -> None:
    """Serialise everything that happens between two people (a like racing a block, say);
    rows are locked in one order so two such calls cannot deadlock."""
    list(SocialProfile.objects.select_for_update().filter(pk__in=[a.pk, b.pk]).order_by("pk"))


def _refuse_self_or_blocked(actor: SocialProfile, other: SocialProfile, verb: str) -> None:
    if actor.pk == other.pk:
        raise ProfileError(f"You cannot {verb} yourself.")
    _lock_pair(actor, other)
    if Block.exists_between(actor, other):
        raise ProfileError(f"You cannot {verb} this person.")


# Follows -------------------------------------------------------------------------------------


@transaction.atomic
def request_follow(follower: SocialProfile, followed: SocialProfile) -> Follow:
    """Ask to follow someone; they are told by email and accept or decline. A declined request
    stays declined: the requester still sees it waiting, and asking again sends nothing, so
    nobody can be pestered with the same request."""
    _refuse_self_or_blocked(follower, followed, "follow")
    follow, created = Follow.objects.get_or_create(follower=follower, followed=followed)
    if created:
        notify(
            followed.user,
            "follow_request",
            about=follow,
            link=reverse("profiles:follow-requests"),
            context={"follower": follower},
        )
    return follow


@transaction.atomic
def accept_follow(follow: Follow, *, by: SocialProfile) -> Follow:
    follow = _pending_request_for(follow, by)
    follow.status = Follow.Status.ACCEPTED
    follow.responded_at = timezone.now()
    follow.save(update_fields=["status", "responded_at"])
    notify(
        follow.follower.user,
        "follow_accepted",
        about=follow,
        link=by.get_absolute_url(),
        context={"followed": by},
    )
    return follow


@transaction.atomic
def decline_follow(follow: Follow, *, by: SocialProfile) -> Follow:
    """The requester is not told: to them, the request simply stays waiting."""
    follow = _pending_request_for(follow, by)
    follow.status = Follow.Status.DECLINED
    follow.responded_at = timezone.now()
    follow.save(update_fields=["status", "responded_at"])
    return follow


def _pending_request_for(follow: Follow, followed: SocialProfile) -> Follow:
    follow = Follow.objects.select_for_update().select_related("follower__user").get(pk=follow.pk)
    if follow.followed_id != followed.pk:
        raise ProfileError("This request is not addressed to you.")
    if follow.status != Follow.Status.PENDING:
        raise ProfileError("This request has already been answered.")
    return follow


def unfollow(follower: SocialProfile, followed: SocialProfile) -> None:
    """Stop following someone, or withdraw a request (answered or not)."""
    Follow.objects.filter(follower=follower, followed=followed).delete()


def remove_follower(profile: SocialProfile, follower: SocialProfile) -> None:
    Follow.objects.filter(follower=follower, followed=profile).delete()


# Blocks and reports --------------------------------------------------------------------------


@transaction.atomic
def block(blocker: SocialProfile, blocked: SocialProfile) -> Block:
    """Hide two people from each other: ends follows and likes between them, both ways."""
    if blocker.pk == blocked.pk:
        raise ProfileError("You cannot block yourself.")
    _lock_pair(blocker, blocked)
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    Follow.objects.between(blocker, blocked).delete()
    Like.objects.filter(Q(liker=blocker, liked=blocked) | Q(liker=blocked, liked=blocker)).delete()
    return block


def unblock(blocker: SocialProfile, blocked: SocialProfile) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


@transaction.atomic
def report(reporter: SocialProfile, reported: SocialProfile, *, reason: str, note: str) -> Report:
    """Open a report for the moderators; one open report per reporter and person (the reporter's
    row lock orders two sends at once, the `report_open_once` constraint backs it)."""
    if reporter.pk == reported.pk:
        raise ProfileError("You cannot report yourself.")
    if reason not in Report.Reason.values:
        raise ProfileError("Choose a reason for your report.")
    SocialProfile.objects.select_for_update().get(pk=reporter.pk)
    mine = Report.objects.filter(reporter=reporter, reported=reported)
    if mine.filter(status=Report.Status.OPEN).exists():
        raise ProfileError(
            f"Your report on {reported.display_name} is already with our moderators."
        )
    return Report.objects.create(reporter=reporter, reported=reported, reason=reason, note=note)


def resolve_report(report: Report, *, by, status: str) -> Report:
    if status not in (Report.Status.ACTIONED, Report.Status.DISMISSED):
        raise ProfileError("A report is resolved as actioned or dismissed.")
    report.status = status
    report.resolved_by = by
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolved_by", "resolved_at"])
    return report
