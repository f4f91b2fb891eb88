import pytest


@pytest.fixture
def hooks(django_capture_on_commit_callbacks):
    """Run ``transaction.on_commit`` work (email tasks, viability checks) as a
    real commit would: ``with hooks(execute=True): ...``."""
    return django_capture_on_commit_callbacks
