from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "connect.core"
    label = "core"
    verbose_name = "Connect site"

    def ready(self):
        # Load the Celery app with Django so @shared_task binds to it.
        from connect.celery import app  # noqa: F401
