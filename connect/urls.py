"""Top-level URL map: one include per app."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("connect.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switch
    path("me/", include("accounts.urls")),
    path("notifications/", include("connect.notifications.urls")),
    path("circles/", include("connect.circles.urls")),
    path("meetups/", include("connect.meetups.urls")),
    path("chat/", include("connect.chat.urls")),
    path("video/", include("connect.video.urls")),
    path("safety/", include("connect.moderation.urls")),
    path("insights/", include("connect.insights.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "connect.core.views.server_error"
