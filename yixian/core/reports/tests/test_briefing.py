"""The briefing's figures are the indicators' figures, in Word and in PDF, with Chinese fonts."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn

from yixian.core.indicators import services as indicator_services
from yixian.core.reports import services
from yixian.framework.periods import parse_period
from yixian.framework.scope import Scope

from .conftest import NOW

PERIOD = parse_period("2026-11", today=NOW.date())
EMPTY = parse_period("2026-01", today=NOW.date())


def _docx(**kwargs) -> Document:
    generated = services.briefing_generate(scope=Scope(everything=True), period=PERIOD, fmt="docx", now=NOW, **kwargs)
    assert generated.filename.endswith("2026-11.docx")
    return Document(io.BytesIO(generated.content))


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _table_with(document, header: str):
    for table in document.tables:
        if table.rows[0].cells[0].text == header and len(table.columns) == 6:
            return table
    raise AssertionError(f"no table headed {header}")


def _plain(value) -> str:
    """How the briefing writes a numerator or denominator: whole numbers bare, amounts to 0.01."""
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return str(value.quantize(Decimal("0.01"), ROUND_HALF_UP))
    return str(int(value))


def _evaluated(unit=None):
    q = indicator_services.query_for(scope=Scope(everything=True), unit=unit, period=PERIOD, now=NOW)
    return indicator_services.evaluate(None, q)


def test_docx_figures_equal_the_indicators(district):
    document = _docx()
    text = "\n".join(p.text for p in document.paragraphs)
    assert "拱墅区一线工作简报" in text
    assert "2026 年 11 月" in text
    assert "本期暂无数据" not in text

    rows = {row[0]: row for row in _rows(_table_with(document, "指标"))[1:]}
    evaluated = _evaluated()
    assert len(rows) == len(evaluated)
    for e in evaluated:
        row = rows[str(e.indicator.name)]
        assert row[1] == e.display, e.indicator.code
        assert row[2:4] == [_plain(e.result.numerator), _plain(e.result.denominator)], e.indicator.code

    by_code = {e.indicator.code: e for e in evaluated}
    assert by_code["projects.red"].display == "1"
    rate = by_code["projects.investment_rate"]
    # 629.00 done of 647.40 planned for 2026 → 97.16 % (DOMAIN_RULES §6), above the 95 % target
    assert rate.display == "97.16%"
    key = _rows(document.tables[0])
    assert key[0] == ["指标", "本期值", "年度目标", "完成情况", "环比"]
    rate_row = next(r for r in key if r[0] == "年度投资完成率")
    assert rate_row[1:4] == ["97.16%", "95.00%", "达标"]


def test_docx_lists_red_projects_with_reasons_rankings_and_charts(district):
    document = _docx()
    red = next(t for t in document.tables if t.rows[0].cells[-1].text == "亮灯原因")
    rows = _rows(red)[1:]
    assert [r[1] for r in rows] == ["拱宸桥智慧产业园"]
    assert rows[0][2] == "米市巷街道"
    assert rows[0][3] and rows[0][3] == district.red.__class__.objects.get(pk=district.red.pk).light_reason
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    names = [r[1] for r in _rows(ranking)[1:]]
    assert set(names) == {"米市巷", "湖墅"}
    assert document.inline_shapes, "the charts are pictures in the document"
    overdue = next(t for t in document.tables if t.rows[0].cells[0].text == "工单编号")
    assert _rows(overdue)[1][1] == "小区门口占道经营"


def test_every_run_and_style_names_an_east_asian_font(district):
    document = _docx()
    runs = [r for p in document.paragraphs for r in p.runs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                runs += [r for p in cell.paragraphs for r in p.runs]
    assert len(runs) > 50
    for run in runs:
        assert run._element.rPr is not None, f"run without properties: {run.text!r}"
        fonts = run._element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in ("仿宋", "黑体"), run.text
    for name, font in (("Normal", "仿宋"), ("Heading 1", "黑体"), ("Heading 2", "黑体"), ("Title", "黑体")):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font
        assert fonts.get(qn("w:eastAsiaTheme")) is None
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    assert heading.text == "一、总体情况"


def test_street_briefing_counts_only_the_street(district):
    document = _docx(unit=district.org.street_a)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "米市巷街道一线工作简报" in text
    rows = {row[0]: row for row in _rows(_table_with(document, "指标"))[1:]}
    for e in _evaluated(unit=district.org.street_a):
        assert rows[str(e.indicator.name)][1] == e.display
    assert rows["重大项目数"][1] == "1"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_has_the_title_and_the_figures(district, tmp_path):
    generated = services.briefing_generate(scope=Scope(everything=True), period=PERIOD, fmt="pdf", now=NOW)
    assert generated.content.startswith(b"%PDF")
    path = tmp_path / "b.pdf"
    path.write_bytes(generated.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    text = "".join(text.split())  # a table cell may wrap a long name
    assert "拱墅区一线工作简报" in text
    assert "97.16%" in text
    assert "拱宸桥智慧产业园" in text
    assert "本期暂无数据" not in text


def test_empty_period_says_so_in_both_formats(empty_district, tmp_path):
    generated = services.briefing_generate(scope=Scope(everything=True), period=EMPTY, fmt="docx", now=NOW)
    document = Document(io.BytesIO(generated.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "本期暂无数据" in text
    assert "本期没有红灯项目。" in text
    pdf = services.briefing_generate(scope=Scope(everything=True), period=EMPTY, fmt="pdf", now=NOW).content
    path = tmp_path / "e.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
        assert "本期暂无数据" in out


def test_management_command_writes_both_files(district, tmp_path):
    out = io.StringIO()
    call_command("briefing", "--period", "2026-10", "--out", str(tmp_path), stdout=out)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["工作简报-拱墅区-2026-10.docx", "工作简报-拱墅区-2026-10.pdf"]
    assert (tmp_path / files[1]).read_bytes().startswith(b"%PDF")
    document = Document(str(tmp_path / files[0]))
    assert "拱墅区一线工作简报" in document.paragraphs[0].text
    from yixian.core.reports.models import BriefingRecord

    assert sorted(BriefingRecord.objects.values_list("user_name", "period", "format")) == [
        ("系统", "2026-10", "docx"),
        ("系统", "2026-10", "pdf"),
    ]


def test_management_command_refuses_bad_input(district, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="统计期"):
        call_command("briefing", "--period", "2026-13", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="不存在"):
        call_command("briefing", "--period", "2026-10", "--unit", "NOPE", "--out", str(tmp_path))
    assert not list(tmp_path.iterdir())
