"""The actions on major projects (DOMAIN_RULES §6): the only code that writes them.

Every action is one transaction (bad input → `ProjectError`, nothing written), checks the
actor's permission and data scope when an `actor` is given (None: the system, an import or the
demo), and recomputes the project's stage and traffic light afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.core.cases.models import CaseCategory, CaseState, Channel, Priority, RequesterKind
from yixian.core.orgs.models import OrgUnit, OrgUnitKind, Person
from yixian.framework.scope import get_scope

from . import lights
from .models import (
    STAGE_ORDER,
    AnnualPlan,
    Blocker,
    BlockerKind,
    Industry,
    InvestmentReport,
    Light,
    LightPolicy,
    LightRecord,
    Milestone,
    MilestoneEvidence,
    Project,
    ProjectKind,
    ProjectStatus,
    Stage,
    StageTemplate,
)

# planned months after signing of each stage when a kind has no template rows
DEFAULT_OFFSETS = {
    Stage.SIGNED: 0,
    Stage.REGISTERED: 1,
    Stage.LAND: 3,
    Stage.STARTED: 6,
    Stage.COMPLETED: 24,
    Stage.PRODUCTION: 27,
    Stage.CAPACITY: 36,
    Stage.OUTPUT: 48,
}
OPEN_BLOCKER_STATES = (CaseState.RECEIVED, CaseState.DISPATCHED, CaseState.SIGNED, CaseState.IN_PROGRESS)
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MAX_AMOUNT = Decimal("999999999999.99")


class ProjectError(ValueError):
    """An action refused; `message` (Chinese) names the field, `field` is its name."""

    def __init__(self, message, field: str | None = None, status: int = 400):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.status = status


# ---------------------------------------------------------------- checks
def _today(today=None, now=None) -> dt.date:
    if today is not None:
        return today
    return timezone.localdate(now) if now is not None else timezone.localdate()


def _require(actor, perm: str, project: Project | None = None) -> None:
    """Refuse an actor without `projects.<perm>` or (for an existing project) out of scope."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise ProjectError(_("请先登录。"), status=403)
    if project is not None and not get_scope(actor).contains(project):
        raise ProjectError(_("项目不存在或不在您的数据范围内。"), status=404)
    if not actor.has_perm(f"projects.{perm}"):
        raise ProjectError(_("您没有执行此操作的权限。"), status=403)


def _amount(value, label: str, field: str, *, allow_none=False) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise ProjectError(_("请填写%(label)s。") % {"label": label}, field)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ProjectError(_("%(label)s“%(v)s”不是有效的数字。") % {"label": label, "v": value}, field) from None
    if not amount.is_finite():
        raise ProjectError(_("%(label)s“%(v)s”不是有效的数字。") % {"label": label, "v": value}, field)
    if amount < 0:
        raise ProjectError(_("%(label)s不能为负数。") % {"label": label}, field)
    if amount > MAX_AMOUNT:
        raise ProjectError(_("%(label)s过大。") % {"label": label}, field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ProjectError(_("%(label)s最多保留两位小数。") % {"label": label}, field)
    return amount


def _unit(value, kind: str, label: str, field: str, *, required=True) -> OrgUnit | None:
    if value in (None, ""):
        if required:
            raise ProjectError(_("请选择%(label)s。") % {"label": label}, field)
        return None
    unit = value if isinstance(value, OrgUnit) else OrgUnit.objects.filter(pk=value).first()
    if unit is None or unit.kind != kind:
        raise ProjectError(_("%(label)s必须是一个%(kind)s。") % {"label": label, "kind": OrgUnitKind(kind).label}, field)
    if not unit.is_active:
        raise ProjectError(_("%(label)s“%(name)s”已停用。") % {"label": label, "name": unit.name}, field)
    return unit


def check_credit_code(value: str) -> str:
    """The normalised unified social credit code (DOMAIN_RULES §1) or ProjectError."""
    code = "".join((value or "").split()).upper()
    if len(code) != 18:
        raise ProjectError(_("统一社会信用代码应为 18 位（现为 %(n)s 位）。") % {"n": len(code)}, "owner_credit_code")
    bad = [c for c in code if c not in CREDIT_ALPHABET]
    if bad:
        raise ProjectError(_("统一社会信用代码含有不允许的字符“%(c)s”。") % {"c": bad[0]}, "owner_credit_code")
    if not code[2:8].isdigit():
        raise ProjectError(_("统一社会信用代码第 3–8 位应为行政区划代码（数字）。"), "owner_credit_code")
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    expected = CREDIT_ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        raise ProjectError(_("统一社会信用代码校验位错误（应为 %(c)s）。") % {"c": expected}, "owner_credit_code")
    return code


def _stage(value, field: str = "stage") -> str:
    if value not in STAGE_ORDER:
        raise ProjectError(_("未知的项目阶段：%(s)s") % {"s": value}, field)
    return value


def _check_dates(plan: dict) -> None:
    for stage, day in plan.items():
        if day is not None and not isinstance(day, dt.date):
            raise ProjectError(_("“%(stage)s”计划日期无效。") % {"stage": lights.stage_label(stage)}, f"plan_{stage}")


def _check_plan_order(planned: dict[str, dt.date | None]) -> None:
    """Planned dates must not decrease along the stage order."""
    previous = None
    for stage in sorted(planned, key=STAGE_ORDER.get):
        day = planned[stage]
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            raise ProjectError(
                _("“%(stage)s”计划日期不能早于“%(prev)s”计划日期（%(date)s）。")
                % {"stage": lights.stage_label(stage), "prev": lights.stage_label(previous[0]), "date": previous[1].isoformat()},
                f"plan_{stage}",
            )
        previous = (stage, day)


def template_stages(kind: str) -> list[tuple[str, int]]:
    """(stage, offset months) of a kind's lifecycle template in stage order (all 8 when none)."""
    rows = list(StageTemplate.objects.filter(kind=kind).values_list("stage", "offset_months"))
    if not rows:
        rows = [(str(s), m) for s, m in DEFAULT_OFFSETS.items()]
    return sorted(rows, key=lambda r: STAGE_ORDER[r[0]])


def _check_uploads(files: Iterable) -> list:
    from yixian.core.cases.services import CaseError, check_uploads

    try:
        return check_uploads(files)
    except CaseError as exc:
        raise ProjectError(exc.message, "files") from exc


def _lock(project: Project) -> Project:
    locked = Project.objects.select_for_update().filter(pk=project.pk).first()
    if locked is None:
        raise ProjectError(_("项目不存在。"), status=404)
    return locked


# ---------------------------------------------------------------- create and plan
def create_project(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    owner_name: str,
    org_unit,
    lead_department,
    total_investment,
    service_group=None,
    industry=None,
    owner_credit_code: str = "",
    location: str = "",
    leader=None,
    cadres=(),
    description: str = "",
    signed_on: dt.date | None = None,
    plan: dict | None = None,
    annual_plans: dict | None = None,
    now: dt.datetime | None = None,
) -> Project:
    """Create a project with one milestone per stage of its kind's template."""
    _require(actor, "add_project")
    today = _today(now=now)
    code = (code or "").strip()
    name = (name or "").strip()
    owner_name = (owner_name or "").strip()
    if not code:
        raise ProjectError(_("请填写项目编号。"), "code")
    if len(code) > 32:
        raise ProjectError(_("项目编号不能超过 32 个字符。"), "code")
    if not name:
        raise ProjectError(_("请填写项目名称。"), "name")
    if len(name) > 150:
        raise ProjectError(_("项目名称不能超过 150 个字符。"), "name")
    if kind not in ProjectKind.values:
        raise ProjectError(_("请选择项目类型。"), "kind")
    if not owner_name:
        raise ProjectError(_("请填写业主单位。"), "owner_name")
    credit = check_credit_code(owner_credit_code) if (owner_credit_code or "").strip() else ""
    street = _unit(org_unit, OrgUnitKind.STREET, _("所在街道"), "org_unit")
    department = _unit(lead_department, OrgUnitKind.DEPARTMENT, _("牵头部门"), "lead_department")
    group = _unit(service_group, OrgUnitKind.SERVICE_GROUP, _("专项服务组"), "service_group", required=False)
    total = _amount(total_investment, _("总投资"), "total_investment")
    if industry is not None and not isinstance(industry, Industry):
        industry = Industry.objects.filter(pk=industry).first() or Industry.objects.filter(code=industry).first()
        if industry is None:
            raise ProjectError(_("未知的产业领域。"), "industry")
    if signed_on is not None and not isinstance(signed_on, dt.date):
        raise ProjectError(_("签约日期无效。"), "signed_on")
    stages = template_stages(kind)
    known = {s for s, _m in stages}
    plan = dict(plan or {})
    for stage in plan:
        _stage(stage, "plan")
        if stage not in known:
            raise ProjectError(
                _("%(kind)s没有“%(stage)s”阶段。") % {"kind": ProjectKind(kind).label, "stage": lights.stage_label(stage)}, "plan"
            )
    _check_dates(plan)
    planned: dict[str, dt.date | None] = {}
    for stage, offset in stages:
        if stage in plan:
            planned[stage] = plan[stage]
        elif stage == Stage.SIGNED and signed_on:
            planned[stage] = signed_on
        else:
            planned[stage] = lights.add_months(signed_on, offset) if signed_on else None
    _check_plan_order(planned)
    plans = {}
    for year, amount in (annual_plans or {}).items():
        value = _amount(amount, _("%(y)s 年度计划投资") % {"y": year}, "annual_plans")
        if value > total:
            raise ProjectError(
                _("%(y)s 年度计划投资 %(a)s 万元超过总投资 %(t)s 万元。") % {"y": year, "a": value, "t": total}, "annual_plans"
            )
        plans[int(year)] = value
    project = Project(
        code=code,
        name=name,
        kind=kind,
        owner_name=owner_name[:150],
        owner_credit_code=credit,
        industry=industry,
        org_unit=street,
        location=(location or "").strip()[:200],
        total_investment=total,
        lead_department=department,
        service_group=group,
        leader=leader,
        description=description or "",
    )
    if actor is not None:
        if not get_scope(actor).contains(project):
            raise ProjectError(_("所选街道、服务组和牵头部门都不在您的数据范围内。"), "org_unit", 403)
    try:
        with transaction.atomic():
            if Project.objects.select_for_update().filter(code=code).exists():
                raise ProjectError(_("项目编号 %(code)s 已被使用。") % {"code": code}, "code")
            project.save()
            if cadres:
                project.cadres.set(list(cadres))
            Milestone.objects.bulk_create(
                [
                    Milestone(
                        project=project,
                        stage=stage,
                        order=STAGE_ORDER[stage],
                        planned_date=planned[stage],
                        actual_date=signed_on if stage == Stage.SIGNED and signed_on and signed_on <= today else None,
                    )
                    for stage, _offset in stages
                ]
            )
            for year, amount in plans.items():
                AnnualPlan.objects.create(project=project, year=year, amount=amount)
            refresh_project(project, now=now)
    except IntegrityError as exc:  # a concurrent insert of the same code
        if Project.objects.filter(code=code).exists():
            raise ProjectError(_("项目编号 %(code)s 已被使用。") % {"code": code}, "code") from exc
        raise
    return project


def update_plan(project: Project, *, actor, plan: dict, expected_version: int | None = None, now=None) -> Project:
    """Change planned dates (stage code → date or None); they must not decrease along the stages."""
    _require(actor, "change_project", project)
    for stage in plan:
        _stage(stage, "plan")
    _check_dates(plan)
    with transaction.atomic():
        locked = _lock(project)
        if expected_version is not None and locked.version != expected_version:
            raise ProjectError(_("该项目已被他人修改，请刷新页面后重试。"), status=409)
        milestones = {m.stage: m for m in locked.milestones.all()}
        for stage in plan:
            if stage not in milestones:
                raise ProjectError(_("该项目没有“%(stage)s”阶段。") % {"stage": lights.stage_label(stage)}, f"plan_{stage}")
        planned = {s: m.planned_date for s, m in milestones.items()}
        planned.update(plan)
        _check_plan_order(planned)
        for stage, day in plan.items():
            milestone = milestones[stage]
            if milestone.planned_date != day:
                milestone.planned_date = day
                milestone.version += 1
                milestone.save(update_fields=["planned_date", "version", "updated_at"])
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        refresh_project(locked, now=now)
    return locked


def reach_stage(
    project: Project, *, actor, stage: str, actual_date, note: str = "", files: Iterable = (), today=None, now=None
) -> Milestone:
    """Record that a stage was reached on `actual_date` (required), with evidence files."""
    _require(actor, "update_milestone", project)
    today = _today(today, now)
    stage = _stage(stage)
    label = lights.stage_label(stage)
    if not actual_date:
        raise ProjectError(_("请填写“%(stage)s”的实际日期。") % {"stage": label}, "actual_date")
    if not isinstance(actual_date, dt.date):
        raise ProjectError(_("“%(stage)s”的实际日期无效。") % {"stage": label}, "actual_date")
    if actual_date > today:
        raise ProjectError(
            _("“%(stage)s”的实际日期 %(date)s 晚于今天，不能预填。") % {"stage": label, "date": actual_date.isoformat()},
            "actual_date",
        )
    files = _check_uploads(files)
    with transaction.atomic():
        locked = _lock(project)
        milestones = list(locked.milestones.select_for_update().order_by("order"))
        target = next((m for m in milestones if m.stage == stage), None)
        if target is None:
            raise ProjectError(_("该项目没有“%(stage)s”阶段。") % {"stage": label}, "stage")
        for m in milestones:
            if m.order < target.order:
                if m.actual_date is None:
                    raise ProjectError(
                        _("请先完成“%(prev)s”节点，再填报“%(stage)s”。") % {"prev": m.get_stage_display(), "stage": label},
                        "stage",
                    )
                if actual_date < m.actual_date:
                    raise ProjectError(
                        _("“%(stage)s”实际日期不能早于“%(prev)s”实际日期（%(date)s）。")
                        % {"stage": label, "prev": m.get_stage_display(), "date": m.actual_date.isoformat()},
                        "actual_date",
                    )
            elif m.order > target.order and m.actual_date is not None and actual_date > m.actual_date:
                raise ProjectError(
                    _("“%(stage)s”实际日期不能晚于“%(next)s”实际日期（%(date)s）。")
                    % {"stage": label, "next": m.get_stage_display(), "date": m.actual_date.isoformat()},
                    "actual_date",
                )
        target.actual_date = actual_date
        if note:
            target.note = note.strip()[:200]
        target.version += 1
        target.save()
        for upload in files:
            evidence = MilestoneEvidence(
                milestone=target,
                name=upload.name[:200],
                content_type=upload.content_type_sniffed,
                size=upload.size,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            evidence.file.save(upload.name, upload, save=False)
            evidence.save()
        refresh_project(locked, now=now or _moment(today))
    return target


def set_annual_plan(project: Project, *, actor, year: int, amount, now=None) -> AnnualPlan:
    """Set (or change) a project's planned investment for `year`."""
    _require(actor, "change_project", project)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ProjectError(_("年度无效。"), "year") from None
    if not 2000 <= year <= 2100:
        raise ProjectError(_("年度 %(y)s 不在 2000–2100 之间。") % {"y": year}, "year")
    value = _amount(amount, _("年度计划投资"), "amount")
    if value > project.total_investment:
        raise ProjectError(
            _("年度计划投资 %(a)s 万元超过总投资 %(t)s 万元。") % {"a": value, "t": project.total_investment}, "amount"
        )
    with transaction.atomic():
        locked = _lock(project)
        plan, created = AnnualPlan.objects.select_for_update().get_or_create(
            project=locked, year=year, defaults={"amount": value}
        )
        if not created and plan.amount != value:
            plan.amount = value
            plan.version += 1
            plan.save()
        refresh_project(locked, now=now)
    return plan


def report_investment(
    project: Project, *, actor, month: dt.date, amount, note: str = "", today=None, now=None
) -> InvestmentReport:
    """Record (or correct) the investment completed in `month` (万元)."""
    _require(actor, "report_investment", project)
    today = _today(today, now)
    if not isinstance(month, dt.date):
        raise ProjectError(_("请选择填报月份。"), "month")
    month = month.replace(day=1)
    if month > today.replace(day=1):
        raise ProjectError(_("%(m)s 尚未到来，不能填报。") % {"m": f"{month:%Y-%m}"}, "month")
    value = _amount(amount, _("当月完成投资"), "amount")
    with transaction.atomic():
        locked = _lock(project)
        others = InvestmentReport.objects.filter(project=locked).exclude(month=month).aggregate(s=Sum("amount"))["s"] or Decimal(
            0
        )
        if others + value > locked.total_investment:
            raise ProjectError(
                _("累计完成投资 %(sum)s 万元将超过总投资 %(total)s 万元。")
                % {"sum": lights.quantize(others + value), "total": locked.total_investment},
                "amount",
            )
        user = actor if getattr(actor, "is_authenticated", False) else None
        report = InvestmentReport.objects.select_for_update().filter(project=locked, month=month).first()
        if report is None:
            report = InvestmentReport.objects.create(
                project=locked, month=month, amount=value, note=(note or "")[:200], reported_by=user
            )
        else:
            report.amount = value
            report.note = (note or "")[:200]
            report.reported_by = user
            report.version += 1
            report.save()
        refresh_project(locked, now=now or _moment(today))
    return report


# ---------------------------------------------------------------- blockers and visits
def raise_blocker(
    project: Project,
    *,
    actor,
    title: str,
    description: str,
    kind: str,
    department,
    priority: str = Priority.NORMAL,
    files: Iterable = (),
    visit=None,
    now: dt.datetime | None = None,
) -> Blocker:
    """Raise a blocker: a `project_blocker` case received at the district and dispatched to
    `department` at once (deadline: the case type's 10 working days)."""
    from yixian.core.cases.services import CaseError, receive_case

    _require(actor, "raise_blocker", project)
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise ProjectError(_("请填写堵点标题。"), "title")
    if len(title) > 100:
        raise ProjectError(_("堵点标题不能超过 100 个字符。"), "title")
    if not description:
        raise ProjectError(_("请填写堵点情况。"), "description")
    if kind not in BlockerKind.values:
        raise ProjectError(_("请选择堵点类型。"), "kind")
    if priority not in Priority.values:
        raise ProjectError(_("请选择紧急程度。"), "priority")
    department = _unit(department, OrgUnitKind.DEPARTMENT, _("协调部门"), "department")
    now = now or timezone.now()
    district = department.get_root()
    category = CaseCategory.objects.filter(code=f"P-{kind.upper()}", case_type="project_blocker").first()
    requester = ""
    if getattr(actor, "is_authenticated", False):
        requester = getattr(getattr(actor, "person", None), "name", "") or str(actor)
    try:
        with transaction.atomic():
            locked = _lock(project)
            case = receive_case(
                case_type="project_blocker",
                title=title,
                description=_("【%(code)s %(name)s】%(text)s") % {"code": locked.code, "name": locked.name, "text": description},
                intake_unit=district,
                actor=actor,
                category=category,
                priority=priority,
                channel=Channel.VISIT if visit is not None else Channel.SYSTEM,
                requester_kind=RequesterKind.CADRE,
                requester_name=requester[:50],
                requester_org=locked.owner_name[:100],
                org_unit=locked.org_unit,
                address=locked.location,
                source=locked,
                files=files,
                dispatch_to=department,
                watch_unit=locked.service_group,
                now=now,
            )
            blocker = Blocker.objects.create(
                project=locked,
                case=case,
                kind=kind,
                raised_by=actor if getattr(actor, "is_authenticated", False) else None,
                visit=visit,
            )
            refresh_project(locked, now=now)
    except CaseError as exc:
        raise ProjectError(exc.message, "files" if exc.field == "files" else exc.field, exc.status) from exc
    return blocker


def log_visit(
    project: Project,
    *,
    actor,
    occurred_on: dt.date,
    findings: str,
    participants: Iterable = (),
    place: str = "",
    files: Iterable = (),
    blockers: Iterable[dict] = (),
    today=None,
    now=None,
):
    """Record a site visit (an Activity whose subject is the project), raising any blockers found.

    The activity belongs to the project's service group (else its street) and lies in the
    project's street (`area`), so both see it."""
    from yixian.core.activities.models import ActivityKind
    from yixian.core.activities.services import ActivityError, create_activity

    _require(actor, "log_visit", project)
    today = _today(today, now)
    findings = (findings or "").strip()
    if not isinstance(occurred_on, dt.date):
        raise ProjectError(_("请填写走访日期。"), "occurred_on")
    if occurred_on > today:
        raise ProjectError(_("走访日期 %(d)s 晚于今天。") % {"d": occurred_on.isoformat()}, "occurred_on")
    if not findings:
        raise ProjectError(_("请填写走访情况与发现。"), "findings")
    wanted = {person.pk if isinstance(person, Person) else person for person in participants or ()}
    people = list(Person.objects.filter(pk__in=wanted)) if wanted else []
    if len(people) != len(wanted):
        raise ProjectError(_("参加人员不存在。"), "participants")
    if actor is not None and wanted:
        from .selectors import visit_candidates

        ids = {person.pk for person in people}
        allowed = set(visit_candidates(project, user=actor, today=today).filter(pk__in=ids).values_list("pk", flat=True))
        if allowed != ids:
            raise ProjectError(_("参加人员须为项目所在服务组或街道的人员、项目服务干部或记录人本人。"), "participants")
    files = _check_uploads(files)
    blockers = list(blockers or ())
    with transaction.atomic():
        locked = _lock(project)
        try:
            activity = create_activity(
                kind=ActivityKind.VISIT,
                title=_("走访：%(name)s") % {"name": locked.name},
                org_unit=locked.service_group or locked.org_unit,
                area=locked.org_unit,
                subject=locked,
                occurred_on=occurred_on,
                place=place or locked.location,
                findings=findings,
                participants=people,
                files=files,
                created_by=actor,
                today=today,
            )
        except ActivityError as exc:
            raise ProjectError(exc.message, exc.field, exc.status) from exc
        for index, spec in enumerate(blockers, start=1):
            try:
                raise_blocker(
                    locked,
                    actor=actor,
                    title=spec.get("title", ""),
                    description=spec.get("description", ""),
                    kind=spec.get("kind", BlockerKind.OTHER),
                    department=spec.get("department"),
                    priority=spec.get("priority", Priority.NORMAL),
                    files=spec.get("files", ()),
                    visit=activity,
                    now=now or _moment(today),
                )
            except ProjectError as exc:
                raise ProjectError(
                    _("第 %(n)s 个堵点：%(msg)s") % {"n": index, "msg": exc.message},
                    f"blockers-{index - 1}-{exc.field or ''}",
                    exc.status,
                ) from exc
    return activity


# ---------------------------------------------------------------- the light
def _moment(day: dt.date) -> dt.datetime:
    """A moment on `day` (noon, local time) for actions given only a date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def assessed_month(today: dt.date) -> tuple[int, int]:
    """The last complete month on `today`: investment is reported after a month ends, so on
    2026-11-27 the light looks at January–October 2026 (time progress 10/12)."""
    if today.month == 1:
        return today.year - 1, 12
    return today.year, today.month - 1


def progress_for(project: Project, year: int, month: int) -> lights.Progress:
    """Investment progress of `project` in `year` through `month` (done summed in the database)."""
    plan = AnnualPlan.objects.filter(project=project, year=year).values_list("amount", flat=True).first() or Decimal(0)
    done = InvestmentReport.objects.filter(
        project=project, month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, month, 1)
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return lights.investment_progress(plan, done, month)


def overdue_blockers(queryset, now: dt.datetime):
    """Blockers whose case is past its handling deadline and not yet replied (nor closed)."""
    return queryset.filter(
        case__handle_due__lt=now, case__replied_at__isnull=True, case__closed_at__isnull=True, case__state__in=OPEN_BLOCKER_STATES
    )


def _light_inputs(project: Project, now: dt.datetime):
    """(milestones, progress, overdue blockers) read for the light: four small queries."""
    today = timezone.localdate(now)
    milestones = list(project.milestones.order_by("order").values_list("stage", "planned_date", "actual_date"))
    year, month = assessed_month(today)
    progress = progress_for(project, year, month)
    late = list(
        overdue_blockers(Blocker.objects.filter(project=project), now)
        .order_by("case__handle_due", "pk")
        .values_list("pk", "supervised_at", "case__title", "case__handle_due")
    )
    return milestones, progress, late


def _evaluate(project: Project, now, policy, milestones, progress, late) -> tuple[str, list[str]]:
    if project.status != ProjectStatus.ACTIVE:
        return Light.NONE, [str(ProjectStatus(project.status).label)]
    return lights.evaluate(
        today=timezone.localdate(now),
        milestones=milestones,
        progress=progress,
        overdue_blockers=[(title, timezone.localdate(due)) for _pk, _s, title, due in late],
        policy=policy,
    )


def compute_light(project: Project, *, now: dt.datetime | None = None, policy=None) -> tuple[str, list[str]]:
    """The light of `project` at `now` and its reasons (no writes)."""
    now = now or timezone.now()
    if project.status != ProjectStatus.ACTIVE:
        return Light.NONE, [str(ProjectStatus(project.status).label)]
    return _evaluate(project, now, policy or LightPolicy.current(), *_light_inputs(project, now))


def refresh_project(project: Project, *, now: dt.datetime | None = None, policy=None) -> Project:
    """Recompute the project's current stage and light (with its reason), save them and this
    month's light record; put any overdue blocker under supervision (once)."""
    now = now or timezone.now()
    milestones, progress, late = _light_inputs(project, now)
    reached = [stage for stage, _planned, actual in milestones if actual is not None]
    stage = reached[-1] if reached else ""
    if stage == Stage.OUTPUT and project.status == ProjectStatus.ACTIVE:
        project.status = ProjectStatus.DONE
    light, reasons = _evaluate(project, now, policy or LightPolicy.current(), milestones, progress, late)
    reason = "；".join(str(r) for r in reasons)
    Project.objects.filter(pk=project.pk).update(
        stage=stage, status=project.status, light=light, light_reason=reason, light_at=now
    )
    project.stage, project.light, project.light_reason, project.light_at = stage, light, reason, now
    month = timezone.localdate(now).replace(day=1)
    if not LightRecord.objects.filter(project=project, month=month).update(light=light, reason=reason, computed_at=now):
        LightRecord.objects.create(project=project, month=month, light=light, reason=reason)
    unsupervised = [pk for pk, supervised_at, _t, _d in late if supervised_at is None]
    if unsupervised:
        supervise_overdue(Blocker.objects.filter(pk__in=unsupervised), now=now)
    return project


def supervise_overdue(queryset=None, *, now: dt.datetime | None = None) -> int:
    """Put the case of every overdue, not yet supervised blocker under supervision (督办);
    returns how many. A case the SLA watch already supervised is only recorded."""
    from yixian.core.cases.services import CaseError, act

    now = now or timezone.now()
    queryset = Blocker.objects.all() if queryset is None else queryset
    count = 0
    for blocker in overdue_blockers(queryset.filter(supervised_at__isnull=True), now).select_related("case", "project"):
        if not blocker.case.is_supervised:
            try:
                act(
                    blocker.case,
                    "supervise",
                    system=True,
                    now=now,
                    note=_("项目“%(p)s”的堵点已超过办理期限，系统自动督办。") % {"p": blocker.project.name},
                )
            except CaseError:
                continue
        Blocker.objects.filter(pk=blocker.pk).update(supervised_at=now)
        count += 1
    return count


def sweep(*, now: dt.datetime | None = None) -> dict:
    """Nightly: supervise overdue blockers, refresh every active project's light and this
    month's light record."""
    now = now or timezone.now()
    supervised = supervise_overdue(now=now)
    counts = {Light.RED: 0, Light.YELLOW: 0, Light.GREEN: 0, Light.NONE: 0}
    policy = LightPolicy.current()
    for project in Project.objects.filter(status=ProjectStatus.ACTIVE).order_by("pk").iterator(chunk_size=200):
        with transaction.atomic():
            refresh_project(project, now=now, policy=policy)
        counts[project.light] += 1
    return {"now": now.isoformat(), "supervised": supervised, **{str(k): v for k, v in counts.items()}}
