"""What a report can be about and why: the words every app's report form offers.

The reports themselves, and the queue that answers them, are the moderation
workflow's; apps below it (chat) ask for a report with ``report_requested``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportTarget(models.TextChoices):
    MEMBER = "member", _("Member")
    MESSAGE = "message", _("Message")
    CIRCLE = "circle", _("Circle")
    MEETUP = "meetup", _("Meetup")


class ReportReason(models.TextChoices):
    HARASSMENT = "harassment", _("Harassment")
    HATE = "hate", _("Hate")
    SPAM = "spam", _("Spam or selling")
    UNSAFE_MEETING = "unsafe_meeting", _("Unsafe meeting")
    NOT_AS_DESCRIBED = "not_as_described", _("Not what it said")
    SELF_HARM = "self_harm", _("Self-harm or crisis")
    IMPERSONATION = "impersonation", _("Impersonation")
    UNDER_18 = "under_18", _("Under 18")
    OTHER = "other", _("Other")
