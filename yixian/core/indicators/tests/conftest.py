# The case engine's fixtures: a small org tree with users, and March 2026's known cases.
from yixian.core.cases.tests.conftest import new_case, world  # noqa: F401
from yixian.core.cases.tests.test_kpis import march  # noqa: F401
