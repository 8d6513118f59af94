from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("events/", views.discover, name="discover"),
    path("events/new/", views.create, name="create"),
    path("events/<uuid:event_id>/", views.detail, name="detail"),
    path("events/<uuid:event_id>/edit/", views.edit, name="edit"),
    path("events/<uuid:event_id>/cancel/", views.cancel, name="cancel"),
    path("events/<uuid:event_id>/guests/", views.guests, name="guests"),
    path(
        "events/<uuid:event_id>/guests/<uuid:invitation_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path(
        "events/<uuid:event_id>/guests/<uuid:invitation_id>/remove/",
        views.remove_guest,
        name="remove-guest",
    ),
    path("events/<uuid:event_id>/ask/", views.ask, name="ask"),
    path("events/<uuid:event_id>/interested/", views.interested, {"mark": True}, name="interested"),
    path(
        "events/<uuid:event_id>/not-interested/",
        views.interested,
        {"mark": False},
        name="not-interested",
    ),
    path("people/<str:username>/invite/", views.invite_person, name="invite-person"),
    path("me/invitations/", views.my_invitations, name="my-invitations"),
    path(
        "me/invitations/<uuid:invitation_id>/accept/",
        views.answer,
        {"answer": "accept"},
        name="accept",
    ),
    path(
        "me/invitations/<uuid:invitation_id>/decline/",
        views.answer,
        {"answer": "decline"},
        name="decline",
    ),
    path(
        "me/invitations/<uuid:invitation_id>/waitlist/",
        views.answer,
        {"answer": "waitlist"},
        name="waitlist",
    ),
    path("me/invitations/<uuid:invitation_id>/cancel/", views.cancel_seat, name="cancel-seat"),
    path("me/events/", views.my_events, name="my-events"),
    path("me/hosting/", views.hosting, name="hosting"),
    path("me/hosting/upcoming/", views.hosting_upcoming, name="hosting-upcoming"),
]
