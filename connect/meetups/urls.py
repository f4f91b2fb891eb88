from django.urls import path

from . import views

app_name = "meetups"
urlpatterns = [
    path("circle/<int:circle_id>/", views.circle_meetups, name="circle"),
    path("circle/<int:circle_id>/step-back/", views.step_back, name="step_back"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/meetup.ics", views.occurrence_ics, name="ics"),
    path("<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("series/<int:pk>/edit/", views.edit_series, name="edit_series"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("preferences/", views.preferences, name="preferences"),
]
