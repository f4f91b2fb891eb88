from django.contrib import admin

from accounts.admin import NoEmailSearchMixin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(NoEmailSearchMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status"]
    search_fields = ["user__email", "title"]
    raw_id_fields = ["user"]


admin.site.register(NotificationPreference)
