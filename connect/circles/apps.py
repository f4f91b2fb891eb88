from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "connect.circles"
    label = "circles"
    verbose_name = "Circles"

    def ready(self):
        from . import emails  # noqa: F401  registers the invitation email's renderer
