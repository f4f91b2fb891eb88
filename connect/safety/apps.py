from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Blocks, mutes, suspensions and warnings: the records every app reads.

    Low in the layers (above accounts and notifications, below circles): it
    imports no other app of the site, so circles, meetups and chat may read it.
    The moderation workflow that writes most of these records sits above them.
    """

    name = "connect.safety"
    label = "safety"
    verbose_name = "Safety"

    def ready(self):
        from . import receivers  # noqa: F401  (refuses logins during a suspension)
