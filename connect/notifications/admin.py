from django.contrib import admin

from accounts.admin import NoEmailSearchMixin

from .models import Notification, NotificationPreference, OutboxEmail


@admin.register(Notification)
class NotificationAdmin(NoEmailSearchMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "title"]
    raw_id_fields = ["user"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """Read-only: the outbox's rows are its guarantee; change them only through the tasks."""

    list_display = ["source", "source_id", "user", "kind", "status", "created_at", "sent_at"]
    list_filter = ["status", "source", "kind"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(NotificationPreference)
