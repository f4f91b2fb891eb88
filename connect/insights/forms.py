from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import DEFAULT_WEEKS, MODES, PERIODS


class HealthFilterForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label=_("Period"), choices=list(PERIODS.items()), coerce=int, required=False
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=[("", "In person and by video"), *MODES.items()],
        required=False,
    )
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, *args, cities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        city = self.fields["city"]
        assert isinstance(city, forms.ChoiceField)
        city.choices = [("", "Every city"), *((c, c) for c in cities)]

    def filter_values(self) -> dict:
        """The chosen filters, or the defaults where the input was not valid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "weeks": data.get("weeks") or DEFAULT_WEEKS,
            "mode": data.get("mode") or "",
            "city": data.get("city") or "",
        }
