"""People and memberships through the generic pages and API, scoped by org unit."""

import datetime as dt
import itertools

from django.test import TestCase

from yixian.core.orgs.models import Membership, Person
from yixian.framework.testing import ResourceTests

_seq = itertools.count(1)


class TestPersonResource(ResourceTests, TestCase):
    model = Person

    def make_record(self, unit, **overrides):
        n = next(_seq)
        return Person.objects.create(**{"name": f"{unit.short_name}干部{n}", "org_unit": unit, "mobile": "13912345678", **overrides})

    def valid_data(self, unit):
        n = next(_seq)
        return {"name": f"新干部{n}", "org_unit": unit.pk, "position": "科员", "cadre_type": "young", "mobile": "139 1234 0000", "is_active": "on"}

    def test_mobile_is_normalised_and_masked(self):
        self.login(self.scoped)
        self.client.post(self.url("add"), dict(self.valid_data(self.org.street_a), name="号码测试"))
        person = Person.objects.get(name="号码测试")
        self.assertEqual(person.mobile, "13912340000")
        html = self.client.get(self.url("detail", person)).content.decode()
        self.assertIn("139****0000", html)
        self.assertNotIn("13912340000", html)


class TestMembershipResource(ResourceTests, TestCase):
    model = Membership
    label_field = "title"

    def make_record(self, unit, **overrides):
        person = Person.objects.create(name=f"成员{next(_seq)}", org_unit=unit)
        return Membership.objects.create(person=person, org_unit=unit, title=f"{unit.short_name}职务{next(_seq)}", **overrides)

    def valid_data(self, unit):
        person = Person.objects.create(name=f"新成员{next(_seq)}", org_unit=unit)
        return {"person": person.pk, "org_unit": unit.pk, "title": f"联络员{next(_seq)}", "start_date": "2026-01-01"}

    def test_end_before_start_is_refused(self):
        self.login(self.scoped)
        data = dict(self.valid_data(self.org.street_a), end_date="2025-01-01")
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 422)
        self.assertIn("结束日期不能早于开始日期", response.content.decode())
        self.assertFalse(Membership.objects.filter(title=data["title"]).exists())

    def test_membership_is_active_between_its_dates(self):
        m = self.make_record(self.org.street_a, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 6, 30))
        active = Membership.objects.active
        self.assertIn(m, active(dt.date(2026, 6, 30)))
        self.assertNotIn(m, active(dt.date(2026, 7, 1)))
        self.assertNotIn(m, active(dt.date(2025, 12, 31)))
