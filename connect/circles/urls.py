from django.urls import path

from . import views

app_name = "circles"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("mine/", views.mine, name="mine"),
    path("<int:circle_id>/", views.detail, name="detail"),
    path("<int:circle_id>/about/", views.about, name="about"),
    path("<int:circle_id>/join/", views.join_request, name="join_request"),
    path("<int:circle_id>/leave/", views.leave, name="leave"),
    path("<int:circle_id>/settings/", views.circle_settings, name="settings"),
    path("<int:circle_id>/handover/", views.handover, name="handover"),
    path("<int:circle_id>/vote/", views.vote, name="vote"),
    path(
        "requests/<int:request_id>/withdraw/",
        views.join_request_withdraw,
        name="join_request_withdraw",
    ),
    path(
        "requests/<int:request_id>/<str:decision>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("invitations/<int:invitation_id>/", views.invitation, name="invitation"),
    path("invitations/link/<str:token>/", views.invitation_link, name="invitation_link"),
]
