from django.contrib import admin

from .models import Circle, Invitation, JoinRequest, MatchRound, Membership


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


@admin.register(MatchRound)
class MatchRoundAdmin(admin.ModelAdmin):
    """Operators read rounds here; rounds are written only by the round itself."""

    list_display = [
        "started_at",
        "status",
        "seekers",
        "open_circles",
        "circles_proposed",
        "top_ups",
        "placed",
        "invitations",
        "quality",
        "quality_ratio",
        "seconds",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in MatchRound._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "circle", "kind", "status", "expires_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["user", "circle", "match_round"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "circle", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "circle", "decided_by"]
