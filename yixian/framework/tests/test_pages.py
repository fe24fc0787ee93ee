"""Every page renders, and no page loads anything from outside (intranets have no internet)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from yixian.core.accounts.models import Role, User
from yixian.framework.registry import registry

pytestmark = pytest.mark.django_db

ATTR = re.compile(r"""\b(?:src|href|action|srcset|poster|data)\s*=\s*["']([^"']*)["']""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


def external_references(html: str) -> list[str]:
    refs = ATTR.findall(html) + CSS_URL.findall(html)
    return [r for r in refs if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", r.strip(), re.I)]


@pytest.fixture
def everything_user():
    call_command("load_demo")
    role = Role.objects.create(code="all_perms_for_test", name="测试", data_scope="all")
    role.permissions.set(Permission.objects.all())
    user = User.objects.create_user("pagewalker", password="Walk@2026x")
    user.roles.add(role)
    return user


def all_page_urls():
    urls = ["/", reverse("api-docs")]
    for resource in registry.resources.values():
        urls.append(reverse(resource.url_name("list")))
        obj = resource.model.objects.first()
        if obj is not None:
            urls.append(reverse(resource.url_name("detail"), args=[obj.pk]))
            urls.append(reverse(resource.url_name("detail"), args=[obj.pk]) + "?tab=history")
        if not resource.read_only:
            urls.append(reverse(resource.url_name("add")))
            urls.append(reverse(resource.url_name("import")))
            if obj is not None:
                urls.append(reverse(resource.url_name("edit"), args=[obj.pk]))
                urls.append(reverse(resource.url_name("delete"), args=[obj.pk]))
    return urls


def test_every_page_renders_without_external_urls_or_inline_scripts(client, everything_user):
    client.force_login(everything_user)
    urls = all_page_urls()
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert external_references(html) == [], url
        assert INLINE_SCRIPT.findall(html) == [], url
        assert ' style="' not in html, url
        csp = response.headers["Content-Security-Policy"]
        assert "http" not in csp, url


def test_login_and_error_pages_have_no_external_urls(client):
    for url, status in (("/accounts/login/", 200), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status
        html = response.content.decode()
        assert external_references(html) == [], url
        assert INLINE_SCRIPT.findall(html) == [], url


def test_the_checker_itself_sees_external_urls():
    html = '<link href="https://cdn.example.com/x.css"><img src="//x.cn/a.png"><div style="background:url(http://x/y.png)">'
    assert len(external_references(html)) == 3
    assert external_references('<a href="/riders/stations/"><img src="/static/a.png">') == []


def test_vendored_assets_reference_nothing_outside(settings):
    from pathlib import Path

    vendor = Path(settings.BASE_DIR) / "yixian" / "static"
    for path in vendor.rglob("*.css"):
        text = path.read_text(encoding="utf-8", errors="ignore")
        assert [u for u in CSS_URL.findall(text) if re.match(r"^(https?:)?//", u)] == [], path
        assert not re.search(r"@import\s+(url\()?[\"']?(https?:)?//", text), path


def test_wsgi_and_asgi_applications_load():
    """`make demo` (runserver) and gunicorn load the application through these entry points."""
    from django.core.servers.basehttp import get_internal_wsgi_application

    assert callable(get_internal_wsgi_application())
    from yixian.asgi import application

    assert callable(application)
