"""Moderation records in the admin: read-only for everyone, superusers included.

Every moderation action goes through ``connect.moderation.services`` (the audit
log, the notice to the person, the logout and the socket close); an admin
form would skip all of that, so nothing here can be added, changed or deleted.
"""

from django.contrib import admin

from connect.safety.admin import ReadOnlyAdmin

from .models import Appeal, CrisisAlert, ModerationAction, Report


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


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The audit log."""

    list_display = ["created_at", "kind", "actor_id", "actor_role", "target_user_id", "circle_id"]
    list_filter = ["kind", "actor_role"]
    search_fields = ["reason", "=actor_id", "=target_user_id"]
