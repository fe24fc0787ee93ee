"""工作日历 pages and API: who may read and edit, the checks an administrator meets, Excel."""

import datetime as dt
import io
import json

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.authtoken.models import Token

from yixian.core.accounts.roles import ROLES
from yixian.core.audit.models import ObjectChange
from yixian.core.calendar import services
from yixian.core.calendar.models import CalendarDay, CalendarYear, DayKind
from yixian.core.dataio.models import ImportJob
from yixian.framework.testing.fixtures import OrgFixture, make_role, make_user

D = dt.date.fromisoformat


def xlsx(rows, header=("日期", "类型", "是否工作日", "节日名称")) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("2027.xlsx", buffer.getvalue())


def role_as_declared(code: str):
    """The role with exactly the calendar permissions CalendarConfig.role_permissions gives it."""
    perms = apps.get_app_config("workcal").role_permissions[code]
    return make_role(code, [f"workcal.{p}" for p in perms], data_scope="all" if code == "sysadmin" else "units")


class CalendarPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = OrgFixture()
        cls.admin = make_user("calendar_admin", roles=[role_as_declared("sysadmin")])
        cls.viewer = make_user("community", units=[cls.org.community_a], roles=[role_as_declared("community_worker")])
        cls.nobody = make_user("nobody", units=[cls.org.street_a])
        cls.day_url = reverse("workcal:calendarday_list")
        cls.year_url = reverse("workcal:calendaryear_list")

    def day(self, text: str) -> CalendarDay:
        return CalendarDay.objects.get(date=D(text))

    def api(self, user, method: str, url: str, data=None):
        token, _ = Token.objects.get_or_create(user=user)
        kwargs = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
        if data is not None:
            kwargs.update(data=json.dumps(data), content_type="application/json")
        return getattr(self.client, method)(url, **kwargs)

    # ---- permissions ------------------------------------------------------------------------
    def test_every_role_may_read_only_the_sysadmin_may_edit_and_nobody_deletes(self):
        declared = apps.get_app_config("workcal").role_permissions
        for code, *_ in ROLES:
            perms = set(declared[code])
            self.assertTrue({"view_calendaryear", "view_calendarday"} <= perms, code)
            if code == "sysadmin":
                self.assertEqual(
                    perms,
                    {f"{a}_{m}" for a in ("view", "add", "change") for m in ("calendaryear", "calendarday")},
                )
            else:
                self.assertEqual(perms, {"view_calendaryear", "view_calendarday"}, code)

    def test_anonymous_goes_to_login_and_a_user_without_role_is_refused(self):
        for url in (self.day_url, self.year_url):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertEqual(self.client.get("/api/workcal/days/").status_code, 401)
        self.client.force_login(self.nobody)
        self.assertEqual(self.client.get(self.day_url).status_code, 403)
        self.assertEqual(self.api(self.nobody, "get", "/api/workcal/years/").status_code, 403)

    def test_any_role_reads_the_calendar_but_cannot_change_it(self):
        self.client.force_login(self.viewer)
        response = self.client.get(self.day_url + "?year=2026&kind=makeup")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("2026-02-14", html)
        self.assertIn("调休上班", html)
        self.assertNotIn(reverse("workcal:calendarday_add"), html)
        makeup = self.day("2026-02-14")
        self.assertEqual(self.client.get(reverse("workcal:calendarday_detail", args=[makeup.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("workcal:calendarday_edit", args=[makeup.pk])).status_code, 403)
        self.assertEqual(self.client.get(reverse("workcal:calendaryear_add")).status_code, 403)
        self.assertEqual(self.client.get(reverse("workcal:calendarday_import")).status_code, 403)
        self.assertEqual(self.api(self.viewer, "get", "/api/workcal/days/?year=2026").json()["count"], 365)
        patch = self.api(self.viewer, "patch", f"/api/workcal/days/{makeup.pk}/", {"name": "x", "version": makeup.version})
        self.assertEqual(patch.status_code, 403)

    # ---- lists, filters, export ---------------------------------------------------------------
    def test_days_filter_by_year_kind_and_is_workday(self):
        self.client.force_login(self.admin)
        response = self.client.get(self.day_url, {"year": "2026", "kind": "makeup"})
        expected = CalendarDay.objects.filter(date__year=2026, kind=DayKind.MAKEUP).count()
        self.assertEqual(response.context["total"], expected)
        self.assertNotIn("2025-", response.content.decode().split('id="results"')[1].split("</table>")[0])
        response = self.client.get(self.day_url, {"year": "2026", "is_workday": "true"})
        self.assertEqual(response.context["total"], 248)
        response = self.client.get(self.day_url, {"year": "2026", "q": "国庆"})
        self.assertEqual(response.context["total"], CalendarDay.objects.filter(date__year=2026, name="国庆节").count())
        self.assertEqual(self.api(self.admin, "get", "/api/workcal/days/?year=2026&is_workday=true").json()["count"], 248)

    def test_years_list_shows_published_years(self):
        services.create_draft_year(2027)
        self.client.force_login(self.viewer)
        response = self.client.get(self.year_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("chinesecalendar 软件包", response.content.decode())
        self.assertEqual(self.client.get(self.year_url, {"published": "true"}).context["total"], 23)
        response = self.client.get(self.year_url, {"published": "false"})
        self.assertEqual(response.context["total"], 1)
        self.assertIn("2027", response.content.decode())

    def test_declared_permissions_exist(self):
        declared = apps.get_app_config("workcal").role_permissions
        for perms in declared.values():
            for codename in perms:
                self.assertTrue(
                    Permission.objects.filter(content_type__app_label="workcal", codename=codename).exists(), codename
                )

    def test_export_of_a_year_is_an_importable_sheet(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("workcal:calendarday_export") + "?year=2026")
        self.assertEqual(response.status_code, 200)
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), ["日期", "类型", "是否工作日", "节日名称"])
        self.assertEqual(len(rows), 366)
        self.assertIn(("调休上班", "是", "春节"), {tuple(r[1:]) for r in rows})

    # ---- editing days ---------------------------------------------------------------------
    def edit_day(self, text: str, **data):
        day = self.day(text)
        form = {"date": text, "kind": day.kind, "is_workday": "on" if day.is_workday else "", "name": day.name}
        form.update(data, _version=day.version)
        return self.client.post(reverse("workcal:calendarday_edit", args=[day.pk]), form)

    def test_editing_a_day_changes_deadlines_at_once_and_is_logged(self):
        self.client.force_login(self.admin)
        self.assertTrue(services.is_working_day(D("2026-03-09")))
        response = self.edit_day("2026-03-09", kind="holiday", is_workday="", name="临时调整")
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        day = self.day("2026-03-09")
        self.assertEqual((day.kind, day.is_workday, day.name, day.version), ("holiday", False, "临时调整", 2))
        self.assertFalse(services.is_working_day(D("2026-03-09")))
        self.assertEqual(services.add_working_days(D("2026-03-06"), 1), D("2026-03-10"))
        self.assertTrue(ObjectChange.objects.filter(object_id=str(day.pk), action="update", user=self.admin).exists())

    def test_kind_and_is_workday_must_agree(self):
        self.client.force_login(self.admin)
        response = self.edit_day("2026-03-09", kind="holiday")  # still ticked as a working day
        self.assertEqual(response.status_code, 422)
        self.assertIn("“法定节假日”不是工作日", response.content.decode())
        response = self.edit_day("2026-03-07", kind="makeup", is_workday="")
        self.assertEqual(response.status_code, 422)
        self.assertIn("“调休上班”必须是工作日", response.content.decode())
        self.assertEqual(self.day("2026-03-09").version, 1)

    def test_kind_must_fit_the_weekday(self):
        self.client.force_login(self.admin)
        response = self.edit_day("2026-03-09", kind="makeup")
        self.assertEqual(response.status_code, 422)
        self.assertIn("调休上班日只能是星期六或星期日", response.content.decode())
        response = self.edit_day("2026-03-07", kind="workday", is_workday="on")
        self.assertEqual(response.status_code, 422)
        self.assertIn("星期六、星期日上班请选“调休上班”", response.content.decode())
        response = self.edit_day("2026-03-07", kind="makeup", is_workday="on", name="补班")
        self.assertEqual(response.status_code, 302)

    def test_the_date_of_a_day_cannot_be_moved(self):
        self.client.force_login(self.admin)
        response = self.edit_day("2026-03-09", date="2026-03-10", name="改日期")
        self.assertEqual(response.status_code, 302)  # the disabled field keeps its value
        self.assertEqual(self.day("2026-03-09").name, "改日期")
        day = self.day("2026-03-09")
        response = self.api(self.admin, "patch", f"/api/workcal/days/{day.pk}/", {"date": "2035-03-12", "version": day.version})
        self.assertEqual(response.status_code, 400)
        self.assertIn("日期录入后不能修改", response.content.decode())
        response = self.api(self.admin, "patch", f"/api/workcal/days/{day.pk}/", {"date": "2026-03-11", "version": day.version})
        self.assertEqual(response.status_code, 400)  # and an existing date is taken anyway
        self.assertEqual(self.day("2026-03-09").version, day.version)

    def test_a_day_in_a_year_without_calendar_year_is_refused(self):
        self.client.force_login(self.admin)
        data = {"date": "2030-01-02", "kind": "workday", "is_workday": "on", "name": ""}
        response = self.client.post(reverse("workcal:calendarday_add"), data)
        self.assertEqual(response.status_code, 422)
        self.assertIn("2030 年尚未建立日历年度，请先在“日历年度”中新增该年。", response.content.decode())
        self.assertFalse(CalendarDay.objects.filter(date__year=2030).exists())

    def test_api_checks_what_the_pages_check(self):
        day = self.day("2026-03-09")
        url = f"/api/workcal/days/{day.pk}/"
        response = self.api(self.admin, "patch", url, {"kind": "holiday", "version": day.version})
        self.assertEqual(response.status_code, 400)
        self.assertIn("不是工作日", response.content.decode())
        response = self.api(self.admin, "patch", url, {"kind": "holiday", "is_workday": False, "version": day.version})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertFalse(services.is_working_day(D("2026-03-09")))
        response = self.api(
            self.admin, "post", "/api/workcal/days/", {"date": "2031-01-02", "kind": "workday", "is_workday": True}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("2031 年尚未建立日历年度", response.content.decode())

    # ---- years: draft, publish ----------------------------------------------------------------
    def test_adding_a_year_creates_a_draft_with_every_day_and_weekends_off(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("workcal:calendaryear_add"), {"year": "2027", "note": "国办发明电〔2026〕号"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        year = CalendarYear.objects.get(year=2027)
        self.assertEqual((year.published, year.source), (False, "manual"))
        self.assertEqual(CalendarDay.objects.filter(date__year=2027).count(), 365)
        self.assertEqual(self.day("2027-01-02").kind, DayKind.WEEKEND)
        self.assertEqual(self.day("2027-01-01").kind, DayKind.WORKDAY)
        self.assertNotIn(2027, services.known_years())

    def test_adding_a_year_already_published_is_refused(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("workcal:calendaryear_add"), {"year": "2027", "published": "on"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("2027 年的日历尚不完整（已录入 0 天，应有 365 天），不能发布", response.content.decode())
        self.assertFalse(CalendarYear.objects.filter(year=2027).exists())
        self.assertFalse(CalendarDay.objects.filter(date__year=2027).exists())
        response = self.client.post(reverse("workcal:calendaryear_add"), {"year": "2026"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("该年度已存在", response.content.decode())

    def test_a_year_is_published_only_with_all_its_days(self):
        services.create_draft_year(2027)
        year = CalendarYear.objects.get(year=2027)
        CalendarDay.objects.filter(date=D("2027-06-01")).delete()
        self.client.force_login(self.admin)
        edit = reverse("workcal:calendaryear_edit", args=[year.pk])
        response = self.client.post(edit, {"year": "2027", "published": "on", "note": "", "_version": year.version})
        self.assertEqual(response.status_code, 422)
        self.assertIn("已录入 364 天，应有 365 天", response.content.decode())
        self.assertNotIn(2027, services.known_years())
        self.client.post(
            reverse("workcal:calendarday_add"), {"date": "2027-06-01", "kind": "workday", "is_workday": "on", "name": ""}
        )
        response = self.client.post(edit, {"year": "2099", "published": "on", "note": "", "_version": year.version})
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        year.refresh_from_db()
        self.assertEqual((year.year, year.published), (2027, True))  # the year itself cannot be changed
        self.assertIn(2027, services.known_years())
        self.assertEqual(services.add_working_days(D("2026-12-31"), 1), D("2027-01-01"))

    def test_api_year_create_makes_a_draft_and_publish_is_checked(self):
        response = self.api(self.admin, "post", "/api/workcal/years/", {"year": 2028, "published": True})
        self.assertEqual(response.status_code, 400)
        self.assertIn("不能发布", response.content.decode())
        response = self.api(self.admin, "post", "/api/workcal/years/", {"year": 2028})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(CalendarDay.objects.filter(date__year=2028).count(), 366)
        created = response.json()
        response = self.api(
            self.admin, "patch", f"/api/workcal/years/{created['id']}/", {"year": 2029, "version": created["version"]}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("不能修改年份", response.content.decode())

    # ---- next year's schedule from Excel --------------------------------------------------------
    def test_next_years_schedule_is_uploaded_from_excel_then_published(self):
        services.create_draft_year(2027)
        self.client.force_login(self.admin)
        url = reverse("workcal:calendarday_import")
        rows = [
            ("2027-01-01", "法定节假日", "否", "元旦"),
            ("2027-02-06", "法定节假日", "否", "春节"),
            ("2027-02-08", "法定节假日", "否", "春节"),
            ("2027-02-20", "调休上班", "是", "春节"),
        ]
        response = self.client.post(url, {"file": xlsx(rows)})
        self.assertEqual(response.status_code, 200)
        self.assertIn("更新 4", response.content.decode())
        job = ImportJob.objects.filter(user=self.admin).latest("pk")
        response = self.client.post(url, {"job": job.pk, "mode": "all"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.day("2027-02-20").kind, DayKind.MAKEUP)
        self.assertEqual(CalendarDay.objects.filter(date__year=2027).count(), 365)
        services.publish_year(2027)
        self.assertEqual(services.add_working_days(D("2026-12-31"), 1), D("2027-01-04"))
        self.assertEqual(services.add_working_days(D("2027-02-05"), 1), D("2027-02-09"))
        self.assertTrue(services.is_working_day(D("2027-02-20")))

    def test_import_names_bad_rows(self):
        services.create_draft_year(2027)
        self.client.force_login(self.admin)
        rows = [
            ("2030-01-01", "法定节假日", "否", "元旦"),
            ("2027-01-01", "法定节假日", "是", "元旦"),
            ("2027-01-04", "调休上班", "是", ""),
        ]
        response = self.client.post(reverse("workcal:calendarday_import"), {"file": xlsx(rows)})
        html = response.content.decode()
        self.assertIn("有错误 3 行", html)
        self.assertIn("2030 年尚未建立日历年度", html)
        self.assertIn("不是工作日", html)
        self.assertIn("调休上班日只能是星期六或星期日", html)


class MenuTests(TestCase):
    def test_calendar_menu_entries_follow_the_view_permission(self):
        from yixian.framework.registry import registry

        config = registry.modules["workcal"]
        reader = make_user("reader", roles=[make_role("reader", ["workcal.view_calendarday"])])
        labels = [str(item["label"]) for item in config.menu_items(reader)]
        self.assertEqual(labels, ["日历日"])
        self.assertTrue(Permission.objects.filter(content_type__app_label="workcal", codename="view_calendaryear").exists())
