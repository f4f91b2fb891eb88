"""Circle chat messages.

Text is stored raw and escaped on output; no HTML from people is rendered.
A deleted account's messages keep their text with ``author`` set to NULL and
show as "former member".
"""

from django.conf import settings
from django.db import models

MAX_MESSAGE_LENGTH = 2000


class Message(models.Model):
    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat_messages",
    )
    body = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # by its author
    hidden_at = models.DateTimeField(null=True, blank=True)  # by a facilitator or moderator
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["circle", "id"])]

    def __str__(self):
        return f"message {self.pk} in circle {self.circle_id}"


class ReadState(models.Model):
    """How far a member has read in a circle's chat (the unread marker)."""

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_read_states"
    )
    last_read_id = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="chat_read_state_once"),
        ]

    def __str__(self):
        return f"{self.user_id} read {self.circle_id} to {self.last_read_id}"
