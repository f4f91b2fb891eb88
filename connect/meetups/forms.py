"""Forms for scheduling and changing meetups, RSVPs, check-ins and reminder settings."""

from datetime import date, datetime

from django import forms
from django.forms.utils import flatatt
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.zones import ZONE_NAMES, zone_or_utc

from . import recurrence
from .models import RSVP, Feedback, Frequency, MeetupPreference, Mode
from .selectors import clashing_occurrences, schedule_window, video_rooms_on

TIMEZONES = sorted(ZONE_NAMES)
DURATIONS = [
    (60, _("1 hour")),
    (90, _("1 hour 30 minutes")),
    (120, _("2 hours")),
    (150, _("2 hours 30")),
]


class ZoneSelect(forms.Select):
    """The list of every IANA time zone (about 600), drawn without a template per option.

    Django's ``Select`` draws each ``<option>`` through the form renderer's
    templates: for this list that was about 60 % of the meetups page's time, and
    of every page that shows the schedule form. The names never change, so
    their markup is built once and only the chosen one is marked on each
    draw; the output is the same as ``Select``'s (tests/meetups/test_scheduling.py).
    """

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, choices=[(name, name) for name in TIMEZONES])
        self._options = [
            format_html('<option value="{}">{}</option>', name, name) for name in TIMEZONES
        ]
        self._position = {name: i for i, name in enumerate(TIMEZONES)}

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        options = list(self._options)
        for chosen in self.format_value(value):
            i = self._position.get(chosen)
            if i is not None:
                options[i] = format_html('<option value="{}" selected>{}</option>', chosen, chosen)
                break  # one choice, as Select marks only the first match
        body = "\n  ".join(options)
        # flatatt escapes every attribute value; each option was escaped above.
        return mark_safe(  # noqa: S308
            f'<select name="{escape(name)}"{flatatt(final)}>\n  {body}\n</select>'
        )


def in_schedule_window(day: date, passed: str | None = None) -> date:
    """Dates from today up to two years ahead; anything else is a field error
    (which also keeps far-off years out of time zone arithmetic)."""
    first, last = schedule_window()
    if day < first:
        raise forms.ValidationError(passed or gettext("This date has already passed."))
    if day > last:
        raise forms.ValidationError(_("Pick a date within the next two years."))
    return day


def https_only(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise forms.ValidationError(
            _("Use a secure link that starts with https:// so the call stays private.")
        )


class ScheduleForm(forms.Form):
    title = forms.CharField(max_length=120, initial=_("Circle meetup"), label=_("Title"))
    mode = forms.ChoiceField(choices=Mode.choices, widget=forms.RadioSelect, label=_("Where"))
    venue_name = forms.CharField(
        max_length=120,
        required=False,
        label=_("Venue name"),
        help_text=_(
            "First meetings should be in a public place, such as a café or a library. "
            "Only members of the circle see the venue."
        ),
    )
    venue_address = forms.CharField(
        max_length=300, required=False, label=_("Venue address"), help_text=_("Members only.")
    )
    video_url = forms.URLField(
        max_length=500,
        required=False,
        label=_("Video link"),
        validators=[https_only],
        assume_scheme="https",
        help_text=_(
            "An https:// link. Only members of the circle see it. Where the site "
            "has its own video rooms, leave it empty to meet in the circle's private room."
        ),
    )
    start_date = forms.DateField(
        label=_("Date of the first meetup"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    timezone = forms.ChoiceField(
        choices=[(name, name) for name in TIMEZONES],
        widget=ZoneSelect,
        label=_("Time zone"),
        help_text=_(
            "The date and time above are in this zone. Each member sees them in their own."
        ),
    )
    duration_minutes = forms.TypedChoiceField(
        choices=DURATIONS, coerce=int, initial=90, label=_("How long")
    )
    frequency = forms.ChoiceField(
        choices=Frequency.choices, initial=Frequency.ONCE, label=_("Repeat")
    )
    until = forms.DateField(
        required=False,
        label=_("Repeat until (date)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a repeating meetup: a last date, or a number of meetups below."),
    )
    count = forms.IntegerField(
        required=False,
        min_value=2,
        max_value=recurrence.MAX_OCCURRENCES,
        label=_("Number of meetups"),
    )
    capacity = forms.IntegerField(
        required=False,
        label=_("Places (optional)"),
        help_text=_("Leave empty for everyone in the circle."),
    )
    agenda = forms.CharField(
        max_length=1000,
        required=False,
        label=_("Agenda or prompt (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Shown (as a checkbox) only when the new meetup would overlap one the circle already has.
    double_booking_ok = forms.BooleanField(
        required=False,
        label=_("Schedule it anyway: the circle will have two meetups at once"),
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, circle, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.circle = circle
        self.editing = editing
        if not self.is_bound and "mode" not in self.initial:
            self.initial["mode"] = circle.mode
        if editing:
            self.fields["start_date"].label = _("Date of the next meetup with these details")
            self.fields["count"].label = _("Number of meetups from then on")

    def clean_start_date(self):
        return in_schedule_window(self.cleaned_data["start_date"])

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until is None:
            return None
        return in_schedule_window(until, passed=gettext("The series can't end before it starts."))

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is None:
            return None
        if capacity < 2:
            raise forms.ValidationError(
                _("A meetup needs at least 2 places (or leave this empty for no limit).")
            )
        if capacity > self.circle.capacity:
            raise forms.ValidationError(
                gettext("A meetup can't have more places than the circle has seats (%(seats)s).")
                % {"seats": self.circle.capacity}
            )
        return capacity

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == Mode.IN_PERSON:
            if not data.get("venue_name", "").strip():
                self.add_error("venue_name", _("Name the public place where you'll meet."))
            if not data.get("venue_address", "").strip():
                self.add_error("venue_address", _("Give the venue's address (members only)."))
            data["video_url"] = ""
        elif mode == Mode.VIRTUAL:
            if (
                not data.get("video_url")
                and "video_url" not in self.errors
                and not video_rooms_on()
            ):
                self.add_error("video_url", _("Add the https:// video link for the call."))
            data["venue_name"] = data["venue_address"] = ""

        start_date, start_time, tz_name = (
            data.get("start_date"),
            data.get("start_time"),
            data.get("timezone"),
        )
        if start_date and start_time and tz_name:
            start = recurrence.to_utc(datetime.combine(start_date, start_time), tz_name)
            if start <= timezone.now():
                self.add_error("start_date", _("This date and time has already passed."))
            data["start_utc"] = start

        frequency = data.get("frequency")
        until, count = data.get("until"), data.get("count")
        if frequency == Frequency.ONCE:
            data["until"] = data["count"] = None
        elif frequency:
            if until and count:
                self.add_error("count", _("Choose an end date or a number of meetups, not both."))
            elif not until and not count and "count" not in self.errors:
                self.add_error("until", _("A repeating meetup needs an end: a date or a number."))
            if until and start_date and until < start_date:
                self.add_error("until", _("The series can't end before it starts."))
            if until and start_date and (until - start_date).days > 366:
                self.add_error("until", _("Schedule at most a year ahead."))
        if not self.editing and not self.errors and not data.get("double_booking_ok"):
            self._warn_of_double_booking(data)
        return data

    def _warn_of_double_booking(self, data) -> None:
        rule = recurrence.Rule(
            timezone=data["timezone"],
            start_date=data["start_date"],
            start_time=data["start_time"],
            frequency=data["frequency"],
            until=data.get("until"),
            count=data.get("count"),
        )
        clashes = clashing_occurrences(
            self.circle.pk,
            recurrence.utc_starts(rule),
            recurrence.duration(data["duration_minutes"]),
        )
        if not clashes:
            return
        zone = zone_or_utc(data["timezone"])
        first = clashes[0]
        local = timezone.localtime(first.starts_at, zone)
        when = formats.date_format(local, gettext("l j F \\a\\t H:i"))
        more = ""
        if len(clashes) > 1:
            more = ngettext(" (and %(n)s more)", " (and %(n)s more)", len(clashes) - 1) % {
                "n": len(clashes) - 1
            }
        self.fields["double_booking_ok"].widget = forms.CheckboxInput()
        self.add_error(
            "double_booking_ok",
            gettext(
                "This circle already has a meetup then: %(title)s, %(when)s%(more)s. "
                "Choose another time, or tick the box to schedule it anyway."
            )
            % {"title": first.series.title, "when": when, "more": more},
        )

    def series_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "mode": data["mode"],
            "venue_name": data["venue_name"].strip(),
            "venue_address": data["venue_address"].strip(),
            "video_url": data["video_url"],
            "capacity": data["capacity"],
            "agenda": data["agenda"],
            "timezone": data["timezone"],
            "start_date": data["start_date"],
            "start_time": data["start_time"],
            "duration_minutes": data["duration_minutes"],
            "frequency": data["frequency"],
            "until": data["until"],
            "count": data["count"],
        }


class MoveForm(forms.Form):
    new_date = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    new_time = forms.TimeField(
        label=_("New start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, tz_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz_name = tz_name
        self.fields["new_time"].help_text = gettext("In %(zone)s, the series' time zone.") % {
            "zone": tz_name
        }

    def clean_new_date(self):
        return in_schedule_window(self.cleaned_data["new_date"])

    def clean(self):
        data = super().clean()
        if data.get("new_date") and data.get("new_time"):
            local = datetime.combine(data["new_date"], data["new_time"])
            if local.replace(tzinfo=zone_or_utc(self.tz_name)) <= timezone.now():
                self.add_error("new_date", _("This date and time has already passed."))
        return data


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(choices=RSVP.Answer.choices)


class CheckInForm(forms.Form):
    heard = forms.ChoiceField(
        choices=[("", _("I'd rather not say"))] + list(Feedback.Heard.choices),
        required=False,
        widget=forms.RadioSelect,
        label=_("Did you feel heard today? (optional, private)"),
        help_text=_(
            "Only the facilitator sees a summary, without names. It is never used to rank anyone."
        ),
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Anything you'd like the facilitator to know? (optional, anonymous)"),
    )


class MeetupPreferenceForm(forms.ModelForm):
    class Meta:
        model = MeetupPreference
        fields = ["remind_24h", "remind_1h", "paused"]
