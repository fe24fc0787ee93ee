import pytest

from yixian.core.calendar import services


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Tests that change the calendar must not leak cached days into other tests (their writes
    are rolled back, but the in-memory cache would outlive the rollback)."""
    services.invalidate_cache()
    yield
    services.invalidate_cache()
