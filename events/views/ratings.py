"""After the evening: rating an event, the host's view of its ratings and replies, and "would
meet again". The rules are in events/services/ratings.py; what is shown, in events/after.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import access, after, services
from events.forms import MeetAgainForm, RatingForm, ReplyForm
from events.models import MeetAgain, Rating
from events.services import EventError
from profiles import access as profile_access


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, event_id):
    """An attendee rates the host and the event, once; afterwards the page shows their rating
    and when the others will see it."""
    event = access.event_for_viewer(request.user, event_id)
    me = profile_access.own_profile(request.user)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rate_event(
                event,
                by=me,
                host_rating=data["host_rating"],
                event_rating=data["event_rating"],
                comment=data["comment"],
            )
        except EventError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Thank you for rating {event.title}.")
            return redirect("events:rate", event.pk)
    mine = Rating.objects.filter(event=event, rater=me).select_related("event").first()
    refusal = None if mine else services.refusal_to_rate(event, me)
    return render(
        request,
        "events/event_rate.html",
        {"event": event, "form": form, "mine": mine, "refusal": refusal},
    )


@login_required
@require_GET
def ratings(request, event_id):
    """The host's view of an event's ratings: nothing until they are published."""
    event = access.event_for_host(request.user, event_id)
    return render(
        request,
        "events/event_ratings.html",
        {"event": event, **after.published_ratings(event), "reply_form": ReplyForm()},
    )


@login_required
@require_POST
def reply(request, event_id, rating_id):
    event = access.event_for_host(request.user, event_id)
    rating = access.rating_for_host(event, rating_id)
    form = ReplyForm(request.POST)
    error = None
    if form.is_valid():
        try:
            rating = services.reply_to_rating(
                rating, by=event.host, text=form.cleaned_data["reply"]
            )
        except EventError as refused:
            error = refused.message
    else:
        error = "Write a reply of at most 2,000 characters."
    if request.htmx:
        context = {"rating": rating, "for_host": True, "reply_form": form, "error": error}
        return render(request, "events/_rating.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Your reply is published under the comment.")
    return redirect("events:ratings", event.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meet_again(request, event_id):
    """An attendee privately picks, among the others who came, the people they would meet
    again. Only a pick returned is ever shown, here and elsewhere, to the two of them."""
    event = access.event_for_viewer(request.user, event_id)
    me = profile_access.own_profile(request.user)
    refusal = services.refusal_to_pick(event, me)
    candidates = [] if refusal else access.attendees_for_viewer(event, me)
    picked = [
        str(pk)
        for pk in MeetAgain.objects.filter(event=event, chooser=me).values_list("chosen", flat=True)
    ]
    form = MeetAgainForm(request.POST or None, candidates=candidates, initial={"chosen": picked})
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            return redirect("events:meet-again", event.pk)
        if form.is_valid():
            try:
                services.choose_to_meet_again(event, by=me, chosen=form.chosen_profiles())
            except EventError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "Your choices are saved. Only you can see them.")
                return redirect("events:meet-again", event.pk)
    mutual = [pick.chosen for pick in MeetAgain.objects.shown_to(me).filter(event=event)]
    return render(
        request,
        "events/event_meet_again.html",
        {
            "event": event,
            "form": form,
            "refusal": refusal,
            "candidates": candidates,
            "picked": set(form["chosen"].value() or []) if form.is_bound else set(picked),
            "mutual": mutual,
        },
    )
