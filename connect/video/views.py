"""The video room: a page (GET, changes nothing) and the pass (POST).

Anyone outside the circle gets 404 (the meetups' access helpers); a member
outside the room's window, or without a room, gets the page with a calm
explanation. "Join the room" POSTs for a pass (``services.video_pass_issue``)
and receives it as JSON, never in the page or a link; media then flow between
the browser and Janus only.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from connect.access import answers_access_denied
from connect.meetups.permissions import access_agreed, access_occurrence
from connect.meetups.selectors import video_room_window

from .services import VideoError, room_problem, video_pass_issue


def agreed_first(view):
    """Asked before anything else, even the method (as the meetup pages do)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access_agreed(request.user)
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@answers_access_denied
@agreed_first
@require_GET
def room(request, pk):
    occurrence, membership = access_occurrence(request.user, pk)
    opens_at, closes_at = video_room_window(occurrence)
    page = {
        "passUrl": reverse("video:pass", args=[occurrence.pk]),
        "reportUrl": reverse("moderation:report") + f"?type=circle&id={occurrence.circle_id}",
        # The words video.js shows, in the reader's language ("{name}": filled in by the script).
        "text": {
            "yourCamera": gettext("Your camera"),
            "videoOf": gettext("Video of {name}"),
            "refused": gettext(
                "The room did not let you in ({reason}). Reload the page to get a new pass, "
                "or ask your facilitator."
            ),
            "notMember": gettext("you are not a member of this circle now"),
            "circleMember": gettext("Circle member"),
            "pictureFailed": gettext("A picture could not be shown."),
            "wentWrong": gettext("Something went wrong: {error}"),
            "inRoom": gettext("You are in the room. Your microphone is off."),
            "noLongerIn": gettext("You are no longer in this room."),
            "mutedByFacilitator": gettext("A facilitator turned your microphone off."),
            "roomClosed": gettext("The room has closed."),
            "deviceFailed": gettext(
                "Your camera or microphone could not be used ({error}). "
                "You can still see and hear the others."
            ),
            "joining": gettext("Joining…"),
            "unreachable": gettext(
                "The site could not be reached. Check your connection and try again."
            ),
            "left": gettext("You left the room. Reload the page to join again while it is open."),
            "micOnButton": gettext("Microphone on"),
            "micOffButton": gettext("Microphone off"),
            "micOn": gettext("Your microphone is on."),
            "micOff": gettext("Your microphone is off."),
            "cameraOnButton": gettext("Camera on"),
            "cameraOffButton": gettext("Camera off"),
            "cameraOn": gettext("Your camera is on."),
            "cameraOff": gettext("Your camera is off."),
        },
    }
    return render(
        request,
        "video/room.html",
        {
            "occurrence": occurrence,
            "circle": occurrence.circle,
            "series": occurrence.series,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "is_facilitator": membership.is_facilitator,
            "problem": room_problem(occurrence, timezone.now()),
            "page": page,
        },
    )


@login_required
@answers_access_denied
@agreed_first
@require_POST
def issue_pass(request, pk):
    """The member's pass for this meetup's room, as JSON (409 with a message when
    the room can't be entered now)."""
    try:
        join = video_pass_issue(request.user, pk)
    except VideoError as error:
        return JsonResponse({"error": str(error)}, status=409)
    response = JsonResponse(join.as_json())
    response["Cache-Control"] = "private, no-store"
    return response
