from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.health, name="health"),
    path("health.csv", views.health_csv, name="health_csv"),
]
