"""The change log: who, when, request id, before and after; append-only."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from yixian.core.audit.models import ObjectChange
from yixian.framework.context import acting
from yixian.framework.testing.fixtures import OrgFixture, make_role, make_user
from yixian.modules.riders.models import RiderStation

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrgFixture()


def test_create_update_delete_are_logged_with_before_and_after(org):
    user = make_user("editor", units=[org.street_a])
    with acting(user=user, request_id="req-12345678"):
        s = RiderStation.objects.create(name="测试站", org_unit=org.street_a, address="旧地址", contact_phone="13812341234")
        s.address = "新地址"
        s.save()
        s.delete()
    rows = list(ObjectChange.objects.filter(object_repr="测试站").order_by("id"))
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert all(r.user_id == user.pk and r.request_id == "req-12345678" for r in rows)
    update = rows[1]
    assert update.changed_fields == ["address"]
    assert update.before["address"] == "旧地址" and update.after["address"] == "新地址"
    assert update.org_unit_id == org.street_a.pk
    assert rows[0].after["contact_phone"] == "138****1234"  # logs never carry the unmasked value


def test_a_save_without_changes_logs_nothing(org):
    s = RiderStation.objects.create(name="不变站", org_unit=org.street_a, address="x")
    before = ObjectChange.objects.count()
    s.save()
    assert ObjectChange.objects.count() == before


def test_log_rows_cannot_be_edited_or_deleted_through_the_app(org):
    RiderStation.objects.create(name="站", org_unit=org.street_a, address="x")
    row = ObjectChange.objects.latest("id")
    row.object_repr = "篡改"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        ObjectChange.objects.all().delete()
    with pytest.raises(PermissionError):
        ObjectChange.objects.update(object_repr="篡改")


def test_the_database_refuses_to_edit_the_log(org):
    RiderStation.objects.create(name="站", org_unit=org.street_a, address="x")
    row = ObjectChange.objects.latest("id")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_objectchange SET object_repr = %s WHERE id = %s", ["篡改", row.pk])
    assert ObjectChange.objects.get(pk=row.pk).object_repr == "站"


def test_system_wide_log_filters_and_scope(client, org):
    RiderStation.objects.create(name="A站", org_unit=org.street_a, address="x")
    RiderStation.objects.create(name="B站", org_unit=org.street_b, address="x")
    auditor_role = make_role("auditor_t", ["audit.view_objectchange"], data_scope="all")
    auditor = make_user("aud", roles=[auditor_role])
    client.force_login(auditor)
    html = client.get("/audit/changes/").content.decode()
    assert "A站" in html and "B站" in html
    html = client.get(f"/audit/changes/?org_unit={org.street_a.pk}").content.decode()
    assert "A站" in html and "B站" not in html
    html = client.get("/audit/changes/?action=delete").content.decode()
    assert "A站" not in html
    from django.contrib.contenttypes.models import ContentType

    station_type = ContentType.objects.get_for_model(RiderStation)
    html = client.get(f"/audit/changes/?content_type={station_type.pk}").content.decode()
    assert "A站" in html and "| 组织单元</td>" not in html
    assert "| 组织单元</td>" in client.get("/audit/changes/").content.decode()
    # A street worker allowed to read the log sees only their street's changes.
    street = make_user("streetaud", units=[org.street_b], roles=[make_role("street_aud", ["audit.view_objectchange"])])
    client.force_login(street)
    html = client.get("/audit/changes/").content.decode()
    assert "B站" in html and "A站" not in html
    # No edit or delete pages exist for the log.
    row = ObjectChange.objects.latest("id")
    assert client.get(f"/audit/changes/{row.pk}/edit/").status_code == 404
    assert client.post(f"/audit/changes/{row.pk}/delete/").status_code == 404
    assert client.delete(f"/api/audit/changes/{row.pk}/").status_code in (403, 405)
