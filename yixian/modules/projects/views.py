"""Project pages: the list, the project page (facts, light, lifecycle timeline, investment,
blockers, visits, light history and the actions the user may take), the phone visit form, the
stage board, the red and yellow lists and the service groups. Views are thin: reads come from
selectors, writes go through services; everything is narrowed to the user's scope first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yixian.core.orgs.models import Membership, OrgUnit, OrgUnitKind
from yixian.framework.scope import get_scope
from yixian.framework.views.generic import ObjectDetailView, ObjectListView

from . import selectors, services
from .filtersets import ProjectFilterSet
from .forms import BlockerForm, InvestmentForm, StageForm, VisitForm, show_error
from .models import InvestmentReport, Light, MilestoneEvidence, Project
from .tables import LIGHT_BADGE

VIEW_PERM = "projects.view_project"
ACTIONS = {
    # code: (label, permission)
    "blocker": (gettext_lazy("提出堵点"), "projects.raise_blocker"),
    "visit": (gettext_lazy("记录走访"), "projects.log_visit"),
    "stage": (gettext_lazy("更新节点"), "projects.update_milestone"),
    "investment": (gettext_lazy("填报投资"), "projects.report_investment"),
}


def _today() -> dt.date:
    return timezone.localdate()


def _require_view(user) -> None:
    if not user.has_perm(VIEW_PERM):
        raise PermissionDenied(_("您没有查看重大项目的权限。"))


def visible_project(request, pk) -> Project:
    """The project if the user may see it; 404 otherwise (out of scope looks like missing)."""
    _require_view(request.user)
    project = selectors.projects_for(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404(_("项目不存在或不在您的数据范围内。"))
    return project


# ---------------------------------------------------------------- the Gantt-like timeline
# Server-rendered: bars are SVG rects whose x/width are percentages (SVG attributes, not inline
# styles, so the CSP stays strict). The wrapper scrolls sideways on a phone.
@dataclass
class Bar:
    x: float
    width: float
    css: str
    title: str = ""


@dataclass
class Mark:
    x: float
    css: str
    title: str = ""


class Scale:
    def __init__(self, start: dt.date, end: dt.date):
        # pad a little so marks at the ends stay visible
        self.start = start - dt.timedelta(days=15)
        self.end = end + dt.timedelta(days=15)
        self.span = max((self.end - self.start).days, 1)

    def pct(self, day: dt.date) -> float:
        return round(min(max((day - self.start).days / self.span * 100, 0), 100), 2)

    def bar(self, a: dt.date, b: dt.date, css: str, title: str = "") -> Bar:
        left, right = self.pct(min(a, b)), self.pct(max(a, b))
        return Bar(left, max(round(right - left, 2), 0.4), css, title)

    def ticks(self) -> list[dict]:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        step = 1 if months <= 12 else 3 if months <= 36 else 6 if months <= 72 else 12
        day = dt.date(self.start.year, self.start.month, 1)
        ticks = []
        while day <= self.end:
            if day >= self.start and (day.month - 1) % step == 0 and self.pct(day) <= 96:
                label = f"{day.year}" if day.month == 1 or not ticks else _("%(m)s月") % {"m": day.month}
                if step == 12:
                    label = f"{day.year}"
                ticks.append({"x": self.pct(day), "label": label})
            day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return ticks


def _scale(dates: list[dt.date], today: dt.date) -> Scale:
    dates = [d for d in dates if d] + [today]
    return Scale(min(dates), max(dates))


def project_gantt(project: Project, today: dt.date) -> dict:
    """One row per stage: the planned window (from the previous stage's planned date) and the
    actual one (from the previous stage's actual date; running to today while in progress)."""
    milestones = list(project.milestones.order_by("order"))
    scale = _scale([d for m in milestones for d in (m.planned_date, m.actual_date)], today)
    rows = []
    prev_planned = prev_actual = None
    prev_reached = True
    for m in milestones:
        bars: list[Bar] = []
        marks: list[Mark] = []
        overdue = bool(m.planned_date and not m.actual_date and m.planned_date < today)
        late = bool(m.planned_date and m.actual_date and m.actual_date > m.planned_date)
        if m.planned_date:
            start = prev_planned or m.planned_date
            bars.append(scale.bar(start, m.planned_date, "g-planned", _("计划 %(d)s") % {"d": m.planned_date}))
            marks.append(Mark(scale.pct(m.planned_date), "g-mark-planned", _("计划 %(d)s") % {"d": m.planned_date}))
        if m.actual_date:
            start = prev_actual or m.actual_date
            bars.append(scale.bar(start, m.actual_date, "g-late" if late else "g-actual", _("实际 %(d)s") % {"d": m.actual_date}))
            marks.append(
                Mark(scale.pct(m.actual_date), "g-mark-late" if late else "g-mark-actual", _("实际 %(d)s") % {"d": m.actual_date})
            )
        elif prev_reached and prev_actual:
            bars.append(scale.bar(prev_actual, today, "g-overdue" if overdue else "g-running", _("进行中")))
        rows.append(
            {
                "stage": m.stage,
                "label": m.get_stage_display(),
                "planned": m.planned_date,
                "actual": m.actual_date,
                "note": m.note,
                "late": late,
                "overdue": overdue,
                "days_late": (m.actual_date - m.planned_date).days if late else (today - m.planned_date).days if overdue else 0,
                "bars": bars,
                "marks": marks,
                "milestone": m,
            }
        )
        prev_planned = m.planned_date or prev_planned
        prev_reached = m.actual_date is not None
        prev_actual = m.actual_date or prev_actual
    return {"rows": rows, "ticks": scale.ticks(), "today": scale.pct(today)}


def portfolio_gantt(projects, today: dt.date) -> dict:
    """One row per project: planned span as a bar, each stage's planned (hollow) and actual
    (filled) dates as marks, overdue stages in red."""
    data = selectors.timeline(projects)
    scale = _scale([data["start"], data["end"]], today)
    rows = []
    for row in data["rows"]:
        planned = [s["planned"] for s in row["stages"] if s["planned"]]
        actual = [s["actual"] for s in row["stages"] if s["actual"]]
        bars, marks = [], []
        if planned:
            bars.append(scale.bar(min(planned), max(planned), "g-planned", _("计划周期")))
        if actual:
            bars.append(scale.bar(min(actual), max(actual), "g-actual", _("已完成节点")))
        for s in row["stages"]:
            if s["planned"]:
                overdue = not s["actual"] and s["planned"] < today
                marks.append(
                    Mark(
                        scale.pct(s["planned"]),
                        "g-mark-overdue" if overdue else "g-mark-planned",
                        f"{s['label']} {_('计划')} {s['planned']}",
                    )
                )
            if s["actual"]:
                marks.append(
                    Mark(
                        scale.pct(s["actual"]),
                        "g-mark-late" if s["late"] else "g-mark-actual",
                        f"{s['label']} {_('实际')} {s['actual']}",
                    )
                )
        project = row["project"]
        rows.append({"project": project, "label": project.name, "stage": "", "overdue": False, "bars": bars, "marks": marks})
    return {"rows": rows, "ticks": scale.ticks(), "today": scale.pct(today)}


# ---------------------------------------------------------------- list and project page
class ProjectListView(ObjectListView):
    template_name = "projects/project_list.html"


class ProjectDetailView(ObjectDetailView):
    def get(self, request, *args, **kwargs):
        project = self.get_object()
        return render_project(request, project)


def _action_forms(project: Project, user, today: dt.date, data=None, files=None, action: str = "") -> dict:
    forms = {}
    for code, (_label, perm) in ACTIONS.items():
        if not user.has_perm(perm):
            continue
        bound = code == action
        args = (data, files) if bound else ()
        if code == "blocker":
            forms[code] = BlockerForm(*args)
        elif code == "stage":
            forms[code] = StageForm(*args, project=project)
        elif code == "investment":
            forms[code] = InvestmentForm(*args, today=today)
        elif code == "visit":
            forms[code] = VisitForm(*args, project=project, user=user, today=today)
    return forms


def render_project(
    request, project: Project, *, forms: dict | None = None, open_action: str = "", status: int = 200, error: str = ""
):
    user = request.user
    today = _today()
    now = timezone.now()
    built = _action_forms(project, user, today)
    built.update(forms or {})
    actions = [
        {"code": code, "label": ACTIONS[code][0], "form": form, "open": code == open_action} for code, form in built.items()
    ]
    year, month = services.assessed_month(today)
    progress = selectors.progress_of(project, year, month)
    reports = list(
        InvestmentReport.objects.filter(project=project, month__year=year).select_related("reported_by").order_by("-month")
    )
    blockers = []
    scope = get_scope(user)
    can_view_cases = user.has_perm("cases.view_case")
    for b in selectors.blockers_of(project):
        case = b.case
        is_open = case.state in services.OPEN_BLOCKER_STATES
        blockers.append(
            {
                "blocker": b,
                "case": case,
                "open": is_open,
                "can_open": can_view_cases and scope.contains(case),
                "overdue": bool(is_open and case.handle_due and case.handle_due < now)
                or bool(case.replied_at and case.handle_due and case.replied_at > case.handle_due),
            }
        )
    visits = list(selectors.visits_of(project)[:30])
    ctx = {
        "project": project,
        "object": project,
        "opts": Project._meta,
        "light_css": LIGHT_BADGE.get(project.light, ""),
        "reasons": selectors.reasons_of(project),
        "gantt": project_gantt(project, today),
        "progress": progress,
        "assessed": dt.date(year, month, 1),
        "reports": reports,
        "blockers": blockers,
        "visits": visits,
        "history": list(project.light_history.order_by("-month")[:24]),
        "actions": actions,
        "error": error,
        "cadres": list(project.cadres.all()),
        "can_change": user.has_perm("projects.change_project"),
        "visit_url": reverse("projects:visit", args=[project.pk]) if user.has_perm("projects.log_visit") else "",
        "tab": request.GET.get("tab", ""),
    }
    if ctx["tab"] == "history":
        from yixian.core.audit.selectors import changes_for_object

        ctx["changes"] = changes_for_object(project)
    return render(request, "projects/project_detail.html", ctx, status=status)


def _check_action(request, pk, code: str) -> Project:
    project = visible_project(request, pk)
    if not request.user.has_perm(ACTIONS[code][1]):
        raise PermissionDenied(_("您没有“%(action)s”的权限。") % {"action": ACTIONS[code][0]})
    return project


def _refused(request, project, code, form, exc=None):
    if exc is not None:
        aliases = VisitForm.BLOCKER_FIELDS if code == "visit" else None
        show_error(form, exc, aliases)
        status = exc.status if exc.status in (403, 404, 409) else 422
    else:
        status = 422
    error = exc.message if exc is not None else _("请检查填写的内容。")
    return render_project(request, project, forms={code: form}, open_action=code, status=status, error=error)


@login_required
@require_POST
def raise_blocker(request, pk: int):
    project = _check_action(request, pk, "blocker")
    form = BlockerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, project, "blocker", form)
    data = form.cleaned_data
    try:
        blocker = services.raise_blocker(
            project,
            actor=request.user,
            title=data["title"],
            description=data["description"],
            kind=data["kind"],
            department=data["department"],
            priority=data["priority"],
            files=data.get("files") or [],
        )
    except services.ProjectError as exc:
        return _refused(request, project, "blocker", form, exc)
    messages.success(
        request,
        _("已提出堵点，工单 %(n)s 已派至%(unit)s。") % {"n": blocker.case.number, "unit": data["department"].name},
    )
    return redirect(reverse("projects:project_detail", args=[project.pk]) + "#blockers")


@login_required
@require_POST
def reach_stage(request, pk: int):
    project = _check_action(request, pk, "stage")
    form = StageForm(request.POST, request.FILES, project=project)
    if not form.is_valid():
        return _refused(request, project, "stage", form)
    data = form.cleaned_data
    try:
        milestone = services.reach_stage(
            project,
            actor=request.user,
            stage=data["stage"],
            actual_date=data["actual_date"],
            note=data.get("note") or "",
            files=data.get("files") or [],
        )
    except services.ProjectError as exc:
        return _refused(request, project, "stage", form, exc)
    messages.success(
        request, _("已更新节点：%(s)s（%(d)s）。") % {"s": milestone.get_stage_display(), "d": milestone.actual_date}
    )
    return redirect(reverse("projects:project_detail", args=[project.pk]) + "#timeline")


@login_required
@require_POST
def report_investment(request, pk: int):
    project = _check_action(request, pk, "investment")
    form = InvestmentForm(request.POST)
    if not form.is_valid():
        return _refused(request, project, "investment", form)
    data = form.cleaned_data
    try:
        report = services.report_investment(
            project, actor=request.user, month=data["month"], amount=data["amount"], note=data.get("note") or ""
        )
    except services.ProjectError as exc:
        return _refused(request, project, "investment", form, exc)
    messages.success(request, _("已填报 %(m)s 完成投资 %(a)s 万元。") % {"m": f"{report.month:%Y-%m}", "a": report.amount})
    return redirect(reverse("projects:project_detail", args=[project.pk]) + "#investment")


def _log_visit(request, project: Project, form: VisitForm):
    data = form.cleaned_data
    return services.log_visit(
        project,
        actor=request.user,
        occurred_on=data["occurred_on"],
        findings=data["findings"],
        participants=list(data.get("participants") or ()),
        place=data.get("place") or "",
        files=data.get("files") or [],
        blockers=form.blockers(),
    )


@login_required
def visit(request, pk: int):
    """The phone form: 「记录走访」 on site in under a minute (also posted from the project page)."""
    project = _check_action(request, pk, "visit")
    today = _today()
    from_page = request.POST.get("_from") == "page"
    form = VisitForm(request.POST or None, request.FILES or None, project=project, user=request.user, today=today)
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                activity = _log_visit(request, project, form)
            except services.ProjectError as exc:
                show_error(form, exc, VisitForm.BLOCKER_FIELDS)
                status = exc.status if exc.status in (403, 404, 409) else 422
                error = exc.message
            else:
                raised = activity.blockers.count()
                text = _("已记录走访。")
                if raised:
                    text += _("并提出 %(n)s 个堵点。") % {"n": raised}
                messages.success(request, text)
                return redirect(reverse("projects:project_detail", args=[project.pk]) + "#visits")
        else:
            status = 422
            error = _("请检查填写的内容。")
        if from_page:
            return render_project(request, project, forms={"visit": form}, open_action="visit", status=status, error=error)
    return render(
        request,
        "projects/visit_form.html",
        {"project": project, "form": form, "error": error, "opts": Project._meta},
        status=status,
    )


@login_required
def evidence_file(request, pk: int):
    item = MilestoneEvidence.objects.select_related("milestone").filter(pk=pk).first()
    if item is None:
        raise Http404(_("文件不存在。"))
    visible_project(request, item.milestone.project_id)
    return FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.name)


@login_required
def visit_file(request, pk: int):
    from yixian.core.activities.models import ActivityAttachment

    item = ActivityAttachment.objects.select_related("activity").filter(pk=pk).first()
    if item is None or item.activity.subject_type.model_class() is not Project:
        raise Http404(_("文件不存在。"))
    visible_project(request, item.activity.subject_id)
    return FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.name)


# ---------------------------------------------------------------- board and light lists
def _filtered(request):
    _require_view(request.user)
    filterset = ProjectFilterSet(request.GET or None, queryset=selectors.projects_for(request.user), request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, selectors.projects_for(request.user).none()
    return filterset, filterset.qs


@login_required
def board(request):
    filterset, qs = _filtered(request)
    columns = [
        {"stage": stage, "label": label, "projects": items, "css": {p.pk: LIGHT_BADGE.get(p.light, "") for p in items}}
        for stage, label, items in selectors.board(qs)
    ]
    return render(
        request,
        "projects/board.html",
        {"columns": columns, "filterset": filterset, "total": sum(len(c["projects"]) for c in columns), "opts": Project._meta},
    )


@login_required
def light_list(request, light: str):
    if light not in (Light.RED, Light.YELLOW):
        raise Http404()
    filterset, qs = _filtered(request)
    rows = selectors.red_list(qs) if light == Light.RED else selectors.yellow_list(qs)
    items = [{"project": p, "reasons": selectors.reasons_of(p)} for p in rows]
    return render(
        request,
        "projects/light_list.html",
        {
            "light": light,
            "light_label": Light(light).label,
            "light_css": LIGHT_BADGE[light],
            "items": items,
            "filterset": filterset,
            "opts": Project._meta,
        },
    )


# ---------------------------------------------------------------- service groups
def groups_in_scope(user):
    return get_scope(user).narrow(OrgUnit.objects.filter(kind=OrgUnitKind.SERVICE_GROUP, is_active=True)).order_by("code")


@login_required
def groups(request):
    _require_view(request.user)
    today = _today()
    units = list(groups_in_scope(request.user))
    projects = selectors.projects_for(request.user).filter(service_group__in=units)
    counts = {}
    for row in projects.values("service_group").annotate(
        total=Count("pk"),
        red=Count("pk", filter=Q(light=Light.RED)),
        yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        green=Count("pk", filter=Q(light=Light.GREEN)),
    ):
        counts[row["service_group"]] = row
    members = dict(
        Membership.objects.active(today)
        .filter(org_unit__in=units)
        .values_list("org_unit")
        .annotate(n=Count("person", distinct=True))
        .values_list("org_unit", "n")
    )
    open_blockers = dict(
        selectors.open_blockers(selectors.blockers_of(projects))
        .values_list("project__service_group")
        .annotate(n=Count("pk"))
        .values_list("project__service_group", "n")
    )
    rows = [
        {
            "unit": u,
            "members": members.get(u.pk, 0),
            "projects": counts.get(u.pk, {}).get("total", 0),
            "red": counts.get(u.pk, {}).get("red", 0),
            "yellow": counts.get(u.pk, {}).get("yellow", 0),
            "green": counts.get(u.pk, {}).get("green", 0),
            "open_blockers": open_blockers.get(u.pk, 0),
        }
        for u in units
    ]
    return render(request, "projects/groups.html", {"rows": rows, "opts": Project._meta})


@login_required
def group_detail(request, unit_pk: int):
    _require_view(request.user)
    group = groups_in_scope(request.user).filter(pk=unit_pk).first()
    if group is None:
        raise Http404(_("服务组不存在或不在您的数据范围内。"))
    today = _today()
    summary = selectors.group_summary(group, user=request.user, today=today)
    projects = list(summary["projects"].order_by("code"))
    by_light = {light: [p for p in projects if p.light == light] for light in (Light.RED, Light.YELLOW, Light.GREEN, Light.NONE)}
    open_list = list(selectors.open_blockers(selectors.blockers_of(summary["projects"])).order_by("case__handle_due")[:50])
    now = timezone.now()
    scope = get_scope(request.user)
    can_view_cases = request.user.has_perm("cases.view_case")
    return render(
        request,
        "projects/group_detail.html",
        {
            "group": group,
            "summary": summary,
            "lights": [
                {"light": light, "label": Light(light).label, "css": LIGHT_BADGE[light], "projects": items}
                for light, items in by_light.items()
            ],
            "open_blockers": [
                {
                    "blocker": b,
                    "overdue": bool(b.case.handle_due and b.case.handle_due < now),
                    "can_open": can_view_cases and scope.contains(b.case),
                }
                for b in open_list
            ],
            "gantt": portfolio_gantt(projects, today),
            "opts": Project._meta,
        },
    )
