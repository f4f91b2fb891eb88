from django.urls import path

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("help/", views.crisis, name="crisis"),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("healthz/", views.healthz, name="healthz"),
    path("healthz/deep/", views.healthz_deep, name="healthz_deep"),
]
