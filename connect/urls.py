"""Top-level URL map: one include per app."""

from django.contrib import admin
from django.urls import include, path

from connect.core.views import language_switch

urlpatterns = [
    path("", include("connect.core.urls")),
    path("accounts/", include("allauth.urls")),
    # The language switch: Django's set_language, which also saves a logged-in person's choice.
    path("i18n/setlang/", language_switch, name="set_language"),
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
