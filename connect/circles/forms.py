from django import forms

from accounts.models import Topic

from .models import Circle
from .timeslots import DAY_NAMES, PARTS_OF_DAY


class BrowseForm(forms.Form):
    """Filters for browsing open circles (times in my own zone)."""

    topic = forms.ChoiceField(required=False, label="Topic")
    mode = forms.ChoiceField(
        required=False, choices=[("", "In person or by video"), *Circle.Mode.choices]
    )
    max_km = forms.IntegerField(
        required=False, min_value=1, max_value=500, label="Within (km of my city)"
    )
    day = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any day"), *[(i, d) for i, d in enumerate(DAY_NAMES)]],
        label="Day (my time zone)",
    )
    part = forms.ChoiceField(
        required=False,
        choices=[("", "Any time"), *[(p, p.capitalize()) for p in PARTS_OF_DAY]],
        label="Time of day (my time zone)",
    )
    language = forms.CharField(required=False, max_length=10, label="Language code")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any topic")] + [
            (t.slug, t.name) for t in Topic.objects.all()
        ]


class JoinRequestForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="A short note for the facilitator (optional)",
        help_text="Say a little about why you'd like to join. Up to 300 characters.",
    )


class CircleSettingsForm(forms.Form):
    name = forms.CharField(max_length=80, label="Circle name")
    join_policy = forms.ChoiceField(choices=Circle.JoinPolicy.choices, label="Join requests")


class HandoverForm(forms.Form):
    to_user = forms.TypedChoiceField(coerce=int, label="Hand the facilitator role to")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [(m.user_id, m.user.display_name) for m in members]


class AcceptForm(forms.Form):
    volunteer = forms.BooleanField(
        required=False,
        label="I'm willing to facilitate this circle",
        help_text="Welcome people, schedule meetups, approve join requests. You can hand it "
        "over later.",
    )
