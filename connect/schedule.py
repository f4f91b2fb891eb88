"""Celery beat's periodic jobs, one entry per job.

Kept apart from settings so each domain app's job is easy to find. Intervals
come from the environment where the issue asks for them to be configurable.
"""

import environ

_env = environ.Env()

CELERY_BEAT_SCHEDULE: dict = {
    "notifications-send-deferred": {
        # Emails held back by quiet hours go out when the hours end.
        "task": "connect.notifications.tasks.release_deferred_emails",
        "schedule": 300.0,
    },
}
