"""The moderators' review queue and the audit log."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from connect.access import not_found
from connect.circles.models import Circle, Membership

from .. import queue
from ..forms import (
    ActionForm,
    AuditSearchForm,
)
from ..models import ModerationAction, Report
from ..selectors import audit_entries_named
from ..services import (
    ModerationError,
    moderation_action_take,
)
from .common import for_moderators

Action = ModerationAction.Kind
User = get_user_model()

# --- Review queue (moderators) ----------------------------------------------


@for_moderators
@require_GET
def queue_list(request):
    order = request.GET.get("order", "newest")
    if order not in queue.ORDERINGS:
        order = "newest"
    return render(
        request,
        "moderation/queue.html",
        {
            "alerts": queue.open_alerts(),
            "appeals": queue.open_appeals(),
            "items": queue.report_groups(order),
            "order": order,
            "orderings": [
                ("newest", gettext("Newest")),
                ("oldest", gettext("Oldest")),
                ("most", gettext("Most reported")),
            ],
        },
    )


def _queue_target(target_type, target_id):
    if target_type not in Report.TargetType.values:
        raise not_found(gettext("Unknown kind of report."))
    reports = list(
        Report.objects.filter(
            target_type=target_type, target_id=target_id, status=Report.Status.OPEN
        ).select_related("reporter__profile")
    )
    obj = queue.target_object(target_type, target_id)
    if obj is None and not reports:
        raise not_found(gettext("Nothing reported here."))
    return obj, reports


def _queue_action_form(target_type, obj, person_id, data=None):
    kinds = [Action.DISMISS, Action.WARN, Action.MUTE, Action.REMOVE, Action.SUSPEND]
    if target_type == Report.TargetType.MESSAGE:
        kinds.insert(2, Action.HIDE_MESSAGE)
    people = []
    circles = queue.person_circles(person_id)
    if target_type in (Report.TargetType.CIRCLE, Report.TargetType.MEETUP):
        circle_id = queue.target_circle_id(target_type, obj)
        circles = Circle.objects.filter(pk=circle_id)
        people = [
            (m.user_id, f"{m.user.display_name} ({m.get_role_display()})")
            for m in Membership.objects.filter(
                circle_id=circle_id, status=Membership.Status.ACTIVE
            ).select_related("user__profile")
        ]
    return ActionForm(data, kinds=kinds, circles=circles, people=people)


@for_moderators
def queue_item(request, target_type, target_id):
    obj, reports = _queue_target(target_type, target_id)
    person_id = queue.target_person_id(target_type, obj)
    form = _queue_action_form(target_type, obj, person_id, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = None
        chosen = data.get("person") or person_id
        if chosen:
            person = User.objects.filter(pk=chosen).first()
        try:
            moderation_action_take(
                request.user,
                data["kind"],
                reason=data["reason"],
                user=person,
                circle=data.get("circle"),
                message=obj if data["kind"] == Action.HIDE_MESSAGE else None,
                ends_at=data["ends_at"],
                reports=reports,
            )
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                gettext("Done: %(action)s. It is in the audit log.")
                % {"action": Action(data["kind"]).label},
            )
            return redirect("moderation:queue")
    earlier, actions = queue.target_history(target_type, target_id, person_id)
    context_messages = (
        queue.message_context(obj) if target_type == Report.TargetType.MESSAGE and obj else []
    )
    return render(
        request,
        "moderation/queue_item.html",
        {
            "target_type": target_type,
            "target_id": target_id,
            "obj": obj,
            "reports": reports,
            "person_id": person_id,
            "person_circles": queue.person_circles(person_id),
            "context_messages": context_messages,
            "earlier_reports": earlier,
            "actions": actions,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- Audit log ----------------------------------------------------------------


@for_moderators
@require_GET
def audit_log(request):
    form = AuditSearchForm(request.GET or None)
    entries = ModerationAction.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            entries = entries.filter(reason__icontains=data["q"])
        if data.get("person"):
            entries = entries.filter(Q(target_user_id=data["person"]) | Q(actor_id=data["person"]))
        if data.get("kind"):
            entries = entries.filter(kind=data["kind"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/audit.html",
        {"form": form, "page": page, "entries": audit_entries_named(page.object_list)},
    )
