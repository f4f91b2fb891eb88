from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "connect.notifications"
    label = "notifications"
    verbose_name = "Notifications"
