from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind, NotificationPreference


class PreferenceForm(forms.ModelForm):
    """Which kinds to email, and quiet hours (in my own time zone)."""

    email_kinds = forms.MultipleChoiceField(
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Email me about"),
    )
    quiet_start = forms.TimeField(
        required=False,
        label=_("Quiet hours start"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("No emails between these times, in your own time zone; they wait until after."),
    )
    quiet_end = forms.TimeField(
        required=False, label=_("Quiet hours end"), widget=forms.TimeInput(attrs={"type": "time"})
    )

    class Meta:
        model = NotificationPreference
        fields = ["email_kinds", "quiet_start", "quiet_end"]

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(
                _("Give both a start and an end for quiet hours, or neither.")
            )
        return data
