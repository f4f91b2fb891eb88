"""The Celery application.

Run a worker with beat: ``celery -A connect.celery worker -B -S
django_celery_beat.schedulers:DatabaseScheduler``. The app is loaded by
``connect.core.apps.CoreConfig.ready`` rather than ``connect/__init__.py`` so
that importing ``connect.matching`` never pulls in Celery or Django.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect.settings")

app = Celery("connect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
