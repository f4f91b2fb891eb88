"""What the video rooms hold about a person, for data export and account deletion.

Only passes: which meetup's room, when issued, whether revoked. Nothing about the
call itself exists (never recorded). Tokens are credentials: never exported.
"""

from connect.notifications.enqueue import task_enqueue_on_commit

from . import services, tasks
from .models import VideoPass


def export_personal_data(user) -> dict:
    passes = VideoPass.objects.filter(user=user).select_related("room__occurrence__series")
    return {
        "video_room_passes": [
            {
                "meetup": row.room.occurrence.series.title,
                "starts_at": row.room.occurrence.starts_at.isoformat(),
                "issued_at": row.created_at.isoformat(),
                "revoked": row.revoked_at is not None,
            }
            for row in passes
        ]
    }


def erase_personal_data(user) -> None:
    """Delete the person's passes; once the deletion commits, their live tokens
    leave Janus and they are put out of any room they are still in."""
    live = services.video_passes_erase(user)
    if live:
        task_enqueue_on_commit(tasks.revoke_tokens, live)
