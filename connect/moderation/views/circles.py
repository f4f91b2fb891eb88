"""A circle's safety page, for its facilitators and the moderators."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from connect.access import answers_access_denied
from connect.chat.models import Message
from connect.circles.models import Circle, Membership

from ..forms import (
    FACILITATOR_DURATIONS,
    ActionForm,
)
from ..models import CrisisAlert, ModerationAction
from ..permissions import access_action_kind, access_circle_safety
from ..services import (
    FACILITATOR_ACTIONS,
    ModerationError,
    moderation_action_take,
)

Action = ModerationAction.Kind
User = get_user_model()


# --- A circle's safety page (facilitators and moderators) --------------------


def _message_label(message: Message) -> str:
    author = message.author.display_name if message.author else gettext("Former member")
    body = message.body if len(message.body) <= 60 else message.body[:59] + "…"
    return f"{author}: {body}"


@login_required
@answers_access_denied
def circle_safety(request, circle_id):
    circle, role = access_circle_safety(request.user, circle_id)
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
    recent = list(
        Message.objects.filter(circle=circle, deleted_at__isnull=True)
        .select_related("author__profile")
        .order_by("-pk")[:20]
    )
    initial = {"circle": circle.pk}
    # "Hide…" beside a recent message opens this page with it chosen.
    chosen = request.GET.get("message", "")
    if chosen.isdigit() and any(m.pk == int(chosen) for m in recent):
        initial.update(kind=Action.HIDE_MESSAGE, message=int(chosen))
    form = ActionForm(
        request.POST or None,
        kinds=kinds,
        circles=Circle.objects.filter(pk=circle.pk),
        people=people,
        initial=initial,
        messages=[(m.pk, _message_label(m)) for m in recent if m.hidden_at is None],
        **extra,
    )
    if request.method == "POST":
        access_action_kind(request.POST.get("kind", ""), kinds, Action.values)
        if form.is_valid():
            data = form.cleaned_data
            message = None
            if data["kind"] == Action.HIDE_MESSAGE:
                message = Message.objects.filter(pk=data.get("message"), circle=circle).first()
                if message is None:
                    form.add_error("message", gettext("Choose a message of this circle."))
            person = User.objects.filter(pk=data.get("person")).first()
            if not form.errors:
                try:
                    moderation_action_take(
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
                    messages.success(
                        request,
                        gettext("Done: %(action)s.") % {"action": Action(data["kind"]).label},
                    )
                    return redirect("moderation:circle", circle_id=circle.pk)
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
