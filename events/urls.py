from django.urls import path

from events.views import attendance, calendar, evening, hosting, invitations, pages, ratings

app_name = "events"

urlpatterns = [
    path("events/", pages.discover, name="discover"),
    path("events/new/", hosting.create, name="create"),
    path("events/<uuid:event_id>/", pages.detail, name="detail"),
    path("events/<uuid:event_id>/edit/", hosting.edit, name="edit"),
    path("events/<uuid:event_id>/calendar.ics", calendar.event_calendar, name="event-calendar"),
    path("events/<uuid:event_id>/cancel/", hosting.cancel, name="cancel"),
    path("events/<uuid:event_id>/guests/", hosting.guests, name="guests"),
    path(
        "events/<uuid:event_id>/guests/<uuid:invitation_id>/withdraw/",
        hosting.withdraw,
        name="withdraw",
    ),
    path(
        "events/<uuid:event_id>/guests/<uuid:invitation_id>/remove/",
        hosting.remove_guest,
        name="remove-guest",
    ),
    path("events/<uuid:event_id>/attendance/", attendance.report, name="attendance"),
    path("events/<uuid:event_id>/my-attendance/", attendance.mine, name="my-attendance"),
    path(
        "events/<uuid:event_id>/my-attendance/dispute/",
        attendance.dispute,
        name="attendance-dispute",
    ),
    path("events/<uuid:event_id>/rate/", ratings.rate, name="rate"),
    path("events/<uuid:event_id>/ratings/", ratings.ratings, name="ratings"),
    path(
        "events/<uuid:event_id>/ratings/<uuid:rating_id>/reply/",
        ratings.reply,
        name="rating-reply",
    ),
    path("events/<uuid:event_id>/meet-again/", ratings.meet_again, name="meet-again"),
    path("events/<uuid:event_id>/ask/", invitations.ask, name="ask"),
    path("events/<uuid:event_id>/interested/", pages.interested, {"mark": True}, name="interested"),
    path(
        "events/<uuid:event_id>/not-interested/",
        pages.interested,
        {"mark": False},
        name="not-interested",
    ),
    path("people/<str:username>/invite/", hosting.invite_person, name="invite-person"),
    path("me/invitations/", invitations.my_invitations, name="my-invitations"),
    path(
        "me/invitations/<uuid:invitation_id>/accept/",
        invitations.answer,
        {"answer": "accept"},
        name="accept",
    ),
    path(
        "me/invitations/<uuid:invitation_id>/decline/",
        invitations.answer,
        {"answer": "decline"},
        name="decline",
    ),
    path(
        "me/invitations/<uuid:invitation_id>/waitlist/",
        invitations.answer,
        {"answer": "waitlist"},
        name="waitlist",
    ),
    path(
        "me/invitations/<uuid:invitation_id>/cancel/", invitations.cancel_seat, name="cancel-seat"
    ),
    path("me/invitations/<uuid:invitation_id>/ticket/", evening.ticket, name="ticket"),
    path(
        "me/invitations/<uuid:invitation_id>/running-late/",
        evening.running_late,
        name="running-late",
    ),
    path(
        "me/invitations/<uuid:invitation_id>/cant-make-it/",
        evening.cant_make_it,
        name="cant-make-it",
    ),
    path("events/<uuid:event_id>/check-in/", evening.check_in_page, name="check-in"),
    path("events/<uuid:event_id>/check-in/list/", evening.check_in_list, name="check-in-list"),
    path("events/<uuid:event_id>/check-in/code/", evening.check_in_code, name="check-in-code"),
    path(
        "events/<uuid:event_id>/check-in/<uuid:invitation_id>/",
        evening.check_in_guest,
        name="check-in-guest",
    ),
    path(
        "events/<uuid:event_id>/check-in/<uuid:invitation_id>/undo/",
        evening.undo_check_in,
        name="undo-check-in",
    ),
    path("me/events/", invitations.my_events, name="my-events"),
    path("me/hosting/", hosting.hosting, name="hosting"),
    # The private feed: no log-in, the token is the key (events/views/calendar.py).
    path("calendar/<slug:token>.ics", calendar.feed, name="calendar-feed"),
    path("me/calendar-feed/on/", calendar.feed_on, name="calendar-feed-on"),
    path("me/calendar-feed/regenerate/", calendar.feed_regenerate, name="calendar-feed-regenerate"),
    path("me/calendar-feed/off/", calendar.feed_off, name="calendar-feed-off"),
    path("me/hosting/upcoming/", hosting.hosting_upcoming, name="hosting-upcoming"),
]
