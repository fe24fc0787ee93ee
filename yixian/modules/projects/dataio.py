"""Excel import and export of major projects in the layout the development and reform bureau
(发改局) keeps: one row per project, one column per stage date; and of monthly investment reports.

Project sheet (first sheet, first row = headers; `*` = required for a new project):

    项目编号* 项目名称* 项目类型* 业主单位* 统一社会信用代码 产业领域 所在街道* 项目地址 总投资（万元）*
    年度计划投资（万元） 牵头部门* 专项服务组 联系区领导
    签约 注册落地 供地 开工 竣工 投产 达产 达效            ← planned dates
    签约（实际） 注册落地（实际） … 达效（实际）           ← optional actual dates

- "年度计划投资（万元）" is for the year chosen on the page (default: this year); a header
  "2026年度计划投资（万元）" names its year itself. Headers may use half-width brackets and
  may leave out "（万元）"; unknown columns are ignored with a warning.
- Streets by name, short name or code (米市巷 / 米市巷街道 / 330105001); departments by name
  or short name (区发改局 / 发改局 / D-FGJ); service groups by code or name (SG01);
  联系区领导 by a person's name; 产业领域 by name or code; 项目类型 by label (产业项目) or code.
- Dates: real Excel dates or text 2026-09-30, 2026/9/30, 2026.9.30, 2026年9月30日.
- A code already in the system updates that project's plan: planned dates, the annual plan and
  actual dates (stages reached; each needs the earlier stages' actual dates and may not lie in
  the future). Its other columns are not changed by an import. An empty date cell keeps the
  stored date.
- Every bad row and cell is named in the preview; the import writes all rows in one
  transaction, or nothing (or, when the user chooses, only the good rows).

Investment sheet: 项目编号* 项目名称 月份* 当月完成投资（万元） 本年累计完成投资（万元）
- 项目名称 is informational (not checked); 月份 as 2026-10, 2026/10, 2026年10月 or an Excel date.
- Give 当月完成投资 or 本年累计完成投资 (1 月至该月累计, also headed "累计完成投资") or both (they
  must agree); from a cumulative figure the month's amount is the cumulative minus the
  project's other months of that year before it (stored or in the same file).
- Refused per cell: unknown project code, negative amount, a future month, the same project and
  month twice, a cumulative total above the project's total investment. All-or-nothing.

Export (`export_projects_xlsx`) writes the project layout, so export → import round-trips.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yixian.core.dataio.cells import cell_text
from yixian.core.dataio.importer import ImportFileError, Preview, RowResult, read_rows
from yixian.core.orgs.models import OrgUnit, OrgUnitKind, Person
from yixian.framework.scope import get_scope

from . import services
from .models import STAGE_ORDER, AnnualPlan, Industry, InvestmentReport, Milestone, Project, ProjectKind, Stage
from .services import ProjectError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_AMOUNT = Decimal("999999999999.99")

# key, Chinese header, required for a new project
PROJECT_FIELDS = [
    ("code", gettext_lazy("项目编号"), True),
    ("name", gettext_lazy("项目名称"), True),
    ("kind", gettext_lazy("项目类型"), True),
    ("owner_name", gettext_lazy("业主单位"), True),
    ("owner_credit_code", gettext_lazy("统一社会信用代码"), False),
    ("industry", gettext_lazy("产业领域"), False),
    ("org_unit", gettext_lazy("所在街道"), True),
    ("location", gettext_lazy("项目地址"), False),
    ("total_investment", gettext_lazy("总投资（万元）"), True),
    ("annual_plan", gettext_lazy("年度计划投资（万元）"), False),
    ("lead_department", gettext_lazy("牵头部门"), True),
    ("service_group", gettext_lazy("专项服务组"), False),
    ("leader", gettext_lazy("联系区领导"), False),
]
INVESTMENT_FIELDS = [
    ("code", gettext_lazy("项目编号"), True),
    ("name", gettext_lazy("项目名称"), False),
    ("month", gettext_lazy("月份"), True),
    ("amount", gettext_lazy("当月完成投资（万元）"), False),
    ("cumulative", gettext_lazy("本年累计完成投资（万元）"), False),
]
ALIASES = {
    "org_unit": ("街道", "所属街道"),
    "lead_department": ("牵头单位", "责任部门"),
    "service_group": ("服务组",),
    "owner_name": ("建设单位", "业主"),
    "owner_credit_code": ("信用代码",),
    "cumulative": ("累计完成投资", "1至当月累计完成投资"),
    "amount": ("当月投资", "完成投资"),
}


# ---------------------------------------------------------------- cells
def _norm(text) -> str:
    """A header as compared: no white space, no trailing *, half-width brackets → full-width."""
    text = re.sub(r"\s+", "", cell_text(text)).rstrip("*＊")
    return text.replace("(", "（").replace(")", "）")


def _bare(text: str) -> str:
    return text.replace("（万元）", "")


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


def actual_label(stage: str) -> str:
    return _("%(stage)s（实际）") % {"stage": stage_label(stage)}


def _chinese(label) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(label)


def parse_date(raw) -> dt.date:
    """An Excel date or a text date (2026-09-30, 2026/9/30, 2026.9.30, 2026年9月30日)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = re.sub(r"\s+", "", cell_text(raw))
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ValueError(_("日期“%(v)s”无效（应为 2026-09-30、2026/9/30 或 2026年9月30日）。") % {"v": text})


def parse_month(raw) -> dt.date:
    """The first day of a month given as an Excel date or text 2026-10, 2026/10, 2026年10月."""
    if isinstance(raw, dt.datetime):
        return raw.date().replace(day=1)
    if isinstance(raw, dt.date):
        return raw.replace(day=1)
    text = re.sub(r"\s+", "", cell_text(raw))
    m = re.fullmatch(r"(\d{4})(?:[-/.年](\d{1,2})月?|(\d{2}))(?:[-/.](\d{1,2})|月?\d{1,2}日)?", text)
    if m:
        month = int(m[2] or m[3])
        if 1 <= month <= 12:
            return dt.date(int(m[1]), month, 1)
    raise ValueError(_("月份“%(v)s”无效（应为 2026-10 或 2026年10月）。") % {"v": text})


def parse_amount(raw, label: str) -> Decimal:
    text = cell_text(raw).replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(_("%(label)s“%(v)s”不是有效的数字。") % {"label": label, "v": text}) from None
    if not value.is_finite():
        raise ValueError(_("%(label)s“%(v)s”不是有效的数字。") % {"label": label, "v": text})
    if value < 0:
        raise ValueError(_("%(label)s不能为负数（%(v)s）。") % {"label": label, "v": text})
    if value > MAX_AMOUNT:
        raise ValueError(_("%(label)s过大。") % {"label": label})
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("%(label)s最多保留两位小数（%(v)s）。") % {"label": label, "v": text})
    return value.quantize(Decimal("0.01"))


def _kind(text: str) -> str:
    for code, label in ProjectKind.choices:
        if text in (code, str(label), _chinese(label)):
            return code
    raise ValueError(
        _("未知的项目类型“%(v)s”（可填：%(all)s）。")
        % {"v": text, "all": "、".join(str(label) for _c, label in ProjectKind.choices)}
    )


# ---------------------------------------------------------------- the preview
@dataclass
class SheetPreview(Preview):
    """A checked file: every row with its errors (key → Chinese message), nothing written."""

    kind: str = "projects"
    year: int = 0
    today: dt.date | None = None
    notes: dict = field(default_factory=dict)  # row number → note shown with a good row

    def label(self, key: str) -> str:
        return dict(self.columns).get(key, key)

    def messages(self) -> list[str]:
        """Every problem as one line: "第 3 行“开工”：…"."""
        out = list(self.header_errors)
        for row in self.bad:
            for key, message in row.errors.items():
                out.append(_("第 %(n)d 行“%(col)s”：%(msg)s") % {"n": row.number, "col": self.label(key), "msg": message})
        return out


def _read(content: bytes) -> list[list]:
    rows = read_rows(content, settings.YIXIAN_IMPORT_MAX_ROWS)
    while rows and not any(cell_text(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(_("文件是空的：第一行应为表头。"))
    return rows


def _project_headers(header: list, year: int) -> tuple[dict[int, str], list[str], list[str], int, list[tuple[str, str]]]:
    """Column index → key (`code`, …, `plan_<stage>`, `actual_<stage>`)."""
    known: dict[str, str] = {}
    labels: dict[str, str] = {}
    for key, label, _req in PROJECT_FIELDS:
        labels[key] = str(label)
        for text in {str(label), _chinese(label), key, *ALIASES.get(key, ())}:
            known[_bare(_norm(text))] = key
    for stage in Stage.values:
        labels[f"plan_{stage}"] = stage_label(stage)
        labels[f"actual_{stage}"] = actual_label(stage)
        for text in {stage_label(stage), _chinese(Stage(stage).label), f"{_chinese(Stage(stage).label)}计划"}:
            known[_norm(text)] = f"plan_{stage}"
        for text in {actual_label(stage), f"{_chinese(Stage(stage).label)}（实际）", f"{_chinese(Stage(stage).label)}实际"}:
            known[_norm(text)] = f"actual_{stage}"
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        text = _norm(raw)
        if not text:
            continue
        key = known.get(_bare(text)) or known.get(text)
        m = re.fullmatch(r"(\d{4})年?(?:年度)?计划投资(?:（万元）)?", text)
        if key is None and m:
            key, year = "annual_plan", int(m[1])
            labels["annual_plan"] = _("%(y)s年度计划投资（万元）") % {"y": year}
        if key is not None and key not in mapping.values():
            mapping[index] = key
        else:
            unknown.append(cell_text(raw))
    present = set(mapping.values())
    errors = [_("缺少必填列“%(col)s”。") % {"col": label} for key, label, req in PROJECT_FIELDS if req and key not in present]
    warnings = [_("已忽略无法识别的列“%(col)s”。") % {"col": u} for u in unknown]
    columns = [(key, labels[key]) for key in mapping.values()]
    return mapping, errors, warnings, year, columns


class _Lookups:
    """Reference data looked up by the text of a cell, cached for the file."""

    def __init__(self):
        self.cache: dict = {}

    def unit(self, text: str, kind: str):
        key = ("unit", kind, text)
        if key not in self.cache:
            unit = OrgUnit.lookup(text, kinds=(kind,))
            if unit is None and kind == OrgUnitKind.DEPARTMENT and not text.startswith("区"):
                unit = OrgUnit.lookup(f"区{text}", kinds=(kind,))  # 发改局 = 区发改局
            self.cache[key] = unit
        return self.cache[key]

    def industry(self, text: str):
        key = ("industry", text)
        if key not in self.cache:
            found = list(Industry.objects.filter(Q(name=text) | Q(code=text))[:2])
            self.cache[key] = found[0] if len(found) == 1 else None
        return self.cache[key]

    def person(self, text: str):
        """A person by name: the district's own (区领导) first, else the only active one of that name."""
        key = ("person", text)
        if key not in self.cache:
            people = list(Person.objects.filter(name=text, is_active=True).select_related("org_unit")[:20])
            district = [p for p in people if p.org_unit.kind == OrgUnitKind.DISTRICT]
            pick = district if district else people
            self.cache[key] = pick[0] if len(pick) == 1 else (None if not pick else "many")
        return self.cache[key]


def preview_projects(*, content: bytes, user, year: int | None = None, today: dt.date | None = None) -> SheetPreview:
    """Check a project sheet without writing anything."""
    today = today or timezone.localdate()
    rows = _read(content)
    mapping, header_errors, warnings, year, columns = _project_headers(rows[0], year or today.year)
    result = SheetPreview(
        columns=columns, header_errors=header_errors, warnings=warnings, kind="projects", year=year, today=today
    )
    if header_errors:
        return result
    body = [(n, values) for n, values in enumerate(rows[1:], start=2) if any(cell_text(v) for v in values)]
    codes = {cell_text(values[i]) for _n, values in body for i, k in mapping.items() if k == "code" and i < len(values)}
    existing = {p.code: p for p in Project.objects.filter(code__in=codes).select_related("org_unit")}
    milestones: dict[int, dict[str, Milestone]] = {}
    for m in Milestone.objects.filter(project__in=existing.values()):
        milestones.setdefault(m.project_id, {})[m.stage] = m
    plans = dict(AnnualPlan.objects.filter(project__in=existing.values(), year=year).values_list("project_id", "amount"))
    scope = get_scope(user) if user is not None else None
    lookups = _Lookups()
    seen: dict[str, int] = {}
    for number, values in body:
        cells = {key: (values[i] if i < len(values) else None) for i, key in mapping.items()}
        row = RowResult(number=number, cells={k: cell_text(v) for k, v in cells.items()})
        _check_project_row(row, cells, existing, milestones, plans, scope, lookups, seen, result)
        result.rows.append(row)
    if not result.rows:
        result.header_errors.append(_("文件中没有数据行。"))
    return result


def _check_project_row(row, cells, existing, milestones, plans, scope, lookups, seen, result) -> None:
    err = row.errors
    text = {k: cell_text(v) for k, v in cells.items()}
    code = text.get("code", "")
    data: dict = {"code": code}
    project = existing.get(code) if code else None
    if not code:
        err["code"] = _("请填写项目编号。")
    elif len(code) > 32:
        err["code"] = _("项目编号不能超过 32 个字符。")
    elif code in seen:
        err["code"] = _("项目编号 %(code)s 与第 %(n)d 行重复。") % {"code": code, "n": seen[code]}
    if code:
        seen.setdefault(code, row.number)
    if project is not None and scope is not None and not scope.contains(project):
        err["code"] = _("项目编号 %(code)s 已存在，但不在您的数据范围内，不能更新。") % {"code": code}
    new = project is None
    # required columns of a new project
    for key, label, required in PROJECT_FIELDS:
        if new and required and not text.get(key) and key not in err:
            err[key] = _("新项目必须填写“%(col)s”。") % {"col": result.label(key) if key in dict(result.columns) else label}
    # plain text
    for key, limit in (("name", 150), ("owner_name", 150), ("location", 200)):
        if text.get(key):
            if len(text[key]) > limit:
                err[key] = _("不能超过 %(n)d 个字符。") % {"n": limit}
            data[key] = text[key]
    kind = project.kind if project is not None else None
    if text.get("kind"):
        try:
            data["kind"] = _kind(text["kind"])
            kind = kind or data["kind"]
        except ValueError as exc:
            err["kind"] = str(exc)
    if text.get("owner_credit_code"):
        try:
            data["owner_credit_code"] = services.check_credit_code(text["owner_credit_code"])
        except ProjectError as exc:
            err["owner_credit_code"] = exc.message
    if text.get("industry"):
        data["industry"] = lookups.industry(text["industry"])
        if data["industry"] is None:
            err["industry"] = _("未知的产业领域“%(v)s”。") % {"v": text["industry"]}
    for key, kind_code, what in (
        ("org_unit", OrgUnitKind.STREET, _("街道")),
        ("lead_department", OrgUnitKind.DEPARTMENT, _("部门")),
        ("service_group", OrgUnitKind.SERVICE_GROUP, _("专项服务组")),
    ):
        if text.get(key):
            data[key] = lookups.unit(text[key], kind_code)
            if data[key] is None:
                err[key] = _("未知的%(what)s“%(v)s”。") % {"what": what, "v": text[key]}
    if text.get("leader"):
        person = lookups.person(text["leader"])
        if person is None:
            err["leader"] = _("未找到人员“%(v)s”。") % {"v": text["leader"]}
        elif person == "many":
            err["leader"] = _("有多名人员叫“%(v)s”，无法确定是哪一位。") % {"v": text["leader"]}
        else:
            data["leader"] = person
    total = project.total_investment if project is not None else None
    if text.get("total_investment"):
        try:
            data["total_investment"] = parse_amount(cells["total_investment"], _("总投资"))
            total = total if total is not None else data["total_investment"]
        except ValueError as exc:
            err["total_investment"] = str(exc)
    if text.get("annual_plan"):
        try:
            amount = parse_amount(cells["annual_plan"], _("年度计划投资"))
            if total is not None and amount > total:
                err["annual_plan"] = _("年度计划投资 %(a)s 万元超过总投资 %(t)s 万元。") % {"a": amount, "t": total}
            data["annual_plan"] = amount
        except ValueError as exc:
            err["annual_plan"] = str(exc)
    _check_dates(row, cells, text, data, kind, project, milestones, result.today)
    if project is None and not err and scope is not None:
        probe = Project(
            org_unit=data.get("org_unit"), lead_department=data.get("lead_department"), service_group=data.get("service_group")
        )
        if not scope.contains(probe):
            err["org_unit"] = _("所在街道、专项服务组和牵头部门都不在您的数据范围内。")
    if err:
        return
    if project is not None:
        changes = _changes(project, data, milestones.get(project.pk, {}), plans.get(project.pk))
        data["changes"] = changes
        row.action = "update" if changes else "unchanged"
        ignored = [
            str(label)
            for key, label, _req in PROJECT_FIELDS
            if key in data and key not in ("code", "annual_plan") and _differs(project, key, data[key])
        ]
        if ignored:
            result.notes[row.number] = _("已有项目：导入只更新计划、实际日期和年度计划投资，未修改%(cols)s。") % {
                "cols": "、".join(ignored)
            }
    else:
        row.action = "create"
    row.data, row.instance = data, project


def _differs(project: Project, key: str, value) -> bool:
    current = getattr(project, key)
    return current != value


def _check_dates(row, cells, text, data, kind, project, milestones, today) -> None:
    """Planned dates: in the kind's stages, never decreasing; actual dates: not in the future,
    each after the earlier stages' actual dates, none without the earlier ones."""
    err = row.errors
    stages = [s for s, _m in services.template_stages(kind)] if kind else list(Stage.values)
    stored = milestones.get(project.pk, {}) if project is not None else {}
    planned: dict[str, dt.date | None] = {s: (stored[s].planned_date if s in stored else None) for s in stages}
    actual: dict[str, dt.date | None] = {s: (stored[s].actual_date if s in stored else None) for s in stages}
    given_plan, given_actual = {}, {}
    for stage in Stage.values:
        for prefix, target in (("plan", given_plan), ("actual", given_actual)):
            key = f"{prefix}_{stage}"
            if not text.get(key):
                continue
            try:
                day = parse_date(cells[key])
            except ValueError as exc:
                err[key] = str(exc)
                continue
            if kind and stage not in stages:
                err[key] = _("%(kind)s没有“%(stage)s”阶段，请留空。") % {
                    "kind": ProjectKind(kind).label,
                    "stage": stage_label(stage),
                }
                continue
            target[stage] = day
    planned.update(given_plan)
    actual.update(given_actual)
    previous = None
    for stage in stages:
        day = planned.get(stage)
        if day is None:
            continue
        if previous is not None and day < previous[1] and f"plan_{stage}" not in err:
            key = f"plan_{stage}" if stage in given_plan else f"plan_{previous[0]}"
            err[key] = _("“%(stage)s”计划日期 %(d)s 早于“%(prev)s”计划日期 %(p)s。") % {
                "stage": stage_label(stage),
                "d": day.isoformat(),
                "prev": stage_label(previous[0]),
                "p": previous[1].isoformat(),
            }
        previous = (stage, day)
    last = None  # the last stage reached so far, with its date
    gap = None  # the first stage not reached
    for stage in stages:
        day = actual.get(stage)
        if day is None:
            gap = gap or stage
            continue
        key = f"actual_{stage}" if stage in given_actual else (f"actual_{last[0]}" if last else f"actual_{stage}")
        if key in err:
            pass
        elif stage in given_actual and today is not None and day > today:
            err[key] = _("“%(stage)s”实际日期 %(d)s 晚于今天（%(t)s），不能预填。") % {
                "stage": stage_label(stage),
                "d": day.isoformat(),
                "t": today.isoformat(),
            }
        elif gap is not None:
            err[key] = _("填写“%(stage)s”实际日期前，需先有“%(prev)s”实际日期。") % {
                "stage": stage_label(stage),
                "prev": stage_label(gap),
            }
        elif last is not None and day < last[1]:
            err[key] = _("“%(stage)s”实际日期 %(d)s 早于“%(prev)s”实际日期 %(p)s。") % {
                "stage": stage_label(stage),
                "d": day.isoformat(),
                "prev": stage_label(last[0]),
                "p": last[1].isoformat(),
            }
        last = (stage, day)
    data["plan"] = given_plan
    data["actual"] = given_actual


def _changes(project: Project, data: dict, stored: dict, plan_amount) -> dict:
    plan = {s: d for s, d in data["plan"].items() if s in stored and stored[s].planned_date != d}
    actual = {s: d for s, d in data["actual"].items() if s in stored and stored[s].actual_date != d}
    changes: dict = {}
    if plan:
        changes["plan"] = plan
    if actual:
        changes["actual"] = actual
    if "annual_plan" in data and data["annual_plan"] != plan_amount:
        changes["annual_plan"] = data["annual_plan"]
    return changes


# ---------------------------------------------------------------- applying
def apply_projects(result: SheetPreview, *, user, only_valid: bool = False, now: dt.datetime | None = None) -> dict:
    """Write the good rows through the project services in one transaction; refuses (writes
    nothing) when any row is bad and not `only_valid`, or when any service refuses a row."""
    _refuse_bad(result, only_valid)
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        for row in result.good:
            try:
                _apply_project_row(row, user=user, year=result.year, now=now, today=today)
            except ProjectError as exc:
                raise ImportFileError(
                    _("第 %(n)d 行：%(msg)s（未导入任何数据）") % {"n": row.number, "msg": exc.message}
                ) from exc
    return _counts(result)


def _apply_project_row(row: RowResult, *, user, year: int, now, today) -> None:
    data = row.data
    actual = data.get("actual", {})
    if row.action == "create":
        project = services.create_project(
            actor=user,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            owner_name=data["owner_name"],
            owner_credit_code=data.get("owner_credit_code", ""),
            industry=data.get("industry"),
            org_unit=data["org_unit"],
            location=data.get("location", ""),
            total_investment=data["total_investment"],
            lead_department=data["lead_department"],
            service_group=data.get("service_group"),
            leader=data.get("leader"),
            plan=data.get("plan") or None,
            annual_plans={year: data["annual_plan"]} if "annual_plan" in data else None,
            now=now,
        )
    elif row.action == "update":
        project = Project.objects.get(pk=row.instance.pk)
        changes = data["changes"]
        actual = changes.get("actual", {})
        if changes.get("plan"):
            project = services.update_plan(project, actor=user, plan=changes["plan"], now=now)
        if "annual_plan" in changes:
            services.set_annual_plan(project, actor=user, year=year, amount=changes["annual_plan"], now=now)
    else:
        return
    for stage in sorted(actual, key=STAGE_ORDER.get):
        services.reach_stage(project, actor=user, stage=stage, actual_date=actual[stage], today=today, now=now)


def _refuse_bad(result: SheetPreview, only_valid: bool) -> None:
    if result.header_errors:
        raise ImportFileError("；".join(result.header_errors))
    if result.bad and not only_valid:
        raise ImportFileError(_("有 %(n)d 行存在错误，未导入任何数据。") % {"n": len(result.bad)})
    if not result.good:
        raise ImportFileError(_("没有可导入的行。"))


def _counts(result: SheetPreview) -> dict:
    return {
        "rows": len(result.rows),
        "good": len(result.good),
        "bad": len(result.bad),
        "create": sum(1 for r in result.good if r.action == "create"),
        "update": sum(1 for r in result.good if r.action == "update"),
        "unchanged": sum(1 for r in result.good if r.action == "unchanged"),
    }


# ---------------------------------------------------------------- investment reports
def preview_investments(*, content: bytes, user, today: dt.date | None = None) -> SheetPreview:
    """Check a monthly investment sheet without writing anything."""
    today = today or timezone.localdate()
    rows = _read(content)
    known = {}
    labels = {}
    for key, label, _req in INVESTMENT_FIELDS:
        labels[key] = str(label)
        for text in {str(label), _chinese(label), key, *ALIASES.get(key, ())}:
            known[_bare(_norm(text))] = key
    mapping: dict[int, str] = {}
    warnings = []
    for index, raw in enumerate(rows[0]):
        text = _norm(raw)
        if not text:
            continue
        key = known.get(_bare(text))
        if key is not None and key not in mapping.values():
            mapping[index] = key
        else:
            warnings.append(_("已忽略无法识别的列“%(col)s”。") % {"col": cell_text(raw)})
    present = set(mapping.values())
    errors = [_("缺少必填列“%(col)s”。") % {"col": label} for key, label, req in INVESTMENT_FIELDS if req and key not in present]
    if not {"amount", "cumulative"} & present:
        errors.append(_("缺少“当月完成投资（万元）”或“本年累计完成投资（万元）”列。"))
    result = SheetPreview(
        columns=[(k, labels[k]) for k in mapping.values()],
        header_errors=errors,
        warnings=warnings,
        kind="investments",
        today=today,
    )
    if errors:
        return result
    body = [(n, values) for n, values in enumerate(rows[1:], start=2) if any(cell_text(v) for v in values)]
    parsed = []
    codes = set()
    for number, values in body:
        cells = {key: (values[i] if i < len(values) else None) for i, key in mapping.items()}
        row = RowResult(number=number, cells={k: cell_text(v) for k, v in cells.items()})
        result.rows.append(row)
        parsed.append((row, cells))
        codes.add(row.cells.get("code", ""))
    visible = Project.objects.filter(code__in=codes)
    if user is not None:
        visible = get_scope(user).filter(visible)
    projects = {p.code: p for p in visible}
    stored: dict[int, dict[dt.date, Decimal]] = {}
    for project_id, month, amount in InvestmentReport.objects.filter(project__in=projects.values()).values_list(
        "project_id", "month", "amount"
    ):
        stored.setdefault(project_id, {})[month] = amount
    seen: dict[tuple, int] = {}
    for row, cells in parsed:
        _check_investment_cells(row, cells, projects, seen, today)
    # amounts from cumulative figures, in month order per project, then the total check
    by_project: dict[int, list[RowResult]] = {}
    for row in result.rows:
        if "project" in row.data:
            by_project.setdefault(row.data["project"].pk, []).append(row)
    for project_id, project_rows in by_project.items():
        months = dict(stored.get(project_id, {}))
        project = project_rows[0].data["project"]
        for row in sorted(project_rows, key=lambda r: r.data["month"]):
            month = row.data["month"]
            cumulative = row.data.get("cumulative")
            if cumulative is not None:
                before = sum((a for m, a in months.items() if m.year == month.year and m < month), Decimal(0))
                derived = cumulative - before
                if derived < 0:
                    row.errors["cumulative"] = _("本年累计完成投资 %(c)s 万元小于此前各月合计 %(b)s 万元。") % {
                        "c": cumulative,
                        "b": before,
                    }
                    continue
                if "amount" in row.data and row.data["amount"] != derived:
                    row.errors["cumulative"] = _(
                        "本年累计完成投资 %(c)s 万元与此前各月合计 %(b)s 万元加当月 %(a)s 万元不符。"
                    ) % {"c": cumulative, "b": before, "a": row.data["amount"]}
                    continue
                row.data["amount"] = derived
            if not row.errors:
                months[month] = row.data["amount"]
                total = sum(months.values(), Decimal(0))
                if total > project.total_investment:
                    key = "amount" if "amount" in row.cells and row.cells["amount"] else "cumulative"
                    row.errors[key] = _("累计完成投资 %(sum)s 万元将超过总投资 %(total)s 万元。") % {
                        "sum": total,
                        "total": project.total_investment,
                    }
                    months.pop(month)
        for row in project_rows:
            if not row.errors:
                row.action = "update" if row.data["month"] in stored.get(project_id, {}) else "create"
    if not result.rows:
        result.header_errors.append(_("文件中没有数据行。"))
    return result


def _check_investment_cells(row: RowResult, cells: dict, projects: dict, seen: dict, today: dt.date) -> None:
    err = row.errors
    code = row.cells.get("code", "")
    project = projects.get(code)
    if not code:
        err["code"] = _("请填写项目编号。")
    elif project is None:
        err["code"] = _("未知的项目编号“%(code)s”（不存在或不在您的数据范围内）。") % {"code": code}
    else:
        row.data["project"] = project
    month = None
    if not row.cells.get("month"):
        err["month"] = _("请填写月份。")
    else:
        try:
            month = parse_month(cells["month"])
        except ValueError as exc:
            err["month"] = str(exc)
    if month is not None:
        if month > today.replace(day=1):
            err["month"] = _("%(m)s 尚未到来，不能填报。") % {"m": f"{month:%Y-%m}"}
        elif code:
            if (code, month) in seen:
                err["month"] = _("项目 %(code)s 的 %(m)s 与第 %(n)d 行重复。") % {
                    "code": code,
                    "m": f"{month:%Y-%m}",
                    "n": seen[(code, month)],
                }
            seen.setdefault((code, month), row.number)
        row.data["month"] = month
    for key, label in (("amount", _("当月完成投资")), ("cumulative", _("本年累计完成投资"))):
        if row.cells.get(key):
            try:
                row.data[key] = parse_amount(cells[key], label)
            except ValueError as exc:
                err[key] = str(exc)
    if not row.cells.get("amount") and not row.cells.get("cumulative"):
        err["amount" if "amount" in cells else "cumulative"] = _("请填写当月完成投资或本年累计完成投资。")
    if err:
        row.data.pop("project", None)


def apply_investments(result: SheetPreview, *, user, only_valid: bool = False, now: dt.datetime | None = None) -> dict:
    """Record every good row through `services.report_investment` in one transaction."""
    _refuse_bad(result, only_valid)
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        for row in sorted(result.good, key=lambda r: (r.data["project"].pk, r.data["month"])):
            try:
                services.report_investment(
                    row.data["project"], actor=user, month=row.data["month"], amount=row.data["amount"], today=today, now=now
                )
            except ProjectError as exc:
                raise ImportFileError(
                    _("第 %(n)d 行：%(msg)s（未导入任何数据）") % {"n": row.number, "msg": exc.message}
                ) from exc
    return _counts(result)


# ---------------------------------------------------------------- export
def project_header(year: int, *, actual: bool = True) -> list[str]:
    header = []
    for key, label, _req in PROJECT_FIELDS:
        header.append(_("%(y)s年度计划投资（万元）") % {"y": year} if key == "annual_plan" else str(label))
    header += [stage_label(s) for s in Stage.values]
    if actual:
        header += [actual_label(s) for s in Stage.values]
    return header


def export_projects_xlsx(queryset, *, year: int, template: bool = False) -> bytes:
    """The projects in the import layout (planned dates, then actual dates)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = str(_("重大项目"))
    header = project_header(year)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    if not template:
        qs = queryset.select_related("org_unit", "lead_department", "service_group", "industry", "leader").order_by("code")
        plans = dict(AnnualPlan.objects.filter(project__in=qs, year=year).values_list("project_id", "amount"))
        stones: dict[int, dict[str, Milestone]] = {}
        for m in Milestone.objects.filter(project__in=qs):
            stones.setdefault(m.project_id, {})[m.stage] = m
        for p in qs:
            ms = stones.get(p.pk, {})
            plan = plans.get(p.pk)
            ws.append(
                [
                    p.code,
                    p.name,
                    p.get_kind_display(),
                    p.owner_name,
                    p.owner_credit_code,
                    p.industry.name if p.industry else "",
                    p.org_unit.name,
                    p.location,
                    float(p.total_investment),
                    float(plan) if plan is not None else None,
                    p.lead_department.name,
                    p.service_group.name if p.service_group else "",
                    p.leader.name if p.leader else "",
                    *[ms[s].planned_date if s in ms else None for s in Stage.values],
                    *[ms[s].actual_date if s in ms else None for s in Stage.values],
                ]
            )
    first_date = len(PROJECT_FIELDS) + 1
    for column in ws.iter_cols(min_col=first_date, max_col=len(header), min_row=2):
        for cell in column:
            cell.number_format = "yyyy-mm-dd"
    for index, text in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = max(10, min(30, len(text) * 2 + 2))
    ws.freeze_panes = "C2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def investment_template_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(_("月度投资"))
    ws.append([str(label) for _k, label, _r in INVESTMENT_FIELDS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _xlsx_response(content: bytes, name: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"projects.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


# ---------------------------------------------------------------- views
SHEETS = {
    "projects": {
        "model": "projects.project",
        "perms": ("projects.add_project", "projects.change_project"),
        "title": gettext_lazy("导入重大项目及节点计划"),
        "preview": preview_projects,
        "apply": apply_projects,
    },
    "investments": {
        "model": "projects.investmentreport",
        "perms": ("projects.report_investment",),
        "title": gettext_lazy("导入月度投资完成情况"),
        "preview": preview_investments,
        "apply": apply_investments,
    },
}


def _year_of(request) -> int:
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _run_preview(sheet: str, content: bytes, user, year: int) -> SheetPreview:
    if sheet == "projects":
        return preview_projects(content=content, user=user, year=year)
    return preview_investments(content=content, user=user)


def _import_view(request, sheet: str):
    from yixian.core.dataio.models import ImportJob
    from yixian.framework.uploads import upload_too_large

    spec = SHEETS[sheet]
    if not all(request.user.has_perm(p) for p in spec["perms"]):
        raise PermissionDenied(_("您没有导入此类数据的权限。"))
    max_mb = settings.YIXIAN_MAX_UPLOAD_BYTES // (1024 * 1024)
    year = _year_of(request)

    def page(status=200, **extra):
        ctx = {
            "sheet": sheet,
            "title": spec["title"],
            "year": year,
            "max_mb": max_mb,
            "columns": _columns_help(sheet, year),
            **extra,
        }
        if "result" in extra:
            ctx["problems"] = [
                (row.number, extra["result"].label(key), message)
                for row in extra["result"].bad
                for key, message in row.errors.items()
            ]
            ctx["notes"] = sorted(extra["result"].notes.items())
        return render(request, "projects/import_form.html", ctx, status=status)

    if request.method != "POST":
        return page()
    if upload_too_large(request):
        return page(status=413, error=_("文件超过 %(mb)d MB 上限，未导入。") % {"mb": max_mb})
    if "job" in request.POST:
        job = ImportJob.objects.filter(
            pk=request.POST.get("job") if str(request.POST.get("job")).isdigit() else None,
            user=request.user,
            state=ImportJob.State.PREVIEW,
            model=spec["model"],
        ).first()
        if job is None:
            raise Http404(_("导入任务不存在或已处理。"))
        year = int(job.summary.get("year") or year)
        try:
            result = _run_preview(sheet, bytes(job.content), request.user, year)
            counts = spec["apply"](result, user=request.user, only_valid=request.POST.get("mode") == "valid")
        except ImportFileError as exc:
            job.state = ImportJob.State.REFUSED
            job.summary = {**job.summary, "error": str(exc)}
            job.save(update_fields=["state", "summary"])
            return page(status=422, error=str(exc))
        job.state, job.summary, job.content = ImportJob.State.DONE, counts, b""
        job.save(update_fields=["state", "summary", "content"])
        messages.success(
            request,
            _("导入完成：新增 %(create)d 条，更新 %(update)d 条，跳过错误行 %(bad)d 条。") % counts,
        )
        return redirect(request.path)
    upload = request.FILES.get("file")
    if upload is None:
        return page(status=400, error=_("请选择要上传的 .xlsx 文件。"))
    content = upload.read()
    try:
        result = _run_preview(sheet, content, request.user, year)
    except ImportFileError as exc:
        return page(status=400, error=str(exc))
    job = ImportJob.objects.create(
        user=request.user,
        model=spec["model"],
        file_name=upload.name[:200],
        content=content,
        summary={**_counts(result), "year": result.year},
    )
    return page(status=422 if result.header_errors else 200, result=result, job=job, counts=_counts(result))


def _columns_help(sheet: str, year: int) -> list[tuple[str, bool]]:
    if sheet == "projects":
        cols = [(str(label), req) for _k, label, req in PROJECT_FIELDS]
        cols += [(stage_label(s), False) for s in Stage.values]
        cols += [(actual_label(s), False) for s in Stage.values]
        return cols
    return [(str(label), req) for _k, label, req in INVESTMENT_FIELDS]


@login_required
def import_projects(request):
    """Upload → preview → confirm of the project sheet (项目编号 … 达效, optional （实际） columns)."""
    return _import_view(request, "projects")


@login_required
def import_investments(request):
    """Upload → preview → confirm of monthly investment reports."""
    return _import_view(request, "investments")


@login_required
def export_projects(request):
    """The projects the user may see in the import layout; `?template=1` gives the empty sheet,
    `?year=2026` the annual plan's year."""
    if not request.user.has_perm("projects.view_project"):
        raise PermissionDenied(_("您没有查看重大项目的权限。"))
    year = _year_of(request)
    template = request.GET.get("template") == "1"
    content = export_projects_xlsx(Project.objects.visible_to(request.user), year=year, template=template)
    name = _("重大项目导入模板.xlsx") if template else _("重大项目%(y)s.xlsx") % {"y": year}
    return _xlsx_response(content, name)


@login_required
def investment_template(request):
    if not request.user.has_perm("projects.report_investment"):
        raise PermissionDenied(_("您没有填报投资的权限。"))
    return _xlsx_response(investment_template_xlsx(), _("月度投资导入模板.xlsx"))


# Mount in projects/urls.py: `urlpatterns += urlpatterns_dataio` (namespace "projects").
urlpatterns_dataio = [
    path("import/", import_projects, name="import_projects"),
    path("import/investments/", import_investments, name="import_investments"),
    path("export/", export_projects, name="export_projects"),
    path("import/investments/template/", investment_template, name="investment_template"),
]


def import_url(sheet: str = "projects") -> str:
    return reverse("projects:import_projects" if sheet == "projects" else "projects:import_investments")


__all__ = [
    "SheetPreview",
    "apply_investments",
    "apply_projects",
    "export_projects_xlsx",
    "preview_investments",
    "preview_projects",
    "urlpatterns_dataio",
]
