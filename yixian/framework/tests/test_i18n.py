"""Internationalisation: the catalogues are complete, compiled, and switching to English works.

Chinese is the source language (msgids are Chinese); English comes from yixian/locale/en.
After `make messages`, these tests point at any entry left to translate.
"""

import io
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

LOGIN_URL = "/accounts/login/"
# %(name)s / %(n)d … (python-format, blocktranslate) and {name} (python-brace-format).
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%[sd]|\{\w*\}")


def po_paths() -> list[Path]:
    return sorted(p for base in settings.LOCALE_PATHS for p in Path(base).rglob("*.po"))


CATALOGUES = po_paths()
CATALOGUE_IDS = [str(p.relative_to(p.parents[3])) for p in CATALOGUES]  # e.g. locale/en/LC_MESSAGES/django.po


def test_english_catalogue_exists():
    assert any(p.parts[-3] == "en" for p in CATALOGUES), "yixian/locale/en/LC_MESSAGES/django.po is missing"


def _msgstrs(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_every_entry_translated_and_not_fuzzy(po_path):
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy, "remove '#, fuzzy' from the header entry"
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif any(not s.strip() for s in _msgstrs(entry)):
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not problems, f"{po_path}: translate these and run `make messages`:\n" + "\n".join(problems)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_translations_keep_placeholders(po_path):
    po = polib.pofile(str(po_path))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            expected_plural = sorted(PLACEHOLDER.findall(entry.msgid_plural))
            assert set(expected) <= set(expected_plural) or set(expected_plural) <= set(expected)
        for msgstr in _msgstrs(entry):
            if msgstr and sorted(set(PLACEHOLDER.findall(msgstr))) != sorted(set(expected)):
                problems.append(f"{entry.msgid!r} -> {msgstr!r}")
    assert not problems, f"{po_path}: placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_placeholder_pattern():
    assert PLACEHOLDER.findall("共 %(rows)s 行，第 %(n)d 行，编号 {pk_value}") == ["%(rows)s", "%(n)d", "{pk_value}"]


def _entry_set(entries) -> set[tuple]:
    out = set()
    for e in entries:
        if not e.msgid:  # the header entry
            continue
        plural = tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else ()
        out.add((e.msgctxt or "", e.msgid, e.msgid_plural or "", e.msgstr if not e.msgid_plural else "", plural))
    return out


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_committed_mo_is_up_to_date(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages` (or manage.py compile_catalogs)"
    po_entries = _entry_set(polib.pofile(str(po_path)).translated_entries())
    mo_entries = _entry_set(polib.mofile(str(mo_path)))
    assert po_entries, f"{po_path} has no translated entry"
    stale = sorted(e[1] for e in po_entries - mo_entries)
    extra = sorted(e[1] for e in mo_entries - po_entries)
    assert not stale and not extra, (
        f"{mo_path} is out of date with {po_path.name}: run `make messages` (or manage.py compile_catalogs).\n"
        f"missing or changed in .mo: {stale[:20]}\nonly in .mo: {extra[:20]}"
    )


def test_compile_catalogs_command(tmp_path, settings):
    """The command compiles with polib alone, leaves out untranslated/fuzzy entries, and is idempotent."""
    messages = tmp_path / "xx" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "POT-Creation-Date": "2026-01-01 00:00+0800",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    po.append(polib.POEntry(msgid="登录", msgstr="Sign in"))
    po.append(polib.POEntry(msgid="共 %(n)s 条", msgstr="Total: %(n)s", flags=["python-format"]))
    po.append(polib.POEntry(msgid="待翻译", msgstr=""))
    po.append(polib.POEntry(msgid="模糊", msgstr="Fuzzy", flags=["fuzzy"]))
    po.save(str(messages / "django.po"))
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compile_catalogs", stdout=io.StringIO())
    mo_path = messages / "django.mo"
    mo = polib.mofile(str(mo_path))
    assert {e.msgid: e.msgstr for e in mo} == {"登录": "Sign in", "共 %(n)s 条": "Total: %(n)s"}
    assert "POT-Creation-Date" not in mo.metadata
    assert mo.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    first = mo_path.read_bytes()

    # Only the header date changes (as after makemessages): the .mo stays byte for byte the same.
    po.metadata["POT-Creation-Date"] = "2026-02-02 00:00+0800"
    po.save(str(messages / "django.po"))
    call_command("compile_catalogs", "--check", stdout=io.StringIO())
    call_command("compile_catalogs", stdout=io.StringIO())
    assert mo_path.read_bytes() == first

    # A new translation makes --check fail until the catalogue is compiled again.
    po.find("待翻译").msgstr = "To translate"
    po.save(str(messages / "django.po"))
    with pytest.raises(CommandError):
        call_command("compile_catalogs", "--check", stdout=io.StringIO())
    call_command("compile_catalogs", stdout=io.StringIO())
    assert polib.mofile(str(mo_path)).find("待翻译").msgstr == "To translate"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_compile_catalogs_gives_the_committed_mo(po_path, tmp_path, settings):
    """Compiling a copy of the committed .po with the command gives the entries of the committed .mo."""
    copy = tmp_path / "en" / "LC_MESSAGES" / po_path.name
    copy.parent.mkdir(parents=True)
    shutil.copy(po_path, copy)
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compile_catalogs", stdout=io.StringIO())
    compiled = _entry_set(polib.mofile(str(copy.with_suffix(".mo"))))
    assert compiled == _entry_set(polib.mofile(str(po_path.with_suffix(".mo"))))


def test_gettext_uses_the_english_catalogue():
    with translation.override("en"):
        assert translation.gettext("登录") != "登录"
        assert translation.gettext("小哥驿站") == "Rider station"
    with translation.override("zh-hans"):
        assert translation.gettext("登录") == "登录"


# --- the pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_switches_from_chinese_to_english():
    client = Client()  # keeps cookies between requests, as a browser does
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html
    assert "用户名" in html and "密码" in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    with translation.override("en"):
        sign_in = translation.gettext("登录")
    assert sign_in == "Sign in"
    assert f"<title>{sign_in}" in html
    assert "User name" in html and "Password" in html
    for chinese in ("登录", "用户名", "密码", "拱墅区一线工作平台"):
        assert chinese not in html, f"{chinese!r} is still shown in English"

    # And back to Chinese.
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": LOGIN_URL})
    assert "登录" in client.get(LOGIN_URL).content.decode()


@pytest.mark.django_db
def test_home_page_menu_in_english():
    from yixian.core.accounts.models import Role, User
    from yixian.core.accounts.services import roles_sync
    from yixian.core.orgs.models import OrgUnit

    roles_sync()
    OrgUnit.add_root(code="330105", name="拱墅区", kind="district")
    user = User.objects.create_user(username="leader1", password="Yixian@2026-i18n", display_name="Leader")
    user.roles.add(Role.objects.get(code="leader"))

    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "首页" in html and "小哥驿站" in html and "新就业群体" in html  # Chinese by default

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    # Menu: the fixed entries and the module sections/items built from verbose names.
    for english in ("Home", "Sign out", "New employment groups", "Rider station", "Data scope"):
        assert english in html, f"{english!r} missing from the English home page"
    for chinese in ("首页", "退出", "新就业群体", "小哥驿站", "数据范围", "菜单"):
        assert chinese not in html, f"{chinese!r} is still shown in English"
