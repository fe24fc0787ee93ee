"""Rider stations: the generic resource checks with station data, plus what is specific."""

import itertools

from django.test import TestCase

from yixian.framework.testing import ResourceTests
from yixian.modules.riders.models import Amenity, RiderStation

_seq = itertools.count(1)


class TestRiderStationResource(ResourceTests, TestCase):
    model = RiderStation

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.water = Amenity.objects.create(code="water", name="饮水")
        cls.charging = Amenity.objects.create(code="charging", name="充电")

    def make_record(self, unit, **overrides):
        n = next(_seq)
        fields = {
            "name": f"{unit.short_name}测试驿站{n}",
            "org_unit": unit,
            "address": f"测试路 {n} 号",
            "contact_phone": "13812341234",
        }
        fields.update(overrides)
        return RiderStation.objects.create(**fields)

    def valid_data(self, unit):
        n = next(_seq)
        return {
            "name": f"新驿站{n}",
            "org_unit": unit.pk,
            "address": f"新路 {n} 号",
            "opening_hours": "全天",
            "amenities": [self.water.pk, self.charging.pk],
            "status": "open",
            "longitude": "120.160000",
            "latitude": "30.280000",
        }

    def test_contact_phone_is_masked_on_pages_api_and_export(self):
        self.login(self.scoped)
        detail = self.client.get(self.url("detail", self.mine)).content.decode()
        self.assertIn("138****1234", detail)
        self.assertNotIn("13812341234", detail)
        api = self.client.get(self.api_url(self.mine)).json()
        self.assertEqual(api["contact_phone"], "138****1234")
        export = self.client.get(self.url("export")).content
        self.assertNotIn(b"13812341234", export)

    def test_station_can_only_belong_to_a_street_or_community(self):
        self.login(self.scoped)
        data = self.valid_data(self.org.street_a)
        data["org_unit"] = self.org.district.pk
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 422)

    def test_bad_coordinates_are_refused_with_a_chinese_message(self):
        self.login(self.scoped)
        data = self.valid_data(self.org.street_a)
        data["latitude"] = "95"
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 422)
        self.assertIn("纬度", response.content.decode())

    def test_detail_shows_labels_not_codes(self):
        self.mine.amenities.set([self.water, self.charging])
        self.login(self.scoped)
        html = self.client.get(self.url("detail", self.mine)).content.decode()
        self.assertIn("运营中", html)
        self.assertIn("充电、饮水", html)  # in the amenities' own order
        self.assertIn(self.org.street_a.name, html)

    def test_filter_by_amenity(self):
        self.mine.amenities.set([self.water])
        other = self.make_record(self.org.street_a)
        self.login(self.scoped)
        html = self.client.get(self.url("list", query=f"?amenities={self.water.pk}")).content.decode()
        self.assertIn(self.mine.name, html)
        self.assertNotIn(other.name, html)
