"""Safety records in the admin: read-only for everyone, superusers included.

Blocks are made by people themselves and the rest by moderators' actions
(``connect.moderation.services``), which audit, notify and log out; an admin
form would skip all of that, so nothing here can be added, changed or deleted.
"""

from django.contrib import admin

from .models import Block, ModerationWarning, Mute, Suspension


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


@admin.register(ModerationWarning)
class ModerationWarningAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "created_at", "acknowledged_at"]
    list_select_related = ["user__profile"]
