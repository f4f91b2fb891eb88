"""The chat page without JavaScript, and the JSON history endpoint the script uses.

Who may do what is asked of ``permissions``; ``answers_chat_errors`` turns its
refusal into the answer: 404 for anyone who may not use the chat (so a
circle's chat does not even show it exists), a redirect with a notice to what
must be read first (the agreements, the moderators' warning) or back to the
chat (muted). Writes publish their own real-time events (see ``services``).
"""

import functools

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connect.circles.models import Circle

from . import markup, permissions, realtime, selectors, services
from .forms import MessageForm, ReportForm
from .payloads import message_payload
from .permissions import ChatError

CRISIS_SESSION_KEY = "chat_crisis"


def _refusal(request, error: ChatError, circle_id, as_json: bool):
    if as_json:
        if error.code == selectors.NOT_AGREED:
            return JsonResponse(
                {"error": error.code, "message": error.text, "url": error.extra["url"]}, status=403
            )
        return JsonResponse({"error": "not_found"}, status=404)
    if error.code in (selectors.NOT_AGREED, selectors.WARNING_PENDING):
        flash.warning(request, error.text)
        return redirect(error.extra["url"])
    if error.code == selectors.MUTED and circle_id is not None:
        flash.error(request, error.text)
        return redirect("chat:room", circle_id)
    raise Http404("No such circle chat.")


def answers_chat_errors(view=None, *, as_json: bool = False):
    """Turn a ``ChatError`` the view lets through into the answer: a redirect
    with a notice, 403 (JSON, agreements missing) or 404."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ChatError as error:
                return _refusal(request, error, kwargs.get("circle_id"), as_json)

        return wrapper

    return decorate(view) if view is not None else decorate


def _chat_circle(request, circle_id: int, *, to_post: bool = False, to_write: bool = False):
    """The circle and the reader's access, if they may use its chat this way
    (else ChatError for ``answers_chat_errors``)."""
    access = permissions.access_circle_chat(
        request.user, circle_id, to_post=to_post, to_write=to_write
    )
    return get_object_or_404(Circle, pk=circle_id), access


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


def room_context(request, circle: Circle, access: str, before=None) -> dict:
    """Context for ``chat/_panel.html`` (also used by the ``chat_panel`` tag);
    ``access`` is the reader's ``selectors.chat_access`` outcome."""
    user = request.user
    messages, has_more = selectors.message_page(user, circle.pk, before=before)
    last_read = selectors.last_read_id(user, circle.pk)
    first_unread = next(
        (m.pk for m in messages if m.pk > last_read and m.author_id != user.pk), None
    )
    zone = markup.reader_zone(user)
    latest_id = messages[-1].pk if messages else 0
    earliest_id = messages[0].pk if messages else None
    muted = access == selectors.MUTED
    config_id = f"chat-config-{circle.pk}"
    return {
        "circle": circle,
        "chat_messages": [markup.message_item(m, user.pk, zone) for m in messages],
        "prototype": markup.prototype_item(circle.pk),
        "has_earlier": has_more,
        "earliest_id": earliest_id,
        "latest_id": latest_id,
        "first_unread_id": first_unread if before is None else None,
        "online": selectors.online_members(circle.pk, viewer_id=user.pk),
        "live_paused": not realtime.live_updates_available(),
        "muted": muted,
        "form": MessageForm(),
        "crisis": request.session.pop(CRISIS_SESSION_KEY, False),
        "config_id": config_id,
        # Everything the script needs, from the server (no copies in chat.js).
        "chat_config": {
            "user_id": user.pk,
            "circle_id": circle.pk,
            "latest_id": latest_id,
            "earliest_id": earliest_id,
            "muted": muted,
            "socket_path": realtime.socket_path(circle.pk),
            "history_url": reverse("chat:history", args=[circle.pk]),
            "close_codes": {str(code): text for code, text in realtime.CLOSE_TEXT.items()},
            "time": markup.time_settings(zone),
            "tokens": markup.TOKENS,
            "text": markup.script_text(),
        },
    }


@login_required
@require_GET
@answers_chat_errors
def room(request, circle_id: int):
    """The circle's chat as a plain page; the script upgrades it to live."""
    circle, access = _chat_circle(request, circle_id)
    before = _cursor(request, "before")
    context = room_context(request, circle, access, before=before)
    if before is None:
        services.read_marker_move(request.user, circle.pk, context["latest_id"])
    return render(request, "chat/room.html", context)


@login_required
@require_POST
@answers_chat_errors
def send(request, circle_id: int):
    circle, access = _chat_circle(request, circle_id, to_post=True)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            posted = services.message_post(request.user, circle.pk, form.cleaned_data["body"])
        except ChatError as error:
            form.add_error("body", error.text)
        else:
            if posted.crisis:
                request.session[CRISIS_SESSION_KEY] = True
            return redirect(reverse("chat:room", args=[circle.pk]) + "#chat-form")
    context = room_context(request, circle, access)
    context["form"] = form
    return render(request, "chat/room.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@answers_chat_errors
def edit(request, circle_id: int, message_id: int):
    with transaction.atomic():
        message = permissions.access_message_edit(request.user, circle_id, message_id)
    circle = get_object_or_404(Circle, pk=circle_id)
    form = MessageForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_edit(
                request.user, circle.pk, message.pk, form.cleaned_data["body"]
            )
        except ChatError as error:
            form.add_error("body", error.text)
        else:
            return redirect(reverse("chat:room", args=[circle.pk]) + f"#message-{message.pk}")
    return render(request, "chat/edit.html", {"circle": circle, "form": form, "message": message})


@login_required
@require_POST
@answers_chat_errors
def delete(request, circle_id: int, message_id: int):
    circle, _ = _chat_circle(request, circle_id, to_write=True)
    try:
        services.message_delete(request.user, circle.pk, message_id)
    except ChatError as error:
        flash.error(request, error.text)
    else:
        flash.success(request, gettext("Your message was deleted."))
    return redirect("chat:room", circle.pk)


@login_required
@require_http_methods(["GET", "POST"])
@answers_chat_errors
def report(request, circle_id: int, message_id: int):
    # Blocked, deleted, hidden and missing all answer the same 404.
    message = permissions.access_message(request.user, circle_id, message_id, for_edit=False)
    circle = get_object_or_404(Circle, pk=circle_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_report(
                request.user,
                circle.pk,
                message.pk,
                form.cleaned_data["reason"],
                form.cleaned_data["note"],
            )
        except ChatError as error:
            form.add_error(None, error.text)
        else:
            flash.success(request, gettext("Thank you. A moderator will look at your report."))
            return redirect("chat:room", circle.pk)
    return render(
        request,
        "chat/report.html",
        {"circle": circle, "form": form, "message": message, "p": message_payload(message)},
    )


@login_required
@require_GET
@answers_chat_errors(as_json=True)
def history(request, circle_id: int):
    """JSON page of messages by cursor: ``?after=<id>`` (missed) or ``?before=<id>`` (earlier)."""
    permissions.access_circle_chat(request.user, circle_id, to_post=False)
    try:
        after, before = _cursor(request, "after"), _cursor(request, "before")
    except Http404:
        return JsonResponse(
            {"error": "bad_cursor", "message": gettext("Cursors are ids.")}, status=400
        )
    messages, has_more = selectors.message_page(request.user, circle_id, after=after, before=before)
    return JsonResponse(
        {
            "after": after,
            "before": before,
            "has_more": has_more,
            "messages": [message_payload(m) for m in messages],
        }
    )
