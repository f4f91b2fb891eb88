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
