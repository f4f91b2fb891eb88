"""Create the "Moderators" group with its permissions, and on PostgreSQL a
trigger that refuses UPDATE and DELETE on the audit log."""

from django.db import migrations

GROUP = "Moderators"

# (model, codename, name). Permissions are normally created after migrate;
# the group needs them now, so they are created here if missing.
PERMISSIONS = [
    ("moderationaction", "moderate", "Can act as a site moderator"),
    ("moderationaction", "view_moderationaction", "Can view moderation action"),
    ("moderationaction", "add_moderationaction", "Can add moderation action"),
    ("report", "view_report", "Can view report"),
    ("report", "change_report", "Can change report"),
    ("appeal", "view_appeal", "Can view appeal"),
    ("appeal", "change_appeal", "Can change appeal"),
    ("crisisalert", "view_crisisalert", "Can view crisis alert"),
    ("crisisalert", "change_crisisalert", "Can change crisis alert"),
    ("suspension", "view_suspension", "Can view suspension"),
    ("suspension", "add_suspension", "Can add suspension"),
    ("suspension", "change_suspension", "Can change suspension"),
    ("mute", "view_mute", "Can view mute"),
    ("mute", "add_mute", "Can add mute"),
    ("mute", "change_mute", "Can change mute"),
    ("moderationwarning", "view_moderationwarning", "Can view moderation warning"),
    ("moderationwarning", "add_moderationwarning", "Can add moderation warning"),
]

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION moderation_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the moderation audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_audit_append_only
    BEFORE UPDATE OR DELETE ON moderation_moderationaction
    FOR EACH ROW EXECUTE FUNCTION moderation_audit_append_only();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS moderation_audit_append_only ON moderation_moderationaction;
DROP FUNCTION IF EXISTS moderation_audit_append_only();
"""


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for model, codename, name in PERMISSIONS:
        ct, _ = ContentType.objects.get_or_create(app_label="moderation", model=model)
        perm, _ = Permission.objects.get_or_create(
            content_type=ct, codename=codename, defaults={"name": name}
        )
        group.permissions.add(perm)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_audit_log_appeals_warnings_alerts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_group, remove_group),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
