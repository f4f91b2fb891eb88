from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "connect.insights"
    label = "insights"
    verbose_name = "Community health"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .aggregates import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="insights_sqlite_median")
