"""Settings for every test: the demo's case generator makes 60 cases, not the demo's 2,400
(tests that need more pass a size of their own)."""

import pytest


@pytest.fixture(autouse=True)
def _small_demo(settings):
    settings.YIXIAN_DEMO_CASES = 60
