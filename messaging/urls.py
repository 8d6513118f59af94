from django.urls import path

from messaging import conversation_views as talk
from messaging import views

app_name = "messaging"

urlpatterns = [
    path("events/<uuid:event_id>/board/", views.board_page, name="board"),
    path("events/<uuid:event_id>/board/new/", views.new_posts, name="board-new"),
    path("events/<uuid:event_id>/board/post/", views.write, name="board-post"),
    path("events/<uuid:event_id>/board/<uuid:post_id>/delete/", views.delete, name="post-delete"),
    path(
        "events/<uuid:event_id>/board/<uuid:post_id>/hide/",
        views.hide,
        {"hidden": True},
        name="post-hide",
    ),
    path(
        "events/<uuid:event_id>/board/<uuid:post_id>/unhide/",
        views.hide,
        {"hidden": False},
        name="post-unhide",
    ),
    path("events/<uuid:event_id>/board/<uuid:post_id>/report/", views.report, name="post-report"),
    path("people/<str:username>/message/", talk.start, name="start"),
    path("messages/", talk.inbox_page, name="inbox"),
    path("messages/badge/", talk.badge, name="badge"),
    path("messages/settings/", talk.settings, name="settings"),
    path("messages/<uuid:conversation_id>/", talk.conversation, name="conversation"),
    path("messages/<uuid:conversation_id>/new/", talk.new_messages, name="conversation-new"),
    path("messages/<uuid:conversation_id>/send/", talk.send, name="send"),
    path(
        "messages/<uuid:conversation_id>/<uuid:message_id>/report/",
        talk.report,
        name="message-report",
    ),
]
