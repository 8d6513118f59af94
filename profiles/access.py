"""The only way views load people and their belongings: the object, or Http404. Someone blocked
in either direction does not exist for the other, and other people's belongings never exist."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import username_is
from profiles.models import Block, Follow, HostProfile, Photo, SocialProfile, UserCity


def own_profile(user) -> SocialProfile:
    return user.social_profile


def profile_for_viewer(user, username: str) -> SocialProfile:
    """Someone's profile as `user` may see it (`user` may be anonymous)."""
    profile = get_object_or_404(
        SocialProfile.objects.select_related("user"),
        username_is(username, path="user__username"),
        user__is_active=True,
    )
    if user.is_authenticated and Block.exists_between(own_profile(user), profile):
        raise Http404
    return profile


def other_profile_for_viewer(user, username: str) -> SocialProfile:
    """Someone else's profile, for acting on them (like, follow, block, report)."""
    profile = profile_for_viewer(user, username)
    if profile.user_id == user.pk:
        raise Http404
    return profile


def host_for_viewer(user, username: str) -> HostProfile:
    """Someone's host profile, under the same rules as their profile."""
    person = profile_for_viewer(user, username)
    return get_object_or_404(
        HostProfile.objects.select_related("user__social_profile"), user_id=person.user_id
    )


def follow_request_for_followed(user, follow_id) -> Follow:
    return get_object_or_404(
        Follow.objects.select_related("follower__user"),
        pk=follow_id,
        followed=own_profile(user),
        status=Follow.Status.PENDING,
    )


def photo_for_owner(user, photo_id) -> Photo:
    return get_object_or_404(Photo, pk=photo_id, profile=own_profile(user))


def city_for_owner(user, user_city_id) -> UserCity:
    return get_object_or_404(UserCity, pk=user_city_id, profile=own_profile(user))


def blocked_by_me(user, username: str) -> SocialProfile:
    return get_object_or_404(
        SocialProfile.objects.select_related("user"),
        username_is(username, path="user__username"),
        blocked_by__blocker=own_profile(user),
    )
