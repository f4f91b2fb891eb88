"""The table beside each chart, built in Python (a page holds a few thousand
cells; the template language took most of the page's time drawing them)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


def cell(value) -> str:
    """A table value: thousands separated, one decimal, "—" for no data."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}"
    return str(value)


def table_html(columns: list[str], rows: list[list], caption: str, caption_id: str) -> SafeString:
    """A table with a caption, column headers and a row header per row (all escaped)."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = []
    for row in rows:
        first, *rest = row
        cells = "".join(f"<td>{escape(cell(v))}</td>" for v in rest)
        body.append(f'<tr><th scope="row">{escape(cell(first))}</th>{cells}</tr>')
    if not rows:
        no_data = escape(gettext("No data for this period."))
        body.append(f'<tr><td colspan="{len(columns)}">{no_data}</td></tr>')
    html = (
        f'<table><caption id="{escape(caption_id)}">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return mark_safe(html)  # noqa: S308  (every text is escaped above)
