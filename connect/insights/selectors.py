"""Community health: every figure, read with aggregate queries only.

Each ``*_figure`` function runs a fixed number of queries (one to three)
whatever the data size: counts, medians (``aggregates.Median``) and
week-by-week groups are computed by the database; Python only shapes the
grouped rows (at most one per week, month or round) into tables and charts.

Weeks start on Monday 00:00 in the viewer's time zone (``Filters.zone``), so
a meetup late on a Sunday evening in London belongs to that week, not the next,
across DST changes too. "Did you feel heard" answers are shown only in
aggregate: any count under ``SMALL_CELL`` (5) is hidden, and when a row hides
just one count the next smallest is hidden too, so it cannot be worked out
from the total.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Mode as ProfileMode
from accounts.models import Profile, User
from connect.circles.models import Circle, Invitation, MatchRound, Membership
from connect.meetups.models import RSVP, CheckIn, Feedback, Occurrence
from connect.moderation.models import CrisisAlert, Report
from connect.safety.models import Block

from .aggregates import Median, Seconds
from .charts import Chart, Series

SMALL_CELL = 5  # fewer "felt heard" answers than this are never shown
HIDDEN = _("fewer than 5")
PERIODS = {
    4: _("Last 4 weeks"),
    12: _("Last 12 weeks"),
    26: _("Last 26 weeks"),
    52: _("Last 52 weeks"),
}
DEFAULT_WEEKS = 26
MODES = {"in_person": _("In person"), "virtual": _("By video")}
LAST_ROUNDS = 26  # rounds shown in the round charts
REASON_ROUNDS = 8  # "why the last rounds left people unplaced"
RETENTION_WEEKS = (4, 8, 12)
CANCELLED = Occurrence.Status.CANCELLED

Cell = int | float | str | None


@dataclass(frozen=True)
class Filters:
    weeks: int = DEFAULT_WEEKS
    mode: str = ""  # "", "in_person" or "virtual"
    city: str = ""
    zone: str = "UTC"  # the viewer's IANA zone: where weeks and months begin
    now: datetime = field(default_factory=timezone.now)
    since: date | None = None  # instead of ``weeks``: from the week holding this date

    def __post_init__(self):
        if self.since is not None:
            today = self.now.astimezone(self.tz).date()
            this_monday = today - timedelta(days=today.weekday())
            first_monday = self.since - timedelta(days=self.since.weekday())
            object.__setattr__(self, "weeks", max(1, (this_monday - first_monday).days // 7 + 1))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def week_starts(self) -> list[date]:
        """Local Mondays of the period, oldest first; the last is this week."""
        today = self.now.astimezone(self.tz).date()
        monday = today - timedelta(days=today.weekday())
        return [monday - timedelta(weeks=n) for n in range(self.weeks - 1, -1, -1)]

    @property
    def start(self) -> datetime:
        """Monday 00:00 local time of the period's first week."""
        return datetime.combine(self.week_starts[0], time(0), tzinfo=self.tz)

    def circles(self, prefix: str = "") -> Q:
        """Rows whose circle matches the mode and city filters."""
        q = Q()
        if self.mode:
            q &= Q(**{f"{prefix}mode": self.mode})
        if self.city:
            q &= Q(**{f"{prefix}city_name__iexact": self.city})
        return q

    def people(self, prefix: str = "") -> Q:
        """People whose profile matches: "either" counts for both modes."""
        q = Q()
        if self.mode:
            q &= Q(**{f"{prefix}mode__in": [self.mode, ProfileMode.EITHER]})
        if self.city:
            q &= Q(**{f"{prefix}city_name__iexact": self.city})
        return q

    def describe(self) -> str:
        if self.since is not None:
            day = formats.date_format(self.week_starts[0], pgettext("date format", "j F Y"))
            parts = [gettext("since the week of %(day)s") % {"day": day}]
        else:
            period = PERIODS.get(self.weeks) or gettext("Last %(weeks)s weeks") % {
                "weeks": self.weeks
            }
            parts = [str(period).lower()]
        parts.append(
            str(MODES[self.mode]).lower() if self.mode else gettext("in person and by video")
        )
        parts.append(self.city if self.city else gettext("every city"))
        return (
            ", ".join(parts)
            + " "
            + gettext("(weeks start on Monday, %(zone)s)") % {"zone": self.zone}
        )


@dataclass
class Figure:
    key: str
    title: str
    question: str
    columns: list[str]
    rows: list[list[Cell]]
    chart: Chart | None = None
    facts: list[tuple[str, Cell]] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "question": self.question,
            "facts": {label: value for label, value in self.facts},
            "columns": self.columns,
            "rows": self.rows,
            "note": self.note,
        }


def share(part: float | None, whole: float | None) -> float | None:
    """``part`` as a percentage of ``whole``, to one decimal; None when whole is 0."""
    if part is None or not whole:
        return None
    return round(100.0 * part / whole, 1)


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _week_key(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def week_label(day: date) -> str:
    return formats.date_format(day, "j M")


def _by_week(filters: Filters, rows, key: str = "week") -> dict[date, dict]:
    return {_week_key(row[key]): row for row in rows}


# --- Waiting and matching -------------------------------------------------------

WAIT_BUCKETS = [
    (0, 0, _("Not yet through a round")),
    (1, 1, _("1 round")),
    (2, 3, _("2–3 rounds")),
    (4, 7, _("4–7 rounds")),
    (8, None, _("8 rounds or more")),
]


def waiting_figure(f: Filters) -> Figure:
    """People waiting now, by how many matching rounds they have waited. 1 query."""
    buckets = {}
    for i, (low, high, _label) in enumerate(WAIT_BUCKETS):
        q = Q(waiting_rounds__gte=low)
        if high is not None:
            q &= Q(waiting_rounds__lte=high)
        buckets[f"b{i}"] = Count("pk", filter=q)
    agg = (
        Profile.objects.filter(is_looking=True, onboarded_at__isnull=False, user__is_active=True)
        .filter(f.people())
        .aggregate(total=Count("pk"), median=Median("waiting_rounds"), **buckets)
    )
    counts = [agg[f"b{i}"] for i in range(len(WAIT_BUCKETS))]
    labels = [str(label) for _, _, label in WAIT_BUCKETS]
    return Figure(
        key="waiting",
        title=gettext("People waiting now"),
        question=gettext("How many people are waiting for a circle, and for how many rounds."),
        columns=[gettext("Rounds waited"), gettext("People")],
        rows=[[label, n] for label, n in zip(labels, counts, strict=True)],
        chart=Chart("bars", tuple(labels), (Series(gettext("People"), tuple(counts)),)),
        facts=[
            (gettext("Waiting now"), agg["total"]),
            (gettext("Median rounds waited"), rounded(agg["median"])),
        ],
        note=gettext("Now, whatever the period; matching rounds run weekly."),
    )


def _rounds(f: Filters) -> list[Any]:
    """The period's last rounds, oldest first. 1 query."""
    rows = list(
        MatchRound.objects.filter(
            status=MatchRound.Status.DONE, started_at__gte=f.start, started_at__lte=f.now
        )
        .order_by("-started_at", "-pk")
        .values(
            "started_at",
            "seekers",
            "placeable",
            "placed",
            "circles_proposed",
            "top_ups",
            "quality_ratio",
            "seconds",
            "unplaced_reasons",
        )[:LAST_ROUNDS]
    )
    rows.reverse()
    return rows


def round_label(f: Filters, when: datetime) -> str:
    return formats.date_format(when.astimezone(f.tz), "j M")


def rounds_figure(f: Filters, rounds: list[dict]) -> Figure:
    labels = tuple(round_label(f, r["started_at"]) for r in rounds)
    placed = [min(share(r["placed"], r["placeable"]) or 0.0, 100.0) for r in rounds]
    placed_or_none = [p if r["placeable"] else None for p, r in zip(placed, rounds, strict=True)]
    quality = [share(r["quality_ratio"], 1) for r in rounds]
    rows = [
        [
            label,
            r["seekers"],
            r["circles_proposed"],
            r["top_ups"],
            r["placeable"],
            r["placed"],
            p,
            q,
            rounded(r["seconds"]),
        ]
        for label, r, p, q in zip(labels, rounds, placed_or_none, quality, strict=True)
    ]
    return Figure(
        key="rounds",
        title=gettext("Matching rounds"),
        question=(
            gettext(
                "Circles formed per round, each round's placed share of the people it could "
                "place, its quality against the engine's bound, and its time."
            )
        ),
        columns=[
            gettext("Round"),
            gettext("Seekers"),
            gettext("New circles"),
            gettext("Seats filled in open circles"),
            gettext("Placeable"),
            gettext("Placed"),
            gettext("Placed % of placeable"),
            gettext("Quality % of bound"),
            gettext("Seconds"),
        ],
        rows=rows,
        chart=Chart(
            "lines",
            labels,
            (
                Series(gettext("Placed % of placeable"), tuple(placed_or_none)),
                Series(gettext("Quality % of bound"), tuple(quality)),
            ),
            unit="%",
            max_value=100,
        ),
        facts=[
            (gettext("Rounds"), len(rounds)),
            (gettext("New circles"), sum(r["circles_proposed"] for r in rounds)),
        ],
        note=gettext("The last %(count)s rounds of the period at most; all modes and cities.")
        % {"count": LAST_ROUNDS},
    )


def circles_formed_figure(f: Filters, rounds: list[dict]) -> Figure:
    labels = tuple(round_label(f, r["started_at"]) for r in rounds)
    new = tuple(r["circles_proposed"] for r in rounds)
    top = tuple(r["top_ups"] for r in rounds)
    return Figure(
        key="circles-formed",
        title=gettext("Circles formed per round"),
        question=gettext("New circles each round proposed, and open circles it filled seats in."),
        columns=[gettext("Round"), gettext("New circles"), gettext("Open circles topped up")],
        rows=[[label, n, t] for label, n, t in zip(labels, new, top, strict=True)],
        chart=Chart(
            "bars",
            labels,
            (Series(gettext("New circles"), new), Series(gettext("Open circles topped up"), top)),
        ),
        note=gettext("All modes and cities."),
    )


def reasons_figure(rounds: list[dict]) -> Figure:
    """Why the last rounds left people unplaced: the engine's reasons, summed."""
    counts: Counter[str] = Counter()
    for r in rounds[-REASON_ROUNDS:]:
        counts.update({str(k): int(v) for k, v in (r["unplaced_reasons"] or {}).items()})
    ordered = counts.most_common()
    total = sum(counts.values())
    labels = tuple(reason[:1].upper() + reason[1:] for reason, _ in ordered)
    return Figure(
        key="unplaced",
        title=gettext("Why people stayed waiting"),
        question=gettext("The matching engine's reasons in the last %(count)s rounds.")
        % {"count": REASON_ROUNDS},
        columns=[gettext("Reason"), gettext("People left waiting"), gettext("Share %")],
        rows=[[label, n, share(n, total)] for label, (_, n) in zip(labels, ordered, strict=True)],
        chart=Chart("hbars", labels, (Series(gettext("People"), tuple(n for _, n in ordered)),)),
        facts=[(gettext("Left waiting"), total)],
        note=gettext(
            "A person waiting several rounds is counted once per round. All modes and cities."
        ),
    )


def invitations_figure(f: Filters) -> Figure:
    """Invitations sent in the period, by answer. 1 query."""
    S = Invitation.Status
    agg = Invitation.objects.filter(
        Q(created_at__gte=f.start, created_at__lte=f.now) & f.circles("circle__")
    ).aggregate(
        sent=Count("pk"),
        **{s.value: Count("pk", filter=Q(status=s)) for s in S},
    )
    decided = agg[S.ACCEPTED] + agg[S.DECLINED] + agg[S.EXPIRED]
    answers = [
        (gettext("Accepted"), S.ACCEPTED),
        (gettext("Declined"), S.DECLINED),
        (gettext("Expired"), S.EXPIRED),
    ]
    rates = [share(agg[s], decided) for _, s in answers]
    return Figure(
        key="invitations",
        title=gettext("Invitations"),
        question=(
            gettext(
                "Of the invitations answered or expired: the share accepted, declined "
                "and left to expire."
            )
        ),
        columns=[gettext("Answer"), gettext("Invitations"), gettext("Rate %")],
        rows=[[label, agg[s], rate] for (label, s), rate in zip(answers, rates, strict=True)]
        + [[gettext("Still waiting for an answer"), agg[S.PENDING], None]],
        chart=Chart(
            "hbars",
            tuple(label for label, _ in answers),
            (Series(gettext("Rate"), tuple(rates)),),
            unit="%",
            max_value=100,
        ),
        facts=[(gettext("Sent"), agg["sent"]), (gettext("Acceptance rate"), rates[0])],
    )


# --- Meeting ----------------------------------------------------------------------

FIRST_MEETUP_BUCKETS = [
    (0, 7, _("Within a week")),
    (7, 14, _("1–2 weeks")),
    (14, 28, _("2–4 weeks")),
    (28, 56, _("1–2 months")),
    (56, None, _("2 months or more")),
]


def first_meetup_figure(f: Filters) -> Figure:
    """Days from sign-up to the first meetup checked in at, for people who signed
    up in the period. 1 query (each person's first meetup grouped inside it)."""
    people = (
        User.objects.filter(is_active=True, date_joined__gte=f.start, date_joined__lte=f.now)
        .filter(f.people("profile__"))
        .annotate(
            first_at=Min(
                "meetup_checkins__occurrence__starts_at",
                filter=~Q(meetup_checkins__occurrence__status=CANCELLED),
            )
        )
        .annotate(days=Seconds(F("first_at"), F("date_joined")) / 86400.0)
    )
    buckets = {}
    for i, (low, high, _label) in enumerate(FIRST_MEETUP_BUCKETS):
        q = Q(first_at__isnull=False, days__gte=low)
        if high is not None:
            q &= Q(days__lt=high)
        buckets[f"b{i}"] = Count("pk", filter=q)
    agg = people.aggregate(
        joined=Count("pk"),
        met=Count("pk", filter=Q(first_at__isnull=False)),
        median=Median("days", filter=Q(first_at__isnull=False)),
        **buckets,
    )
    counts = [agg[f"b{i}"] for i in range(len(FIRST_MEETUP_BUCKETS))]
    labels = [str(label) for _, _, label in FIRST_MEETUP_BUCKETS]
    not_yet = agg["joined"] - agg["met"]
    return Figure(
        key="first-meetup",
        title=gettext("From sign-up to a first meetup"),
        question=gettext(
            "How long people who signed up in the period took to attend their first meetup."
        ),
        columns=[gettext("Time to first meetup"), gettext("People")],
        rows=[[label, n] for label, n in zip(labels, counts, strict=True)]
        + [[gettext("Not yet"), not_yet]],
        chart=Chart("bars", tuple(labels), (Series(gettext("People"), tuple(counts)),)),
        facts=[
            (gettext("Signed up"), agg["joined"]),
            (gettext("Attended a meetup"), agg["met"]),
            (gettext("Median days"), rounded(agg["median"])),
        ],
        note=gettext(
            "Attended means checked in. The mode and city are those of the person's profile."
        ),
    )


def attendance_figure(f: Filters) -> Figure:
    """Per week: RSVP "yes" (not waitlisted) against check-ins, for meetups that
    have happened. 2 queries."""
    occ = (
        Q(occurrence__starts_at__gte=f.start, occurrence__starts_at__lt=f.now)
        & ~Q(occurrence__status=CANCELLED)
        & f.circles("occurrence__circle__")
    )
    week = TruncWeek("occurrence__starts_at", tzinfo=f.tz)
    going = _by_week(
        f,
        RSVP.objects.filter(occ, answer=RSVP.Answer.YES, waitlisted=False)
        .annotate(week=week)
        .values("week")
        .annotate(n=Count("pk"))
        .order_by(),
    )
    came = _by_week(
        f,
        CheckIn.objects.filter(occ)
        .annotate(week=week)
        .values("week")
        .annotate(n=Count("pk"))
        .order_by(),
    )
    weeks = f.week_starts
    yes = [going.get(w, {}).get("n", 0) for w in weeks]
    attended = [came.get(w, {}).get("n", 0) for w in weeks]
    labels = tuple(week_label(w) for w in weeks)
    return Figure(
        key="attendance",
        title=gettext("Meetup attendance against RSVPs"),
        question=gettext("Each week: people who said they would come, and people who checked in."),
        columns=[
            gettext("Week of"),
            gettext("Said yes"),
            gettext("Checked in"),
            gettext("Checked in % of yes"),
        ],
        rows=[
            [label, y, a, share(a, y)] for label, y, a in zip(labels, yes, attended, strict=True)
        ],
        chart=Chart(
            "bars",
            labels,
            (
                Series(gettext("Said yes"), tuple(yes)),
                Series(gettext("Checked in"), tuple(attended)),
            ),
        ),
        facts=[
            (gettext("Said yes"), sum(yes)),
            (gettext("Checked in"), sum(attended)),
            (gettext("Checked in % of yes"), share(sum(attended), sum(yes))),
        ],
        note=gettext(
            "People who came without saying yes count as checked in, so the share can pass 100%."
        ),
    )


def retention_figure(f: Filters) -> Figure:
    """Circles that became active in each month of the period: the share still
    meeting (a meetup at or after) 4, 8 and 12 weeks later. 1 query."""
    last = (
        Occurrence.objects.filter(circle=OuterRef("pk"), starts_at__lte=f.now)
        .exclude(status=CANCELLED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    aggs = {"formed": Count("pk")}
    for w in RETENTION_WEEKS:
        after = ExpressionWrapper(
            F("activated_at") + timedelta(weeks=w), output_field=DateTimeField()
        )
        old_enough = Q(activated_at__lte=f.now - timedelta(weeks=w))
        aggs[f"old{w}"] = Count("pk", filter=old_enough)
        aggs[f"met{w}"] = Count("pk", filter=old_enough & Q(last__gte=after))
    cohorts = list(
        Circle.objects.filter(activated_at__gte=f.start, activated_at__lte=f.now)
        .filter(f.circles())
        .annotate(last=Subquery(last, output_field=DateTimeField()))
        .annotate(month=TruncMonth("activated_at", tzinfo=f.tz))
        .values("month")
        .annotate(**aggs)
        .order_by("month")
    )
    labels = tuple(formats.date_format(c["month"], "M Y") for c in cohorts)
    shares = {w: tuple(share(c[f"met{w}"], c[f"old{w}"]) for c in cohorts) for w in RETENTION_WEEKS}
    rows = []
    for i, (label, c) in enumerate(zip(labels, cohorts, strict=True)):
        rows.append([label, c["formed"], *(shares[w][i] for w in RETENTION_WEEKS)])
    return Figure(
        key="retention",
        title=gettext("Circles still meeting"),
        question=(
            gettext(
                "Of the circles formed each month, the share still meeting 4, 8 and 12 weeks later."
            )
        ),
        columns=[
            gettext("Formed in"),
            gettext("Circles"),
            *(gettext("Meeting after %(weeks)s weeks %%") % {"weeks": w} for w in RETENTION_WEEKS),
        ],
        rows=rows,
        chart=Chart(
            "bars",
            labels,
            tuple(
                Series(gettext("After %(weeks)s weeks") % {"weeks": w}, shares[w])
                for w in RETENTION_WEEKS
            ),
            unit="%",
            max_value=100,
        ),
        facts=[(gettext("Circles formed"), sum(c["formed"] for c in cohorts))],
        note=gettext(
            "Still meeting: a meetup at or after that week. Empty where it is too soon to tell."
        ),
    )


# --- Feeling heard ----------------------------------------------------------------

HEARD = ("yes", "somewhat", "no")


def suppress(counts: dict[str, int]) -> dict[str, int | str]:
    """Counts with every small cell hidden: the total and any answer under 5;
    when exactly one answer is hidden, the next smallest too (else the total
    would give it away)."""
    total = sum(counts.values())
    if total < SMALL_CELL:
        hidden_text = str(HIDDEN)
        return {"total": hidden_text, **{k: hidden_text for k in counts}}
    hidden = {k for k, n in counts.items() if n < SMALL_CELL}
    if len(hidden) == 1:
        rest = sorted((n, k) for k, n in counts.items() if k not in hidden)
        if rest:
            hidden.add(rest[0][1])
    shown: dict[str, int | str] = {"total": total}
    shown.update({k: (str(HIDDEN) if k in hidden else n) for k, n in counts.items()})
    return shown


def heard_figure(f: Filters) -> Figure:
    """Per week of the meetup: the private answers, in aggregate only. 1 query."""
    rows_by_week = _by_week(
        f,
        Feedback.objects.filter(
            Q(occurrence__starts_at__gte=f.start, occurrence__starts_at__lt=f.now)
            & f.circles("occurrence__circle__")
        )
        .annotate(week=TruncWeek("occurrence__starts_at", tzinfo=f.tz))
        .values("week")
        .annotate(**{h: Count("pk", filter=Q(heard=h)) for h in HEARD})
        .order_by(),
    )
    weeks = f.week_starts
    labels = tuple(week_label(w) for w in weeks)
    rows: list[list[Cell]] = []
    yes_share: list[float | None] = []
    totals: Counter[str] = Counter()
    for label, w in zip(labels, weeks, strict=True):
        counts = {h: rows_by_week.get(w, {}).get(h, 0) for h in HEARD}
        totals.update(counts)
        shown = suppress(counts)
        yes = shown["yes"]
        yes_share.append(share(yes, sum(counts.values())) if isinstance(yes, int) else None)
        rows.append([label, shown["total"], *(shown[h] for h in HEARD)])
    overall = suppress({h: totals[h] for h in HEARD})
    rows.append([gettext("Whole period"), overall["total"], *(overall[h] for h in HEARD)])
    overall_yes = overall["yes"]
    return Figure(
        key="heard",
        title=gettext("Did people feel heard?"),
        question=gettext(
            "The private answer after each meetup, counted by week, never per person."
        ),
        columns=[
            gettext("Week of"),
            gettext("Answers"),
            gettext("Yes"),
            gettext("Somewhat"),
            gettext("No"),
        ],
        rows=rows,
        chart=Chart(
            "lines",
            labels,
            (Series(gettext("Felt heard (yes) %"), tuple(yes_share)),),
            unit="%",
            max_value=100,
        ),
        facts=[
            (
                gettext("Felt heard (yes) %"),
                share(overall_yes, sum(totals.values()))
                if isinstance(overall_yes, int)
                else str(HIDDEN),
            )
        ],
        note=(
            gettext(
                "Counts under %(count)s are hidden, and a second count with them when one alone "
                "would be given away by the total."
            )
            % {"count": SMALL_CELL}
        ),
    )


# --- Safety -----------------------------------------------------------------------


def safety_figure(f: Filters) -> Figure:
    """Reports opened and crisis alerts per week; the median time to a moderator's
    first action and to an alert's acknowledgement. 4 queries."""
    period = Q(created_at__gte=f.start, created_at__lte=f.now)
    week = TruncWeek("created_at", tzinfo=f.tz)
    reports = Report.objects.filter(period)
    alerts = CrisisAlert.objects.filter(period & f.circles("circle__"))
    reports_by_week = _by_week(
        f, reports.annotate(week=week).values("week").annotate(n=Count("pk")).order_by()
    )
    alerts_by_week = _by_week(
        f, alerts.annotate(week=week).values("week").annotate(n=Count("pk")).order_by()
    )
    r = reports.aggregate(
        opened=Count("pk"),
        still_open=Count("pk", filter=Q(status=Report.Status.OPEN)),
        median=Median(
            Seconds(F("resolved_at"), F("created_at")), filter=Q(resolved_at__isnull=False)
        ),
    )
    a = alerts.aggregate(
        raised=Count("pk"),
        open=Count("pk", filter=Q(handled_at__isnull=True)),
        median=Median(
            Seconds(F("handled_at"), F("created_at")), filter=Q(handled_at__isnull=False)
        ),
    )
    weeks = f.week_starts
    labels = tuple(week_label(w) for w in weeks)
    opened = tuple(reports_by_week.get(w, {}).get("n", 0) for w in weeks)
    raised = tuple(alerts_by_week.get(w, {}).get("n", 0) for w in weeks)
    return Figure(
        key="safety",
        title=gettext("Reports and crisis alerts"),
        question=gettext(
            "Reports opened and crisis alerts raised each week, and how fast people acted."
        ),
        columns=[gettext("Week of"), gettext("Reports opened"), gettext("Crisis alerts")],
        rows=[[label, o, c] for label, o, c in zip(labels, opened, raised, strict=True)],
        chart=Chart(
            "bars",
            labels,
            (Series(gettext("Reports opened"), opened), Series(gettext("Crisis alerts"), raised)),
        ),
        facts=[
            (gettext("Reports opened"), r["opened"]),
            (gettext("Reports still open"), r["still_open"]),
            (gettext("Median hours to first moderator action"), rounded(_hours(r["median"]))),
            (gettext("Crisis alerts"), a["raised"]),
            (gettext("Alerts not yet acknowledged"), a["open"]),
            (gettext("Median minutes to acknowledge"), rounded(_minutes(a["median"]))),
        ],
        note=(
            gettext(
                "Reports: every mode and city (a report is about a person, a message, a "
                "circle or a meetup)."
            )
        ),
    )


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def blocks_and_leaves_figure(f: Filters) -> Figure:
    """Blocks made and members leaving per week, per 100 members of the period's
    circles (a warning sign for a circle's health). 3 queries."""
    period = Q(ended_at__gte=f.start, ended_at__lte=f.now)
    members = Membership.objects.filter(
        Q(joined_at__lte=f.now)
        & (Q(ended_at__isnull=True) | Q(ended_at__gte=f.start))
        & f.circles("circle__")
    ).aggregate(n=Count("pk"))["n"]
    # A circle closing ends every membership with it: that is not someone leaving.
    leaves = _by_week(
        f,
        Membership.objects.filter(period & f.circles("circle__"), status=Membership.Status.LEFT)
        .exclude(
            circle__closed_at__isnull=False,
            ended_at__gte=F("circle__closed_at") - timedelta(minutes=1),
        )
        .annotate(week=TruncWeek("ended_at", tzinfo=f.tz))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by(),
    )
    blocks = _by_week(
        f,
        Block.objects.filter(
            Q(created_at__gte=f.start, created_at__lte=f.now) & f.people("blocker__profile__")
        )
        .annotate(week=TruncWeek("created_at", tzinfo=f.tz))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by(),
    )
    weeks = f.week_starts
    labels = tuple(week_label(w) for w in weeks)
    b = [blocks.get(w, {}).get("n", 0) for w in weeks]
    left = [leaves.get(w, {}).get("n", 0) for w in weeks]
    b100 = [share(n, members) for n in b]
    l100 = [share(n, members) for n in left]
    return Figure(
        key="blocks-leaves",
        title=gettext("Blocks and leaves per 100 members"),
        question=gettext("People blocking someone and members leaving their circle, each week."),
        columns=[
            gettext("Week of"),
            gettext("Blocks"),
            gettext("Leaves"),
            gettext("Blocks per 100 members"),
            gettext("Leaves per 100 members"),
        ],
        rows=[[label, *vals] for label, *vals in zip(labels, b, left, b100, l100, strict=True)],
        chart=Chart(
            "lines",
            labels,
            (
                Series(gettext("Blocks per 100"), tuple(b100)),
                Series(gettext("Leaves per 100"), tuple(l100)),
            ),
        ),
        facts=[
            (gettext("Members in the period"), members),
            (gettext("Blocks per 100 members"), share(sum(b), members)),
            (gettext("Leaves per 100 members"), share(sum(left), members)),
        ],
        note=(
            gettext(
                "Per 100 people who were members at any time in the period. A block's mode "
                "and city are the blocker's."
            )
        ),
    )


# --- The whole page -----------------------------------------------------------------


def city_choices() -> list[str]:
    """Cities with an in-person circle, for the filter. 1 query."""
    return list(
        Circle.objects.exclude(city_name="")
        .order_by("city_name")
        .values_list("city_name", flat=True)
        .distinct()
    )


def cache_key(f: Filters) -> str:
    """One cache entry per choice of filters (and zone and language): the figures are
    the same for every moderator who chose them and reads the page in that language."""
    parts = (f.weeks, f.mode, f.city.casefold(), f.zone, f.since, translation.get_language())
    return "insights:v1:" + ":".join(str(part) for part in parts)


def community_health_cached(f: Filters) -> tuple[datetime, list[Figure]]:
    """``community_health`` through the cache: (when computed, figures). The figures
    for one choice of filters are kept ``CONNECT_INSIGHTS_CACHE_SECONDS`` (aggregates
    only, nothing about one person); 0 computes them every time."""
    seconds = settings.CONNECT_INSIGHTS_CACHE_SECONDS
    if seconds <= 0:
        return f.now, community_health(f)
    key = cache_key(f)
    cached = cache.get(key)
    if cached is None:
        cached = (f.now, community_health(f))
        cache.set(key, cached, seconds)
    return cached


def community_health(f: Filters) -> list[Figure]:
    """Every figure, in the page's order. 15 queries whatever the data size."""
    rounds = _rounds(f)
    return [
        waiting_figure(f),
        reasons_figure(rounds),
        circles_formed_figure(f, rounds),
        rounds_figure(f, rounds),
        invitations_figure(f),
        first_meetup_figure(f),
        attendance_figure(f),
        retention_figure(f),
        heard_figure(f),
        safety_figure(f),
        blocks_and_leaves_figure(f),
    ]


# --- A facilitator's own circle ------------------------------------------------------

CIRCLE_MEETUPS = 8  # the last meetups shown on the circle page
FACILITATOR_MIN_ANSWERS = 3  # a meetup's "felt heard" share needs at least this many answers
DROP_RATIO = 0.75  # recent attendance at or under 75% of before: a gentle prompt


@dataclass
class CircleHealth:
    columns: list[str]
    rows: list[list[Cell]]
    chart: Chart
    attendance_dropped: bool
    meetups: int


def circle_health(circle_id: int, now: datetime, zone: str = "UTC") -> CircleHealth:
    """The circle's last meetups that happened: people who said yes, people who
    checked in, and the share who felt heard (only where at least 3 answered).
    1 query."""
    tz = ZoneInfo(zone)
    meetups = list(
        Occurrence.objects.filter(circle_id=circle_id, starts_at__lt=now)
        .exclude(status=CANCELLED)
        .order_by("-starts_at", "-pk")
        .annotate(
            going=Count(
                "rsvps",
                filter=Q(rsvps__answer=RSVP.Answer.YES, rsvps__waitlisted=False),
                distinct=True,
            ),
            came=Count("checkins", distinct=True),
            answers=Count("feedback", distinct=True),
            heard=Count("feedback", filter=Q(feedback__heard="yes"), distinct=True),
        )
        .values("starts_at", "going", "came", "answers", "heard")[:CIRCLE_MEETUPS]
    )
    meetups.reverse()
    labels = tuple(formats.date_format(m["starts_at"].astimezone(tz), "j M") for m in meetups)
    heard = [
        share(m["heard"], m["answers"]) if m["answers"] >= FACILITATOR_MIN_ANSWERS else None
        for m in meetups
    ]
    came = [m["came"] for m in meetups]
    rows: list[list[Cell]] = [
        [
            label,
            m["going"],
            m["came"],
            h
            if h is not None
            else gettext("fewer than %(count)s answers") % {"count": FACILITATOR_MIN_ANSWERS},
        ]
        for label, m, h in zip(labels, meetups, heard, strict=True)
    ]
    return CircleHealth(
        columns=[
            gettext("Meetup"),
            gettext("Said yes"),
            gettext("Came"),
            gettext("Felt heard (yes) %"),
        ],
        rows=rows,
        chart=Chart(
            "bars",
            labels,
            (
                Series(gettext("Said yes"), tuple(m["going"] for m in meetups)),
                Series(gettext("Came"), tuple(came)),
            ),
        ),
        attendance_dropped=attendance_dropped(came),
        meetups=len(meetups),
    )


def attendance_dropped(came: list[int]) -> bool:
    """The last two meetups averaged at most 75% of the (up to four) before them."""
    if len(came) < 4:
        return False
    recent, before = came[-2:], came[-6:-2]
    earlier = sum(before) / len(before)
    return earlier >= 2 and sum(recent) / 2 <= DROP_RATIO * earlier
