"""Meetup pages. Thin: who may do what via ``permissions``, reads via
selectors, writes via services (which ask ``permissions`` again).

Every member-only page answers 404 to non-members, so nobody outside a circle
learns a meetup's time, venue, video link or who is coming; people who have not
agreed yet are sent to the agreements step (``answers_access_denied``).
"""

from datetime import date, timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.zones import is_zone, zone_or_utc
from connect.access import answers_access_denied
from connect.circles.permissions import access_circle_as_member

from . import ics, permissions, selectors, services
from .forms import CheckInForm, MeetupPreferenceForm, MoveForm, RSVPForm, ScheduleForm

FEED_SESSION_KEY = "meetups_new_feed_url"
WEEK_OUT_OF_RANGE = _("Pick a week from today up to two years ahead.")
# How far back an old "?week=" link still works (it then starts from now).
WEEK_BACK = timedelta(days=366)


def agreed_first(view):
    """Meetup pages are for people who finished onboarding's agreements: asked
    before anything else (even the method), as ``permissions.access_agreed``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        permissions.access_agreed(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def _tz(user) -> ZoneInfo:
    return zone_or_utc(getattr(getattr(user, "profile", None), "timezone", ""))


def _week_of(request) -> tuple[date | None, str]:
    """Where suggestions start: ``?week=YYYY-MM-DD``, else None (from now).

    Returns (week, error): a date outside the scheduling window is refused
    with a message (the page answers 400) instead of being used.
    """
    raw = request.GET.get("week", "")
    if not raw:
        return None, ""
    try:
        week = date.fromisoformat(raw)
    except ValueError:
        return None, str(WEEK_OUT_OF_RANGE)
    first, last = selectors.schedule_window()
    if not first - WEEK_BACK <= week <= last:
        return None, str(WEEK_OUT_OF_RANGE)
    return week, ""


@login_required
@answers_access_denied
@agreed_first
def circle_meetups(request, circle_id):
    """A circle's upcoming meetups, and the schedule form for those who may schedule."""
    membership = permissions.access_circle_meetups(request.user, circle_id)
    circle = membership.circle
    may_schedule = permissions.can_schedule(membership)
    form = None
    if may_schedule:
        if request.method == "POST":
            form = ScheduleForm(request.POST, circle=circle)
            if form.is_valid():
                series = services.schedule_series(circle, request.user, **form.series_fields())
                first = series.occurrences.order_by("starts_at").first()
                messages.success(request, gettext("Meetup scheduled. Members have been told."))
                return redirect("meetups:detail", first.pk)
        else:
            initial = {"timezone": _tz(request.user).key}
            for key in ("start_date", "start_time"):
                if request.GET.get(key):
                    initial[key] = request.GET[key]
            form = ScheduleForm(circle=circle, initial=initial)
    elif request.method == "POST":
        permissions.access_circle_to_schedule(request.user, circle_id, acting=False)

    week_of, week_error = _week_of(request)
    suggestions = []
    scheduler_tz = _tz(request.user).key
    if may_schedule:
        submitted = form["timezone"].value() or scheduler_tz
        scheduler_tz = submitted if is_zone(submitted) else "UTC"
        suggestions = selectors.suggest_times(circle.pk, scheduler_tz, week_of)
    start = selectors.suggestion_start(scheduler_tz, week_of).astimezone(ZoneInfo(scheduler_tz))
    last = selectors.schedule_window()[1]
    next_week = start.date() + timedelta(days=7)
    prev_week = start.date() - timedelta(days=7)
    context = {
        "circle": circle,
        "membership": membership,
        "occurrences": selectors.circle_upcoming(circle.pk, request.user),
        "recent": selectors.circle_recent(circle.pk),
        "form": form,
        "may_schedule": may_schedule,
        "suggestions": suggestions,
        "week_of": start.date(),
        "suggest_from": start,
        "week_error": week_error,
        "next_week": next_week if next_week <= last else None,
        "prev_week": prev_week if week_of and start.date() > timezone.now().date() else None,
    }
    status = 400 if (form is not None and form.errors) or week_error else 200
    return render(request, "meetups/circle.html", context, status=status)


@login_required
@answers_access_denied
@agreed_first
def detail(request, pk, move_form=None, checkin_form=None, status=200):
    """One occurrence: time in the viewer's zone, venue/link, who is coming, RSVP, check-in."""
    occurrence, membership = permissions.access_occurrence(request.user, pk)
    manage = permissions.can_manage(membership, occurrence.series)
    now = timezone.now()
    context = {
        "occurrence": occurrence,
        "series": occurrence.series,
        "circle": occurrence.circle,
        "membership": membership,
        "people": selectors.people_of(occurrence, request.user),
        "my_rsvp": selectors.my_rsvp(occurrence, request.user),
        "rsvp_choices": RSVPForm.base_fields["answer"].choices,
        "upcoming": occurrence.starts_at > now and not occurrence.is_cancelled,
        "can_manage": manage,
        "move_form": move_form
        or (MoveForm(tz_name=occurrence.series.timezone) if manage else None),
        "check_in_open": services.check_in_open(occurrence, now),
        "checked_in": selectors.has_checked_in(occurrence, request.user),
        "checkin_form": checkin_form or CheckInForm(),
        # How people felt is news only once the meetup is over.
        "summary": (
            selectors.feedback_summary(occurrence)
            if membership.is_facilitator and occurrence.ends_at <= now
            else None
        ),
        "viewer_tz": _tz(request.user).key,
    }
    return render(request, "meetups/detail.html", context, status=status)


@login_required
@answers_access_denied
@agreed_first
@require_GET
def occurrence_ics(request, pk):
    occurrence, _ = permissions.access_occurrence(request.user, pk)
    series = occurrence.series
    occurrences = list(series.occurrences.select_related("series").order_by("starts_at"))
    # The page's own occurrence first so the file's link points back to it.
    occurrences.sort(key=lambda occ: occ.pk != occurrence.pk)
    body = ics.series_calendar(series, occurrences)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meetup-{occurrence.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@answers_access_denied
@agreed_first
@require_POST
def rsvp(request, pk):
    occurrence, _ = permissions.access_occurrence(request.user, pk)
    form = RSVPForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose yes, maybe or no."))
        return redirect("meetups:detail", pk)
    try:
        row = services.rsvp(occurrence, request.user, form.cleaned_data["answer"])
    except services.MeetupError as exc:
        messages.error(request, str(exc))
        return redirect("meetups:detail", pk)
    if row.waitlisted:
        messages.info(
            request,
            gettext("It's full, so you're on the waiting list. We'll tell you if a place opens."),
        )
    else:
        messages.success(
            request,
            gettext("Your RSVP is saved: %(answer)s.") % {"answer": row.get_answer_display()},
        )
    return redirect("meetups:detail", pk)


@login_required
@answers_access_denied
@agreed_first
@require_POST
def cancel(request, pk):
    occurrence, _ = permissions.access_occurrence_to_manage(request.user, pk)
    services.cancel_occurrence(occurrence, request.user)
    messages.success(request, gettext("This meetup is cancelled. Members are being told."))
    return redirect("meetups:detail", pk)


@login_required
@answers_access_denied
@agreed_first
@require_POST
def move(request, pk):
    occurrence, _ = permissions.access_occurrence_to_manage(request.user, pk)
    form = MoveForm(request.POST, tz_name=occurrence.series.timezone)
    if form.is_valid():
        try:
            data = form.cleaned_data
            services.move_occurrence(occurrence, request.user, data["new_date"], data["new_time"])
        except services.MeetupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Meetup moved. Members have been told."))
            return redirect("meetups:detail", pk)
    return detail(request, pk, move_form=form, status=400)


@login_required
@answers_access_denied
@agreed_first
def edit_series(request, pk):
    series, _ = permissions.access_series_to_manage(request.user, pk)
    if request.method == "POST":
        form = ScheduleForm(request.POST, circle=series.circle, editing=True)
        if form.is_valid():
            services.edit_series(series, request.user, **form.series_fields())
            messages.success(
                request, gettext("Future meetups updated. Past ones stay as they were.")
            )
            return redirect("meetups:circle", series.circle_id)
    else:
        form = ScheduleForm(
            circle=series.circle, initial=selectors.edit_initial(series), editing=True
        )
    return render(
        request,
        "meetups/edit.html",
        {"form": form, "series": series, "circle": series.circle},
        status=400 if form.errors else 200,
    )


@login_required
@answers_access_denied
@agreed_first
@require_POST
def check_in(request, pk):
    occurrence, _ = permissions.access_occurrence(request.user, pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return detail(request, pk, checkin_form=form, status=400)
    try:
        services.check_in(
            occurrence, request.user, form.cleaned_data["heard"], form.cleaned_data["note"]
        )
    except services.MeetupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Thanks for checking in."))
    return redirect("meetups:detail", pk)


@login_required
@answers_access_denied
@agreed_first
def feed_settings(request):
    """Manage the private calendar feed: issue (or re-issue) and revoke."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            token = services.issue_feed_token(request.user)
            url = request.build_absolute_uri(reverse("meetups:feed", args=[token]))
            request.session[FEED_SESSION_KEY] = url
            messages.success(
                request, gettext("Your new calendar link is ready. Old links stop working.")
            )
        elif action == "revoke":
            services.revoke_feed_token(request.user)
            messages.success(request, gettext("Your calendar link is switched off."))
        return redirect("meetups:feed_settings")
    context = {
        "new_url": request.session.pop(FEED_SESSION_KEY, None),
        "active": request.user.meetup_feed_tokens.filter(revoked_at__isnull=True).first(),
    }
    return render(request, "meetups/feed.html", context)


@require_GET
def feed(request, token):
    """The private feed: no login (calendar apps can't log in); 404 once revoked."""
    user = services.feed_user(token)
    if user is None:
        raise Http404("No such calendar.")
    body = ics.feed_calendar(user, selectors.feed_occurrences(user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def preferences(request):
    pref = selectors.preference_for(request.user)
    form = MeetupPreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Meetup reminder settings saved."))
        return redirect("meetups:preferences")
    return render(request, "meetups/preferences.html", {"form": form})


@login_required
@answers_access_denied
@require_GET
def step_back(request, circle_id):
    """Where the "we missed you" note leads: easy ways to pause or leave, no guilt."""
    membership = access_circle_as_member(request.user, circle_id)
    return render(
        request,
        "meetups/step_back.html",
        {"circle": membership.circle, "pref": selectors.preference_for(request.user)},
    )
