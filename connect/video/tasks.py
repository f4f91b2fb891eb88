"""Video room jobs: revocations (on a membership ending or a suspension) and
closing rooms whose window ended. Janus calls are idempotent and the services
re-read the rows, so a retried or duplicated task does no harm."""

from celery import shared_task

from . import services
from .janus import JanusUnavailable


@shared_task(
    autoretry_for=(JanusUnavailable,),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=8,
)
def revoke_member(user_id: int, circle_id: int | None = None) -> int:
    """End the person's live passes and put them out of the rooms."""
    return services.video_member_revoke(user_id, circle_id)


@shared_task(autoretry_for=(JanusUnavailable,), retry_backoff=5, max_retries=3)
def close_rooms() -> int:
    """Destroy rooms 30 minutes after their meetup ended (beat, every minute)."""
    return services.video_rooms_close()


@shared_task(autoretry_for=(JanusUnavailable,), retry_backoff=1, max_retries=5)
def mute_participant(user_id: int, circle_id: int) -> int:
    """The moderation service's "microphone off in the video room" (audited there)."""
    return services.video_participant_mute(user_id, circle_id)


@shared_task(autoretry_for=(JanusUnavailable,), retry_backoff=1, max_retries=8)
def revoke_tokens(pairs: list[list]) -> None:
    """After an account deletion: its live tokens leave Janus and its rooms."""
    services.video_tokens_revoke([(int(room_id), str(token)) for room_id, token in pairs])
