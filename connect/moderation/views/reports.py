"""Reporting: the form and its answer page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from connect.circles.models import Circle, Membership

from ..forms import (
    ReportForm,
)
from ..models import Report
from ..selectors import is_moderator
from ..services import (
    ModerationError,
    TargetNotFound,
    reasons_for,
    report_create,
    report_target_resolve,
)

# --- Safety centre ---------------------------------------------------------


@login_required
@require_GET
def home(request):
    facilitated = Circle.objects.filter(
        memberships__user=request.user,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.FACILITATOR,
    ).order_by("name")
    return render(
        request,
        "moderation/home.html",
        {"facilitated": facilitated, "is_moderator": is_moderator(request.user)},
    )


# --- Reports ---------------------------------------------------------------


def target_person(target_type, target):
    """Who a member or message report is about (None for circles and meetups)."""
    if target_type == Report.TargetType.MEMBER:
        return target
    if target_type == Report.TargetType.MESSAGE:
        return target.author
    return None


@login_required
def report(request):
    source = request.POST if request.method == "POST" else request.GET
    initial = {"target_type": source.get("type") or source.get("target_type")}
    try:
        initial["target_id"] = int(source.get("id") or source.get("target_id") or 0)
    except ValueError:
        initial["target_id"] = 0
    try:
        target = report_target_resolve(request.user, initial["target_type"], initial["target_id"])
    except ModerationError as exc:
        status = 404 if isinstance(exc, TargetNotFound) else 400
        return render(request, "moderation/report_error.html", {"error": str(exc)}, status=status)
    form = ReportForm(
        request.POST or None, initial=initial, reasons=reasons_for(initial["target_type"])
    )
    if request.method == "POST" and form.is_valid():
        try:
            report_create(
                request.user,
                form.cleaned_data["target_type"],
                form.cleaned_data["target_id"],
                form.cleaned_data["reason"],
                form.cleaned_data["note"],
            )
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("moderation:report_sent")
    status = 400 if form.errors else 200
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "target": target,
            "target_type": initial["target_type"],
            "person": target_person(initial["target_type"], target),
        },
        status=status,
    )


@login_required
@require_GET
def report_sent(request):
    return render(request, "moderation/report_sent.html")
