import pytest

from connect.circles.emails import reset_connection


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    """The invitation task keeps one mail connection per process; tests swap backends."""
    reset_connection()
    yield
    reset_connection()


@pytest.fixture
def hooks(django_capture_on_commit_callbacks):
    """Run ``transaction.on_commit`` work (email tasks, viability checks) as a
    real commit would: ``with hooks(execute=True): ...``."""
    return django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def _topics(request):
    """Transactional tests flush the database, seeded topics included: re-seed."""
    if "transactional_db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        marker = request.node.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction"):
            request.getfixturevalue("transactional_db")
            seed_topics()
    yield


def seed_topics():
    import importlib

    from accounts.models import Topic

    seed = importlib.import_module("accounts.migrations.0002_seed_topics")
    for position, (slug, name) in enumerate(seed.TOPICS):
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})
