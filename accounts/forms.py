"""One form per onboarding step; each is also the "edit" form on My profile.

Forms only validate. ``accounts.services`` writes, so a form with any error
saves nothing.
"""

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import cities
from .languages import LANGUAGE_CHOICES
from .models import Mode, Profile, Topic
from .selectors import SLOTS_PER_DAY, SLOTS_PER_WEEK
from .zones import is_zone

MAX_TOPICS = 6
WEIGHT_CHOICES = [(1, _("A little")), (2, _("Quite a lot")), (3, _("A lot"))]
SIZE_CHOICES = [(n, str(n)) for n in range(4, 9)]
DAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


GRID_FIRST_ROW = 14  # the grid opens at 07:00; 00:00–07:00 is folded away


def _cells(days, first: str, last: str) -> list[int]:
    """Half-hour cells of ``days`` (0 = Monday) from ``first`` up to ``last`` (HH:MM)."""
    start = int(first[:2]) * 2 + int(first[3:]) // 30
    end = int(last[:2]) * 2 + int(last[3:]) // 30
    return [day * SLOTS_PER_DAY + half for day in days for half in range(start, end)]


# One-click starting points for the availability grid (local time).
AVAILABILITY_PRESETS = [
    {
        "id": "weekday-evenings",
        "label": _("Weekday evenings"),
        "cells": _cells(range(5), "18:00", "21:00"),
    },
    {
        "id": "weekend-mornings",
        "label": _("Weekend mornings"),
        "cells": _cells((5, 6), "09:00", "12:00"),
    },
    {
        "id": "lunchtimes",
        "label": _("Weekday lunchtimes"),
        "cells": _cells(range(5), "12:00", "13:30"),
    },
]


def slot_label(cell: int) -> str:
    """ "Monday 18:00–18:30" for a cell of the local week."""
    day, half_hour = divmod(cell, SLOTS_PER_DAY)
    start = half_hour * 30
    end = start + 30
    return f"{DAYS[day]} {start // 60:02d}:{start % 60:02d}–{end // 60 % 24:02d}:{end % 60:02d}"


# The same label, worked out in the language of the page that shows it.
slot_label_lazy = lazy(slot_label, str)


class AboutForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "pronouns", "about"]
        labels = {
            "display_name": _("Display name"),
            "pronouns": _("Pronouns (optional)"),
            "about": _("A few words about you (optional)"),
        }
        help_texts = {
            "display_name": _(
                "What your circle will call you. A first name or a pseudonym is fine."
            ),
            "pronouns": _("For example she/her, he/him, they/them."),
            "about": _("Up to 500 characters. Only members of your circles see it."),
        }
        widgets = {"about": forms.Textarea(attrs={"rows": 4, "maxlength": 500})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["display_name"].error_messages["required"] = _(
            "Choose a display name (a pseudonym is fine)."
        )

    def clean_display_name(self):
        return " ".join(self.cleaned_data["display_name"].split())


class AgreementsForm(forms.Form):
    adult = forms.BooleanField(
        label=_("I am 18 or older."),
        error_messages={"required": _("Connect is for adults: you must be 18 or older to join.")},
    )
    guidelines = forms.BooleanField(
        error_messages={
            "required": _("Please accept the community guidelines: every circle relies on them.")
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.fields["guidelines"].label = guidelines_label()


def guidelines_label() -> str:
    return gettext("I have read and accept the community guidelines (version %(version)s).") % {
        "version": settings.CONNECT_GUIDELINES_VERSION
    }


MAX_ID = 2**31 - 1  # the largest id a topic row can have


class TopicChoiceField(forms.ModelMultipleChoiceField):
    """Topic checkboxes that refuse ids no row can have (a 20-digit number
    would otherwise reach the database and fail there) with a form error."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                number = 0
            if not 0 < number <= MAX_ID:
                raise forms.ValidationError(
                    _("Pick topics from the list."), code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class TopicsForm(forms.Form):
    """Pick 1–6 topics; each picked topic gets a weight 1–3."""

    topics = TopicChoiceField(
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Topics"),
        error_messages={"required": _("Pick at least one topic.")},
    )

    def __init__(self, *args, instance: Profile | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.topic_list = list(Topic.objects.all())
        weights = {}
        if instance is not None and instance.pk and not self.is_bound:
            weights = dict(instance.topic_weights.values_list("topic_id", "weight"))
            self.initial["topics"] = list(weights)
        for topic in self.topic_list:
            self.fields[f"weight_{topic.pk}"] = forms.TypedChoiceField(
                label=gettext("How much %(topic)s matters") % {"topic": topic.label},
                choices=WEIGHT_CHOICES,
                coerce=int,
                initial=weights.get(topic.pk, 2),
                required=False,
            )

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > MAX_TOPICS:
            raise forms.ValidationError(
                gettext("Pick at most %(most)d topics (you picked %(count)d).")
                % {"most": MAX_TOPICS, "count": len(topics)}
            )
        return topics

    def clean(self):
        cleaned = super().clean()
        weights = {}
        for topic in cleaned.get("topics") or ():
            weights[topic.pk] = cleaned.get(f"weight_{topic.pk}") or 2
        cleaned["weights"] = weights
        return cleaned

    def rows(self):
        """(topic, checkbox, weight field) per topic, for the template."""
        checkboxes = {int(str(box.data["value"])): box for box in self["topics"]}
        return [(t, checkboxes[t.pk], self[f"weight_{t.pk}"]) for t in self.topic_list]


class WhereForm(forms.Form):
    """Mode, approximate area (a city from the offline list) and travel radius."""

    mode = forms.ChoiceField(
        label=_("How would you like to meet?"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you'd like to meet.")},
    )
    city = forms.CharField(
        label=_("Your city"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Only the city is kept (its centre point), never your address."),
    )
    radius_km = forms.IntegerField(
        label=_("How far would you travel to meet? (km)"),
        min_value=1,
        max_value=100,
        error_messages={
            "required": _("Enter a distance between 1 and 100 km."),
            "min_value": _("Enter a distance between 1 and 100 km."),
            "max_value": _("Enter a distance between 1 and 100 km."),
            "invalid": _("Enter a whole number of kilometres between 1 and 100."),
        },
    )

    def __init__(self, *args, instance: Profile | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            self.initial.update(
                mode=instance.mode,
                radius_km=instance.radius_km,
                city=instance.city_geoname_id or "",
            )

    def clean_city(self):
        value = (self.cleaned_data.get("city") or "").strip()
        if not value:
            return None
        city = cities.get_city(value)
        if city is None:
            raise forms.ValidationError(
                _("We don't know that city. Search for it and pick it from the list.")
            )
        return city

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") in (Mode.IN_PERSON, Mode.EITHER) and not cleaned.get("city"):
            if "city" not in self.errors:
                self.add_error(
                    "city", _("To meet in person, search for your city and pick it from the list.")
                )
        return cleaned


class WhenForm(forms.Form):
    """Time zone, weekly availability, languages, circle size and the seeker switch."""

    timezone = forms.CharField(
        label=_("Your time zone"),
        max_length=64,
        help_text=_(
            "An IANA name such as Europe/London or America/New_York. "
            "We fill it in from your browser; change it if it's wrong."
        ),
        widget=forms.TextInput(attrs={"data-browser-timezone": "", "autocomplete": "off"}),
        error_messages={"required": _("Enter your time zone, for example Europe/London.")},
    )
    availability = forms.TypedMultipleChoiceField(
        label=_("When are you usually free?"),
        choices=[(cell, slot_label_lazy(cell)) for cell in range(SLOTS_PER_WEEK)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one half-hour when you're usually free.")},
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you're happy to speak in a circle"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one language.")},
    )
    size_min = forms.TypedChoiceField(
        label=_("Smallest circle you'd like"), choices=SIZE_CHOICES, coerce=int, initial=4
    )
    size_max = forms.TypedChoiceField(
        label=_("Largest circle you'd like"), choices=SIZE_CHOICES, coerce=int, initial=8
    )
    # Optional: left out, the saved language stays as it is.
    site_language = forms.ChoiceField(
        label=_("Language of the site and emails"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The language Connect uses on its pages, in emails and in notifications."),
    )
    is_looking = forms.BooleanField(
        label=_("I'm looking for a circle"),
        required=False,
        initial=True,
        help_text=_("While this is on, matching rounds can invite you to a new circle."),
    )

    def __init__(self, *args, instance: Profile | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            timezone = instance.timezone
            if timezone == "UTC" and instance.city_geoname_id:
                city = cities.get_city(instance.city_geoname_id)
                timezone = city.timezone if city else timezone
            self.initial.update(
                timezone="" if timezone == "UTC" and not instance.is_onboarded else timezone,
                availability=list(instance.availability),
                languages=list(instance.languages),
                size_min=instance.size_min,
                size_max=instance.size_max,
                is_looking=instance.is_looking if instance.is_onboarded else True,
                site_language=instance.language,
            )

    def clean_timezone(self):
        name = self.cleaned_data["timezone"].strip()
        if not is_zone(name):
            raise forms.ValidationError(
                _(
                    "That isn't a time zone we know. "
                    "Use a name like Europe/London or America/Chicago."
                )
            )
        return name

    def clean_availability(self):
        return sorted(set(self.cleaned_data["availability"]))

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("size_min"), cleaned.get("size_max")
        if low is not None and high is not None and low > high:
            self.add_error("size_max", _("The largest size can't be smaller than the smallest."))
        return cleaned

    @property
    def day_names(self) -> list[str]:
        """Short day names for the grid's columns, in the page's language."""
        return [str(day)[:3] for day in DAYS]

    def _grid_rows(self, half_hours) -> list:
        boxes = {int(box.data["value"]): box for box in self["availability"]}
        rows = []
        for half_hour in half_hours:
            minutes = half_hour * 30
            label = f"{minutes // 60:02d}:{minutes % 60:02d}"
            cells = [(DAYS[d], boxes[d * SLOTS_PER_DAY + half_hour]) for d in range(len(DAYS))]
            rows.append((label, cells))
        return rows

    def grid(self):
        """Rows of the availability table from 07:00: (time label, [(day, checkbox) × 7])."""
        return self._grid_rows(range(GRID_FIRST_ROW, SLOTS_PER_DAY))

    def early_grid(self):
        """The folded rows before 07:00, in the same shape as ``grid``."""
        return self._grid_rows(range(GRID_FIRST_ROW))

    def early_hours_open(self) -> bool:
        """Unfold the early hours when the person already marked some of them."""
        chosen = self["availability"].value() or []
        cells = {int(c) for c in chosen if str(c).isdigit()}
        return any(cell % SLOTS_PER_DAY < GRID_FIRST_ROW for cell in cells)

    @property
    def presets(self) -> list[dict]:
        """The presets for the page and its script, with what the script says
        (to screen readers) when one is marked or cleared, in the page's language."""
        return [
            {
                **preset,
                "label": str(preset["label"]),
                "marked": gettext("%(preset)s marked.") % {"preset": preset["label"]},
                "cleared": gettext("%(preset)s cleared.") % {"preset": preset["label"]},
            }
            for preset in AVAILABILITY_PRESETS
        ]


class GuidelinesAcceptForm(forms.Form):
    guidelines = forms.BooleanField(
        error_messages={"required": _("Please accept the guidelines to keep using Connect.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guidelines"].label = guidelines_label()
