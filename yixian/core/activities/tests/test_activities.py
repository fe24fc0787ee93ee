"""Activities: who sees them (the unit that did it and the place it happened), who may record them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yixian.core.activities.models import Activity, ActivityAttachment
from yixian.core.activities.services import ActivityError, activities_about, create_activity, log_activity
from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.scope import get_scope
from yixian.framework.testing.fixtures import OrgFixture, make_role, make_user

DAY = dt.date(2026, 3, 2)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def org(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    org = OrgFixture()
    district = OrgUnit.objects.get(pk=org.district.pk)
    org.group = district.add_child(code="SG01", name="第一专项服务组", kind=OrgUnitKind.SERVICE_GROUP)
    recorder = make_role("t_recorder", ["activities.view_activity", "activities.add_activity"])
    viewer = make_role("t_act_viewer", ["activities.view_activity"])
    org.cadre = make_user("a_cadre", units=[org.group], roles=[recorder])
    org.street_user = make_user("a_street", units=[org.street_a], roles=[viewer])
    org.community_user = make_user("a_community", units=[org.community_a], roles=[viewer])
    org.other = make_user("a_other", units=[org.street_b], roles=[recorder])
    return org


def test_an_activity_is_seen_by_its_unit_and_by_the_place_it_happened(org):
    activity = create_activity(kind="visit", title="走访企业", org_unit=org.group, area=org.street_a, occurred_on=DAY, today=DAY)
    for user in (org.cadre, org.street_user):
        assert list(Activity.objects.visible_to(user)) == [activity]
    for user in (org.community_user, org.other):  # a community below the street does not see the street's records
        assert not Activity.objects.visible_to(user).exists()


def test_log_activity_checks_permission_and_scope_and_saves_files(org):
    activity = log_activity(
        actor=org.cadre,
        kind="meeting",
        title="服务组例会",
        org_unit=org.group,
        occurred_on=DAY,
        participants=[org.cadre.person],
        files=[SimpleUploadedFile("会议.png", PNG)],
        today=DAY,
    )
    assert activity.created_by == org.cadre and list(activity.participants.all()) == [org.cadre.person]
    assert get_scope(org.cadre).filter(ActivityAttachment.objects.all()).get().name == "会议.png"
    assert not get_scope(org.other).filter(ActivityAttachment.objects.all()).exists()
    with pytest.raises(ActivityError) as info:
        log_activity(actor=org.other, kind="meeting", title="例会", org_unit=org.group, occurred_on=DAY, today=DAY)
    assert info.value.status == 403 and info.value.field == "org_unit"
    with pytest.raises(ActivityError) as info:
        log_activity(actor=org.street_user, kind="meeting", title="例会", org_unit=org.street_a, occurred_on=DAY, today=DAY)
    assert info.value.status == 403
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": " "}, "title"),
        ({"kind": "party"}, "kind"),
        ({"occurred_on": DAY + dt.timedelta(days=1)}, "occurred_on"),
        ({"files": [SimpleUploadedFile("x.png", b"MZ" * 20)]}, "files"),
    ],
)
def test_bad_input_writes_nothing(org, kwargs, field):
    args = {"kind": "visit", "title": "走访", "org_unit": org.group, "occurred_on": DAY, "today": DAY, **kwargs}
    with pytest.raises(ActivityError) as info:
        create_activity(**args)
    assert info.value.field == field
    assert not Activity.objects.exists()


def test_activities_about_a_subject(org):
    street = OrgUnit.objects.get(pk=org.street_a.pk)
    one = create_activity(kind="visit", title="一", org_unit=org.group, subject=street, occurred_on=DAY, today=DAY)
    create_activity(kind="visit", title="二", org_unit=org.group, occurred_on=DAY, today=DAY)
    assert list(activities_about(street)) == [one]
