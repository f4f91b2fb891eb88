"""Actions about me, appeals and warnings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from connect.access import answers_access_denied

from ..forms import (
    AppealDecisionForm,
    AppealForm,
)
from ..models import Appeal, ModerationAction
from ..permissions import (
    access_appeal,
    access_appeal_by_link,
    access_appeal_to_review,
    access_warning,
)
from ..services import (
    ModerationError,
    action_from_appeal_token,
    appeal_create,
    appeal_decide,
    warning_acknowledge,
)

Action = ModerationAction.Kind

# --- Actions about me, appeals, warnings ---------------------------------------


@login_required
@require_GET
def my_actions(request):
    actions = ModerationAction.objects.filter(
        target_user_id=request.user.pk, kind__in=[k.value for k in Action if k != Action.DISMISS]
    ).exclude(kind=Action.ACCOUNT_DELETED)
    appeals = {a.action_id: a for a in Appeal.objects.filter(appellant=request.user)}
    rows = [(a, appeals.get(a.pk)) for a in actions]
    return render(request, "moderation/my_actions.html", {"rows": rows})


def _appeal_page(request, action, user, post_url):
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_create(user, action, form.cleaned_data["text"])
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "moderation/appeal_sent.html")
    return render(
        request,
        "moderation/appeal.html",
        {"action": action, "form": form, "post_url": post_url},
        status=400 if form.errors else 200,
    )


@login_required
@answers_access_denied
def appeal(request, action_id):
    action = access_appeal(request.user, action_id)
    return _appeal_page(request, action, request.user, request.path)


@answers_access_denied
def appeal_by_link(request, token):
    """The signed link in a suspension email: a suspended person can't log in."""
    action = action_from_appeal_token(token)
    user = access_appeal_by_link(action)
    return _appeal_page(request, action, user, request.path)


@login_required
@answers_access_denied
def appeal_review(request, appeal_id):
    item = access_appeal_to_review(request.user, appeal_id)
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_decide(
                request.user,
                item,
                overturn=form.cleaned_data["decision"] == "overturn",
                reason=form.cleaned_data["reason"],
            )
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Appeal decided; the person has been told."))
            return redirect("moderation:queue")
    history = ModerationAction.objects.filter(target_user_id=item.action.target_user_id)[:50]
    return render(
        request,
        "moderation/appeal_review.html",
        {"appeal": item, "form": form, "history": history},
        status=400 if form.errors else 200,
    )


@login_required
@answers_access_denied
def warning(request, warning_id):
    item = access_warning(request.user, warning_id)
    if request.method == "POST":
        warning_acknowledge(request.user, item)
        messages.success(request, gettext("Thank you for reading the warning."))
        return redirect("dashboard")
    return render(
        request,
        "moderation/warning.html",
        {"warning": item, "appeal_url": reverse("moderation:appeal", args=[item.action_id])},
    )
