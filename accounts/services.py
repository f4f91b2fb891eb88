"""Writes to a person's profile. Each step saves in one transaction, or not at all."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Profile, ProfileTopic

STEP_COUNT = 5


def _advance(profile: Profile, step_number: int) -> list[str]:
    """Record that steps up to ``step_number`` (1-based) are saved."""
    if profile.onboarding_step < step_number:
        profile.onboarding_step = step_number
        return ["onboarding_step"]
    return []


@transaction.atomic
def save_about(profile: Profile, data: dict, step_number: int) -> Profile:
    profile.display_name = data["display_name"]
    profile.pronouns = data.get("pronouns", "")
    profile.about = data.get("about", "")
    fields = ["display_name", "pronouns", "about", *_advance(profile, step_number)]
    profile.save(update_fields=[*fields, "updated_at"])
    return profile


@transaction.atomic
def save_agreements(profile: Profile, data: dict, step_number: int) -> Profile:
    """Store the 18+ confirmation and which guidelines version was accepted, and when."""
    now = timezone.now()
    if profile.adult_confirmed_at is None:
        profile.adult_confirmed_at = now
    profile.guidelines_version = settings.CONNECT_GUIDELINES_VERSION
    profile.guidelines_accepted_at = now
    fields = ["adult_confirmed_at", "guidelines_version", "guidelines_accepted_at"]
    profile.save(update_fields=[*fields, *_advance(profile, step_number), "updated_at"])
    return profile


def profile_language_set(profile: Profile, code: str | None) -> bool:
    """Save the language the site speaks to this person; an unknown code changes nothing."""
    if code not in dict(settings.LANGUAGES) or profile.language == code:
        return False
    profile.language = code
    profile.save(update_fields=["language", "updated_at"])
    return True


def accept_guidelines(profile: Profile) -> Profile:
    """Accept the current guidelines version again (after it changed)."""
    now = timezone.now()
    profile.guidelines_version = settings.CONNECT_GUIDELINES_VERSION
    profile.guidelines_accepted_at = now
    profile.save(update_fields=["guidelines_version", "guidelines_accepted_at", "updated_at"])
    return profile


@transaction.atomic
def save_topics(profile: Profile, data: dict, step_number: int) -> Profile:
    """Replace the person's topics with ``data["weights"]`` ({topic id: weight 1–3})."""
    weights: dict[int, int] = data["weights"]
    profile.topic_weights.exclude(topic_id__in=weights).delete()
    for topic_id, weight in weights.items():
        ProfileTopic.objects.update_or_create(
            profile=profile, topic_id=topic_id, defaults={"weight": weight}
        )
    profile.save(update_fields=[*_advance(profile, step_number), "updated_at"])
    return profile


@transaction.atomic
def save_where(profile: Profile, data: dict, step_number: int) -> Profile:
    """Mode, radius and the city's point only (name, country, GeoNames id, lat/lon)."""
    profile.mode = data["mode"]
    profile.radius_km = data["radius_km"]
    city = data.get("city")
    if city is not None:
        profile.city_name = city.name
        profile.country_code = city.country_code
        profile.city_geoname_id = city.geoname_id
        profile.lat = city.lat
        profile.lon = city.lon
    fields = ["mode", "radius_km", "city_name", "country_code", "city_geoname_id", "lat", "lon"]
    profile.save(update_fields=[*fields, *_advance(profile, step_number), "updated_at"])
    return profile


@transaction.atomic
def save_when(profile: Profile, data: dict, step_number: int) -> Profile:
    """Time zone, availability, languages, size and seeker flag; the last step completes
    onboarding."""
    profile.timezone = data["timezone"]
    profile.availability = data["availability"]
    profile.languages = data["languages"]
    profile.size_min = data["size_min"]
    profile.size_max = data["size_max"]
    profile.is_looking = data["is_looking"]
    fields = ["timezone", "availability", "languages", "size_min", "size_max", "is_looking"]
    if data.get("site_language"):
        profile.language = data["site_language"]
        fields.append("language")
    fields += _advance(profile, step_number)
    if step_number >= STEP_COUNT and profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
        fields.append("onboarded_at")
    profile.save(update_fields=[*fields, "updated_at"])
    return profile
