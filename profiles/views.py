"""People pages. Thin: load through access.py, validate a form, call one service, pick a page or
an htmx fragment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events.forms import InviteToEventForm
from events.models import Event, Rating
from momento import ratelimit
from momento.http import redirect_back
from momento.pagination import paginate
from payments.models import is_premium
from profiles import access, services
from profiles.forms import (
    AboutForm,
    BrowseForm,
    CityForm,
    CoverForm,
    HostProfileForm,
    InterestsForm,
    PhotoForm,
    ReportForm,
)
from profiles.models import Block, Follow, HostProfile, Like, Photo, SocialProfile, UserCity
from profiles.services import ProfileError

PAGE_SIZE = 20
HOST_COMMENTS_SHOWN = 20  # the newest published comments on a host's page


# Browsing people -----------------------------------------------------------------------------


@login_required
@require_GET
def browse(request):
    me = access.own_profile(request.user)
    form = BrowseForm(request.GET or None)
    people = SocialProfile.objects.visible_to(me)
    if form.is_valid():
        if city := form.cleaned_data["city"]:
            people = people.filter(
                Exists(UserCity.objects.filter(profile=OuterRef("pk"), city=city))
            )
        if interest := form.cleaned_data["interest"]:
            people = people.filter(interests=interest)
        if mood := form.cleaned_data["mood"]:
            people = people.filter(moods=mood)
    page = paginate(
        people.for_cards(),
        order=("-created_at", "-pk"),
        cursor=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "profiles/profile_browse.html",
        {"form": form, "page": page, "query": query.urlencode(), "me": me},
    )


@login_required
@require_GET
def profile(request, username):
    me = access.own_profile(request.user)
    person = access.profile_for_viewer(request.user, username)
    host = HostProfile.objects.filter(user_id=person.user_id).first()
    context = {
        "person": person,
        "is_me": person.pk == me.pk,
        **_portraits_and_cover(person),
        "interests": list(person.interests.all()),
        "moods": list(person.moods.all()),
        "cities": list(person.cities.select_related("city")),
        "host": host,
        "events_attended": Event.objects.attended_by(person).count(),
        "attended_events_rating": Rating.objects.attended_events_average(person),
        "followers_count": person.followers.accepted().count(),
        "following_count": person.following.accepted().count(),
    }
    if host:
        context["events_hosted"] = Event.objects.hosted_by(host).count()
        context["host_rating"] = Rating.objects.host_average(host)
    if person.pk != me.pk:
        context |= _relation(me, person)
        context["invite_form"] = _invite_form(request.user)
    return render(request, "profiles/profile_detail.html", context)


def _invite_form(user) -> InviteToEventForm | None:
    """For a host looking at someone: a form to invite them to one of their upcoming events."""
    my_host = HostProfile.objects.filter(user=user).first()
    if my_host is None:
        return None
    form = InviteToEventForm(host=my_host)
    return form if form.fields["event"].queryset.exists() else None


def _relation(me: SocialProfile, person: SocialProfile) -> dict:
    follows = {(f.follower_id, f.followed_id): f for f in Follow.objects.between(me, person)}
    mine = follows.get((me.pk, person.pk))
    theirs = follows.get((person.pk, me.pk))
    return {
        "liked": Like.objects.filter(liker=me, liked=person).exists(),
        "my_follow": mine,  # a declined request still looks like it is waiting
        "their_request": theirs if theirs and theirs.status == Follow.Status.PENDING else None,
    }


@login_required
@require_GET
def follow_list(request, username, direction):
    me = access.own_profile(request.user)
    person = access.profile_for_viewer(request.user, username)
    visible = SocialProfile.objects.visible_to(me).values("pk")
    if direction == "followers":
        follows = person.followers.accepted().filter(follower__in=visible)
        people_of = "follower"
    else:
        follows = person.following.accepted().filter(followed__in=visible)
        people_of = "followed"
    page = paginate(follows, order=("-created_at", "-pk"), cursor=request.GET.get("after"))
    page.items = SocialProfile.objects.cards_in_order(
        [getattr(follow, f"{people_of}_id") for follow in page.items]
    )
    return render(
        request,
        "profiles/follow_list.html",
        {"person": person, "direction": direction, "page": page},
    )


# Likes ---------------------------------------------------------------------------------------


@login_required
@require_POST
@ratelimit.limit("like", "60/h")
def like(request, username, liked=True):
    me = access.own_profile(request.user)
    person = access.other_profile_for_viewer(request.user, username)
    try:
        if liked:
            services.like(me, person)
        else:
            services.unlike(me, person)
    except ProfileError as error:
        messages.error(request, error.message)
        liked = not liked
    if request.htmx:
        return render(request, "profiles/_like_button.html", {"person": person, "liked": liked})
    return redirect_back(request, person.get_absolute_url())


@login_required
@require_GET
def my_likes(request):
    me = access.own_profile(request.user)
    likes = Like.objects.filter(liker=me, liked__in=SocialProfile.objects.visible_to(me))
    page = paginate(likes, order=("-created_at", "-pk"), cursor=request.GET.get("after"))
    page.items = SocialProfile.objects.cards_in_order([like.liked_id for like in page.items])
    return render(request, "profiles/like_list.html", {"page": page})


@login_required
@require_GET
def liked_me(request):
    """Who liked you: a premium perk. Others see how many, and how to see them."""
    me = access.own_profile(request.user)
    likes = Like.objects.filter(liked=me, liker__in=SocialProfile.objects.visible_to(me))
    if not is_premium(request.user):
        return render(request, "profiles/liked_me.html", {"count": likes.count(), "page": None})
    page = paginate(likes, order=("-created_at", "-pk"), cursor=request.GET.get("after"))
    page.items = SocialProfile.objects.cards_in_order([like.liker_id for like in page.items])
    return render(request, "profiles/liked_me.html", {"page": page})


# Follows -------------------------------------------------------------------------------------


@login_required
@require_POST
@ratelimit.limit("follow", "30/h")
def follow(request, username):
    me = access.own_profile(request.user)
    person = access.other_profile_for_viewer(request.user, username)
    try:
        services.request_follow(me, person)
        messages.success(request, f"You asked to follow {person.display_name}.")
    except ProfileError as error:
        messages.error(request, error.message)
    return redirect_back(request, person.get_absolute_url())


@login_required
@require_POST
def unfollow(request, username):
    me = access.own_profile(request.user)
    person = access.other_profile_for_viewer(request.user, username)
    services.unfollow(me, person)
    messages.success(request, f"You no longer follow {person.display_name}.")
    return redirect_back(request, person.get_absolute_url())


@login_required
@require_GET
def follow_requests(request):
    me = access.own_profile(request.user)
    visible = SocialProfile.objects.visible_to(me).values("pk")
    incoming = me.followers.pending().filter(follower__in=visible).select_related("follower__user")
    outgoing = (  # a declined request still looks like it is waiting
        me.following.exclude(status=Follow.Status.ACCEPTED)
        .filter(followed__in=visible)
        .select_related("followed__user")
    )
    return render(
        request,
        "profiles/follow_requests.html",
        {"incoming": incoming[:100], "outgoing": outgoing[:100]},
    )


@login_required
@require_POST
def answer_follow(request, follow_id, accept):
    me = access.own_profile(request.user)
    follow = access.follow_request_for_followed(request.user, follow_id)
    try:
        if accept:
            services.accept_follow(follow, by=me)
            messages.success(request, f"{follow.follower.display_name} now follows you.")
        else:
            services.decline_follow(follow, by=me)
            messages.success(request, "Request declined.")
    except ProfileError as error:
        messages.error(request, error.message)
    return redirect_back(request, reverse("profiles:follow-requests"))


# Blocks and reports --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def block(request, username):
    me = access.own_profile(request.user)
    person = access.other_profile_for_viewer(request.user, username)
    if request.method == "POST":
        try:
            services.block(me, person)
        except ProfileError as error:
            messages.error(request, error.message)
            return redirect(person.get_absolute_url())
        messages.success(request, f"You blocked {person.display_name}.")
        return redirect("profiles:blocked")
    return render(request, "profiles/block_confirm.html", {"person": person})


@login_required
@require_POST
def unblock(request, username):
    me = access.own_profile(request.user)
    blocked = access.blocked_by_me(request.user, username)
    services.unblock(me, blocked)
    messages.success(request, f"You unblocked {blocked.display_name}.")
    return redirect("profiles:blocked")


@login_required
@require_GET
def blocked(request):
    me = access.own_profile(request.user)
    blocks = Block.objects.filter(blocker=me).select_related("blocked__user")
    return render(request, "profiles/block_list.html", {"blocks": blocks.order_by("-created_at")})


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("report", "10/d")
def report(request, username):
    me = access.own_profile(request.user)
    person = access.other_profile_for_viewer(request.user, username)
    form = ReportForm(request.POST or None)
    if form.is_valid():
        try:
            services.report(me, person, **form.cleaned_data)
        except ProfileError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Thank you. Our moderators will look at your report.")
            return redirect(person.get_absolute_url())
    return render(request, "profiles/report_form.html", {"person": person, "form": form})


# Editing one's own profile (also the onboarding steps) ---------------------------------------

ONBOARDING_STEPS = {
    "about": "About you",
    "photos": "Photos",
    "interests": "Interests and moods",
    "cities": "Cities",
}


def _next_step_url(step: str) -> str:
    steps = list(ONBOARDING_STEPS)
    following = steps.index(step) + 1
    if following < len(steps):
        return reverse("profiles:onboarding", args=[steps[following]])
    return reverse("profiles:onboarding-finish")


def _done(request, step: str | None, page: str):
    """After a save: the next onboarding step, or back to the same page."""
    return redirect(_next_step_url(step) if step else page)


def _edit_context(step, **context):
    return {
        "step": step,
        "steps": ONBOARDING_STEPS.items(),
        "skip_url": _next_step_url(step) if step in ONBOARDING_STEPS else None,
        **context,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit_about(request, step=None):
    me = access.own_profile(request.user)
    form = AboutForm(request.POST or None, instance=me)
    if form.is_valid():
        services.update_profile(me, **{name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, "Your profile is saved.")
        return _done(request, step, "profiles:edit-about")
    return render(request, "profiles/profile_edit.html", _edit_context(step, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def edit_photos(request, step=None):
    me = access.own_profile(request.user)
    form = PhotoForm(request.POST or None, request.FILES or None)
    cover_form = CoverForm(prefix="cover")
    if request.method == "POST" and form.is_valid():
        try:
            services.add_photo(me, image=form.cleaned_data["image"])
        except ProfileError as error:
            form.add_error("image", error.message)
        else:
            messages.success(request, "Photo added.")
            return redirect(request.get_full_path())
    return _photos_page(request, me, step, form, cover_form)


@login_required
@require_POST
def upload_cover(request):
    me = access.own_profile(request.user)
    cover_form = CoverForm(request.POST, request.FILES, prefix="cover")
    if cover_form.is_valid():
        services.add_photo(me, image=cover_form.cleaned_data["image"], kind=Photo.Kind.COVER)
        messages.success(request, "Cover image saved.")
        return redirect_back(request, reverse("profiles:edit-photos"))
    return _photos_page(request, me, None, PhotoForm(), cover_form)


def _photos_page(request, me, step, form, cover_form):
    return render(
        request,
        "profiles/photo_manage.html",
        _edit_context(
            step,
            form=form,
            cover_form=cover_form,
            max_photos=services.MAX_PHOTOS,
            **_portraits_and_cover(me),
        ),
    )


def _portraits_and_cover(profile: SocialProfile) -> dict:
    """A profile's photos in one query: the ordered portraits, and the cover if any."""
    photos = list(profile.photos.all())
    return {
        "portraits": [p for p in photos if p.kind == Photo.Kind.PORTRAIT],
        "cover": next((p for p in photos if p.kind == Photo.Kind.COVER), None),
    }


@login_required
@require_POST
def move_photo(request, photo_id, by):
    services.move_photo(access.photo_for_owner(request.user, photo_id), by=by)
    return redirect_back(request, reverse("profiles:edit-photos"))


@login_required
@require_http_methods(["GET", "POST"])
def delete_photo(request, photo_id):
    photo = access.photo_for_owner(request.user, photo_id)
    if request.method == "POST":
        services.delete_photo(photo)
        messages.success(request, "Photo deleted.")
        return redirect_back(request, reverse("profiles:edit-photos"))
    return render(request, "profiles/photo_delete.html", {"photo": photo})


@login_required
@require_http_methods(["GET", "POST"])
def edit_interests(request, step=None):
    me = access.own_profile(request.user)
    initial = {"interests": me.interests.all(), "moods": me.moods.all()}
    form = InterestsForm(request.POST or None, initial=initial)
    if form.is_valid():
        services.set_interests(me, form.cleaned_data["interests"])
        services.set_moods(me, form.cleaned_data["moods"])
        messages.success(request, "Your interests and moods are saved.")
        return _done(request, step, "profiles:edit-interests")
    return render(request, "profiles/interests_edit.html", _edit_context(step, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def edit_cities(request, step=None):
    me = access.own_profile(request.user)
    form = CityForm(request.POST or None)
    if form.is_valid():
        try:
            services.add_city(me, form.cleaned_data["city"])
        except ProfileError as error:
            form.add_error("city", error.message)
        else:
            messages.success(request, f"{form.cleaned_data['city']} added.")
            return redirect(request.get_full_path())
    cities = me.cities.select_related("city")
    return render(
        request, "profiles/city_manage.html", _edit_context(step, form=form, cities=cities)
    )


@login_required
@require_POST
def change_city(request, user_city_id, change):
    user_city = access.city_for_owner(request.user, user_city_id)
    {
        "current": services.set_current_city,
        "primary": services.set_primary_city,
        "remove": services.remove_city,
    }[change](user_city)
    return redirect_back(request, reverse("profiles:edit-cities"))


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request, step):
    if step not in ONBOARDING_STEPS:
        return redirect("profiles:onboarding", step="about")
    view = {
        "about": edit_about,
        "photos": edit_photos,
        "interests": edit_interests,
        "cities": edit_cities,
    }[step]
    return view(request, step=step)


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_finish(request):
    if request.method == "POST":
        services.finish_onboarding(access.own_profile(request.user))
        messages.success(request, "Welcome to Momento! Your profile is ready.")
        return redirect("home")
    return render(request, "profiles/onboarding_finish.html", _edit_context("done"))


# Hosting -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def edit_host(request):
    host = HostProfile.objects.filter(user=request.user).first()
    form = HostProfileForm(request.POST or None, instance=host)
    if form.is_valid():
        services.save_host_profile(request.user, **form.cleaned_data)
        messages.success(
            request, "Your host profile is saved." if host else "You are now a host. Welcome!"
        )
        return redirect("profiles:host", username=request.user.username)
    return render(request, "profiles/host_edit.html", {"form": form, "host": host})


@require_GET
def host(request, username):
    host = access.host_for_viewer(request.user, username)
    events = Event.objects.hosted_by(host).select_related("city")
    summary = Rating.objects.host_summary(host)  # published ratings only, like every read
    comments = Rating.objects.published().filter(rated_host=host).exclude(comment="")
    return render(
        request,
        "profiles/host_detail.html",
        {
            "host": host,
            "person": host.user.social_profile,
            "rating": summary["average"],
            "ratings_count": summary["count"],
            "comments": list(comments.for_display()[:HOST_COMMENTS_SHOWN]),
            "upcoming": list(events.upcoming()[:20]),
            "past": list(events.past()[:20]),
        },
    )
