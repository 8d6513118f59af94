from django.urls import path

from events.views import hosting, invitations, pages, ratings

app_name = "events"

urlpatterns = [
    path("events/", pages.discover, name="discover"),
    path("events/new/", hosting.create, name="create"),
    path("events/<uuid:event_id>/", pages.detail, name="detail"),
    path("events/<uuid:event_id>/edit/", hosting.edit, name="edit"),
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
    path("me/events/", invitations.my_events, name="my-events"),
    path("me/hosting/", hosting.hosting, name="hosting"),
    path("me/hosting/upcoming/", hosting.hosting_upcoming, name="hosting-upcoming"),
]
