"""ResourceTests: every generic page and API endpoint of a resource, for anonymous,
unprivileged, in-scope and out-of-scope users. A module's test class supplies data only."""

from __future__ import annotations

import io
import json

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from yixian.core.audit.models import ObjectChange
from yixian.framework.registry import registry

from .fixtures import OrgFixture, make_role, make_user


class ResourceTests:
    """Mix into a django.test.TestCase. Supply `model`, `make_record(unit)`, `valid_data(unit)`."""

    model = None
    record_unit = "street_a"  # where in-scope records live
    other_unit = "street_b"  # out of the scoped user's scope
    label_field = "name"  # a field whose value is shown in lists and exports

    # ---- supplied by the module ----------------------------------------------------------
    def make_record(self, unit, **overrides):
        raise NotImplementedError

    def valid_data(self, unit) -> dict:
        raise NotImplementedError

    def change_data(self, record) -> dict:
        """Form data that edits `record` (defaults to valid_data with a changed label)."""
        data = self.valid_data(getattr(self.org, self.record_unit))
        data[self.label_field] = f"{getattr(record, self.label_field)}（改）"
        return data

    # ---- setup --------------------------------------------------------------------------
    @classmethod
    def setUpTestData(cls):
        cls.org = OrgFixture()
        cls.resource = registry.resource_for(cls.model)
        perms = [cls.resource.perm(a) for a in ("view", "add", "change", "delete")]
        cls.full_role = make_role(f"test_full_{cls.resource.model_name}", perms)
        cls.scoped = make_user("scoped", units=[getattr(cls.org, cls.record_unit)], roles=[cls.full_role])
        cls.other = make_user("other", units=[getattr(cls.org, cls.other_unit)], roles=[cls.full_role])
        cls.nobody = make_user("nobody", units=[getattr(cls.org, cls.record_unit)])

    def setUp(self):
        self.mine = self.make_record(getattr(self.org, self.record_unit))
        self.theirs = self.make_record(getattr(self.org, self.other_unit))

    # ---- helpers ------------------------------------------------------------------------
    def url(self, action, obj=None, query=""):
        name = self.resource.url_name(action)
        return reverse(name, args=[obj.pk]) + query if obj is not None else reverse(name) + query

    def api_url(self, obj=None):
        base = f"/api/{self.resource.app_label}/{self.resource.url_slug}/"
        return f"{base}{obj.pk}/" if obj is not None else base

    def label(self, obj) -> str:
        return str(getattr(obj, self.label_field))

    def login(self, user):
        self.client.force_login(user)

    def token_headers(self, user) -> dict:
        token, _ = Token.objects.get_or_create(user=user)
        return {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    def page_urls(self, obj):
        urls = [self.url("list"), self.url("export"), self.url("detail", obj)]
        if not self.resource.read_only:
            urls += [self.url("add"), self.url("import"), self.url("edit", obj), self.url("delete", obj)]
        return urls

    def changes(self, obj, action):
        ct = ContentType.objects.get_for_model(self.model)
        return ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk), action=action)

    # ---- anonymous ----------------------------------------------------------------------
    def test_anonymous_is_sent_to_login_and_api_says_401(self):
        for url in self.page_urls(self.mine):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("accounts:login"), response["Location"], url)
        self.assertEqual(self.client.get(self.api_url()).status_code, 401)
        self.assertEqual(self.client.get(self.api_url(self.mine)).status_code, 401)

    # ---- unprivileged -------------------------------------------------------------------
    def test_user_without_permission_is_refused_everywhere(self):
        self.login(self.nobody)
        for url in self.page_urls(self.mine):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.assertEqual(self.client.get(self.api_url()).status_code, 403)
        headers = self.token_headers(self.nobody)
        self.client.logout()
        self.assertEqual(self.client.get(self.api_url(), **headers).status_code, 403)

    # ---- scope: reading -----------------------------------------------------------------
    def test_list_shows_only_records_in_scope(self):
        self.login(self.scoped)
        response = self.client.get(self.url("list"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn(self.label(self.mine), html)
        self.assertNotIn(self.label(self.theirs), html)

    def test_search_finds_in_scope_record_and_never_out_of_scope(self):
        self.login(self.scoped)
        html = self.client.get(self.url("list", query=f"?q={self.label(self.theirs)}")).content.decode()
        self.assertNotIn(f">{self.label(self.theirs)}<", html)
        html = self.client.get(self.url("list", query=f"?q={self.label(self.mine)}")).content.decode()
        self.assertIn(self.label(self.mine), html)

    def test_out_of_scope_record_is_404_on_every_page(self):
        self.login(self.scoped)
        self.assertEqual(self.client.get(self.url("detail", self.mine)).status_code, 200)
        for url in self.page_urls(self.theirs):
            if "/export/" in url or url.endswith(("/add/", "/import/")) or url == self.url("list"):
                continue
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_export_contains_only_records_in_scope(self):
        self.login(self.scoped)
        response = self.client.get(self.url("export"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        values = {str(v) for row in ws.iter_rows(min_row=2, values_only=True) for v in row if v is not None}
        self.assertIn(self.label(self.mine), values)
        self.assertNotIn(self.label(self.theirs), values)
        headers = [c.value for c in ws[1]]
        self.assertIn(self.resource.label(self.label_field), headers)

    def test_api_lists_only_records_in_scope_and_404s_the_rest(self):
        headers = self.token_headers(self.scoped)
        response = self.client.get(self.api_url(), **headers)
        self.assertEqual(response.status_code, 200)
        ids = {row["id"] for row in response.json()["results"]}
        self.assertIn(self.mine.pk, ids)
        self.assertNotIn(self.theirs.pk, ids)
        self.assertEqual(self.client.get(self.api_url(self.theirs), **headers).status_code, 404)
        patch = self.client.patch(
            self.api_url(self.theirs),
            data=json.dumps({"version": self.theirs.version}),
            content_type="application/json",
            **headers,
        )
        self.assertEqual(patch.status_code, 404)
        if not self.resource.read_only:
            self.assertEqual(self.client.delete(self.api_url(self.theirs), **headers).status_code, 404)
            self.assertTrue(self.model.objects.filter(pk=self.theirs.pk).exists())

    def test_other_street_user_sees_the_mirror_image(self):
        self.login(self.other)
        html = self.client.get(self.url("list")).content.decode()
        self.assertIn(self.label(self.theirs), html)
        self.assertNotIn(self.label(self.mine), html)

    # ---- writes -------------------------------------------------------------------------
    def _skip_if_read_only(self):
        if self.resource.read_only:
            self.skipTest("read-only resource")

    def test_create_in_scope_is_saved_and_logged(self):
        self._skip_if_read_only()
        self.login(self.scoped)
        data = self.valid_data(getattr(self.org, self.record_unit))
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        created = self.model.objects.get(**{self.label_field: data[self.label_field]})
        change = self.changes(created, "create").get()
        self.assertEqual(change.user_id, self.scoped.pk)
        self.assertTrue(change.request_id)

    def test_create_with_forged_out_of_scope_unit_is_refused_and_writes_nothing(self):
        self._skip_if_read_only()
        self.login(self.scoped)
        data = self.valid_data(getattr(self.org, self.other_unit))
        before = self.model.objects.count()
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 422)
        self.assertIn("不在您的数据范围内", response.content.decode())
        self.assertEqual(self.model.objects.count(), before)

    def test_edit_saves_and_a_stale_version_is_refused(self):
        self._skip_if_read_only()
        self.login(self.scoped)
        data = self.change_data(self.mine)
        stale = dict(data, _version=self.mine.version)
        response = self.client.post(self.url("edit", self.mine), dict(data, _version=self.mine.version))
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        self.mine.refresh_from_db()
        self.assertEqual(self.label(self.mine), data[self.label_field])
        self.assertEqual(self.mine.version, 2)
        stale[self.label_field] = "被覆盖的修改"
        response = self.client.post(self.url("edit", self.mine), stale)
        self.assertEqual(response.status_code, 409)
        self.assertIn("已被他人修改", response.content.decode())
        self.mine.refresh_from_db()
        self.assertEqual(self.label(self.mine), data[self.label_field])
        history = self.client.get(self.url("detail", self.mine, "?tab=history")).content.decode()
        self.assertIn("scoped", history)

    def test_delete_asks_for_confirmation_then_deletes_and_logs(self):
        self._skip_if_read_only()
        self.login(self.scoped)
        confirm = self.client.get(self.url("delete", self.mine))
        self.assertEqual(confirm.status_code, 200)
        self.assertTrue(self.model.objects.filter(pk=self.mine.pk).exists())
        self.assertIn("确认删除", confirm.content.decode())
        pk = self.mine.pk
        response = self.client.post(self.url("delete", self.mine))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.model.objects.filter(pk=pk).exists())
        self.assertTrue(self.changes(self.mine, "delete").exists())
        self.assertEqual(self.client.post(self.url("delete", self.theirs)).status_code, 404)
        self.assertTrue(self.model.objects.filter(pk=self.theirs.pk).exists())

    def test_api_create_update_and_conflicts(self):
        self._skip_if_read_only()
        headers = self.token_headers(self.scoped)
        payload = self.api_payload(self.valid_data(getattr(self.org, self.record_unit)))
        response = self.client.post(self.api_url(), data=json.dumps(payload), content_type="application/json", **headers)
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        forged = self.api_payload(self.valid_data(getattr(self.org, self.other_unit)))
        forged[self.label_field] = "伪造单位的记录"
        response = self.client.post(self.api_url(), data=json.dumps(forged), content_type="application/json", **headers)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.model.objects.filter(**{self.label_field: "伪造单位的记录"}).exists())
        url = f"{self.api_url()}{created['id']}/"
        no_version = self.client.patch(url, data=json.dumps({self.label_field: "x"}), content_type="application/json", **headers)
        self.assertEqual(no_version.status_code, 400)
        ok = self.client.patch(
            url,
            data=json.dumps({self.label_field: "接口修改", "version": created["version"]}),
            content_type="application/json",
            **headers,
        )
        self.assertEqual(ok.status_code, 200, ok.content)
        stale = self.client.patch(
            url,
            data=json.dumps({self.label_field: "过期修改", "version": created["version"]}),
            content_type="application/json",
            **headers,
        )
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(str(getattr(self.model.objects.get(pk=created["id"]), self.label_field)), "接口修改")

    def api_payload(self, form_data: dict) -> dict:
        """Form data → JSON for the API (drop empty strings, lists stay lists)."""
        return {k: v for k, v in form_data.items() if v not in ("", None)}

    def test_openapi_schema_documents_the_endpoint(self):
        self.login(self.scoped)
        response = self.client.get("/api/schema/", HTTP_ACCEPT="application/json")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.api_url(), response.content.decode())
