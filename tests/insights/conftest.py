import pytest


@pytest.fixture(autouse=True)
def _figures_computed_every_time(settings):
    """The page's tests count its queries: no cached figures unless a test asks."""
    settings.CONNECT_INSIGHTS_CACHE_SECONDS = 0
