from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "connect.moderation"
    label = "moderation"
    verbose_name = "Safety and moderation"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the crisis-alert receiver)
