from django.urls import path

from . import views

app_name = "chat"
urlpatterns = [
    path("<int:circle_id>/", views.room, name="room"),
    path("<int:circle_id>/send/", views.send, name="send"),
    path("<int:circle_id>/messages/", views.history, name="history"),
    path("<int:circle_id>/m/<int:message_id>/edit/", views.edit, name="edit"),
    path("<int:circle_id>/m/<int:message_id>/delete/", views.delete, name="delete"),
    path("<int:circle_id>/m/<int:message_id>/report/", views.report, name="report"),
]
