"""Blocks: the list, blocking and unblocking, and the shared circles after a block."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connect.access import answers_access_denied, not_found
from connect.ids import parse_id
from connect.safety.models import Block
from connect.safety.services import SafetyError, block_create, block_delete

from ..permissions import NOT_BLOCKED, access_own_block
from ..selectors import blockable_author, blockable_person
from ..services import (
    membership_end_and_rematch,
    shared_circles,
)

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
        raise not_found(gettext("No such person."))
    return other, message_id


@login_required
@answers_access_denied
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
        block_create(request.user, other)
    except SafetyError as exc:
        messages.error(request, str(exc))
        return redirect("moderation:blocks")
    messages.success(
        request,
        gettext(
            "You blocked %(name)s. You won't see each other's messages "
            "and won't be matched together. They are not told."
        )
        % {"name": other.display_name},
    )
    if shared_circles(request.user, other.pk).exists():
        return redirect("moderation:block_shared", user_id=other.pk)
    return redirect("moderation:blocks")


@login_required
@answers_access_denied
@require_POST
def unblock(request, user_id):
    if not block_delete(request.user, user_id):
        raise not_found(NOT_BLOCKED)
    messages.success(request, gettext("Unblocked."))
    return redirect("moderation:blocks")


@login_required
@answers_access_denied
def block_shared(request, user_id):
    """After a block: the circles both are in, with 'move' and 'report' offers."""
    access_own_block(request.user, user_id)
    circles = shared_circles(request.user, user_id)
    if request.method == "POST":
        circle_id = parse_id(request.POST.get("circle_id"))
        if circle_id is None or not circles.filter(pk=circle_id).exists():
            raise not_found(gettext("Not a circle you share."))
        membership_end_and_rematch(request.user, circle_id)
        messages.success(
            request,
            gettext(
                "You left the circle. You are waiting for the next matching round, "
                "and you will not be matched with the person you blocked."
            ),
        )
        return redirect("moderation:blocks")
    return render(
        request, "moderation/block_shared.html", {"circles": circles, "other_id": user_id}
    )
