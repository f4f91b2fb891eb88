"""Onboarding steps: each bad input shows a clear field error and saves nothing."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile, ProfileTopic, Topic
from accounts.views import availability_summary
from tests.accounts.helpers import LONDON_ID, valid_steps
from tests.factories import UserFactory, onboard

pytestmark = pytest.mark.django_db

STEPS = ["about", "agreements", "topics", "where", "when"]


def snapshot(profile: Profile) -> tuple:
    """Everything onboarding could write for this person."""
    profile = Profile.objects.get(pk=profile.pk)
    row = model_to_dict(profile, exclude=["topics"])
    row["updated_at"] = profile.updated_at
    topics = sorted(ProfileTopic.objects.filter(profile=profile).values_list("topic_id", "weight"))
    return row, topics


@pytest.fixture
def at_step(client):
    """A logged-in person who saved every step before ``slug``; returns (client, profile)."""

    def make(slug):
        user = UserFactory()
        client.force_login(user)
        steps = valid_steps()
        for previous in STEPS[: STEPS.index(slug)]:
            response = client.post(reverse("onboarding_step", args=[previous]), steps[previous])
            assert response.status_code == 302
        return user.profile

    return make


def post_bad(client, slug, data, field, message):
    """POST bad data; the page re-renders with the field's error (status 200)."""
    response = client.post(reverse("onboarding_step", args=[slug]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert message.replace("'", "&#x27;") in body
    assert "Nothing was saved yet" in body
    return response


@pytest.mark.parametrize(
    ("slug", "change", "field", "message"),
    [
        ("where", {"city": "999999999"}, "city", "We don't know that city"),
        ("where", {"city": "London"}, "city", "We don't know that city"),
        ("where", {"city": ""}, "city", "search for your city and pick it"),
        ("where", {"radius_km": "0"}, "radius_km", "between 1 and 100 km"),
        ("where", {"radius_km": "500"}, "radius_km", "between 1 and 100 km"),
        ("where", {"radius_km": "ten"}, "radius_km", "between 1 and 100"),
        ("when", {"timezone": "Mars/Olympus_Mons"}, "timezone", "isn't a time zone we know"),
        ("when", {"timezone": "../etc/passwd"}, "timezone", "isn't a time zone we know"),
        ("when", {"availability": []}, "availability", "Tick at least one half-hour"),
        ("when", {"availability": ["336"]}, "availability", "Select a valid choice"),
        ("when", {"languages": []}, "languages", "Pick at least one language"),
        ("when", {"size_min": "7", "size_max": "5"}, "size_max", "can't be smaller"),
        ("when", {"size_max": "9"}, "size_max", "Select a valid choice"),
        ("agreements", {"adult": ""}, "adult", "you must be 18 or older"),
        ("agreements", {"guidelines": ""}, "guidelines", "accept the community guidelines"),
        ("about", {"display_name": "   "}, "display_name", "Choose a display name"),
    ],
)
def test_bad_input_shows_field_error_and_saves_nothing(
    client, at_step, slug, change, field, message
):
    profile = at_step(slug)
    before = snapshot(profile)
    data = {**valid_steps()[slug], **change}
    post_bad(client, slug, data, field, message)
    assert snapshot(profile) == before


def test_under_18_saves_nothing_and_keeps_the_step(client, at_step):
    profile = at_step("agreements")
    before = snapshot(profile)
    post_bad(client, "agreements", {"guidelines": "on"}, "adult", "18 or older")
    assert snapshot(profile) == before
    profile.refresh_from_db()
    assert profile.adult_confirmed_at is None
    assert profile.onboarding_step == 1
    # The next step stays out of reach until this one is saved.
    response = client.get(reverse("onboarding_step", args=["topics"]))
    assert response["Location"] == reverse("onboarding_step", args=["agreements"])


def test_zero_topics_saves_nothing(client, at_step):
    profile = at_step("topics")
    before = snapshot(profile)
    post_bad(client, "topics", {}, "topics", "Pick at least one topic.")
    assert snapshot(profile) == before


def test_seven_topics_saves_nothing(client, at_step):
    profile = at_step("topics")
    before = snapshot(profile)
    seven = list(Topic.objects.values_list("pk", flat=True)[:7])
    post_bad(client, "topics", {"topics": seven}, "topics", "Pick at most 6 topics")
    assert snapshot(profile) == before


def test_six_topics_with_weights_are_saved(client, at_step):
    profile = at_step("topics")
    six = list(Topic.objects.values_list("pk", flat=True)[:6])
    data = {"topics": six, **{f"weight_{pk}": "3" for pk in six}}
    response = client.post(reverse("onboarding_step", args=["topics"]), data)
    assert response.status_code == 302
    assert sorted(profile.topic_weights.values_list("topic_id", "weight")) == [
        (pk, 3) for pk in sorted(six)
    ]


def test_bad_topic_weight_is_a_field_error(client, at_step):
    profile = at_step("topics")
    before = snapshot(profile)
    grief = Topic.objects.get(slug="grief")
    post_bad(
        client,
        "topics",
        {"topics": [grief.pk], f"weight_{grief.pk}": "9"},
        f"weight_{grief.pk}",
        "Select a valid choice",
    )
    assert snapshot(profile) == before


def test_video_only_people_need_no_city(client, at_step):
    profile = at_step("where")
    response = client.post(
        reverse("onboarding_step", args=["where"]), {"mode": "virtual", "radius_km": "10"}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.mode == "virtual" and profile.city_geoname_id is None


def test_onboarding_is_resumable(client, at_step):
    at_step("where")
    response = client.get(reverse("onboarding"))
    assert response["Location"] == reverse("onboarding_step", args=["where"])
    page = client.get(reverse("onboarding_step", args=["about"]))
    assert page.status_code == 200
    assert b'value="River"' in page.content  # earlier answers are shown again


def test_steps_cannot_be_skipped(client, at_step):
    at_step("about")
    response = client.get(reverse("onboarding_step", args=["when"]))
    assert response["Location"] == reverse("onboarding_step", args=["about"])
    response = client.post(reverse("onboarding_step", args=["when"]), valid_steps()["when"])
    assert response["Location"] == reverse("onboarding_step", args=["about"])


def test_step_list_reads_as_numbered_steps(client, at_step):
    """Each step is numbered in its own text, so the list never runs together
    ("About you2. Agreements3.") however it is displayed or read."""
    import re

    at_step("topics")
    body = client.get(reverse("onboarding_step", args=["topics"])).content.decode()
    steps = body[body.index('<ol class="steps">') : body.index("</ol>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", steps).split())
    assert text == (
        "1. About you (saved) 2. Agreements (saved) 3. Topics 4. How and where 5. When and language"
    )


def test_unknown_step_is_404(client, user):
    client.force_login(user)
    assert client.get(reverse("onboarding_step", args=["nope"])).status_code == 404


def test_city_search_without_js_lists_radio_choices(client, at_step):
    at_step("where")
    page = client.get(reverse("onboarding_step", args=["where"]), {"q": "londo"})
    body = page.content.decode()
    assert f'type="radio" name="city" value="{LONDON_ID}"' in body
    assert "London, United Kingdom" in body
    assert "London, Canada" in body


def test_city_search_partial_for_htmx(client, user):
    client.force_login(user)
    response = client.get(reverse("city_search"), {"q": "new york"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "New York City, United States" in body
    assert "<html" not in body
    empty = client.get(reverse("city_search"), {"q": "qqqqzz"}).content.decode()
    assert "No city matches" in empty


def test_where_step_prefills_time_zone_from_city(client, at_step):
    at_step("when")
    page = client.get(reverse("onboarding_step", args=["when"]))
    assert page.context["form"].initial["timezone"] == "Europe/London"
    assert b"data-browser-timezone" in page.content


def test_availability_grid_is_labelled_checkboxes(client, at_step):
    at_step("when")
    body = client.get(reverse("onboarding_step", args=["when"])).content.decode()
    assert body.count('type="checkbox" name="availability"') == 336
    assert 'class="visually-hidden">Monday 00:00–00:30</label>' in body
    assert 'class="visually-hidden">Sunday 23:30–00:00</label>' in body
    assert '<th scope="row">18:30</th>' in body


def test_availability_grid_opens_at_seven_with_early_hours_folded(client, at_step):
    import json
    import re

    at_step("when")
    body = client.get(reverse("onboarding_step", args=["when"])).content.decode()
    early = body[body.index("<details") : body.index("</details>")]
    assert '<details class="early-hours" data-availability-early>' in early  # folded
    assert '<th scope="row">00:00</th>' in early and '<th scope="row">06:30</th>' in early
    main = body[body.index("</details>") :]
    first_row = re.search(r'<th scope="row">(\d\d:\d\d)</th>', main)
    assert first_row and first_row.group(1) == "07:00"
    assert "js/availability.js" in body and "<script>" not in body
    presets = json.loads(
        re.search(
            r'<script id="availability-presets" type="application/json">(.*?)</script>', body
        ).group(1)
    )
    assert [p["label"] for p in presets] == [
        "Weekday evenings",
        "Weekend mornings",
        "Weekday lunchtimes",
    ]
    assert 36 in presets[0]["cells"] and 5 * 48 + 18 in presets[1]["cells"]


def test_early_hours_unfold_for_someone_free_then(client, member_user):
    profile = member_user.profile
    profile.availability = [2 * 48 + 12]  # Wednesday 06:00
    profile.save()
    client.force_login(member_user)
    body = client.get(reverse("profile_edit", args=["when"])).content.decode()
    assert '<details class="early-hours" open data-availability-early>' in body
    assert "data-availability-zone>Europe/London<" in body


def test_profile_edit_changes_one_section(client, member_user):
    client.force_login(member_user)
    page = client.get(reverse("profile"))
    assert page.status_code == 200
    for slug in ["about", "topics", "where", "when"]:
        assert reverse("profile_edit", args=[slug]).encode() in page.content
    assert reverse("mfa_index").encode() in page.content
    assert reverse("account_email").encode() in page.content

    response = client.post(
        reverse("profile_edit", args=["where"]),
        {"mode": "in_person", "city": str(LONDON_ID), "radius_km": "42"},
    )
    assert response["Location"] == reverse("profile")
    member_user.profile.refresh_from_db()
    assert member_user.profile.radius_km == 42


def test_profile_edit_bad_input_saves_nothing(client, member_user):
    client.force_login(member_user)
    before = snapshot(member_user.profile)
    response = client.post(
        reverse("profile_edit", args=["when"]),
        {"timezone": "Nowhere/Land", "availability": [], "languages": ["en"]},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"timezone", "availability"} <= set(form.errors)
    assert snapshot(member_user.profile) == before


def test_profile_edit_can_turn_off_looking(client, member_user):
    client.force_login(member_user)
    data = {**valid_steps()["when"]}
    data.pop("is_looking")
    client.post(reverse("profile_edit", args=["when"]), data)
    member_user.profile.refresh_from_db()
    assert member_user.profile.is_looking is False


def test_onboarded_person_visiting_onboarding_goes_to_profile(client, member_user):
    client.force_login(member_user)
    assert client.get(reverse("onboarding"))["Location"] == reverse("profile")
    response = client.get(reverse("onboarding_step", args=["topics"]))
    assert response["Location"] == reverse("profile_edit", args=["topics"])


def test_new_guidelines_version_asks_again(client, member_user, settings):
    settings.CONNECT_GUIDELINES_VERSION = "2027-01"
    client.force_login(member_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("guidelines_accept"))
    # Crisis help and the guidelines stay reachable.
    assert client.get(reverse("crisis")).status_code == 200
    assert client.get(reverse("guidelines")).status_code == 200

    response = client.post(reverse("guidelines_accept"), {"next": "/dashboard/"})
    assert response.status_code == 200
    assert "guidelines" in response.context["form"].errors
    member_user.profile.refresh_from_db()
    assert member_user.profile.guidelines_version == "2026-11"

    before = timezone.now()
    response = client.post(
        reverse("guidelines_accept"), {"guidelines": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard")
    profile = Profile.objects.get(pk=member_user.profile.pk)
    assert profile.guidelines_version == "2027-01"
    assert profile.guidelines_accepted_at >= before
    assert client.get(reverse("dashboard")).status_code == 200


def test_not_yet_onboarded_people_are_not_asked_to_reaccept(client, user, settings):
    settings.CONNECT_GUIDELINES_VERSION = "2027-01"
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200


def test_onboard_helper_still_matches_forms():
    """The factory's profile passes the same validation as the onboarding forms."""
    user = UserFactory()
    profile = onboard(user)
    assert profile.is_onboarded


def test_profile_page_queries_do_not_grow_with_topics(client, django_assert_num_queries):
    person = UserFactory()
    onboard(person, topics={"grief": 3})
    client.force_login(person)
    client.get(reverse("profile"))
    # session, the user with profile and the per-request checks
    # (connect.core.auth), unread count, topics with names
    with django_assert_num_queries(4):
        client.get(reverse("profile"))
    onboard(person, topics={slug: 2 for slug in ["grief", "anxiety", "loneliness", "students"]})
    with django_assert_num_queries(4):
        body = client.get(reverse("profile")).content.decode()
    assert "Students — matters quite a lot" in body


def test_availability_summary_merges_runs_within_a_day():
    assert availability_summary([36, 37, 38, 39, 40, 41, 132]) == [
        "Monday 18:00–21:00",
        "Wednesday 18:00–18:30",
    ]
    assert availability_summary([47, 48]) == ["Monday 23:30–00:00", "Tuesday 00:00–00:30"]
    assert availability_summary([]) == []


@pytest.mark.parametrize("next_url", ["0", "0482-11-01", "dashboard", "logout", "//evil.example/"])
def test_guidelines_accept_goes_only_to_a_path_on_this_site(
    client, member_user, settings, next_url
):
    """A bare word would be read by redirect() as a view name (a 500 when it
    is none); only paths on this site are followed."""
    settings.CONNECT_GUIDELINES_VERSION = "2027-01"
    client.force_login(member_user)
    response = client.post(reverse("guidelines_accept"), {"guidelines": "on", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
