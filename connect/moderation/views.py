"""Safety pages: reports, blocks, the review queue, actions, appeals, the audit
log, crisis alerts, data export and account deletion. Views stay thin: the
rules live in services.py and the reads in selectors.py / queue.py."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connect.chat.models import Message
from connect.circles.models import Circle, Membership
from connect.ids import parse_id

from . import queue
from .data_rights import delete_account, export_all
from .forms import (
    FACILITATOR_DURATIONS,
    ActionForm,
    AppealDecisionForm,
    AppealForm,
    AuditSearchForm,
    DeleteAccountForm,
    NoteForm,
    ReportForm,
)
from .models import (
    Appeal,
    Block,
    CrisisAlert,
    ModerationAction,
    ModerationWarning,
    Report,
)
from .selectors import blockable_author, blockable_person, is_moderator
from .services import (
    FACILITATOR_ACTIONS,
    ModerationError,
    TargetNotFound,
    acknowledge_warning,
    action_from_appeal_token,
    actor_role,
    block_user,
    decide_appeal,
    file_appeal,
    file_report,
    handle_crisis_alert,
    leave_to_be_rematched,
    reasons_for,
    resolve_report_target,
    shared_circles,
    take_action,
    unblock_user,
)

Action = ModerationAction.Kind
User = get_user_model()


def moderator_required(view):
    """Logged in and a site moderator; anyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_moderator(request.user):
            raise PermissionDenied("Only site moderators can see this page.")
        return view(request, *args, **kwargs)

    return wrapper


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
        target = resolve_report_target(request.user, initial["target_type"], initial["target_id"])
    except ModerationError as exc:
        status = 404 if isinstance(exc, TargetNotFound) else 400
        return render(request, "moderation/report_error.html", {"error": str(exc)}, status=status)
    form = ReportForm(
        request.POST or None, initial=initial, reasons=reasons_for(initial["target_type"])
    )
    if request.method == "POST" and form.is_valid():
        try:
            file_report(
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


# --- Blocks ----------------------------------------------------------------


@login_required
@require_GET
def block_list(request):
    blocks = Block.objects.filter(blocker=request.user).select_related("blocked__profile")
    return render(request, "moderation/blocks.html", {"blocks": blocks})


def _block_target(request):
    """Who the request asks to block, by ``message_id`` (its author) or ``user_id``.

    Only people the requester shares or shared a circle with, or is already in
    a block with; everyone else raises the same 404 as an id nobody has.
    """
    source = request.POST if request.method == "POST" else request.GET
    message_id, user_id = parse_id(source.get("message_id")), parse_id(source.get("user_id"))
    other = None
    if message_id is not None:
        other = blockable_author(request.user, message_id)
    elif user_id is not None:
        other = blockable_person(request.user, user_id)
    if other is None:
        raise Http404("No such person.")
    return other, message_id


@login_required
@require_http_methods(["GET", "POST"])
def block(request):
    """GET: a page that names the person and says what a block does; POST: block."""
    other, message_id = _block_target(request)
    if request.method == "GET":
        return render(
            request,
            "moderation/block_confirm.html",
            {
                "other": other,
                "message_id": message_id,
                "already": Block.objects.filter(blocker=request.user, blocked=other).exists(),
            },
        )
    try:
        block_user(request.user, other)
    except ModerationError as exc:
        messages.error(request, str(exc))
        return redirect("moderation:blocks")
    messages.success(
        request,
        f"You blocked {other.display_name}. You won't see each other's messages "
        "and won't be matched together. They are not told.",
    )
    if shared_circles(request.user, other.pk).exists():
        return redirect("moderation:block_shared", user_id=other.pk)
    return redirect("moderation:blocks")


@login_required
@require_POST
def unblock(request, user_id):
    if not unblock_user(request.user, user_id):
        raise Http404("You have not blocked this person.")
    messages.success(request, "Unblocked.")
    return redirect("moderation:blocks")


@login_required
def block_shared(request, user_id):
    """After a block: the circles both are in, with 'move' and 'report' offers."""
    if not Block.objects.filter(blocker=request.user, blocked_id=user_id).exists():
        raise Http404("You have not blocked this person.")
    circles = shared_circles(request.user, user_id)
    if request.method == "POST":
        circle_id = parse_id(request.POST.get("circle_id"))
        if circle_id is None or not circles.filter(pk=circle_id).exists():
            raise Http404("Not a circle you share.")
        leave_to_be_rematched(request.user, circle_id)
        messages.success(
            request,
            "You left the circle. You are waiting for the next matching round, "
            "and you will not be matched with the person you blocked.",
        )
        return redirect("moderation:blocks")
    return render(
        request, "moderation/block_shared.html", {"circles": circles, "other_id": user_id}
    )


# --- Review queue (moderators) ----------------------------------------------


@moderator_required
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
            "orderings": [("newest", "Newest"), ("oldest", "Oldest"), ("most", "Most reported")],
        },
    )


def _queue_target(target_type, target_id):
    if target_type not in Report.TargetType.values:
        raise Http404("Unknown kind of report.")
    reports = list(
        Report.objects.filter(
            target_type=target_type, target_id=target_id, status=Report.Status.OPEN
        ).select_related("reporter__profile")
    )
    obj = queue.target_object(target_type, target_id)
    if obj is None and not reports:
        raise Http404("Nothing reported here.")
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


@moderator_required
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
            take_action(
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
                request, f"Done: {Action(data['kind']).label}. It is in the audit log."
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


# --- A circle's safety page (facilitators and moderators) --------------------


def _circle_for_safety(request, circle_id):
    circle = get_object_or_404(Circle, pk=circle_id)
    role = actor_role(request.user, circle.pk)
    if role is None:
        raise Http404("No such circle.")  # members and strangers: as if it did not exist
    return circle, role


@login_required
def circle_safety(request, circle_id):
    circle, role = _circle_for_safety(request, circle_id)
    members = list(
        Membership.objects.filter(circle=circle, status=Membership.Status.ACTIVE)
        .exclude(user=request.user)
        .select_related("user__profile")
    )
    people = [(m.user_id, m.user.display_name) for m in members]
    kinds = sorted(FACILITATOR_ACTIONS)
    if role == "moderator":
        kinds += [Action.WARN, Action.SUSPEND]
    durations = FACILITATOR_DURATIONS if role == "facilitator" else None
    extra = {"durations": durations} if durations else {}
    form = ActionForm(
        request.POST or None,
        kinds=kinds,
        circles=Circle.objects.filter(pk=circle.pk),
        people=people,
        initial={"circle": circle.pk},
        with_message=True,
        **extra,
    )
    if request.method == "POST":
        requested = request.POST.get("kind", "")
        if requested in Action.values and requested not in kinds:
            raise PermissionDenied(
                "Only a site moderator can do that. A facilitator can hide a message, "
                "mute someone for up to 24 hours, or remove someone from the circle."
            )
        if form.is_valid():
            data = form.cleaned_data
            message = None
            if data["kind"] == Action.HIDE_MESSAGE:
                message = Message.objects.filter(pk=data.get("message"), circle=circle).first()
                if message is None:
                    form.add_error("message", "Choose a message of this circle.")
            person = User.objects.filter(pk=data.get("person")).first()
            if not form.errors:
                try:
                    take_action(
                        request.user,
                        data["kind"],
                        reason=data["reason"],
                        user=person,
                        circle=circle,
                        message=message,
                        ends_at=data["ends_at"],
                    )
                except ModerationError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, f"Done: {Action(data['kind']).label}.")
                    return redirect("moderation:circle", circle_id=circle.pk)
    recent = (
        Message.objects.filter(circle=circle, deleted_at__isnull=True)
        .select_related("author__profile")
        .order_by("-pk")[:20]
    )
    return render(
        request,
        "moderation/circle.html",
        {
            "circle": circle,
            "role": role,
            "members": members,
            "recent_messages": recent,
            "alerts": CrisisAlert.objects.filter(
                circle=circle, status=CrisisAlert.Status.OPEN
            ).select_related("message"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- Crisis alerts ------------------------------------------------------------


@login_required
def alert(request, alert_id):
    item = get_object_or_404(CrisisAlert.objects.select_related("circle", "message"), pk=alert_id)
    if actor_role(request.user, item.circle_id) is None:
        raise Http404("No such alert.")
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handle_crisis_alert(request.user, item, form.cleaned_data["note"])
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Marked as handled. Thank you for looking out for them.")
            return redirect("moderation:alert", alert_id=item.pk)
    return render(
        request,
        "moderation/alert.html",
        {"alert": item, "context_messages": queue.message_context(item.message), "form": form},
        status=400 if form.errors else 200,
    )


# --- Audit log ----------------------------------------------------------------


@moderator_required
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
    return render(request, "moderation/audit.html", {"form": form, "page": page})


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
            file_appeal(user, action, form.cleaned_data["text"])
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
def appeal(request, action_id):
    action = ModerationAction.objects.filter(pk=action_id).first()
    if action is None or action.target_user_id != request.user.pk:
        # Someone else's action looks the same as a missing one.
        raise Http404("There is no action about you with this number.")
    if not action.is_appealable:
        raise Http404("This can't be appealed.")
    return _appeal_page(request, action, request.user, request.path)


def appeal_by_link(request, token):
    """The signed link in a suspension email: a suspended person can't log in."""
    action = action_from_appeal_token(token)
    if action is None or action.kind != Action.SUSPEND or action.target_user_id is None:
        raise Http404("This appeal link is not valid or has expired.")
    user = User.objects.filter(pk=action.target_user_id).first()
    if user is None:
        raise Http404("This appeal link is not valid or has expired.")
    return _appeal_page(request, action, user, request.path)


@moderator_required
def appeal_review(request, appeal_id):
    item = get_object_or_404(
        Appeal.objects.select_related("action", "appellant__profile"), pk=appeal_id
    )
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decide_appeal(
                request.user,
                item,
                overturn=form.cleaned_data["decision"] == "overturn",
                reason=form.cleaned_data["reason"],
            )
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Appeal decided; the person has been told.")
            return redirect("moderation:queue")
    history = ModerationAction.objects.filter(target_user_id=item.action.target_user_id)[:50]
    return render(
        request,
        "moderation/appeal_review.html",
        {"appeal": item, "form": form, "history": history},
        status=400 if form.errors else 200,
    )


@login_required
def warning(request, warning_id):
    item = ModerationWarning.objects.filter(pk=warning_id, user=request.user).first()
    if item is None:
        raise Http404("No such warning.")
    if request.method == "POST":
        acknowledge_warning(request.user, item)
        messages.success(request, "Thank you for reading the warning.")
        return redirect("dashboard")
    return render(
        request,
        "moderation/warning.html",
        {"warning": item, "appeal_url": reverse("moderation:appeal", args=[item.action_id])},
    )


# --- Data export and account deletion --------------------------------------------


@login_required
@require_GET
def export_page(request):
    return render(request, "moderation/export.html")


@login_required
@require_GET
def export_download(request):
    data = export_all(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="connect-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account_view(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user)
        messages.success(request, "Your account and personal data have been deleted. Take care.")
        return redirect("landing")
    return render(
        request,
        "moderation/delete_account.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
