from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("people/", views.browse, name="browse"),
    path("people/<str:username>/", views.profile, name="profile"),
    path(
        "people/<str:username>/followers/",
        views.follow_list,
        {"direction": "followers"},
        name="followers",
    ),
    path(
        "people/<str:username>/following/",
        views.follow_list,
        {"direction": "following"},
        name="following",
    ),
    path("people/<str:username>/like/", views.like, {"liked": True}, name="like"),
    path("people/<str:username>/unlike/", views.like, {"liked": False}, name="unlike"),
    path("people/<str:username>/follow/", views.follow, name="follow"),
    path("people/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("people/<str:username>/block/", views.block, name="block"),
    path("people/<str:username>/unblock/", views.unblock, name="unblock"),
    path("people/<str:username>/report/", views.report, name="report"),
    path("hosts/<str:username>/", views.host, name="host"),
    path("me/profile/", views.edit_about, name="edit-about"),
    path("me/photos/", views.edit_photos, name="edit-photos"),
    path("me/photos/cover/", views.upload_cover, name="upload-cover"),
    path("me/photos/<uuid:photo_id>/earlier/", views.move_photo, {"by": -1}, name="photo-earlier"),
    path("me/photos/<uuid:photo_id>/later/", views.move_photo, {"by": 1}, name="photo-later"),
    path("me/photos/<uuid:photo_id>/delete/", views.delete_photo, name="photo-delete"),
    path("me/interests/", views.edit_interests, name="edit-interests"),
    path("me/cities/", views.edit_cities, name="edit-cities"),
    path(
        "me/cities/<uuid:user_city_id>/current/",
        views.change_city,
        {"change": "current"},
        name="city-current",
    ),
    path(
        "me/cities/<uuid:user_city_id>/primary/",
        views.change_city,
        {"change": "primary"},
        name="city-primary",
    ),
    path(
        "me/cities/<uuid:user_city_id>/remove/",
        views.change_city,
        {"change": "remove"},
        name="city-remove",
    ),
    path("me/host/", views.edit_host, name="edit-host"),
    path("me/likes/", views.my_likes, name="likes"),
    path("me/liked-you/", views.liked_me, name="liked-me"),
    path("me/follow-requests/", views.follow_requests, name="follow-requests"),
    path(
        "me/follow-requests/<uuid:follow_id>/accept/",
        views.answer_follow,
        {"accept": True},
        name="follow-accept",
    ),
    path(
        "me/follow-requests/<uuid:follow_id>/decline/",
        views.answer_follow,
        {"accept": False},
        name="follow-decline",
    ),
    path("me/blocked/", views.blocked, name="blocked"),
    path("welcome/done/", views.onboarding_finish, name="onboarding-finish"),
    path("welcome/<slug:step>/", views.onboarding, name="onboarding"),
]
