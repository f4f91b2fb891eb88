"""Thin views over selectors (reads) and services (writes); who may do what is
asked of ``permissions``, whose refusals ``answers_access_denied`` answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from connect.access import answers_access_denied

from . import permissions, selectors, services
from .forms import AcceptForm, BrowseForm, CircleSettingsForm, HandoverForm, JoinRequestForm
from .geo import distance_label
from .models import Circle, Invitation, JoinRequest
from .services import CircleError
from .timeslots import slot_in_zone
from .tokens import BadLink, read_token

BROWSE_PAGE_SIZE = 20


def _profile(user):
    return getattr(user, "profile", None)


@login_required
def browse(request):
    form = BrowseForm(request.GET or None)
    cards = []
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        cards = selectors.browse_circles(
            _profile(request.user),
            topic=data.get("topic", ""),
            mode=data.get("mode", ""),
            max_km=data.get("max_km"),
            day=data.get("day"),
            part=data.get("part", ""),
            language=data.get("language", ""),
        )
    # A page of cards at a time: rendering every open circle made the page slow
    # (hundreds of cards at scale). The filters stay in the page links.
    page = Paginator(cards, BROWSE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "circles/browse.html",
        {"form": form, "cards": page.object_list, "page": page, "query": query.urlencode()},
    )


@login_required
def mine(request):
    return render(
        request,
        "circles/mine.html",
        {
            "memberships": selectors.my_circles(request.user),
            "invitations": selectors.my_invitations(request.user),
            "join_requests": selectors.my_join_requests(request.user),
        },
    )


@login_required
@answers_access_denied
def about(request, circle_id):
    """What browsing shows (no member list); members are sent to the circle page."""
    if selectors.is_active_member(request.user, circle_id):
        return redirect("circles:detail", circle_id=circle_id)
    circle = permissions.access_browsable_circle(circle_id)
    pending = JoinRequest.objects.filter(
        circle=circle, user=request.user, status=JoinRequest.Status.PENDING
    ).first()
    return render(
        request,
        "circles/about.html",
        {
            "card": selectors.card_for(circle, _profile(request.user)),
            "form": JoinRequestForm(),
            "pending": pending,
        },
    )


@login_required
@require_POST
def join_request(request, circle_id):
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please keep your note to 300 characters."))
        return redirect("circles:about", circle_id=circle_id)
    try:
        services.join_request_create(request.user, circle_id, form.cleaned_data["note"])
    except CircleError as exc:
        messages.error(request, str(exc))
        if Circle.objects.filter(pk=circle_id).exists():
            return redirect("circles:about", circle_id=circle_id)
        return redirect("circles:browse")
    messages.success(request, gettext("Your request is sent. The facilitator will answer soon."))
    return redirect("circles:mine")


@login_required
@require_POST
def join_request_withdraw(request, request_id):
    try:
        services.join_request_withdraw(request.user, request_id)
    except CircleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Your join request is withdrawn."))
    return redirect("circles:mine")


@login_required
@require_POST
@answers_access_denied
def join_request_decide(request, request_id, decision):
    req = permissions.access_join_request_for_decision(request.user, request_id, decision)
    try:
        if decision == "approve":
            services.join_request_approve(request.user, request_id)
            messages.success(request, gettext("Approved: they are now a member."))
        else:
            services.join_request_decline(request.user, request_id)
            messages.success(request, gettext("Declined. We let them know kindly."))
    except CircleError as exc:
        messages.error(request, str(exc))
    return redirect("circles:detail", circle_id=req.circle_id)


@login_required
@answers_access_denied
def detail(request, circle_id):
    """The circle page, for its members only (everyone else: 404)."""
    membership = permissions.access_circle_as_member(request.user, circle_id)
    circle = membership.circle
    profile = _profile(request.user)
    members = list(selectors.circle_members(circle_id))
    context = {
        "circle": circle,
        "membership": membership,
        "members": members,
        "when": slot_in_zone(
            circle.start_slot, circle.slot_count, getattr(profile, "timezone", "")
        ),
        "distance": "",
        "topics": list(circle.topics.all()),
    }
    if circle.mode == Circle.Mode.IN_PERSON and profile is not None:
        from .geo import rounded_km

        context["distance"] = distance_label(
            rounded_km(profile.lat, profile.lon, circle.lat, circle.lon)
        )
    if membership.is_facilitator:
        context["join_requests"] = list(selectors.pending_join_requests(circle_id))
        context["settings_form"] = CircleSettingsForm(
            initial={"name": circle.name, "join_policy": circle.join_policy}
        )
        others = [m for m in members if m.user_id != request.user.pk]
        context["handover_form"] = HandoverForm(members=others) if others else None
    return render(request, "circles/detail.html", context)


@login_required
@require_POST
@answers_access_denied
def circle_settings(request, circle_id):
    permissions.access_circle_as_member(request.user, circle_id)
    form = CircleSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.circle_update(request.user, circle_id, **form.cleaned_data)
        except CircleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("Circle settings saved."))
    else:
        messages.error(request, gettext("Give the circle a name of up to 80 characters."))
    return redirect("circles:detail", circle_id=circle_id)


@login_required
@require_POST
@answers_access_denied
def handover(request, circle_id):
    permissions.access_circle_as_member(request.user, circle_id)
    others = [m for m in selectors.circle_members(circle_id) if m.user_id != request.user.pk]
    form = HandoverForm(request.POST, members=others)
    if not form.is_valid():
        # Only the listed members are valid choices: any other id (even a huge one) is refused here.
        messages.error(request, gettext("Choose another member of this circle."))
        return redirect("circles:detail", circle_id=circle_id)
    try:
        services.facilitator_handover(request.user, circle_id, form.cleaned_data["to_user"])
    except CircleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("You handed over the facilitator role. Thank you."))
    return redirect("circles:detail", circle_id=circle_id)


@login_required
@require_POST
@answers_access_denied
def vote(request, circle_id):
    permissions.access_circle_as_member(request.user, circle_id)
    try:
        circle = services.stay_open_vote(request.user, circle_id, request.POST.get("choice", ""))
    except CircleError as exc:
        messages.error(request, str(exc))
        return redirect("circles:detail", circle_id=circle_id)
    if circle.status == Circle.Status.CLOSED:
        messages.success(request, gettext("Your vote is counted: the circle has closed."))
        return redirect("circles:mine")
    messages.success(request, gettext("Your vote is counted."))
    return redirect("circles:detail", circle_id=circle_id)


@login_required
@answers_access_denied
def leave(request, circle_id):
    membership = permissions.access_circle_as_member(request.user, circle_id)
    if request.method == "POST":
        try:
            services.membership_leave(request.user, circle_id)
        except CircleError as exc:
            messages.error(request, str(exc))
            return redirect("circles:detail", circle_id=circle_id)
        messages.success(
            request, gettext("You left %(name)s. Take care.") % {"name": membership.circle.name}
        )
        return redirect("circles:mine")
    return render(request, "circles/leave.html", {"circle": membership.circle})


def _invitation_context(inv: Invitation) -> dict:
    return {
        "invitation": inv,
        "circle": inv.circle,
        **selectors.invitation_reasons(inv),
        "form": AcceptForm(),
    }


def _respond(request, inv_id: int, action: str):
    try:
        if action == "accept":
            form = AcceptForm(request.POST)
            volunteer = form.is_valid() and form.cleaned_data["volunteer"]
            membership = services.invitation_accept(request.user, inv_id, volunteer=volunteer)
        else:
            services.invitation_decline(request.user, inv_id)
    except CircleError as exc:
        messages.error(request, str(exc))
        return redirect("circles:mine")
    if action == "accept":
        circle = membership.circle
        circle.refresh_from_db()
        if circle.status == Circle.Status.FORMING:
            messages.success(
                request,
                gettext(
                    "You're in. The circle starts as soon as enough people accept; we'll tell you."
                ),
            )
        else:
            messages.success(request, gettext("Welcome to %(name)s.") % {"name": circle.name})
        return redirect("circles:detail", circle_id=circle.pk)
    messages.success(
        request, gettext("You declined. You stay on the waiting list for the next round.")
    )
    return redirect("circles:mine")


@login_required
@answers_access_denied
def invitation(request, invitation_id):
    inv = permissions.access_invitation(request.user, invitation_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("accept", "decline"):
            messages.error(request, gettext("Choose accept or decline."))
            return redirect("circles:invitation", invitation_id=invitation_id)
        return _respond(request, invitation_id, action)
    return render(request, "circles/invitation.html", _invitation_context(inv))


@login_required
def invitation_link(request, token):
    """The signed link from the email: shows a confirm button (GET never changes
    anything), then accepts or declines on POST."""
    try:
        data = read_token(token)
    except BadLink as exc:
        messages.error(request, str(exc))
        return redirect("circles:mine")
    if data["u"] != request.user.pk:
        messages.error(
            request, gettext("This invitation is for someone else. Log in as the person invited.")
        )
        return redirect("circles:mine")
    inv = selectors.invitation_for(request.user, data["i"])
    if inv is None:
        messages.error(request, gettext("That invitation does not exist."))
        return redirect("circles:mine")
    if request.method == "POST":
        return _respond(request, inv.pk, data["a"])
    if inv.status != Invitation.Status.PENDING:
        messages.error(request, services.INVITATION_STATUS_MESSAGES[Invitation.Status(inv.status)])
        return redirect("circles:mine")
    context = _invitation_context(inv)
    context["link_action"] = data["a"]
    return render(request, "circles/invitation.html", context)
