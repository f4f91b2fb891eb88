"""Signals other apps listen to (e.g. moderation's crisis-language check)."""

from django.dispatch import Signal

# Sent after a chat message is saved (not after edits): kwargs ``message``.
message_posted = Signal()
