"""The onboarding steps, in order: each has a form, a template and a save service."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import forms, services
from .models import Profile


@dataclass(frozen=True)
class Step:
    slug: str
    title: str | Promise  # shown in the page's language
    form_class: Callable[..., django_forms.BaseForm]  # takes instance=profile
    save: Callable[[Profile, dict[str, Any], int], Any]  # services.save_*
    template: str


STEPS = [
    Step(
        "about", _("About you"), forms.AboutForm, services.save_about, "accounts/steps/about.html"
    ),
    Step(
        "agreements",
        _("Agreements"),
        forms.AgreementsForm,
        services.save_agreements,
        "accounts/steps/agreements.html",
    ),
    Step(
        "topics", _("Topics"), forms.TopicsForm, services.save_topics, "accounts/steps/topics.html"
    ),
    Step(
        "where",
        _("How and where"),
        forms.WhereForm,
        services.save_where,
        "accounts/steps/where.html",
    ),
    Step(
        "when",
        _("When and language"),
        forms.WhenForm,
        services.save_when,
        "accounts/steps/when.html",
    ),
]
BY_SLUG = {step.slug: step for step in STEPS}
assert len(STEPS) == services.STEP_COUNT


def step_number(slug: str) -> int:
    """1-based position of a step."""
    return [step.slug for step in STEPS].index(slug) + 1


def next_step(profile) -> Step | None:
    """The first step the person has not saved yet (None once all are saved)."""
    if profile.onboarding_step >= len(STEPS):
        return None
    return STEPS[profile.onboarding_step]


def progress(profile) -> dict:
    """Figures for progress bars: steps done, total and percent."""
    done = min(profile.onboarding_step, len(STEPS))
    if profile.is_onboarded:
        done = len(STEPS)
    return {"done": done, "total": len(STEPS), "percent": round(100 * done / len(STEPS))}
