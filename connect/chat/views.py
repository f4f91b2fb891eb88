"""The chat page without JavaScript, and the JSON history endpoint the script uses.

Every view goes through ``services.require_access``: non-members get 404 so a
circle's chat does not even show it exists.
"""

import functools

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connect.circles.models import Circle

from . import selectors, services
from .forms import MessageForm, ReportForm
from .payloads import can_edit, message_payload

CRISIS_SESSION_KEY = "chat_crisis"


class _Redirected(Exception):
    """Raised by ``_circle_for`` to answer with a redirect (and a notice)."""

    def __init__(self, response):
        super().__init__("redirect")
        self.response = response


def _answers_redirects(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirected as redirected:
            return redirected.response

    return wrapper


def _circle_for(
    request, circle_id: int, *, to_post: bool = False, to_write: bool = False
) -> Circle:
    """The circle, if the person may use its chat this way. A member who has
    not finished the agreements goes to that step; one with an unread warning
    who tries to write goes to the warning; everyone else refused gets 404."""
    try:
        services.require_access(request.user, circle_id, to_post=to_post, to_write=to_write)
    except services.ChatError as error:
        if error.code == selectors.MUTED:
            raise
        if error.code in (selectors.NOT_AGREED, selectors.WARNING_PENDING):
            flash.warning(request, error.text)
            raise _Redirected(redirect(error.extra["url"])) from error
        raise Http404("No such circle chat.") from error
    return get_object_or_404(Circle, pk=circle_id)


def _cursor(request, name):
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        raise Http404("Bad cursor.")
    value = int(value)
    if not selectors.is_id(value, minimum=0):
        raise Http404("Bad cursor.")
    return value


def room_context(request, circle: Circle, before=None) -> dict:
    """Context for ``chat/_panel.html`` (also used by the ``chat_panel`` tag)."""
    user = request.user
    access = selectors.chat_access(user, circle.pk)
    messages, has_more = selectors.message_page(user, circle.pk, before=before)
    last_read = selectors.last_read_id(user, circle.pk)
    first_unread = next(
        (m.pk for m in messages if m.pk > last_read and m.author_id != user.pk), None
    )
    return {
        "circle": circle,
        "chat_messages": [
            {"m": m, "p": message_payload(m), "editable": can_edit(m, user.pk)} for m in messages
        ],
        "has_earlier": has_more,
        "earliest_id": messages[0].pk if messages else None,
        "latest_id": messages[-1].pk if messages else 0,
        "first_unread_id": first_unread if before is None else None,
        "online": selectors.online_members(circle.pk, viewer_id=user.pk),
        "muted": access == selectors.MUTED,
        "form": MessageForm(),
        "crisis": request.session.pop(CRISIS_SESSION_KEY, False),
        "ws_path": f"/ws/chat/{circle.pk}/",
        "history_url": reverse("chat:history", args=[circle.pk]),
    }


@login_required
@require_GET
@_answers_redirects
def room(request, circle_id: int):
    """The circle's chat as a plain page; the script upgrades it to live."""
    circle = _circle_for(request, circle_id)
    before = _cursor(request, "before")
    context = room_context(request, circle, before=before)
    if before is None:
        services.mark_read(request.user, circle.pk, context["latest_id"])
    return render(request, "chat/room.html", context)


@login_required
@require_POST
@_answers_redirects
def send(request, circle_id: int):
    try:
        circle = _circle_for(request, circle_id, to_post=True)
    except services.ChatError as error:
        flash.error(request, error.text)
        return redirect("chat:room", circle_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            posted = services.post_message(request.user, circle.pk, form.cleaned_data["body"])
        except services.ChatError as error:
            form.add_error("body", error.text)
        else:
            _broadcast(circle.pk, "message", posted.message)
            if posted.crisis:
                request.session[CRISIS_SESSION_KEY] = True
            return redirect(reverse("chat:room", args=[circle.pk]) + "#chat-form")
    context = room_context(request, circle)
    context["form"] = form
    return render(request, "chat/room.html", context, status=400)


def _broadcast(circle_id: int, kind: str, message) -> None:
    """Tell open sockets about a change made through a plain form."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from .realtime import circle_group

    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(
            circle_group(circle_id),
            {"type": "chat.message", "kind": kind, "message": message_payload(message)},
        )


@login_required
@require_http_methods(["GET", "POST"])
@_answers_redirects
def edit(request, circle_id: int, message_id: int):
    circle = _circle_for(request, circle_id, to_write=True)
    message = selectors.get_visible_message(request.user, circle.pk, message_id)
    if message is None or not can_edit(message, request.user.pk):
        raise Http404("You can't edit this message.")
    form = MessageForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            message = services.edit_message(
                request.user, circle.pk, message.pk, form.cleaned_data["body"]
            )
        except services.ChatError as error:
            form.add_error("body", error.text)
        else:
            _broadcast(circle.pk, "message_updated", message)
            return redirect(reverse("chat:room", args=[circle.pk]) + f"#message-{message.pk}")
    return render(request, "chat/edit.html", {"circle": circle, "form": form, "message": message})


@login_required
@require_POST
@_answers_redirects
def delete(request, circle_id: int, message_id: int):
    circle = _circle_for(request, circle_id, to_write=True)
    try:
        message = services.delete_message(request.user, circle.pk, message_id)
    except services.ChatError as error:
        flash.error(request, error.text)
    else:
        _broadcast(circle.pk, "message_updated", message)
        flash.success(request, "Your message was deleted.")
    return redirect("chat:room", circle.pk)


@login_required
@require_http_methods(["GET", "POST"])
@_answers_redirects
def report(request, circle_id: int, message_id: int):
    circle = _circle_for(request, circle_id)
    # Blocked, deleted, hidden and missing all answer the same 404.
    message = selectors.get_reportable_message(request.user, circle.pk, message_id)
    if message is None:
        raise Http404("No such message.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_message(
                request.user,
                circle.pk,
                message.pk,
                form.cleaned_data["reason"],
                form.cleaned_data["note"],
            )
        except services.ChatError as error:
            form.add_error(None, error.text)
        else:
            flash.success(request, "Thank you. A moderator will look at your report.")
            return redirect("chat:room", circle.pk)
    return render(
        request,
        "chat/report.html",
        {"circle": circle, "form": form, "message": message, "p": message_payload(message)},
    )


@login_required
@require_GET
def history(request, circle_id: int):
    """JSON page of messages by cursor: ``?after=<id>`` (missed) or ``?before=<id>`` (earlier)."""
    try:
        services.require_access(request.user, circle_id, to_post=False)
    except services.ChatError as error:
        if error.code == selectors.NOT_AGREED:
            return JsonResponse(
                {"error": error.code, "message": error.text, "url": error.extra["url"]}, status=403
            )
        return JsonResponse({"error": "not_found"}, status=404)
    try:
        after, before = _cursor(request, "after"), _cursor(request, "before")
    except Http404:
        return JsonResponse({"error": "bad_cursor", "message": "Cursors are ids."}, status=400)
    messages, has_more = selectors.message_page(request.user, circle_id, after=after, before=before)
    return JsonResponse(
        {
            "after": after,
            "before": before,
            "has_more": has_more,
            "messages": [message_payload(m) for m in messages],
        }
    )
