from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "connect.moderation"
    label = "moderation"
    verbose_name = "Safety and moderation"
