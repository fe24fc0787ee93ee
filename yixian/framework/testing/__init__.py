"""Generic tests every module reuses: a module's test supplies data, these supply the checks.

class TestRiderStationResource(ResourceTests, TestCase):
    model = RiderStation
    def make_record(self, unit, **kw): ...
    def valid_data(self, unit): ...   # form/API data for a new record under `unit`
"""

from .fixtures import OrgFixture, make_user
from .resources import ResourceTests

__all__ = ["OrgFixture", "ResourceTests", "make_user"]
