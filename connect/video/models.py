"""A virtual meetup's private video room on Janus, and each member's pass to it.

The room exists on Janus from its first join (10 minutes before the start at
the earliest) until the close job destroys it (30 minutes after the end). A
pass is one member's token for one room: the core's token authentication
(``add_token``) and the room's ``allowed`` list both hold it, so Janus itself
refuses anyone without a live pass for that very room. Nothing about the call
(media, who spoke) is stored: the room is never recorded.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from connect.meetups.models import Occurrence


class VideoRoom(models.Model):
    occurrence = models.OneToOneField(
        Occurrence, on_delete=models.CASCADE, related_name="video_room"
    )
    # The VideoRoom plugin's numeric room id (the occurrence's id: unique, stable).
    janus_room = models.BigIntegerField(unique=True)
    # Guards kick, moderate, allowed and destroy on Janus; never leaves the server.
    secret = models.CharField(max_length=64)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="video_room_window"
            )
        ]
        indexes = [models.Index(fields=["closed_at", "closes_at"])]

    def __str__(self):
        return f"video room of meetup {self.occurrence_id}"


class VideoPass(models.Model):
    room = models.ForeignKey(VideoRoom, on_delete=models.CASCADE, related_name="passes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_passes"
    )
    token = models.CharField(max_length=64, unique=True)
    # The publisher id the member's page joins the room with.
    participant_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["room", "user"],
                condition=Q(revoked_at__isnull=True),
                name="video_pass_one_live_per_member",
            ),
            models.UniqueConstraint(
                fields=["room", "participant_id"], name="video_pass_participant_unique"
            ),
        ]

    def __str__(self):
        return f"video pass of {self.user_id} for room {self.room_id}"
