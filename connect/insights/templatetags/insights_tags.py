"""``{% circle_health_panel circle membership %}``: the facilitator's view of
their circle, embedded in the circle page; and the ``cell`` filter for tables."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone

from connect.insights import charts, selectors
from connect.insights.permissions import can_see_circle_health

register = template.Library()


@register.filter
def cell(value):
    """A table value: thousands separated, one decimal, "—" for no data."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return intcomma(value)
    if isinstance(value, float):
        return intcomma(f"{value:.1f}") if not value.is_integer() else intcomma(int(value))
    return value


@register.inclusion_tag("insights/_circle_panel.html", takes_context=True)
def circle_health_panel(context, circle, membership):
    """Attendance and the "felt heard" trend, for the circle's facilitator only."""
    request = context["request"]
    if circle is None or not can_see_circle_health(request.user, membership):
        return {"hide": True}
    zone = getattr(getattr(request.user, "profile", None), "timezone", "") or "UTC"
    health = selectors.circle_health(circle.pk, timezone.now(), zone)
    chart = charts.render(health.chart, "Attendance at the last meetups", f"circle-{circle.pk}")
    return {"health": health, "svg": chart, "circle": circle}
