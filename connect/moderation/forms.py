"""Forms for reports, moderation actions, appeals, blocks and account deletion."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from connect.circles.models import Circle

from .models import ModerationAction, Report

Action = ModerationAction.Kind

DURATIONS = [
    ("1", _("1 hour")),
    ("8", _("8 hours")),
    ("24", _("24 hours")),
    ("72", _("3 days")),
    ("168", _("7 days")),
    ("720", _("30 days")),
    ("", _("Until a moderator lifts it (suspension only)")),
]
FACILITATOR_DURATIONS = [("1", _("1 hour")), ("8", _("8 hours")), ("24", _("24 hours"))]
DEFAULT_DURATION = "24"  # a day: long enough to cool down, short enough to be fair

# What a moderator or facilitator chooses to do (the audit log keeps the past-tense labels).
ACTION_CHOICES = {
    Action.DISMISS: _("Dismiss the reports"),
    Action.WARN: _("Send a warning"),
    Action.HIDE_MESSAGE: _("Hide the message"),
    Action.MUTE: _("Mute in a circle"),
    Action.REMOVE: _("Remove from the circle"),
    Action.SUSPEND: _("Suspend the account"),
    Action.VIDEO_MUTE: _("Turn their microphone off in the video room"),
}


class ReportForm(forms.Form):
    target_type = forms.ChoiceField(choices=Report.TargetType.choices, widget=forms.HiddenInput)
    target_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        label=_("What is wrong?"),
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Anything else a moderator should know? (optional)"),
        help_text=_("The person you report is never told who reported them."),
    )

    def __init__(self, *args, reasons=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reasons is not None:  # only the reasons that fit what is reported
            self.fields["reason"].choices = [(r.value, r.label) for r in reasons]


class ActionForm(forms.Form):
    """One moderation action. ``kinds``/``circles``/``durations`` depend on who
    acts and on what; the reason is always required."""

    kind = forms.ChoiceField(label=_("Action"), widget=forms.RadioSelect)
    circle: "forms.ModelChoiceField[Circle]" = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Circle")
    )
    person = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Person"))
    message = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Message (only to hide one)")
    )
    duration = forms.ChoiceField(
        required=False,
        initial=DEFAULT_DURATION,
        label=_("For how long (mute and suspension)"),
        help_text=_("A mute always ends; a suspension can last until a moderator lifts it."),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label=_("Reason (required; shown to the person and recorded in the audit log)"),
    )

    def __init__(
        self, *args, kinds, circles, people=(), durations=DURATIONS, messages=None, **kwargs
    ):
        """``messages``: (id, label) pairs a facilitator may pick one from to hide."""
        super().__init__(*args, **kwargs)
        if messages is None:
            del self.fields["message"]
        else:
            self.fields["message"].choices = [("", "—"), *messages]
        self.fields["kind"].choices = [(k, ACTION_CHOICES[Action(k)]) for k in kinds]
        self.fields["circle"].queryset = circles
        self.fields["person"].choices = [("", "—"), *people]
        if not people:
            del self.fields["person"]
        self.fields["duration"].choices = durations

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        duration = data.get("duration")
        if kind == Action.MUTE and not duration:
            self.add_error("duration", _("A mute needs an end time: choose how long."))
        data["ends_at"] = None
        if kind in (Action.MUTE, Action.SUSPEND) and duration:
            data["ends_at"] = timezone.now() + timedelta(hours=int(duration))
        if kind in (Action.MUTE, Action.REMOVE, Action.VIDEO_MUTE) and not data.get("circle"):
            self.add_error("circle", _("Choose the circle."))
        return data


class AppealForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        label=_("Why should a moderator look at this again?"),
    )


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("uphold", _("The decision stands")), ("overturn", _("Reverse the decision"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label=_("Reason (required; shown to the person)"),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label=_("What did you do? (required; recorded)"),
    )


class AuditSearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Words in the reason"))
    person = forms.IntegerField(required=False, min_value=1, label=_("Person id (acted on or by)"))
    kind = forms.ChoiceField(
        required=False, choices=[("", _("Any action")), *Action.choices], label=_("Action")
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label=_("Your password"),
        help_text=_("To confirm it is you. This cannot be undone."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right."))
        return password
