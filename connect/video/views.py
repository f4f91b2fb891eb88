"""The video room page: a thin view over ``services.video_pass_issue``.

Anyone outside the circle gets 404 (the meetups' access helpers); a member
outside the room's window, or when Janus can't be reached, gets the page with
a calm explanation and no pass. The pass itself reaches the script through
``json_script``; media flow between the browsers and Janus only.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from connect.access import answers_access_denied
from connect.meetups.permissions import access_agreed, access_occurrence
from connect.meetups.selectors import video_room_window

from .services import VideoError, video_pass_issue


@login_required
@answers_access_denied
@require_GET
def room(request, pk):
    access_agreed(request.user)
    occurrence, membership = access_occurrence(request.user, pk)
    opens_at, closes_at = video_room_window(occurrence)
    context = {
        "occurrence": occurrence,
        "circle": occurrence.circle,
        "series": occurrence.series,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "is_facilitator": membership.is_facilitator,
        "join": None,
        "problem": "",
    }
    try:
        join = video_pass_issue(request.user, occurrence.pk)
    except VideoError as error:
        context["problem"] = str(error)
    else:
        context["join"] = {
            **join.as_json(),
            "reportUrl": reverse("moderation:report") + f"?type=circle&id={occurrence.circle_id}",
            "meetupUrl": reverse("meetups:detail", args=[occurrence.pk]),
        }
    response = render(request, "video/room.html", context)
    # The pass is in the page: never cached, never sent on as a referrer.
    response["Cache-Control"] = "private, no-store"
    return response
