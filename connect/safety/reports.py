"""What a report can be about and why: the words every app's report form offers.

The reports themselves, and the queue that answers them, are the moderation
workflow's; apps below it (chat) ask for a report with ``report_requested``.
"""

from django.db import models


class ReportTarget(models.TextChoices):
    MEMBER = "member", "Member"
    MESSAGE = "message", "Message"
    CIRCLE = "circle", "Circle"
    MEETUP = "meetup", "Meetup"


class ReportReason(models.TextChoices):
    HARASSMENT = "harassment", "Harassment"
    HATE = "hate", "Hate"
    SPAM = "spam", "Spam or selling"
    UNSAFE_MEETING = "unsafe_meeting", "Unsafe meeting"
    NOT_AS_DESCRIBED = "not_as_described", "Not what it said"
    SELF_HARM = "self_harm", "Self-harm or crisis"
    IMPERSONATION = "impersonation", "Impersonation"
    UNDER_18 = "under_18", "Under 18"
    OTHER = "other", "Other"
