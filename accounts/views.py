"""My profile, the onboarding steps, the city search and guidelines re-acceptance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import cities, onboarding
from .forms import GuidelinesAcceptForm, slot_label
from .languages import language_name
from .services import accept_guidelines


@login_required
@require_GET
def profile(request):
    """Everything the person told us, each section with an "Edit" link."""
    profile = request.user.profile
    topics = profile.topic_weights.select_related("topic").order_by("topic__position")
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": profile,
            "topic_weights": topics,
            "language_names": [language_name(code) for code in profile.languages],
            "availability_summary": availability_summary(profile.availability),
            "steps": onboarding.STEPS,
            "progress": onboarding.progress(profile),
        },
    )


def availability_summary(cells) -> list[str]:
    """Merge runs of consecutive cells into "Monday 18:00–21:00" lines."""
    runs: list[list[int]] = []
    for cell in sorted(cells):
        if runs and cell == runs[-1][1] + 1 and cell % 48 != 0:
            runs[-1][1] = cell
        else:
            runs.append([cell, cell])
    lines = []
    for first, last in runs:
        start = slot_label(first).rsplit("–", 1)[0]
        end = slot_label(last).rsplit("–", 1)[1]
        lines.append(f"{start}–{end}")
    return lines


@login_required
def onboarding_start(request):
    """Resume onboarding where the person left it."""
    profile = request.user.profile
    step = onboarding.next_step(profile)
    if profile.is_onboarded or step is None:
        return redirect("profile")
    return redirect("onboarding_step", step=step.slug)


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_step(request, step):
    return _step_view(request, step, editing=False)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, step):
    return _step_view(request, step, editing=True)


def _step_view(request, slug, *, editing: bool):
    step = onboarding.BY_SLUG.get(slug)
    if step is None:
        raise Http404(_("No such step."))
    profile = request.user.profile
    number = onboarding.step_number(slug)
    if not profile.is_onboarded:
        editing = False
        # Steps are taken in order; the earliest unsaved one is as far as one can go.
        if number > profile.onboarding_step + 1:
            return redirect("onboarding_step", step=onboarding.STEPS[profile.onboarding_step].slug)
    elif not editing:
        return redirect("profile_edit", step=slug)

    if request.method == "POST":
        form = step.form_class(request.POST, instance=profile)
        if form.is_valid():
            step.save(profile, form.cleaned_data, number)
            if editing:
                messages.success(request, _("Saved: %(step)s.") % {"step": str(step.title).lower()})
                return redirect("profile")
            if profile.is_onboarded:
                messages.success(request, _("You're all set. Welcome to Connect."))
                return redirect("dashboard")
            return redirect("onboarding_step", step=onboarding.STEPS[number].slug)
    else:
        form = step.form_class(instance=profile)

    context = {
        "form": form,
        "step": step,
        "number": number,
        "steps": onboarding.STEPS,
        "editing": editing,
        "progress": onboarding.progress(profile),
        "previous": onboarding.STEPS[number - 2] if number > 1 else None,
    }
    if step.slug == "where":
        context.update(_city_choices(request, profile, form))
    return render(request, step.template, context)


def _city_choices(request, profile, form) -> dict:
    """The city radio choices: search results for ``q`` plus the saved or posted city."""
    query = request.GET.get("q", "").strip()
    results = cities.search_cities(query) if query else []
    selected = None
    if form.is_bound:
        selected = cities.get_city(form.data.get("city"))
    elif profile.city_geoname_id:
        selected = cities.get_city(profile.city_geoname_id)
    if selected is not None and selected not in results:
        results = [selected, *results]
    return {
        "city_query": query,
        "city_results": results,
        "selected_city_id": selected.geoname_id if selected else None,
    }


@login_required
@require_GET
def city_search(request):
    """The city radio list for a query (htmx swaps it in; without JS the step page lists it)."""
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "accounts/_city_results.html",
        {"city_results": cities.search_cities(query), "city_query": query},
    )


@login_required
@require_http_methods(["GET", "POST"])
def guidelines_accept(request):
    """Ask again when the community guidelines changed since the person accepted them."""
    profile = request.user.profile
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: anything else (another host, or a bare word that
    # redirect() would try to read as a view name) falls back to the dashboard.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        next_url = ""
    if request.method == "POST":
        form = GuidelinesAcceptForm(request.POST)
        if form.is_valid():
            accept_guidelines(profile)
            messages.success(request, _("Thank you. You accepted the updated guidelines."))
            return redirect(next_url or "dashboard")
    else:
        form = GuidelinesAcceptForm()
    return render(request, "accounts/guidelines_accept.html", {"form": form, "next": next_url})
