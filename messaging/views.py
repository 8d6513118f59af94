"""The event board's pages and fragments. Thin: load through messaging/access.py, validate a
form, call one service, pick the page or an htmx fragment (messaging/board.py says what each
shows)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from messaging import access, board, services
from messaging.forms import PostForm, PostReportForm
from messaging.services import MessagingError
from momento import ratelimit

POST_RATE = "20/h"  # posts per person on all boards: enough to talk, not to flood


@login_required
@require_GET
def board_page(request, event_id):
    found = access.board_for_reader(request.user, event_id)
    context = board.page(found, earlier=request.GET.get("earlier"))
    return render(request, "messaging/board.html", {**context, "form": PostForm()})


@login_required
@require_GET
def new_posts(request, event_id):
    """Polled by the board every few seconds: the posts since the last one shown, if any."""
    found = access.board_for_reader(request.user, event_id)
    try:
        context = board.new_since(found, request.GET.get("since", ""))
    except board.BadMark:
        return HttpResponseBadRequest("This address is not one the board gave out.")
    return render(request, "messaging/board.html#poller", context)


@login_required
@require_POST
def write(request, event_id):
    found = access.board_for_reader(request.user, event_id)
    form = PostForm(request.POST)
    error = None
    if not ratelimit.hit("board-post", str(request.user.pk), POST_RATE):
        if not request.htmx:
            return ratelimit.too_many_requests(request)
        error = "You are posting a lot: wait a while before the next post."
    elif form.is_valid():
        try:
            services.write_post(found, content=form.cleaned_data["content"])
        except MessagingError as refused:
            error = refused.message
    else:
        error = form.errors["content"][0]
    return _written(request, found, form=form, error=error)


def _written(request, found, *, form, error):
    """htmx: the form again (empty once posted), and the board polls at once to show the post;
    a plain form: back to the board."""
    if request.htmx:
        context = {"board": found, "event": found.event, "error": error}
        response = render(
            request,
            "messaging/board.html#post-form",
            {**context, "form": form if error else PostForm()},
        )
        return response if error else trigger_client_event(response, "board-changed")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Posted.")
    return redirect("messaging:board", event_id=found.event.pk)


@login_required
@require_POST
def delete(request, event_id, post_id):
    found = access.board_for_reader(request.user, event_id)
    services.delete_post(access.own_post(found, post_id))
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "Your post is deleted.")
    return redirect("messaging:board", event_id=found.event.pk)


@login_required
@require_POST
def hide(request, event_id, post_id, hidden):
    found = access.board_for_reader(request.user, event_id)
    post = access.post_on_board(found, post_id)
    try:
        if hidden:
            services.hide_post(found, post, by=request.user)
        else:
            services.unhide_post(found, post)
    except MessagingError as refused:
        if request.htmx:
            return render(request, "messaging/_post.html", board.one(found, post))
        messages.error(request, refused.message)
        return redirect("messaging:board", event_id=found.event.pk)
    if request.htmx:
        return render(request, "messaging/_post.html", board.one(found, post))
    messages.success(request, "The post is hidden from guests." if hidden else "The post is back.")
    return redirect("messaging:board", event_id=found.event.pk)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("report", "10/d")
def report(request, event_id, post_id):
    found = access.board_for_reader(request.user, event_id)
    post = access.post_to_report(found, post_id)
    form = PostReportForm(request.POST or None)
    if form.is_valid():
        try:
            services.report_post(found, post, **form.cleaned_data)
        except MessagingError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Thank you. Our moderators will look at this post.")
            return redirect("messaging:board", event_id=found.event.pk)
    context = {"board": found, "event": found.event, "post": board.one(found, post)["post"]}
    return render(request, "messaging/post_report.html", {**context, "form": form})
