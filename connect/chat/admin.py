from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "circle", "author", "created_at", "deleted_at", "hidden_at"]
    raw_id_fields = ["circle", "author", "hidden_by"]
