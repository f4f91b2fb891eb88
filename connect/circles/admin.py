from django.contrib import admin

from .models import Circle, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ["name", "mode", "status", "member_count", "capacity", "created_at"]
    list_filter = ["status", "mode"]
    search_fields = ["name"]
    inlines = [MembershipInline]
