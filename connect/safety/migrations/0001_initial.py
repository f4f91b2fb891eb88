"""Take over blocks, mutes, suspensions and warnings from the moderation app.

The tables exist already (created by the moderation app's migrations), so the
models are created in Django's state only, with their old table names. Their
content types move with them, so the permissions the Moderators group holds
on them (and admin history) stay attached.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["block", "mute", "suspension", "moderationwarning"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MOVED:
        old = ContentType.objects.filter(app_label="moderation", model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label="safety", model=model).first()
        if new is None:
            old.app_label = "safety"
            old.save(update_fields=["app_label"])
            continue
        # Both exist (e.g. the new one made by post_migrate): the groups keep
        # their permissions on the new content type and the old one goes.
        for perm in Permission.objects.filter(content_type=old):
            twin = Permission.objects.filter(content_type=new, codename=perm.codename).first()
            if twin is None:
                perm.content_type = new
                perm.save(update_fields=["content_type"])
                continue
            for group in perm.group_set.all():
                group.permissions.add(twin)
            for user in perm.user_set.all():
                user.user_permissions.add(twin)
            perm.delete()
        old.delete()


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="moderation", model=model).exists():
            ContentType.objects.filter(app_label="safety", model=model).update(
                app_label="moderation"
            )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("circles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0005_blocks_mutes_suspensions_warnings_to_safety"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Block",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("blocked", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="blocks_received", to=settings.AUTH_USER_MODEL)),
                        ("blocker", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="blocks_made", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "moderation_block",
                        "constraints": [
                            models.UniqueConstraint(fields=("blocker", "blocked"), name="block_once"),
                            models.CheckConstraint(condition=models.Q(("blocker", models.F("blocked")), _negated=True), name="block_not_self"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Suspension",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("starts_at", models.DateTimeField()),
                        ("ends_at", models.DateTimeField(blank=True, null=True)),
                        ("lifted_at", models.DateTimeField(blank=True, null=True)),
                        ("reason", models.TextField()),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="suspensions", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "moderation_suspension"},
                ),
                migrations.CreateModel(
                    name="Mute",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("ends_at", models.DateTimeField()),
                        ("lifted_at", models.DateTimeField(blank=True, null=True)),
                        ("reason", models.TextField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("circle", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="mutes", to="circles.circle")),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="mutes", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "moderation_mute"},
                ),
                migrations.CreateModel(
                    name="ModerationWarning",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("action_id", models.BigIntegerField()),
                        ("text", models.TextField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="moderation_warnings", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "moderation_moderationwarning",
                        "indexes": [models.Index(fields=["user", "acknowledged_at"], name="moderation__user_id_ed868e_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, return_content_types),
    ]
