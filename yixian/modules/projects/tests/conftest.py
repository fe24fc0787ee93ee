"""A small district for the projects tests: two streets, two departments, two service groups
and users holding the real roles' permissions (from the apps' `role_permissions`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from yixian.core.orgs.models import Membership, OrgUnit, OrgUnitKind, Person
from yixian.framework.testing.fixtures import OrgFixture, make_role, make_user

TZ = ZoneInfo("Asia/Shanghai")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at(text: str) -> dt.datetime:
    """A Beijing-time moment: at("2026-03-02 09:00")."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def png(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def role_perms(role: str) -> list[str]:
    """The permissions the apps grant `role` (as `manage.py sync_roles` would)."""
    perms = []
    for label in ("projects", "activities", "cases"):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for codename in getattr(config, "role_permissions", {}).get(role, []):
            perms.append(f"{label}.{codename}")
    return perms


def _child(parent_code: str, code: str, name: str, kind: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    return unit or OrgUnit.objects.get(code=parent_code).add_child(code=code, name=name, kind=kind, short_name=name)


class ProjectWorld:
    def __init__(self):
        self.org = OrgFixture()
        self.street_a, self.street_b = self.org.street_a, self.org.street_b
        self.fgj = _child("330105", "D-FGJ", "区发改局", OrgUnitKind.DEPARTMENT)
        self.zjj = _child("330105", "D-ZJJ", "区住建局", OrgUnitKind.DEPARTMENT)
        self.sg1 = _child("330105", "SG01", "第一专项服务组", OrgUnitKind.SERVICE_GROUP)
        self.sg2 = _child("330105", "SG02", "第二专项服务组", OrgUnitKind.SERVICE_GROUP)
        self.district = OrgUnit.objects.get(code="330105")
        cadre = make_role("group_cadre", role_perms("group_cadre"))
        handler = make_role("dept_handler", role_perms("dept_handler"))
        street = make_role("street_worker", role_perms("street_worker"))
        dispatcher = make_role("dispatcher", role_perms("dispatcher"), data_scope="all")
        self.cadre = make_user("p_fuwuzu", units=[self.sg1], roles=[cadre])
        self.cadre.person.cadre_type = "professional"
        self.cadre.person.save()
        self.cadre2 = make_user("p_fuwuzu2", units=[self.sg2], roles=[cadre])
        self.handler = make_user("p_fagaiju", units=[self.fgj], roles=[handler])
        self.zjj_handler = make_user("p_zhujianju", units=[self.zjj], roles=[handler])
        self.street = make_user("p_mishixiang", units=[self.street_a], roles=[street])
        self.street_other = make_user("p_hushu", units=[self.street_b], roles=[street])
        self.dispatcher = make_user("p_paidan", units=[self.district], roles=[dispatcher])

    def project(self, *, now=None, **kwargs):
        from yixian.modules.projects import services

        defaults = dict(
            actor=None,
            code="GS2026-001",
            name="拱墅智造产业园",
            kind="industrial",
            owner_name="杭州拱墅智造有限公司",
            org_unit=self.street_a,
            lead_department=self.fgj,
            service_group=self.sg1,
            total_investment=Decimal("10000"),
            plan={
                "signed": d("2027-01-10"),
                "registered": d("2027-02-10"),
                "land": d("2027-04-10"),
                "started": d("2027-06-10"),
                "completed": d("2028-06-10"),
                "production": d("2028-09-10"),
                "capacity": d("2029-06-10"),
                "output": d("2030-06-10"),
            },
            now=now or at("2026-03-02 09:00"),
        )
        defaults.update(kwargs)
        return services.create_project(**defaults)

    def member(self, name, group, *, cadre_type="", start="2025-01-01", end=None, title="成员"):
        person = Person.objects.create(name=name, org_unit=group, cadre_type=cadre_type)
        Membership.objects.create(
            person=person, org_unit=group, start_date=d(start), end_date=d(end) if end else None, title=title
        )
        return person


@pytest.fixture
def pw(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return ProjectWorld()
