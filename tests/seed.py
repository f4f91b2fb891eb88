"""The rows the data migrations create, brought back after a flush.

Transactional tests (``transactional_db``, ``live_server``) end by flushing
every table, which also empties what the data migrations wrote: the topic
list, the site's name and the Moderators group with its permissions. The root
conftest calls :func:`restore_seed_rows` before every database test, so no
test depends on which tests ran before it.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group

from accounts.models import Topic

SEED_TOPICS = "accounts.migrations.0002_seed_topics"
MODERATORS_GROUP = "connect.moderation.migrations.0003_moderators_group_and_audit_trigger"
SAFETY_MODELS_MOVED = "connect.safety.migrations.0001_initial"


def restore_seed_rows() -> None:
    """Topics, the site and the Moderators group, as the migrations left them.

    Two cheap queries when nothing was flushed: this runs before every test."""
    if not Topic.objects.exists():  # flushed: the site's name went with the topics
        import_module(SEED_TOPICS).seed(apps, None)
    if not Group.objects.filter(name="Moderators", permissions__codename="moderate").exists():
        import_module(MODERATORS_GROUP).create_group(apps, None)
        # The group's permissions on blocks, mutes, suspensions and warnings
        # follow those models to the safety app, as on a migrated database.
        import_module(SAFETY_MODELS_MOVED).move_content_types(apps, None)


def moderators_group() -> Group:
    """The Moderators group with its permissions."""
    restore_seed_rows()
    return Group.objects.get(name="Moderators")
