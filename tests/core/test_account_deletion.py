"""Deleting an account leaves nothing that names or locates the person."""

import json

import pytest
from django.apps import apps
from django.db import connection, models

from accounts.data_rights import delete_account
from connect.chat.models import Message
from connect.notifications.models import Notification
from tests.core.world import ABOUT, EMAIL, LAT, LON, NAME, NOTE, build_world

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _needles():
    return [EMAIL.lower(), NAME.lower(), ABOUT.lower(), NOTE.lower(), str(LAT), str(LON)]


def _hits_in(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, float):
        return [str(value)] if value in (LAT, LON) else []
    if isinstance(value, bytes | memoryview):
        value = bytes(value).decode("utf-8", "replace")
    if not isinstance(value, str):
        value = json.dumps(value, default=str)
    text = value.lower()
    return [needle for needle in _needles() if needle in text]


def _orm_scan() -> list[str]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (*TEXT_FIELDS, models.FloatField))
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields):
            for name, value in zip(fields, row[1:], strict=True):
                for hit in _hits_in(value):
                    found.append(f"{model._meta.label}#{row[0]}.{name}: {hit}")
    return found


def _raw_scan() -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            # Table names come from the database itself, quoted.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    for hit in _hits_in(value):
                        found.append(f"{table}: {hit}")
    return found


def test_hole_5_deleting_an_account_leaves_no_trace_of_the_person(
    django_capture_on_commit_callbacks,
):
    hooks = django_capture_on_commit_callbacks
    with hooks(execute=True):
        world = build_world()
    person_id = world.person.pk
    # The world really holds the person's data in others' rows before deletion.
    assert Notification.objects.filter(title__contains=NAME).exclude(user_id=person_id).exists()
    assert Notification.objects.filter(body=NOTE).exists()
    assert Notification.objects.filter(title__startswith=f"{NAME} joined").exists()
    assert Notification.objects.filter(title__startswith=f"{NAME} mentioned").exists()
    assert Message.objects.filter(body__contains=f"@{NAME}").exists()
    assert _raw_scan()

    with hooks(execute=True):
        delete_account(world.person)

    assert _orm_scan() == []
    assert _raw_scan() == []
    # Others' words stay, with the person named as a former member.
    assert Message.objects.filter(body__contains="@former member").count() == 2
    titles = list(Notification.objects.values_list("title", flat=True))
    assert any("former member" in t.lower() for t in titles)
