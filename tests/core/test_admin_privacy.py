"""Django admin never bypasses moderation and never shows emails to non-superusers."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from connect.safety.models import Suspension
from tests.core.world import build_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODERATION_MODELS = [
    "block",
    "suspension",
    "mute",
    "report",
    "appeal",
    "crisisalert",
    "moderationwarning",
    "moderationaction",
]


def _url(model, name, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{name}", args=args)


@pytest.fixture
def staff_viewer(db):
    """Staff, not a superuser, with every view permission and the add-suspension one."""
    staff = UserFactory(email="staff.viewer@example.net", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__startswith="view_")
        | Permission.objects.filter(codename="add_suspension")
    )
    return User.objects.get(pk=staff.pk)


def test_hole_4_staff_non_superuser_never_sees_an_email(client, staff_viewer):
    build_world()
    client.force_login(staff_viewer)
    emails = [e.lower() for e in User.objects.values_list("email", flat=True)]
    emails += [e.lower() for e in EmailAddress.objects.values_list("email", flat=True)]
    assert len(emails) > 10
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        pages.append(_url(model, "changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(_url(model, "change", first.pk))
        for app in {model._meta.app_label}:
            try:
                pages.append(reverse("admin:app_list", args=[app]))
            except NoReverseMatch:
                pass
    seen = 0
    for page in pages:
        response = client.get(page)
        # An app whose every model is superuser-only has no index page (404).
        assert response.status_code in (200, 403, 404), page
        seen += response.status_code == 200
        body = response.content.decode().lower()
        leaked = [e for e in emails if e in body]
        assert not leaked, f"{page} shows {leaked}"
    assert seen > 20


def test_hole_4_moderation_models_are_read_only_in_admin(client, staff_viewer):
    world = build_world()
    target = world.members[0]
    superuser = UserFactory(is_staff=True, is_superuser=True)
    for actor in (staff_viewer, superuser):
        client.force_login(actor)
        before = Suspension.objects.count()
        response = client.post(
            reverse("admin:safety_suspension_add"),
            {
                "user": target.pk,
                "starts_at_0": timezone.now().date().isoformat(),
                "starts_at_1": "00:00:00",
                "reason": "Added in admin",
            },
        )
        assert response.status_code == 403
        assert Suspension.objects.count() == before
        for name in MODERATION_MODELS:
            model = next(m for m in admin.site._registry if m._meta.model_name == name)
            model_admin = admin.site._registry[model]
            request = response.wsgi_request
            request.user = actor
            assert not model_admin.has_add_permission(request), name
            assert not model_admin.has_change_permission(request), name
            assert not model_admin.has_delete_permission(request), name
        suspension = Suspension.objects.first()
        client.post(
            reverse("admin:safety_suspension_delete", args=[suspension.pk]), {"post": "yes"}
        )
        assert Suspension.objects.filter(pk=suspension.pk).exists()
