from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/settings/", views.private_settings, name="settings"),
    path("me/invite-friends/", views.referrals, name="referrals"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/badge/", views.notification_badge, name="notification-badge"),
    path("notifications/read/", views.notification_read_all, name="notifications-read"),
    path("notifications/<uuid:notification_id>/", views.notification_open, name="notification"),
    path("me/notifications/", views.notification_settings, name="notification-settings"),
    path("me/notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
