from django.urls import path

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
]
