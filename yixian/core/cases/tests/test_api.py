"""The case API: scoped reads, intake, versioned steps, timeline, queues, schema."""

import pytest
from rest_framework.test import APIClient

from yixian.core.cases.models import Case, CaseState

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def receive(world, **extra):
    body = {
        "case_type": "resident_request",
        "title": "路面塌陷",
        "description": "左家新村 3 幢门口路面塌陷，有安全隐患。",
        "priority": "urgent",
        "channel": "hotline",
        "requester_phone": "13805710002",
        "org_unit": world.org.community_a.pk,
        "intake_unit": world.org.district.pk,
        **extra,
    }
    return api(world.dispatcher).post("/api/cases/cases/", body, format="json")


def test_receive_dispatch_sign_reply_through_the_api(world):
    created = receive(world)
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["state"] == "received" and case["requester_phone"] == "138****0002"
    dispatched = api(world.dispatcher).post(
        f"/api/cases/cases/{case['id']}/step/", {"action": "dispatch", "version": case["version"], "target_unit": world.dept.pk}, format="json"
    )
    assert dispatched.status_code == 200, dispatched.json()
    body = dispatched.json()
    assert body["state"] == "dispatched" and body["light"] in ("green", "yellow")
    assert "签收期限" in body["light_reason"]
    signed = api(world.handler).post(f"/api/cases/cases/{case['id']}/step/", {"action": "sign", "version": body["version"]}, format="json")
    assert signed.status_code == 200
    stale = api(world.handler_b).post(f"/api/cases/cases/{case['id']}/step/", {"action": "sign", "version": body["version"]}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert "已被他人处理" in stale.json()["detail"]
    timeline = api(world.handler).get(f"/api/cases/cases/{case['id']}/timeline/").json()
    assert [s["action"] for s in timeline] == ["receive", "dispatch", "sign"]


def test_api_is_scoped(world):
    case = receive(world).json()
    api(world.dispatcher).post(f"/api/cases/cases/{case['id']}/step/", {"action": "dispatch", "version": case["version"], "target_unit": world.dept.pk}, format="json")
    assert api(world.other_handler).get(f"/api/cases/cases/{case['id']}/").status_code == 404
    assert api(world.other_handler).post(f"/api/cases/cases/{case['id']}/step/", {"action": "sign", "version": 2}, format="json").status_code == 404
    listed = api(world.handler).get("/api/cases/cases/?queue=to_sign").json()
    assert [row["id"] for row in listed["results"]] == [case["id"]]
    assert api(world.other_handler).get("/api/cases/cases/?queue=to_sign").json()["results"] == []


def test_intake_outside_scope_and_bad_input(world):
    response = api(world.handler).post(
        "/api/cases/cases/",
        {"case_type": "resident_request", "title": "t", "description": "d", "intake_unit": world.org.district.pk},
        format="json",
    )
    assert response.status_code == 403
    response = receive(world, requester_phone="1234")
    assert response.status_code == 400 and "手机号码" in response.json()["detail"]
    response = receive(world, case_type="nonsense")
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_step_errors_are_clear(world):
    case = receive(world).json()
    wrong = api(world.dispatcher).post(f"/api/cases/cases/{case['id']}/step/", {"action": "reply", "version": case["version"]}, format="json")
    assert wrong.status_code == 409 and "不能答复" in wrong.json()["detail"]
    unknown = api(world.dispatcher).post(f"/api/cases/cases/{case['id']}/step/", {"action": "overdue", "version": case["version"]}, format="json")
    assert unknown.status_code == 400
    assert Case.objects.get(pk=case["id"]).state == CaseState.RECEIVED


def test_queues_and_schema(world):
    case = receive(world).json()
    counts = {row["queue"]: row["count"] for row in api(world.dispatcher).get("/api/cases/cases/queues/").json()}
    assert counts["to_dispatch"] == 1
    schema = api(world.dispatcher).get("/api/schema/")
    text = schema.content.decode()
    assert "/api/cases/cases/{id}/step/" in text and "/api/cases/cases/kpis/" in text
    assert case["id"]
