"""Private conversations: opening one, the inbox, a conversation with its poll, the unread
badge and who may message me. Thin: load through messaging/access.py, call one service, pick
the page or an htmx fragment (messaging/inbox.py says what each shows)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from messaging import access, inbox, services
from messaging.board import BadMark
from messaging.forms import MessageForm, MessageReportForm, WhoCanMessageForm
from messaging.models import MessagingSettings
from messaging.services import MessagingError
from momento import ratelimit
from profiles import access as profile_access

MESSAGE_RATE = "60/h"


@login_required
@require_POST
@ratelimit.limit("conversation", "30/h")
def start(request, username):
    """From a profile or an attendee list: the conversation with this person, opened once."""
    me = profile_access.own_profile(request.user)
    other = profile_access.other_profile_for_viewer(request.user, username)
    try:
        conversation = services.open_conversation(me, other)
    except MessagingError as refused:
        messages.error(request, refused.message)
        return redirect(other.get_absolute_url())
    return redirect(conversation.get_absolute_url())


@login_required
@require_GET
def inbox_page(request):
    me = profile_access.own_profile(request.user)
    return render(request, "messaging/inbox.html", inbox.inbox(me, cursor=request.GET.get("after")))


@login_required
@require_GET
def badge(request):
    me = profile_access.own_profile(request.user)
    total = inbox.unread_total(me)
    return render(
        request,
        "messaging/_message_badge.html",
        {"unread": total, "capped": total > inbox.BADGE_CAP, "cap": inbox.BADGE_CAP},
    )


@login_required
@require_GET
def conversation(request, conversation_id):
    thread = access.thread_for_participant(request.user, conversation_id)
    context = inbox.thread_page(thread, earlier=request.GET.get("earlier"))
    services.mark_read(thread, upto=context["upto"])
    return render(request, "messaging/conversation.html", {**context, "form": MessageForm()})


@login_required
@require_GET
def new_messages(request, conversation_id):
    """Polled every few seconds: the messages since the last one shown, and "Seen"."""
    thread = access.thread_for_participant(request.user, conversation_id)
    try:
        context = inbox.thread_since(
            thread, request.GET.get("since", ""), last_mine=request.GET.get("mine") == "1"
        )
    except BadMark:
        return HttpResponseBadRequest("This address is not one the conversation gave out.")
    services.mark_read(thread, upto=context["upto"])
    return render(request, "messaging/conversation.html#poller", context)


@login_required
@require_POST
def send(request, conversation_id):
    thread = access.thread_for_participant(request.user, conversation_id)
    form = MessageForm(request.POST)
    error = None
    if not ratelimit.hit("message", str(request.user.pk), MESSAGE_RATE):
        if not request.htmx:
            return ratelimit.too_many_requests(request)
        error = "You are sending a lot: wait a while before the next message."
    elif form.is_valid():
        try:
            services.send_message(thread, content=form.cleaned_data["content"])
        except MessagingError as refused:
            error = refused.message
    else:
        error = form.errors["content"][0]
    if request.htmx:
        context = {"thread": thread, "error": error, "form": form if error else MessageForm()}
        response = render(request, "messaging/conversation.html#message-form", context)
        return response if error else trigger_client_event(response, "thread-changed")
    if error:
        messages.error(request, error)
    return redirect(thread.conversation.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def settings(request):
    me = profile_access.own_profile(request.user)
    current = MessagingSettings.objects.filter(profile=me).first()
    initial = {"who_can_message": current.who_can_message if current else "anyone"}
    form = WhoCanMessageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_who_can_message(me, who=form.cleaned_data["who_can_message"])
        messages.success(request, "Saved.")
        return redirect("messaging:settings")
    return render(request, "messaging/settings.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("report", "10/d")
def report(request, conversation_id, message_id):
    thread = access.thread_for_participant(request.user, conversation_id)
    message = access.message_to_report(thread, message_id)
    form = MessageReportForm(request.POST or None)
    if form.is_valid():
        try:
            services.report_message(thread, message, **form.cleaned_data)
        except MessagingError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Thank you. Our moderators will look at this message.")
            return redirect(thread.conversation.get_absolute_url())
    context = {"thread": thread, "message": message, "form": form}
    return render(request, "messaging/message_report.html", context)
