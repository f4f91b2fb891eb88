"""Moderation records in the admin: read-only for everyone, superusers included.

Every moderation action goes through ``connect.moderation.services`` (the audit
log, the notice to the person, the logout and the socket close); an admin
form would skip all of that, so nothing here can be added, changed or deleted.
"""

from django.contrib import admin

from .models import (
    Appeal,
    Block,
    CrisisAlert,
    ModerationAction,
    ModerationWarning,
    Mute,
    Report,
    Suspension,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None  # not even the bulk "delete selected" action

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ["id", "blocker", "blocked", "created_at"]
    list_select_related = ["blocker__profile", "blocked__profile"]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "starts_at", "ends_at", "lifted_at"]
    list_select_related = ["user__profile"]


@admin.register(Mute)
class MuteAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "circle", "ends_at", "lifted_at"]
    list_select_related = ["user__profile", "circle"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "target_type", "target_id", "reason", "status", "created_at"]
    list_filter = ["status", "reason", "target_type"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["id", "action", "status", "created_at"]
    list_filter = ["status"]


@admin.register(CrisisAlert)
class CrisisAlertAdmin(ReadOnlyAdmin):
    list_display = ["id", "circle", "status", "created_at"]
    list_filter = ["status"]


@admin.register(ModerationWarning)
class ModerationWarningAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "created_at", "acknowledged_at"]
    list_select_related = ["user__profile"]


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The audit log."""

    list_display = ["created_at", "kind", "actor_id", "actor_role", "target_user_id", "circle_id"]
    list_filter = ["kind", "actor_role"]
    search_fields = ["reason", "=actor_id", "=target_user_id"]
