from django.urls import path

from . import views

app_name = "video"
urlpatterns = [
    path("meetup/<int:pk>/", views.room, name="room"),
]
