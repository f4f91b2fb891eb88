from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/edit/<slug:step>/", views.profile_edit, name="profile_edit"),
    path("onboarding/", views.onboarding_start, name="onboarding"),
    path("onboarding/<slug:step>/", views.onboarding_step, name="onboarding_step"),
    path("cities/", views.city_search, name="city_search"),
    path("guidelines/", views.guidelines_accept, name="guidelines_accept"),
]
