"""The community-health page and its CSV: moderators and operators only."""

import csv
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from connect.access import answers_access_denied

from . import charts, selectors, tables
from .forms import HealthFilterForm
from .permissions import access_community_health


def for_operators(view):
    """Logged in (else the login page) and allowed to see community health (else 403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access_community_health(request.user)
        return view(request, *args, **kwargs)

    return login_required(answers_access_denied(wrapper))


def _filters(request) -> tuple[HealthFilterForm, selectors.Filters]:
    form = HealthFilterForm(request.GET or None, cities=selectors.city_choices())
    values = form.filter_values() if form.is_bound else {}
    profile = getattr(request.user, "profile", None)
    zone = getattr(profile, "timezone", "") or "UTC"
    return form, selectors.Filters(zone=zone, **values)


def _panels(filters: selectors.Filters):
    """(when computed, [(figure, its SVG chart, its table)]), kept in the cache with
    the figures: drawing them is most of a cached page's time."""
    seconds = settings.CONNECT_INSIGHTS_CACHE_SECONDS
    key = selectors.cache_key(filters) + ":panels"
    cached = cache.get(key) if seconds > 0 else None
    if cached is not None:
        return cached
    computed_at, figures = selectors.community_health_cached(filters)
    panels = [
        (
            figure,
            charts.render(figure.chart, figure.title, figure.key) if figure.chart else "",
            tables.table_html(
                figure.columns,
                figure.rows,
                gettext("%(title)s (table)") % {"title": figure.title},
                f"{figure.key}-caption",
            ),
        )
        for figure in figures
    ]
    if seconds > 0:
        cache.set(key, (computed_at, panels), seconds)
    return computed_at, panels


@for_operators
@require_GET
def health(request):
    form, filters = _filters(request)
    computed_at, panels = _panels(filters)
    return render(
        request,
        "insights/health.html",
        {
            "form": form,
            "filters": filters,
            "panels": panels,
            "query": request.GET.urlencode(),
            "as_of": timezone.localtime(computed_at, filters.tz),
        },
    )


@for_operators
@require_GET
def health_csv(request):
    """One figure's table (``?figure=key``), or every figure in long form."""
    _, filters = _filters(request)
    _, figures = selectors.community_health_cached(filters)
    wanted = request.GET.get("figure", "")
    chosen = [f for f in figures if f.key == wanted]
    name = f"community-health-{wanted if chosen else 'all'}-{filters.now:%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    if chosen:
        writer.writerow(chosen[0].columns)
        writer.writerows([_csv_cell(v) for v in row] for row in chosen[0].rows)
        return response
    writer.writerow(["figure", "row", "column", "value"])
    for figure in figures:
        for label, value in figure.facts:
            writer.writerow([figure.title, "", label, _csv_cell(value)])
        for row in figure.rows:
            for column, value in zip(figure.columns[1:], row[1:], strict=True):
                writer.writerow([figure.title, _csv_cell(row[0]), column, _csv_cell(value)])
    return response


def _csv_cell(value):
    """Numbers as they are; a hidden small cell as "<5"; no data as empty; text
    that a spreadsheet would run as a formula is quoted with a leading '."""
    if value is None:
        return ""
    if value == selectors.HIDDEN:
        return f"<{selectors.SMALL_CELL}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
