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

admin.site.register(Block)
admin.site.register(Suspension)
admin.site.register(Mute)
admin.site.register(Report)
admin.site.register(Appeal)
admin.site.register(CrisisAlert)
admin.site.register(ModerationWarning)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log is read-only here too: no add, no change, no delete."""

    list_display = ["created_at", "kind", "actor_id", "actor_role", "target_user_id", "circle_id"]
    list_filter = ["kind", "actor_role"]
    search_fields = ["reason", "=actor_id", "=target_user_id"]
    actions = None  # not even the bulk "delete selected" action

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
