from django.apps import AppConfig


class VideoConfig(AppConfig):
    name = "connect.video"
    label = "video"
    verbose_name = "Video rooms"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
