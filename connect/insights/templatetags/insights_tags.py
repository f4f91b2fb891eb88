"""``{% circle_health_panel circle membership %}``: the facilitator's view of
their circle, embedded in the circle page; and the ``cell`` filter for tables."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext

from connect.insights import charts, selectors, tables
from connect.insights.permissions import can_see_circle_health

register = template.Library()


@register.filter
def cell(value):
    """A table value: thousands separated, one decimal, "—" for no data."""
    return tables.cell(value)


@register.inclusion_tag("insights/_circle_panel.html", takes_context=True)
def circle_health_panel(context, circle, membership):
    """Attendance and the "felt heard" trend, for the circle's facilitator only."""
    request = context["request"]
    if circle is None or not can_see_circle_health(request.user, membership):
        return {"hide": True}
    zone = getattr(getattr(request.user, "profile", None), "timezone", "") or "UTC"
    health = selectors.circle_health(circle.pk, timezone.now(), zone)
    chart = charts.render(
        health.chart, gettext("Attendance at the last meetups"), f"circle-{circle.pk}"
    )
    table = tables.table_html(
        health.columns, health.rows, gettext("Your circle's last meetups"), "circle-health-caption"
    )
    return {"health": health, "svg": chart, "table": table, "circle": circle}
