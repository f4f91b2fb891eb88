from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Topic

from .models import Circle
from .timeslots import DAY_NAMES, PART_OF_DAY_LABELS


class BrowseForm(forms.Form):
    """Filters for browsing open circles (times in my own zone)."""

    topic = forms.ChoiceField(required=False, label=_("Topic"))
    mode = forms.ChoiceField(
        required=False,
        choices=[("", _("In person or by video")), *Circle.Mode.choices],
        label=_("Mode"),
    )
    max_km = forms.IntegerField(
        required=False, min_value=1, max_value=500, label=_("Within (km of my city)")
    )
    day = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any day")), *[(i, d) for i, d in enumerate(DAY_NAMES)]],
        label=_("Day (my time zone)"),
    )
    part = forms.ChoiceField(
        required=False,
        choices=[("", _("Any time")), *PART_OF_DAY_LABELS.items()],
        label=_("Time of day (my time zone)"),
    )
    language = forms.CharField(required=False, max_length=10, label=_("Language code"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("Any topic"))] + [
            (t.slug, t.name) for t in Topic.objects.all()
        ]


class JoinRequestForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("A short note for the facilitator (optional)"),
        help_text=_("Say a little about why you'd like to join. Up to 300 characters."),
    )


class CircleSettingsForm(forms.Form):
    name = forms.CharField(max_length=80, label=_("Circle name"))
    join_policy = forms.ChoiceField(choices=Circle.JoinPolicy.choices, label=_("Join requests"))


class HandoverForm(forms.Form):
    to_user = forms.TypedChoiceField(coerce=int, label=_("Hand the facilitator role to"))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [(m.user_id, m.user.display_name) for m in members]


class AcceptForm(forms.Form):
    volunteer = forms.BooleanField(
        required=False,
        label=_("I'm willing to facilitate this circle"),
        help_text=_(
            "Welcome people, schedule meetups, approve join requests. You can hand it over later."
        ),
    )
