"""Celery beat's periodic jobs, one entry per job.

Kept apart from settings so each domain app's job is easy to find. The
intervals a deployment may want to tune (meetup reminders, matching rounds)
come from the environment.
"""

import environ

_env = environ.Env()

CELERY_BEAT_SCHEDULE: dict = {
    "core-worker-heartbeat": {
        # A worker writes the time; /healthz/deep/ reports it stale after 3 intervals.
        "task": "connect.core.tasks.worker_heartbeat",
        "schedule": _env.float("CONNECT_HEARTBEAT_INTERVAL", default=60.0),
    },
    "notifications-outbox-requeue": {
        # Emails held back by quiet hours go out when the hours end, and owed
        # emails whose task was lost are queued again.
        "task": "connect.notifications.tasks.outbox_requeue",
        "schedule": _env.float("CONNECT_OUTBOX_SWEEP_INTERVAL", default=300.0),
    },
    "notifications-owed-tasks": {
        # Tasks the broker could not take when they were queued (it was away).
        "task": "connect.notifications.tasks.owed_tasks_requeue",
        "schedule": _env.float("CONNECT_OUTBOX_SWEEP_INTERVAL", default=300.0),
    },
    "meetups-send-reminders": {
        # 24 h and 1 h meetup reminders; each claimed once per person (NoticeLog).
        "task": "connect.meetups.tasks.send_due_reminders",
        "schedule": _env.float("CONNECT_MEETUP_REMINDER_INTERVAL", default=300.0),
    },
    "meetups-missed-you": {
        # A gentle note after two missed meetups in a row, once per streak.
        "task": "connect.meetups.tasks.send_missed_you_notes",
        "schedule": 3600.0,
    },
    "circles-match-round": {
        "task": "connect.circles.tasks.run_match_round",
        "schedule": _env.float("CONNECT_MATCH_ROUND_HOURS", default=24.0) * 3600,
    },
    "circles-expire-invitations": {
        "task": "connect.circles.tasks.expire_invitations",
        "schedule": 300.0,
    },
    "video-close-rooms": {
        # Video rooms close 30 minutes after their meetup ends; their tokens go too.
        "task": "connect.video.tasks.close_rooms",
        "schedule": 60.0,
    },
}
