"""Reports: any target type, rate-limited, clear refusals, reporter stays hidden."""

import pytest
from django.urls import reverse

from connect.moderation.models import Report
from connect.moderation.services import REPORTS_PER_HOUR, ModerationError, report_create


@pytest.mark.parametrize("target_type", ["member", "message", "circle"])
def test_report_each_kind_of_target(client, member, other_member, circle, post, target_type):
    target_id = {
        "member": other_member.pk,
        "message": post(other_member, "rude").pk,
        "circle": circle.pk,
    }[target_type]
    client.force_login(member)
    form = client.get(reverse("moderation:report"), {"type": target_type, "id": target_id})
    assert form.status_code == 200
    response = client.post(
        reverse("moderation:report"),
        {"target_type": target_type, "target_id": target_id, "reason": "harassment", "note": "x"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.target_type, report.target_id, report.reporter) == (
        target_type,
        target_id,
        member,
    )


def test_report_own_content_is_refused(client, member, post):
    message = post(member, "mine")
    client.force_login(member)
    for target_type, target_id in [("member", member.pk), ("message", message.pk)]:
        response = client.post(
            reverse("moderation:report"),
            {"target_type": target_type, "target_id": target_id, "reason": "spam"},
        )
        assert response.status_code == 400
        assert "report yourself or your own messages" in response.content.decode()
    assert Report.objects.count() == 0


def test_report_nonexistent_target_is_refused(client, member):
    client.force_login(member)
    for target_type in ["member", "message", "circle", "meetup", "planet"]:
        response = client.post(
            reverse("moderation:report"),
            {"target_type": target_type, "target_id": 999999, "reason": "spam"},
        )
        assert response.status_code == 404
        body = response.content.decode()
        assert "find what you wanted to report" in body or "can be reported" in body
    assert Report.objects.count() == 0


def test_report_a_message_of_another_circle_looks_nonexistent(member_user, member, post):
    message = post(member, "private to the circle")
    with pytest.raises(ModerationError, match="couldn't find"):
        report_create(member_user, "message", message.pk, "spam")
    assert Report.objects.count() == 0


def test_report_needs_a_reason(client, member, other_member):
    client.force_login(member)
    response = client.post(
        reverse("moderation:report"),
        {"target_type": "member", "target_id": other_member.pk, "reason": ""},
    )
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_reports_are_rate_limited(member, other_member):
    for _ in range(REPORTS_PER_HOUR):
        report_create(member, "member", other_member.pk, "spam")
    with pytest.raises(ModerationError, match="many reports"):
        report_create(member, "member", other_member.pk, "spam")
    assert Report.objects.count() == REPORTS_PER_HOUR


def test_failed_reports_do_not_use_up_the_allowance(member):
    for _ in range(REPORTS_PER_HOUR + 2):
        with pytest.raises(ModerationError):
            report_create(member, "member", member.pk, "spam")
    assert Report.objects.count() == 0


def test_reported_person_sees_nothing_about_the_reporter(client, member, other_member):
    report_create(member, "member", other_member.pk, "harassment", "they were rude to me")
    client.force_login(other_member)
    for name in ["dashboard", "notifications:list", "moderation:my_actions", "moderation:home"]:
        body = client.get(reverse(name)).content.decode()
        assert member.display_name not in body
        assert "they were rude to me" not in body
