"""Excel import/export of projects and monthly investment, with real .xlsx files: a good file
imports all; every bad cell is named (row and column, in Chinese) and nothing is written;
export → import round-trips; the upload → preview → confirm pages work."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import include, path, reverse
from openpyxl import Workbook, load_workbook

from yixian.core.dataio.importer import ImportFileError
from yixian.core.dataio.models import ImportJob
from yixian.modules.projects import dataio
from yixian.modules.projects.models import AnnualPlan, Industry, InvestmentReport, Milestone, Project

from .conftest import at, d

TODAY = d("2026-11-27")
NOW = at("2026-11-27 10:00")

HEADER = [
    "项目编号", "项目名称", "项目类型", "业主单位", "统一社会信用代码", "产业领域", "所在街道", "项目地址",
    "总投资（万元）", "年度计划投资（万元）", "牵头部门", "专项服务组", "联系区领导",
    "签约", "注册落地", "供地", "开工", "竣工", "投产", "达产", "达效", "签约（实际）", "注册落地（实际）",
]  # fmt: skip


def xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def good_rows():
    """Three projects: real Excel dates, text dates in two forms, and reached stages."""
    return [
        [
            "GS2026-101", "运河数字产业园", "产业项目", "杭州运河数字科技有限公司", "91330105MAK1CN1W0B", "数字经济",
            "米市巷街道", "湖墅南路 1 号", 50000, 12000, "区发改局", "SG01", "",
            dt.datetime(2026, 3, 1), dt.datetime(2026, 4, 1), dt.datetime(2026, 7, 1), dt.datetime(2027, 1, 15),
            dt.datetime(2028, 6, 30), dt.datetime(2028, 9, 30), dt.datetime(2029, 6, 30), dt.datetime(2030, 6, 30),
            dt.datetime(2026, 3, 5), dt.datetime(2026, 4, 10),
        ],
        [
            "GS2026-102", "湖墅生命健康中心", "industrial", "杭州湖墅健康有限公司", "", "",
            "湖墅", "", "8000.50", "", "发改局", "第一专项服务组", "",
            "2027/1/10", "2027/2/10", "2027年4月10日", "2027年6月10日", "2028-06-10", "2028.9.10", "", "", "", "",
        ],
        [
            "GS2026-103", "大关城市更新", "产业项目", "杭州大关更新有限公司", "", "",
            "330105002", "大关路 8 号", 30000, 5000, "D-FGJ", "", "",
            "2026-01-10", "2026-02-10", "2026-04-10", "2026-06-10", "2027-12-31", "", "", "",
            "2026-01-12", "",
        ],
    ]  # fmt: skip


@pytest.fixture(autouse=True)
def industry(db):
    return Industry.objects.get_or_create(code="digital", defaults={"name": "数字经济"})[0]


def preview(pw, content, year=2026):
    return dataio.preview_projects(content=content, user=pw.handler, year=year, today=TODAY)


def test_a_good_file_imports_every_project_with_its_plan(pw):
    result = preview(pw, xlsx(good_rows()))
    assert result.messages() == []
    assert [r.action for r in result.rows] == ["create", "create", "create"]
    assert Project.objects.count() == 0  # nothing before confirmation
    counts = dataio.apply_projects(result, user=pw.handler, now=NOW)
    assert counts["create"] == 3
    p1 = Project.objects.get(code="GS2026-101")
    assert p1.org_unit == pw.street_a and p1.lead_department == pw.fgj and p1.service_group == pw.sg1
    assert p1.industry.name == "数字经济" and p1.owner_credit_code == "91330105MAK1CN1W0B"
    assert p1.total_investment == Decimal("50000.00")
    assert AnnualPlan.objects.get(project=p1, year=2026).amount == Decimal("12000.00")
    started = Milestone.objects.get(project=p1, stage="started")
    assert started.planned_date == d("2027-01-15") and started.actual_date is None
    assert Milestone.objects.get(project=p1, stage="registered").actual_date == d("2026-04-10")
    assert p1.stage == "registered"
    p2 = Project.objects.get(code="GS2026-102")
    assert p2.org_unit == pw.street_b and p2.total_investment == Decimal("8000.50")
    assert Milestone.objects.get(project=p2, stage="land").planned_date == d("2027-04-10")
    assert Milestone.objects.get(project=p2, stage="production").planned_date == d("2028-09-10")
    p3 = Project.objects.get(code="GS2026-103")
    assert p3.stage == "signed" and p3.light == "red"  # 注册落地 planned 2026-02-10, not reached
    assert "注册落地" in p3.light_reason


BAD_CASES = [
    # (row index in good_rows, column, value, expected words in the message)
    (0, "所在街道", "西湖街道", "未知的街道“西湖街道”"),
    (1, "专项服务组", "SG99", "未知的专项服务组“SG99”"),
    (0, "牵头部门", "区财政局", "未知的部门"),
    (1, "开工", "2027-03-01", "“开工”计划日期 2027-03-01 早于“供地”计划日期 2027-04-10"),
    (0, "注册落地（实际）", dt.datetime(2026, 12, 10), "晚于今天"),
    (2, "注册落地（实际）", "2026-01-05", "早于“签约”实际日期 2026-01-12"),
    (1, "注册落地（实际）", "2026-01-05", "需先有“签约”实际日期"),
    (0, "总投资（万元）", -5, "总投资不能为负数"),
    (0, "年度计划投资（万元）", 60000, "超过总投资"),
    (2, "项目编号", "GS2026-101", "与第 2 行重复"),
    (0, "统一社会信用代码", "91330100799655058C", "校验位错误（应为 B）"),
    (0, "统一社会信用代码", "91330100799655O58B", "不允许的字符“O”"),
    (1, "供地", "2027-02-30", "日期“2027-02-30”无效"),
    (1, "项目类型", "工业项目", "未知的项目类型"),
    (1, "产业领域", "航天航空", "未知的产业领域"),
    (0, "项目名称", "", "新项目必须填写“项目名称”"),
]


@pytest.mark.parametrize(("index", "column", "value", "words"), BAD_CASES)
def test_each_bad_cell_is_named_and_nothing_is_written(pw, index, column, value, words):
    rows = good_rows()
    rows[index][HEADER.index(column)] = value
    result = preview(pw, xlsx(rows))
    row_number = index + 2
    expected = f"第 {row_number} 行“{column}”："
    assert any(m.startswith(expected) and words in m for m in result.messages()), result.messages()
    assert len(result.bad) == 1
    with pytest.raises(ImportFileError, match="未导入任何数据"):
        dataio.apply_projects(result, user=pw.handler, now=NOW)
    assert Project.objects.count() == 0


def test_only_the_good_rows_when_the_user_chooses(pw):
    rows = good_rows()
    rows[0][HEADER.index("所在街道")] = "西湖街道"
    rows[0][HEADER.index("产业领域")] = ""
    result = preview(pw, xlsx(rows))
    counts = dataio.apply_projects(result, user=pw.handler, only_valid=True, now=NOW)
    assert counts == {"rows": 3, "good": 2, "bad": 1, "create": 2, "update": 0, "unchanged": 0}
    assert set(Project.objects.values_list("code", flat=True)) == {"GS2026-102", "GS2026-103"}


def test_missing_columns_and_projects_out_of_scope_are_refused(pw):
    result = preview(pw, xlsx([["X-1", "名"]], header=["项目编号", "项目名称"]))
    assert "缺少必填列“所在街道”。" in result.header_errors
    other = pw.project(code="GS-ZJJ-1", lead_department=pw.zjj, service_group=None, org_unit=pw.street_b)
    rows = good_rows()[1:2]
    rows[0][0] = other.code
    rows[0][HEADER.index("牵头部门")] = "区住建局"
    message = preview(pw, xlsx(rows)).messages()[0]
    assert message.startswith("第 2 行“项目编号”：") and "不在您的数据范围内" in message
    rows[0][0] = "GS-NEW-9"
    message = preview(pw, xlsx(rows)).messages()[0]
    assert "不在您的数据范围内" in message


def test_an_existing_code_updates_the_plan(pw):
    dataio.apply_projects(preview(pw, xlsx(good_rows())), user=pw.handler, now=NOW)
    rows = good_rows()
    rows[1][HEADER.index("开工")] = "2027-07-01"  # later start
    rows[1][HEADER.index("年度计划投资（万元）")] = 3000
    rows[1][HEADER.index("项目名称")] = "改了名字"
    rows[2][HEADER.index("注册落地（实际）")] = "2026-02-20"
    result = preview(pw, xlsx(rows))
    assert [r.action for r in result.rows] == ["unchanged", "update", "update"]
    assert "未修改项目名称" in result.notes[3]
    dataio.apply_projects(result, user=pw.handler, now=NOW)
    p2 = Project.objects.get(code="GS2026-102")
    assert p2.name == "湖墅生命健康中心"  # names are not changed by an import
    assert Milestone.objects.get(project=p2, stage="started").planned_date == d("2027-07-01")
    assert AnnualPlan.objects.get(project=p2, year=2026).amount == Decimal("3000.00")
    p3 = Project.objects.get(code="GS2026-103")
    assert p3.stage == "registered"
    assert Project.objects.count() == 3


def test_export_then_import_round_trips(pw):
    dataio.apply_projects(preview(pw, xlsx(good_rows())), user=pw.handler, now=NOW)
    first = dataio.export_projects_xlsx(Project.objects.all(), year=2026)
    ws = load_workbook(io.BytesIO(first)).active
    header = [c.value for c in ws[1]]
    assert header[:9] == HEADER[:9] and "2026年度计划投资（万元）" in header and "达效（实际）" in header
    assert ws.cell(row=2, column=header.index("开工") + 1).value == dt.datetime(2027, 1, 15)
    result = preview(pw, first)
    assert result.messages() == [] and result.warnings == []
    assert [r.action for r in result.rows] == ["unchanged"] * 3
    dataio.apply_projects(result, user=pw.handler, now=NOW)
    second = dataio.export_projects_xlsx(Project.objects.all(), year=2026)
    values = lambda content: [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]  # noqa: E731
    assert values(first) == values(second)
    # and the same file into an empty system creates the same projects
    Project.objects.all().delete()
    result = preview(pw, first)
    assert [r.action for r in result.rows] == ["create"] * 3
    dataio.apply_projects(result, user=pw.handler, now=NOW)
    assert values(dataio.export_projects_xlsx(Project.objects.all(), year=2026)) == values(first)


# ---------------------------------------------------------------- monthly investment
INV_HEADER = ["项目编号", "项目名称", "月份", "当月完成投资（万元）", "本年累计完成投资（万元）"]


def investment_world(pw):
    p = pw.project(code="GS-INV-1", total_investment=Decimal("1000"), annual_plans={2026: Decimal("600")})
    q = pw.project(code="GS-INV-2", total_investment=Decimal("500"))
    return p, q


def inv_preview(pw, rows, header=INV_HEADER):
    return dataio.preview_investments(content=xlsx(rows, header), user=pw.handler, today=TODAY)


def test_monthly_investment_imports_amounts_and_cumulative_figures(pw):
    p, q = investment_world(pw)
    rows = [
        ["GS-INV-1", "（仅供参考）", "2026-08", 100, ""],
        ["GS-INV-1", "", "2026年9月", "", 250],  # cumulative: 150 in September
        ["GS-INV-1", "", dt.datetime(2026, 10, 1), 50, 300],  # both, agreeing
        ["GS-INV-2", "", "2026/10", "80.5", ""],
    ]
    result = inv_preview(pw, rows)
    assert result.messages() == []
    dataio.apply_investments(result, user=pw.handler, now=NOW)
    got = dict(InvestmentReport.objects.filter(project=p).values_list("month", "amount"))
    assert got == {d("2026-08-01"): Decimal("100.00"), d("2026-09-01"): Decimal("150.00"), d("2026-10-01"): Decimal("50.00")}
    assert InvestmentReport.objects.get(project=q).amount == Decimal("80.50")


INV_BAD = [
    (["GS-NOPE", "", "2026-10", 10, ""], "项目编号", "未知的项目编号“GS-NOPE”"),
    (["GS-INV-1", "", "2026-10", -10, ""], "当月完成投资（万元）", "不能为负数"),
    (["GS-INV-1", "", "2026-12", 10, ""], "月份", "2026-12 尚未到来"),
    (["GS-INV-1", "", "2026-13", 10, ""], "月份", "月份“2026-13”无效"),
    (["GS-INV-2", "", "2026-10", 600, ""], "当月完成投资（万元）", "累计完成投资 600.00 万元将超过总投资 500.00 万元"),
    (["GS-INV-1", "", "2026-09", 10, ""], "月份", "与第 2 行重复"),
    (["GS-INV-1", "", "2026-10", 10, 999], "本年累计完成投资（万元）", "不符"),
    (["GS-INV-1", "", "2026-10", "", 40], "本年累计完成投资（万元）", "小于此前各月合计"),
]


@pytest.mark.parametrize(("bad", "column", "words"), INV_BAD)
def test_each_bad_investment_cell_is_named_and_nothing_is_written(pw, bad, column, words):
    investment_world(pw)
    rows = [["GS-INV-1", "", "2026-09", 50, ""], bad]
    result = inv_preview(pw, rows)
    assert any(m.startswith(f"第 3 行“{column}”：") and words in m for m in result.messages()), result.messages()
    with pytest.raises(ImportFileError):
        dataio.apply_investments(result, user=pw.handler, now=NOW)
    assert InvestmentReport.objects.count() == 0


def test_investment_sheet_needs_an_amount_column(pw):
    result = inv_preview(pw, [["GS-INV-1", "2026-10"]], header=["项目编号", "月份"])
    assert any("当月完成投资" in e for e in result.header_errors)


# ---------------------------------------------------------------- the pages
def _urlconf():
    from yixian import urls as root

    patterns = []
    for p in root.urlpatterns:
        if getattr(p, "namespace", None) == "projects":
            p = path("projects/", include((list(p.url_patterns) + dataio.urlpatterns_dataio, "projects")))
        patterns.append(p)
    return patterns


urlpatterns = _urlconf()


def upload(content: bytes, name="projects.xlsx"):
    return SimpleUploadedFile(name, content, content_type=dataio.XLSX)


@override_settings(ROOT_URLCONF=__name__)
def test_upload_preview_confirm_pages(pw, client):
    client.force_login(pw.handler)
    url = reverse("projects:import_projects")
    assert client.get(url).status_code == 200
    rows = good_rows()
    rows[1][HEADER.index("所在街道")] = "西湖街道"
    page = client.post(url, {"file": upload(xlsx(rows)), "year": "2026"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "第 3 行" in body and "未知的街道“西湖街道”" in body and "仅导入无误的行" in body
    assert Project.objects.count() == 0
    job = ImportJob.objects.get(user=pw.handler)
    page = client.post(url, {"job": job.pk, "mode": "all"})
    assert page.status_code == 422 and Project.objects.count() == 0
    client.post(url, {"file": upload(xlsx(rows)), "year": "2026"})
    job = ImportJob.objects.filter(user=pw.handler, state="preview").get()
    assert client.post(url, {"job": job.pk, "mode": "valid"}).status_code == 302
    assert Project.objects.count() == 2
    export = client.get(reverse("projects:export_projects") + "?year=2026")
    assert export.status_code == 200 and export["Content-Type"] == dataio.XLSX
    assert len(list(load_workbook(io.BytesIO(export.content)).active.iter_rows())) == 3
    # investments
    inv_url = reverse("projects:import_investments")
    code = Project.objects.first().code
    client.post(inv_url, {"file": upload(xlsx([[code, "", "2026-10", 10, ""]], INV_HEADER))})
    job = ImportJob.objects.filter(user=pw.handler, state="preview").get()
    assert client.post(inv_url, {"job": job.pk, "mode": "all"}).status_code == 302
    assert InvestmentReport.objects.get().amount == Decimal("10.00")


@override_settings(ROOT_URLCONF=__name__)
def test_pages_refuse_users_without_the_permission(pw, client):
    client.force_login(pw.street)  # street workers may view projects, not import them
    assert client.get(reverse("projects:import_projects")).status_code == 403
    assert client.get(reverse("projects:import_investments")).status_code == 403
    assert client.get(reverse("projects:export_projects")).status_code == 200


def test_the_sample_files_in_docs_import_cleanly(pw):
    from pathlib import Path

    samples = Path(__file__).resolve().parents[4] / "docs" / "samples"
    result = preview(pw, (samples / "projects_import_sample.xlsx").read_bytes())
    assert result.messages() == [] and result.warnings == [] and len(result.rows) == 3
    dataio.apply_projects(result, user=pw.handler, now=NOW)
    content = (samples / "projects_investment_sample.xlsx").read_bytes()
    result = dataio.preview_investments(content=content, user=pw.handler, today=TODAY)
    assert result.messages() == []
    dataio.apply_investments(result, user=pw.handler, now=NOW)
    p1 = Project.objects.get(code="GS2026-101")
    assert InvestmentReport.objects.get(project=p1, month=d("2026-10-01")).amount == Decimal("1250.00")
