"""The case pages: work list queues, the case page and its steps, intake, scope."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from yixian.core.cases import services
from yixian.core.cases.models import Case, CaseState

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dispatched(world, new_case):
    from django.utils import timezone

    case = new_case(now=timezone.now().strftime("%Y-%m-%d %H:%M"))
    return services.act(case, "dispatch", actor=world.dispatcher, target_unit=world.dept)


def test_handler_work_list_shows_the_case_to_sign_and_only_in_scope(world, dispatched):
    page = login(world.handler).get(reverse("cases:case_list") + "?queue=to_sign")
    html = page.content.decode()
    assert page.status_code == 200
    assert dispatched.number in html
    assert 'data-queue="to_sign"' in html
    other = login(world.other_handler).get(reverse("cases:case_list"))
    assert dispatched.number not in other.content.decode()
    assert login(world.other_handler).get(reverse("cases:case_detail", args=[dispatched.pk])).status_code == 404


def test_sign_and_reply_from_the_case_page(world, dispatched):
    client = login(world.handler)
    detail = client.get(reverse("cases:case_detail", args=[dispatched.pk])).content.decode()
    assert 'data-action="sign"' in detail and 'data-action="reply"' not in detail
    response = client.post(reverse("cases:case_step", args=[dispatched.pk, "sign"]), {"version": dispatched.version})
    assert response.status_code == 302
    case = Case.objects.get(pk=dispatched.pk)
    assert case.state == CaseState.SIGNED
    response = client.post(reverse("cases:case_step", args=[case.pk, "reply"]), {"version": case.version, "note": ""})
    assert response.status_code == 400
    assert "请填写答复内容" in response.content.decode()
    response = client.post(reverse("cases:case_step", args=[case.pk, "reply"]), {"version": case.version, "note": "已清理"})
    assert Case.objects.get(pk=case.pk).state == CaseState.REPLIED


def test_a_stale_page_gets_409_and_the_current_state(world, dispatched):
    first, second = login(world.handler), login(world.handler_b)
    version = dispatched.version
    assert first.post(reverse("cases:case_step", args=[dispatched.pk, "sign"]), {"version": version}).status_code == 302
    late = second.post(reverse("cases:case_step", args=[dispatched.pk, "sign"]), {"version": version})
    assert late.status_code == 409
    assert "已被他人处理" in late.content.decode()
    assert Case.objects.get(pk=dispatched.pk).handler == world.handler


def test_a_step_without_the_right_is_refused(world, dispatched):
    response = login(world.nobody).post(reverse("cases:case_step", args=[dispatched.pk, "sign"]), {"version": dispatched.version})
    assert response.status_code == 404  # not in their scope at all
    street_case = services.act(
        services.receive_case(
            case_type="resident_request", title="路灯不亮", description="湖墅路灯坏了", intake_unit=world.org.district,
            org_unit=world.org.street_b, actor=world.dispatcher,
        ),
        "dispatch",
        actor=world.dispatcher,
        target_unit=world.org.street_b,
    )
    response = login(world.nobody).post(reverse("cases:case_step", args=[street_case.pk, "sign"]), {"version": street_case.version})
    assert response.status_code == 403
    assert "没有“签收”的权限" in response.content.decode()


def test_staff_intake_creates_a_case_in_the_dispatch_queue(world):
    client = login(world.dispatcher)
    response = client.post(
        reverse("cases:case_intake"),
        {
            "case_type": "enterprise_demand",
            "title": "人才公寓申请进度",
            "description": "公司三名员工申请人才公寓，两个月没有消息。",
            "priority": "normal",
            "channel": "hotline",
            "requester_kind": "enterprise",
            "requester_name": "李经理",
            "requester_phone": "138 0571 2345",
            "requester_org": "杭州某科技有限公司",
            "intake_unit": world.org.district.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(title="人才公寓申请进度")
    assert case.requester_phone == "13805712345"
    queue = client.get(reverse("cases:case_list") + "?queue=to_dispatch").content.decode()
    assert case.number in queue


def test_intake_with_a_bad_phone_says_so_and_writes_nothing(world):
    response = login(world.dispatcher).post(
        reverse("cases:case_intake"),
        {
            "case_type": "resident_request", "title": "x", "description": "y", "priority": "normal", "channel": "window",
            "requester_kind": "resident", "requester_phone": "12345", "intake_unit": world.org.district.pk,
        },
    )
    assert response.status_code == 400
    assert "不是有效的手机号码" in response.content.decode()
    assert not Case.objects.exists()


def test_export_is_scoped_and_masks_the_phone(world, dispatched):
    response = login(world.handler).get(reverse("cases:case_export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    rows = list(book.active.iter_rows(values_only=True))
    text = " ".join(str(c) for row in rows for c in row if c)
    assert dispatched.number in text
    assert "13805710001" not in text and "138****0001" in text


def test_similar_cases_are_shown_to_the_dispatcher(world, new_case):
    from django.utils import timezone

    now = timezone.now().strftime("%Y-%m-%d %H:%M")
    first = new_case(now=now)
    second = new_case(now=now, requester_phone="13905719999", title="左家新村门口有摊贩占道", description="晚上流动摊贩占道经营，油烟扰民严重。")
    page = login(world.dispatcher).get(reverse("cases:case_detail", args=[second.pk])).content.decode()
    assert 'id="similar-cases"' in page and first.number in page
