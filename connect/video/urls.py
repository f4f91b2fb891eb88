from django.urls import path

from . import views

app_name = "video"
urlpatterns = [
    path("meetup/<int:pk>/", views.room, name="room"),
    path("meetup/<int:pk>/pass/", views.issue_pass, name="pass"),
]
