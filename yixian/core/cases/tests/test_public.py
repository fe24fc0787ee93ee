"""Public intake: a person without an account submits a case, follows it with the tracking code
and the last four digits of their phone, and rates the reply — and learns nothing about anyone."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from yixian.core.cases import public, services
from yixian.core.cases.models import Case, CaseAttachment, CaseCategory, CaseState, CaseStep, RateLimitHit
from yixian.core.cases.selectors import queue
from yixian.framework.tests.test_pages import INLINE_SCRIPT, external_references

from .conftest import at

pytestmark = pytest.mark.django_db

SUBMIT = "/cases/public/"
TRACK = "/cases/public/track/"
IP = "203.0.113.7"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
NOT_FOUND = "查询码或手机号后四位不正确，请核对后重试。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def form(world):
    return {
        "requester_kind": "resident",
        "case_type": "resident_request",
        "category": CaseCategory.objects.get(code="R-CITY-STALL").pk,
        "description": "左家新村北门每天晚上有流动摊贩占道经营，油烟很大，希望尽快处理。",
        "org_unit": world.org.community_a.pk,
        "address": "左家新村 3 幢北门",
        "requester_name": "李女士",
        "requester_phone": "138 0571 2345",
        "website": "",
    }


def photo(name="photo.png", content=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post(client, data, ip=IP, **files):
    return client.post(SUBMIT, {**data, **files}, REMOTE_ADDR=ip)


def look_up(client, code, last4, ip=IP):
    return client.post(TRACK, {"code": code, "last4": last4}, REMOTE_ADDR=ip)


def replied_case(world, new_case):
    case = new_case(now="2026-03-02 09:00")
    for action, actor, when, kw in (
        ("dispatch", world.dispatcher, "2026-03-02 10:00", {"target_unit": world.dept}),
        ("sign", world.handler, "2026-03-02 11:00", {}),
        ("progress", world.handler, "2026-03-03 09:00", {"note": "已联系王队长 13900001111 现场查看"}),
        ("remind", world.dispatcher, "2026-03-03 10:00", {}),
        ("reply", world.handler, "2026-03-04 16:00", {"note": "已取缔流动摊贩，设置夜间巡查点。"}),
    ):
        case.refresh_from_db()
        services.act(case, action, actor=actor, expected_version=case.version, now=at(when), **kw)
    case.refresh_from_db()
    return case


def test_a_resident_submits_a_case_and_gets_a_tracking_code(client, world, form, media):
    page = client.get(SUBMIT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "提交诉求" in html and "居民诉求" in html and "企业诉求" in html
    assert "sidebar-menu" not in html  # the public layout, not the staff one
    assert 'action="/i18n/setlang/"' in html  # with the language switch

    response = post(client, form, photos=[photo()])
    assert response.status_code == 302 and response.url == "/cases/public/done/"

    case = Case.objects.get()
    assert case.channel == "public" and case.state == CaseState.RECEIVED
    assert case.intake_unit == world.org.district and case.handling_unit == world.org.district
    assert (case.requester_name, case.requester_phone, case.requester_kind) == ("李女士", "13805712345", "resident")
    assert case.org_unit == world.org.community_a and case.address == "左家新村 3 幢北门"
    assert case.category.code == "R-CITY-STALL" and case.title.startswith("占道经营：左家新村北门")
    assert len(case.tracking_code) == 10
    attachment = CaseAttachment.objects.get(case=case)
    assert attachment.content_type == "image/png" and attachment.public
    # It waits in the district dispatcher's queue.
    assert list(queue(Case.objects.all(), "to_dispatch", world.dispatcher)) == [case]

    done = client.get(response.url).content.decode()
    assert case.tracking_code in done and case.number in done
    assert "李女士" not in done and "13805712345" not in done


def test_the_done_page_without_a_submission_goes_back_to_the_form(client):
    response = client.get("/cases/public/done/")
    assert response.status_code == 302 and response.url == SUBMIT


def test_missing_or_mismatched_input_is_explained_and_nothing_is_written(client, world, form):
    response = post(client, {**form, "requester_phone": "12345", "description": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写有效的 11 位手机号码。" in html
    assert "左家新村 3 幢北门" in html  # what was typed stays

    enterprise = {**form, "requester_kind": "enterprise", "requester_org": ""}
    html = post(client, enterprise).content.decode()
    assert "“居民诉求”由居民、快递外卖小哥、其他提交，请选择其他诉求类型。" in html

    html = post(client, {**enterprise, "case_type": "enterprise_demand"}).content.decode()
    assert "请填写企业名称。" in html
    assert "所选分类不属于“企业诉求”" in html
    assert Case.objects.count() == 0


def test_an_enterprise_submits_an_enterprise_demand(client, world, form):
    data = {
        **form,
        "requester_kind": "enterprise",
        "case_type": "enterprise_demand",
        "category": CaseCategory.objects.get(code="E-TALENT").pk,
        "requester_org": "杭州某某科技有限公司",
        "org_unit": world.org.street_b.pk,
    }
    assert post(client, data).status_code == 302
    case = Case.objects.get()
    assert (case.case_type, case.requester_org, case.org_unit) == (
        "enterprise_demand",
        "杭州某某科技有限公司",
        world.org.street_b,
    )


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_written(client, world, form, media):
    fake = photo("photo.jpg", b"MZ\x90\x00 this is a program, not a picture", "image/jpeg")
    response = post(client, form, photos=[photo(), fake])
    assert response.status_code == 422
    html = response.content.decode()
    assert "文件“photo.jpg”不是允许的类型，只能上传JPG、PNG、GIF、WEBP 图片。" in html
    assert "照片需要重新选择" in html
    assert "左家新村北门每天晚上有流动摊贩占道经营" in html and "李女士" in html  # the rest is kept
    assert Case.objects.count() == 0 and CaseAttachment.objects.count() == 0
    assert not media.exists() or not any(media.rglob("*.*"))


def test_an_oversized_photo_is_refused_and_nothing_is_written(client, world, form, media):
    big = photo("big.png", PNG + b"\x00" * (5 * 1024 * 1024))
    response = post(client, form, photos=[big])
    assert response.status_code == 422
    assert "文件“big.png”超过 5 MB。" in response.content.decode()
    assert Case.objects.count() == 0 and CaseAttachment.objects.count() == 0
    assert not media.exists() or not any(media.rglob("*.*"))


def test_a_request_above_the_upload_limit_is_refused_before_it_is_read(client, world, form, settings):
    settings.YIXIAN_MAX_UPLOAD_BYTES = 4096
    response = post(client, form, photos=[photo("p.png", PNG + b"\x00" * 8192)])
    assert response.status_code == 413
    assert "MB 上限" in response.content.decode()
    assert Case.objects.count() == 0


def test_an_oversized_body_gets_413_even_with_the_csrf_check_on(world, form, settings):
    """A browser posts with the CSRF check on; the check must not read (and choke on) the body."""
    from django.test import Client

    settings.YIXIAN_MAX_UPLOAD_BYTES = 4096
    browser = Client(enforce_csrf_checks=True)
    response = post(browser, form, photos=[photo("p.png", PNG + b"\x00" * 8192)])
    assert response.status_code == 413
    assert "MB 上限" in response.content.decode()
    assert Case.objects.count() == 0


def test_more_than_three_photos_are_refused(client, world, form):
    response = post(client, form, photos=[photo(f"p{i}.png") for i in range(4)])
    assert response.status_code == 422
    assert "最多上传 3 张照片。" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_honeypot_turns_a_bot_away_without_saying_why(client, world, form):
    response = post(client, {**form, "website": "http://spam.example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "提交未成功，请稍后重试。" in html
    assert "请勿填写此项" in html and "http://spam.example" not in html
    assert Case.objects.count() == 0


def test_submissions_are_limited_per_address_and_the_address_is_not_stored(client, world, form):
    for _ in range(5):
        assert post(client, form).status_code == 302
    response = post(client, form)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert Case.objects.count() == 5
    # Another address may still submit; no stored key holds an address.
    assert post(client, form, ip="198.51.100.20").status_code == 302
    assert all(IP not in key and "198.51.100.20" not in key for key in RateLimitHit.objects.values_list("key", flat=True))


def test_hits_older_than_an_hour_do_not_count(rf, client, world, form):
    request = rf.get(SUBMIT, REMOTE_ADDR=IP)
    key = public.client_key(request, "submit")
    old = timezone.now() - dt.timedelta(hours=1, minutes=1)
    RateLimitHit.objects.bulk_create([RateLimitHit(key=key, at=old) for _ in range(5)])
    assert post(client, form).status_code == 302
    assert RateLimitHit.objects.filter(key=key).count() == 1  # the old ones were cleared


def test_wrong_code_or_wrong_digits_give_the_same_message_and_no_data(client, world, new_case):
    case = new_case()  # phone 13805710001
    right_code = case.tracking_code
    answers = [look_up(client, "ABCDEFGHJK", "0001"), look_up(client, right_code, "9999"), look_up(client, right_code, "12")]
    for response in answers:
        assert response.status_code == 404
        html = response.content.decode()
        assert NOT_FOUND in html
        for secret in (case.number, "已受理", "王先生", "13805710001", "小区门口占道经营"):
            assert secret not in html
    # A case taken without a phone number cannot be looked up at all.
    no_phone = new_case(requester_phone="")
    assert look_up(client, no_phone.tracking_code, "0000").status_code == 404
    # Without a successful look-up the progress page is not shown.
    response = client.get(f"{TRACK}{right_code}/")
    assert response.status_code == 302 and response.url == f"{TRACK}?code={right_code}"


def test_failed_lookups_are_limited_even_for_the_right_code(client, world, new_case):
    case = new_case()
    for _ in range(10):
        assert look_up(client, case.tracking_code, "9999").status_code == 404
    response = look_up(client, case.tracking_code, "0001")
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert look_up(client, case.tracking_code, "0001", ip="198.51.100.20").status_code == 302


def test_progress_shows_public_steps_unit_names_and_the_reply_but_no_person(client, world, new_case):
    case = replied_case(world, new_case)
    response = look_up(client, case.tracking_code.lower(), "0001")  # lower case is accepted
    assert response.status_code == 302 and response.url == f"{TRACK}{case.tracking_code}/"
    html = client.get(response.url).content.decode()
    assert "已答复" in html and "已取缔流动摊贩，设置夜间巡查点。" in html
    assert "城管局" in html and "派单" in html and "签收" in html
    assert "左家新村社区" in html  # the place, a unit name
    for secret in (
        "王先生",  # the requester
        "13805710001",
        "t_cgj",  # handlers and dispatchers
        "t_paidan",
        "王队长",  # a working note
        "13900001111",
        "催办",  # a step the public does not see
        "米市巷街道左家新村门口每天晚上",  # the description
    ):
        assert secret not in html, secret
    assert 'id="rating-form"' in html


def test_rating_satisfied_closes_the_case(client, world, new_case, monkeypatch):
    case = replied_case(world, new_case)
    monkeypatch.setattr(public, "clock", lambda: at("2026-03-05 10:00"))
    look_up(client, case.tracking_code, "0001")
    rate_url = f"{TRACK}{case.tracking_code}/rate/"
    response = client.post(rate_url, {"satisfaction": "satisfied", "resolved": "1", "note": "很快就处理了"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.satisfaction == "satisfied" and case.resolved is True
    assert case.followup_note == "很快就处理了"
    step = CaseStep.objects.get(case=case, action="follow_up")
    assert step.actor is None and step.actor_name == "诉求人"
    html = client.get(response.url).content.decode()
    assert "感谢您的评价，诉求已办结。" in html and "已办结" in html and 'id="rating-form"' not in html

    # A second rating is refused politely and changes nothing.
    again = client.post(rate_url, {"satisfaction": "unsatisfied", "resolved": "0"})
    assert again.status_code == 409
    assert "该诉求当前不在待评价状态" in again.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.satisfaction == "satisfied"


def test_rating_not_satisfied_or_not_resolved_reopens_the_case(client, world, new_case, monkeypatch):
    case = replied_case(world, new_case)
    monkeypatch.setattr(public, "clock", lambda: at("2026-03-05 10:00"))
    look_up(client, case.tracking_code, "0001")
    response = client.post(f"{TRACK}{case.tracking_code}/rate/", {"satisfaction": "basic", "resolved": "0"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.reopen_count == 1 and case.handling_unit == world.dept
    assert "已安排重新办理" in client.get(response.url).content.decode()


def test_rating_needs_the_lookup_and_both_answers(client, world, new_case):
    case = replied_case(world, new_case)
    rate_url = f"{TRACK}{case.tracking_code}/rate/"
    assert client.post(rate_url, {"satisfaction": "satisfied", "resolved": "1"}).status_code == 302  # to the lookup
    look_up(client, case.tracking_code, "0001")
    response = client.post(rate_url, {"satisfaction": "satisfied"})
    assert response.status_code == 422
    assert "请选择满意度和问题是否解决。" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED


def test_posts_need_the_csrf_token(world, form, new_case):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(SUBMIT, form, REMOTE_ADDR=IP).status_code == 403
    case = new_case()
    assert browser.post(TRACK, {"code": case.tracking_code, "last4": "0001"}).status_code == 403
    assert Case.objects.count() == 1

    browser.get(SUBMIT)
    token = browser.cookies["csrftoken"].value
    assert browser.post(SUBMIT, {**form, "csrfmiddlewaretoken": token}, REMOTE_ADDR=IP).status_code == 302


def test_only_the_public_pages_are_open_to_anonymous_users(client, world, new_case):
    case = new_case()
    for url in (SUBMIT, TRACK):
        assert client.get(url).status_code == 200, url
    for url in ("/cases/cases/", f"/cases/cases/{case.pk}/", "/cases/cases/new/", "/cases/notices/", "/cases/kpis/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_public_pages_load_nothing_from_outside_and_have_no_inline_code(client, world, form, new_case):
    case = replied_case(world, new_case)
    pages = [client.get(SUBMIT), client.get(TRACK), look_up(client, "NOPE", "0000")]
    look_up(client, case.tracking_code, "0001")
    pages.append(client.get(f"{TRACK}{case.tracking_code}/"))
    post(client, form)
    pages.append(client.get("/cases/public/done/"))
    for response in pages:
        html = response.content.decode()
        assert external_references(html) == [], response.request["PATH_INFO"]
        assert INLINE_SCRIPT.findall(html) == [] and ' style="' not in html
        assert "http" not in response.headers["Content-Security-Policy"]


def test_behind_the_proxy_the_limit_follows_the_forwarded_client(settings):
    from django.test import RequestFactory

    from yixian.core.cases.public import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(request) == "10.0.0.1"  # not behind a proxy: the header proves nothing
    settings.YIXIAN_BEHIND_PROXY = True
    assert client_address(request) == "203.0.113.9"  # the entry our nginx appended
