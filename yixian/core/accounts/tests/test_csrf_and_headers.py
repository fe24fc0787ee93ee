"""CSRF protection and the security headers every response carries."""

import re

import pytest
from django.test import Client

from .conftest import LOGIN_URL, PASSWORD, is_signed_in

pytestmark = pytest.mark.django_db

ALLOWED_SOURCES = {"'self'", "'none'", "data:", "blob:"}
QUOTED_KEYWORD = re.compile(r"^'(nonce-[A-Za-z0-9+/=_-]+|strict-dynamic|report-sample)'$")


def test_login_post_without_csrf_token_is_refused_with_chinese_page(make_user):
    make_user("zhangsan")
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN_URL, {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 403
    body = response.content.decode()
    assert "CSRF" in body and "页面已过期" in body
    assert not is_signed_in(client)


def test_login_post_with_the_form_token_works(make_user):
    """Control for the test above: the same POST carrying the page's token signs in."""
    make_user("zhangsan")
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN_URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(LOGIN_URL, {"username": "zhangsan", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert is_signed_in(client)


def test_logout_by_get_is_refused_and_post_without_token_too(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("lisi"), backend="yixian.core.accounts.backends.RoleBackend")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 403
    assert is_signed_in(client)


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


def assert_csp_is_self_only(response):
    header = response["Content-Security-Policy"]
    directives = parse_csp(header)
    assert directives["default-src"] == ["'self'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in ALLOWED_SOURCES or QUOTED_KEYWORD.match(source), f"{name}: {source!r} in {header!r}"
        assert not any(s in {"'unsafe-inline'", "'unsafe-eval'", "*"} for s in sources), name
    assert "http:" not in header and "https:" not in header
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def assert_secure_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[A-Za-z0-9\-_.]{8,64}", response["X-Request-ID"])


def test_login_page_headers(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert_csp_is_self_only(response)
    assert_secure_headers(response)


def test_signed_in_page_and_error_page_headers(client, make_user, login):
    make_user("zhangsan")
    login(client, "zhangsan")
    home = client.get("/")
    assert home.status_code == 200
    assert_csp_is_self_only(home)
    assert_secure_headers(home)

    denied = client.get("/riders/stations/")  # no role: 403 page
    assert denied.status_code == 403
    assert_csp_is_self_only(denied)
    assert_secure_headers(denied)


def test_api_response_carries_headers(client):
    response = client.get("/api/riders/stations/")
    assert response.status_code == 401
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[A-Za-z0-9\-_.]{8,64}", response["X-Request-ID"])


def test_request_id_is_new_per_request_or_kept_from_the_proxy_when_sane(client):
    first = client.get(LOGIN_URL)["X-Request-ID"]
    second = client.get(LOGIN_URL)["X-Request-ID"]
    assert first != second
    assert client.get(LOGIN_URL, HTTP_X_REQUEST_ID="proxy-abc-12345")["X-Request-ID"] == "proxy-abc-12345"
    forged = client.get(LOGIN_URL, HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert "<" not in forged and re.fullmatch(r"[A-Za-z0-9\-_.]{8,64}", forged)


def test_pages_use_no_inline_script_or_external_asset(client):
    """With script-src 'self' an inline script would be blocked; the page must not rely on one."""
    body = client.get(LOGIN_URL).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert not re.search(r"""(src|href)=["']https?://""", body)
    assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers either


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, make_user, login):
    make_user("zhangsan")
    client.get(LOGIN_URL)
    csrf = client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    login(client, "zhangsan")
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
