from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "connect.chat"
    label = "chat"
    verbose_name = "Circle chat"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
