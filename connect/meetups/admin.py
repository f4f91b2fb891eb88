"""Operators can see meetups and their status. Feedback and feed tokens are left
out on purpose: "Did you feel heard?" answers are for the facilitator's
anonymous summary only, and feed secrets are never shown."""

from django import forms
from django.contrib import admin
from django.db import models

from .models import MeetupSeries, Occurrence


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    fields = ("starts_at", "ends_at", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(MeetupSeries)
class MeetupSeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "circle", "frequency", "start_date", "timezone")
    list_select_related = ("circle",)
    search_fields = ("title", "circle__name")
    # Video links are https only (a check constraint says so too).
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"},
    }
    inlines = [OccurrenceInline]
    readonly_fields = ("created_by", "sequence")


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ("series", "circle", "starts_at", "status")
    list_filter = ("status",)
    list_select_related = ("series", "circle")
    readonly_fields = ("series", "circle", "original_start")
