"""The briefing as a Word document (python-docx).

Word picks the font of Chinese text from `w:eastAsia`, not from the font name python-docx
sets: every run and every style used gets it (仿宋 for the body, 黑体 for headings), or Word
falls back to whatever font it likes.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .briefing import Briefing

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr, east_asia: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    for attr in THEME_ATTRS:  # a theme font would override the names below
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(document, name: str, east_asia: str, size: float, bold: bool = False) -> None:
    style = document.styles[name]
    _set_fonts(style.element.get_or_add_rPr(), east_asia)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)


def run(paragraph, text: str, *, heading: bool = False, bold: bool = False, size: float | None = None, color=None):
    r = paragraph.add_run(str(text))
    _set_fonts(r._element.get_or_add_rPr(), HEADING_FONT if heading else BODY_FONT)
    if bold:
        r.bold = True
    if size:
        r.font.size = Pt(size)
    if color:
        r.font.color.rgb = RGBColor.from_string(color)
    return r


def _heading(document, text: str, level: int = 1):
    paragraph = document.add_paragraph(style=f"Heading {level}")
    run(paragraph, text, heading=True)
    return paragraph


def _para(document, text: str = "", **kwargs):
    paragraph = document.add_paragraph()
    if text:
        run(paragraph, text, **kwargs)
    return paragraph


def _table(document, header: list[str], rows: list[list[str]], widths: list[float] | None = None):
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        run(cell.paragraphs[0], text, heading=True, size=10.5)
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            run(cell.paragraphs[0], text, size=10.5)
            if i:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def render(briefing: Briefing) -> bytes:
    """The .docx file of `briefing`."""
    document = Document()
    for section in document.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.6)
        section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    _style(document, "Normal", BODY_FONT, 12)
    _style(document, "Title", HEADING_FONT, 22, bold=True)
    _style(document, "Heading 1", HEADING_FONT, 16, bold=True)
    _style(document, "Heading 2", HEADING_FONT, 14, bold=True)
    document.core_properties.title = briefing.title
    document.core_properties.author = "yixian"

    dash = briefing.dash
    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(title, briefing.title, heading=True)
    subtitle = _para(document, briefing.subtitle, size=14)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    stamp = _para(
        document,
        _("单位：%(u)s    生成时间：%(t)s")
        % {"u": dash.unit_label, "t": f"{timezone.localtime(briefing.generated_at):%Y-%m-%d %H:%M}"},
        size=10.5,
    )
    stamp.alignment = WD_ALIGN_PARAGRAPH.CENTER

    if not briefing.has_data:
        _para(document, briefing.no_data_text, bold=True, size=14).alignment = WD_ALIGN_PARAGRAPH.CENTER

    _heading(document, _("一、总体情况"))
    _para(document, briefing.summary)

    _heading(document, _("二、关键指标"))
    if briefing.key_figures:
        _table(
            document,
            [_("指标"), _("本期值"), _("年度目标"), _("完成情况"), _("环比")],
            [[f.name, f.display, f.target_display, f.status_label, f.change_display] for f in briefing.key_figures],
            [5.6, 2.8, 2.8, 2.2, 2.6],
        )
    else:
        _para(document, _("驾驶舱尚未配置关键指标。"))

    _heading(document, _("三、指标明细"))
    _table(
        document,
        [_("指标"), _("本期值"), _("分子"), _("分母"), _("目标"), _("环比")],
        [
            [f.name, f.display, f.numerator_display, f.denominator_display, f.target_display, f.change_display]
            for f in briefing.table
        ],
        [5.2, 2.4, 2.0, 2.0, 2.2, 2.2],
    )
    _para(document, _("注：比率类指标 = 分子 ÷ 分母 × 100%，保留两位小数；“—”表示本期分母为零或无数据。"), size=9)

    for section in briefing.sections():
        _heading(document, section["title"])
        SECTIONS[section["kind"]](document, briefing)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rankings(document, briefing: Briefing) -> None:
    for ranking in briefing.rankings:
        _heading(document, _("%(name)s · %(by)s排名") % {"name": ranking.title, "by": ranking.by_label}, level=2)
        _table(
            document,
            [_("名次"), ranking.by_label, _("指标值"), _("分子"), _("分母")],
            [[str(i), r.unit_name, r.display, r.numerator, r.denominator] for i, r in enumerate(ranking.rows, 1)],
            [1.4, 5.0, 3.0, 2.6, 2.6],
        )


def _charts(document, briefing: Briefing) -> None:
    for chart in briefing.charts:
        document.add_picture(io.BytesIO(chart.png), width=Cm(15))
        picture = document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for r in picture.runs:
            _set_fonts(r._element.get_or_add_rPr(), BODY_FONT)
        _para(document, chart.title, size=10.5).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _red(document, briefing: Briefing) -> None:
    red_list = briefing.dash.red_list
    if not red_list:
        _para(document, _("本期没有红灯项目。"))
        return
    _table(
        document,
        [_("序号"), _("项目"), _("所在街道"), _("亮灯原因")],
        [[str(i), p.name, p.street, p.reason] for i, p in enumerate(red_list, 1)],
        [1.2, 5.0, 2.8, 6.8],
    )


def _overdue(document, briefing: Briefing) -> None:
    dash = briefing.dash
    if not dash.overdue:
        _para(document, _("没有超期工单。"))
        return
    _para(document, _("截至统计时点，超期未办结工单 %(n)s 件，超期最久的如下：") % {"n": dash.overdue_count})
    _table(
        document,
        [_("工单编号"), _("标题"), _("承办单位"), _("超期")],
        [[c.number, c.title, c.unit, c.overdue_by] for c in dash.overdue],
        [3.2, 6.4, 3.8, 2.4],
    )


SECTIONS = {"rankings": _rankings, "charts": _charts, "red": _red, "overdue": _overdue}
