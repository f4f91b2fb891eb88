from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "connect.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import emails  # noqa: F401  registers the notification email's renderer
