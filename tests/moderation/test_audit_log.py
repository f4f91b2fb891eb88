"""The audit log is append-only: in the model, the queryset, the admin and
(on PostgreSQL) the database itself."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, transaction
from django.test import RequestFactory
from django.urls import reverse

from connect.moderation.models import AuditLogIsAppendOnly, ModerationAction
from tests.factories import UserFactory


@pytest.fixture
def entry(db):
    return ModerationAction.objects.create(
        kind="warn", actor_id=1, target_user_id=2, reason="Original reason"
    )


def test_model_refuses_update(entry):
    entry.reason = "Rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.filter(pk=entry.pk).update(reason="Rewritten")
    assert ModerationAction.objects.get(pk=entry.pk).reason == "Original reason"


def test_model_refuses_delete(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.all().delete()
    assert ModerationAction.objects.filter(pk=entry.pk).exists()


def test_admin_has_no_add_change_or_delete(entry):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = site._registry[ModerationAction]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert model_admin.has_view_permission(request, entry)
    assert not model_admin.get_actions(request)


def test_admin_pages_refuse_changes(client, entry):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    change_url = reverse("admin:moderation_moderationaction_change", args=[entry.pk])
    response = client.post(change_url, {"reason": "Rewritten", "kind": "warn"})
    assert response.status_code == 403
    delete_url = reverse("admin:moderation_moderationaction_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    entry = ModerationAction.objects.get(pk=entry.pk)
    assert entry.reason == "Original reason"


def test_moderators_can_search_the_log(client, moderator, entry):
    ModerationAction.objects.create(kind="mute", actor_id=3, target_user_id=4, reason="Spamming")
    client.force_login(moderator)
    body = client.get(reverse("moderation:audit"), {"q": "spam"}).content.decode()
    assert "Spamming" in body and "Original reason" not in body
    body = client.get(reverse("moderation:audit"), {"person": 2}).content.decode()
    assert "Original reason" in body and "Spamming" not in body


def test_the_log_says_utc_and_shows_utc_whatever_the_moderators_own_zone(client, moderator, entry):
    """Pages draw times in the reader's zone, but the audit log's column is
    headed "When (UTC)": moderators in different zones compare the same times."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    moderator.profile.timezone = "Asia/Tokyo"
    moderator.profile.save(update_fields=["timezone"])
    client.force_login(moderator)
    body = client.get(reverse("moderation:audit")).content.decode()
    assert "When (UTC)" in body
    in_utc = entry.created_at.astimezone(UTC)
    in_tokyo = entry.created_at.astimezone(ZoneInfo("Asia/Tokyo"))  # 9 hours ahead
    assert f"{in_utc:%Y-%m-%d %H:%M}" in body
    assert f"{in_tokyo:%Y-%m-%d %H:%M}" not in body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_trigger_refuses_update_and_delete_in_sql(entry):
    from django.db import connection

    for sql in (
        "UPDATE moderation_moderationaction SET reason = 'x' WHERE id = %s",
        "DELETE FROM moderation_moderationaction WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    assert ModerationAction.objects.get(pk=entry.pk).reason == "Original reason"
