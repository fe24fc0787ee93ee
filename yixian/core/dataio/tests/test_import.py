"""Excel import through the real pages: preview names every bad row and cell; nothing is
written before confirmation; all-or-nothing unless "only valid rows"; re-import updates."""

import io

from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import Workbook

from yixian.core.audit.models import ObjectChange
from yixian.core.dataio.models import ImportJob
from yixian.framework.testing.fixtures import OrgFixture, make_role, make_user
from yixian.modules.riders.models import Amenity, RiderStation

HEADER = ["驿站名称", "所属街道", "地址", "开放时间", "设施", "联系电话", "状态"]


def xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class ImportTests(TestCase):
    url = reverse("riders:riderstation_import")

    @classmethod
    def setUpTestData(cls):
        cls.org = OrgFixture()
        perms = [f"riders.{a}_riderstation" for a in ("view", "add", "change", "delete")]
        cls.user = make_user("importer", units=[cls.org.street_a], roles=[make_role("importer", perms)])
        Amenity.objects.create(code="water", name="饮水")
        Amenity.objects.create(code="charging", name="充电")

    def setUp(self):
        self.client.force_login(self.user)

    def preview(self, content, name="stations.xlsx"):
        return self.client.post(self.url, {"file": upload(name, content)})

    def confirm(self, mode="all"):
        job = ImportJob.objects.filter(user=self.user).latest("pk")
        return self.client.post(self.url, {"job": job.pk, "mode": mode})

    def good_rows(self):
        return [
            ["米市巷一号驿站", "米市巷街道", "湖墅南路 1 号", "全天", "饮水、充电", "13812341234", "运营中"],
            ["米市巷二号驿站", "米市巷", "湖墅南路 2 号", "08:00-20:00", "饮水", "", "筹建中"],
            ["左家新村驿站", "左家新村社区", "左家新村 3 幢", "", "", "+86 139-1234-5678", "open"],
        ]

    def test_preview_writes_nothing_and_confirm_writes_all(self):
        response = self.preview(xlsx(self.good_rows()))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("可导入 3 行", html)
        self.assertIn("尚未写入任何数据", html)
        self.assertEqual(RiderStation.objects.count(), 0)
        response = self.confirm()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(RiderStation.objects.count(), 3)
        first = RiderStation.objects.get(name="米市巷一号驿站")
        self.assertEqual(first.org_unit, self.org.street_a)
        self.assertEqual({a.name for a in first.amenities.all()}, {"饮水", "充电"})
        self.assertEqual(RiderStation.objects.get(name="左家新村驿站").org_unit, self.org.community_a)
        self.assertEqual(RiderStation.objects.get(name="米市巷二号驿站").status, "planned")
        self.assertEqual(ObjectChange.objects.filter(action="create", user=self.user, object_repr="米市巷一号驿站").count(), 1)

    def test_reimporting_the_same_file_updates_instead_of_duplicating(self):
        content = xlsx(self.good_rows())
        self.preview(content)
        self.confirm()
        rows = self.good_rows()
        rows[0][2] = "湖墅南路 100 号"
        response = self.preview(xlsx(rows))
        self.assertIn("更新 3", response.content.decode())
        self.confirm()
        self.assertEqual(RiderStation.objects.count(), 3)
        station = RiderStation.objects.get(name="米市巷一号驿站")
        self.assertEqual(station.address, "湖墅南路 100 号")
        self.assertEqual(station.version, 2)

    def test_bad_rows_are_named_with_row_column_and_chinese_message(self):
        rows = self.good_rows() + [
            ["未知街道驿站", "西湖街道", "某路", "", "", "", "运营中"],
            ["电话错误驿站", "米市巷", "某路", "", "", "12812345678", "运营中"],
            ["", "米市巷", "没有名字", "", "", "", "运营中"],
            ["湖墅的驿站", "湖墅街道", "某路", "", "", "", "运营中"],
            ["设施错误驿站", "米市巷", "某路", "", "桑拿", "", "运营中"],
        ]
        response = self.preview(xlsx(rows))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("有错误 5 行", html)
        self.assertIn("第 5 行", html)
        self.assertIn("未知的街道或单位：西湖街道", html)
        self.assertIn("第 6 行", html)
        self.assertIn("手机号格式不正确", html)
        self.assertIn("第 7 行", html)
        self.assertIn("第 8 行", html)
        self.assertIn("不在您的数据范围内", html)
        self.assertIn("未知的设施：桑拿", html)
        self.assertIn("仅导入无误的行", html)
        self.assertNotIn('value="all"', html)

        # Confirming the whole file is refused and writes nothing.
        response = self.confirm(mode="all")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(RiderStation.objects.count(), 0)

    def test_only_valid_rows_when_the_user_chooses_so(self):
        rows = self.good_rows() + [["未知街道驿站", "西湖街道", "某路", "", "", "", "运营中"]]
        self.preview(xlsx(rows))
        response = self.confirm(mode="valid")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(RiderStation.objects.values_list("name", flat=True)), {r[0] for r in self.good_rows()})

    def test_columns_left_out_take_their_defaults_on_create_and_keep_values_on_update(self):
        header = ["驿站名称", "所属街道", "地址"]
        self.preview(xlsx([["简表驿站", "米市巷", "一号"]], header=header))
        self.assertEqual(self.confirm().status_code, 302)
        station = RiderStation.objects.get(name="简表驿站")
        self.assertEqual((station.opening_hours, station.status), ("全天 24 小时", "open"))
        station.opening_hours = "09:00-18:00"
        station.save()
        self.preview(xlsx([["简表驿站", "米市巷", "二号"]], header=header))
        self.confirm()
        station.refresh_from_db()
        self.assertEqual((station.address, station.opening_hours), ("二号", "09:00-18:00"))

    def test_duplicate_key_within_file_is_an_error(self):
        rows = self.good_rows() + [["米市巷一号驿站", "米市巷", "另一个地址", "", "", "", "运营中"]]
        html = self.preview(xlsx(rows)).content.decode()
        self.assertIn("与第 2 行重复", html)

    def test_a_file_that_is_not_xlsx_is_refused(self):
        response = self.preview(b"name,street\n\xe9\xa9\xbf,x\n", name="stations.xlsx")
        self.assertEqual(response.status_code, 400)
        self.assertIn("不是有效的 Excel", response.content.decode())
        self.assertEqual(ImportJob.objects.count(), 0)

    def test_missing_required_columns_are_named(self):
        response = self.preview(xlsx([["某驿站", "某路"]], header=["驿站名称", "地址"]))
        self.assertEqual(response.status_code, 422)
        html = response.content.decode()
        self.assertIn("缺少必填列“所属单位”", html)
        self.assertNotIn('name="mode"', html)

    def test_a_50_mb_upload_is_refused_with_413(self):
        big = b"0" * (50 * 1024 * 1024)
        response = self.preview(big, name="big.xlsx")
        self.assertEqual(response.status_code, 413)
        self.assertIn("MB 上限", response.content.decode())
        self.assertEqual(RiderStation.objects.count(), 0)

    @override_settings(YIXIAN_MAX_UPLOAD_BYTES=2048)
    def test_upload_limit_is_configurable(self):
        response = self.preview(xlsx(self.good_rows() * 10))
        self.assertEqual(response.status_code, 413)

    def test_another_users_preview_cannot_be_confirmed(self):
        self.preview(xlsx(self.good_rows()))
        job = ImportJob.objects.latest("pk")
        other = make_user("other-importer", units=[self.org.street_a], roles=list(self.user.roles.all()))
        self.client.force_login(other)
        response = self.client.post(self.url, {"job": job.pk, "mode": "all"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(RiderStation.objects.count(), 0)

    def test_existing_record_out_of_scope_cannot_be_overwritten(self):
        RiderStation.objects.create(name="湖墅站", org_unit=self.org.street_b, address="原地址")
        html = self.preview(xlsx([["湖墅站", "米市巷", "新地址", "", "", "", "运营中"]])).content.decode()
        self.assertIn("不在您的数据范围内", html)
        self.confirm(mode="all")
        self.assertEqual(RiderStation.objects.get(name="湖墅站").address, "原地址")

    def test_export_then_import_round_trips_as_updates(self):
        self.preview(xlsx(self.good_rows()))
        self.confirm()
        exported = self.client.get(reverse("riders:riderstation_export")).content
        response = self.preview(exported, name="export.xlsx")
        html = response.content.decode()
        self.assertIn("新增 0", html, html[-3000:])
        self.assertIn("更新 3", html)

    def test_user_without_change_permission_cannot_import(self):
        viewer = make_user("viewer", units=[self.org.street_a], roles=[make_role("viewer", ["riders.view_riderstation"])])
        self.client.force_login(viewer)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.preview(xlsx(self.good_rows())).status_code, 403)
