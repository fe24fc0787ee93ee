"""Forms of the project pages. They only read input; the service (services.py) decides and
writes. A `ProjectError` from the service is put next to the field it names (`show_error`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yixian.core.cases.forms import MultipleFileField, MultipleFileInput
from yixian.core.cases.models import Priority
from yixian.core.orgs.models import OrgUnit, OrgUnitKind, Person
from yixian.framework.forms import ScopedModelForm

from . import selectors, services
from .models import AnnualPlan, BlockerKind, InvestmentReport, Project

PROJECT_FORM_FIELDS = (
    "code",
    "name",
    "kind",
    "status",
    "owner_name",
    "owner_credit_code",
    "industry",
    "org_unit",
    "location",
    "longitude",
    "latitude",
    "total_investment",
    "lead_department",
    "service_group",
    "leader",
    "cadres",
    "description",
)
CREATE_ARGS = (
    "code",
    "name",
    "kind",
    "owner_name",
    "owner_credit_code",
    "industry",
    "org_unit",
    "location",
    "total_investment",
    "lead_department",
    "service_group",
    "leader",
    "description",
)


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def show_error(form: forms.Form, exc: services.ProjectError, aliases: dict | None = None) -> None:
    """Put the service's Chinese message next to the field it names (else above the form)."""
    field = (aliases or {}).get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def units_of(kind: str):
    return OrgUnit.objects.filter(kind=kind, is_active=True).order_by("code")


class _Rollback(Exception):
    pass


class ProjectForm(ScopedModelForm):
    """The generic add/edit/import form of a project. A new project is made by
    `services.create_project` (its milestones and light come with it): `clean` tries it in a
    transaction that is rolled back, so the service's refusals show as form errors."""

    signed_on = forms.DateField(
        label=_("签约日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("新建项目时按节点模板推算各阶段计划日期"),
    )

    class Meta:
        model = Project
        fields = PROJECT_FORM_FIELDS
        widgets = {"cadres": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The project is in scope when its street, group OR lead department is: the choices
        # of each are not narrowed one by one (the service checks the whole).
        self.fields["org_unit"].queryset = units_of(OrgUnitKind.STREET)
        self.fields["lead_department"].queryset = units_of(OrgUnitKind.DEPARTMENT)
        self.fields["service_group"].queryset = units_of(OrgUnitKind.SERVICE_GROUP)
        if self.instance.pk:
            del self.fields["signed_on"]

    def create_args(self) -> dict:
        data = self.cleaned_data
        args = {name: data.get(name) for name in CREATE_ARGS}
        args["owner_credit_code"] = args["owner_credit_code"] or ""
        args["location"] = args["location"] or ""
        args["description"] = args["description"] or ""
        args["cadres"] = list(data.get("cadres") or ())
        args["signed_on"] = data.get("signed_on")
        return args

    def clean(self):
        data = super().clean()
        if self.instance.pk or self.errors:
            return data
        try:
            with transaction.atomic():
                services.create_project(actor=self.user, **self.create_args())
                raise _Rollback
        except _Rollback:
            pass
        except services.ProjectError as exc:
            show_error(self, exc)
        return data


class _ServiceChildForm(ScopedModelForm):
    """The generic edit/import form of a project's annual plan or monthly investment: `clean`
    tries the service in a transaction that is rolled back, so its refusals (a future month,
    a cumulative total above the project's total investment …) show next to the field, and
    the resource saves through the same service."""

    def save_through_service(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.save_through_service()
                raise _Rollback
        except _Rollback:
            pass
        except services.ProjectError as exc:
            show_error(self, exc)
        return data


class AnnualPlanForm(_ServiceChildForm):
    class Meta:
        model = AnnualPlan
        fields = ("project", "year", "amount")

    def save_through_service(self):
        data = self.cleaned_data
        if self.instance.pk and (self.instance.project_id, self.instance.year) != (data["project"].pk, data["year"]):
            AnnualPlan.objects.filter(pk=self.instance.pk).delete()
        return services.set_annual_plan(data["project"], actor=self.user, year=data["year"], amount=data["amount"])


class InvestmentReportForm(_ServiceChildForm):
    class Meta:
        model = InvestmentReport
        fields = ("project", "month", "amount", "note")
        widgets = {"month": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}

    def save_through_service(self):
        data = self.cleaned_data
        month = data["month"].replace(day=1)
        if self.instance.pk and (self.instance.project_id, self.instance.month) != (data["project"].pk, month):
            InvestmentReport.objects.filter(pk=self.instance.pk).delete()
        return services.report_investment(
            data["project"], actor=self.user, month=month, amount=data["amount"], note=data.get("note") or ""
        )


class BlockerForm(forms.Form):
    """「提出堵点」: raised as a case dispatched to a department."""

    title = forms.CharField(label=_("堵点标题"), max_length=100)
    description = forms.CharField(label=_("堵点情况"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("堵点类型"), choices=BlockerKind.choices)
    department = forms.ModelChoiceField(label=_("协调部门"), queryset=OrgUnit.objects.none(), empty_label="—")
    priority = forms.ChoiceField(label=_("紧急程度"), choices=Priority.choices, initial=Priority.NORMAL)
    files = MultipleFileField(
        label=_("照片或材料"),
        required=False,
        widget=MultipleFileInput(
            attrs={"class": "form-control", "multiple": True, "accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = units_of(OrgUnitKind.DEPARTMENT)
        self.fields["department"].error_messages["invalid_choice"] = _("所选协调部门不存在。")
        _style(self)


class StageForm(forms.Form):
    """「更新节点」: a stage reached, its actual date and evidence."""

    stage = forms.ChoiceField(label=_("节点"))
    actual_date = forms.DateField(label=_("实际日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    files = MultipleFileField(label=_("佐证材料"), required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        milestones = list(project.milestones.order_by("order"))
        self.fields["stage"].choices = [(m.stage, m.get_stage_display()) for m in milestones]
        pending = next((m for m in milestones if m.actual_date is None), None)
        if pending is not None:
            self.fields["stage"].initial = pending.stage
        _style(self)


class MonthField(forms.DateField):
    """A month as "2026-10" (`<input type="month">`), cleaned to its first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]
    widget = forms.DateInput(format="%Y-%m", attrs={"type": "month"})

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class InvestmentForm(forms.Form):
    """「填报投资」: the investment completed in one month (万元)."""

    month = MonthField(label=_("月份"), error_messages={"invalid": _("月份格式应为 2026-10。")})
    amount = forms.DecimalField(
        label=_("当月完成投资（万元）"),
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("当月完成投资必须是数字。"), "max_decimal_places": _("当月完成投资最多保留两位小数。")},
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        last = today.replace(day=1) - dt.timedelta(days=1)
        self.fields["month"].initial = last.replace(day=1)
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0"})
        _style(self)


class VisitForm(forms.Form):
    """「记录走访」: short enough for a phone at the site; an optional blocker found on the way."""

    occurred_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    participants = forms.ModelMultipleChoiceField(
        label=_("参加人员"), queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    findings = forms.CharField(label=_("情况与发现"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label=_("现场照片"),
        required=False,
        widget=MultipleFileInput(
            attrs={"class": "form-control", "multiple": True, "accept": "image/*", "capture": "environment"}
        ),
    )
    blocker_title = forms.CharField(label=_("堵点标题"), max_length=100, required=False)
    blocker_description = forms.CharField(label=_("堵点情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    blocker_kind = forms.ChoiceField(label=_("堵点类型"), choices=BlockerKind.choices, initial=BlockerKind.OTHER, required=False)
    blocker_department = forms.ModelChoiceField(
        label=_("协调部门"), queryset=OrgUnit.objects.none(), required=False, empty_label="—"
    )

    BLOCKER_FIELDS = {
        "blockers-0-title": "blocker_title",
        "blockers-0-description": "blocker_description",
        "blockers-0-kind": "blocker_kind",
        "blockers-0-department": "blocker_department",
        "blockers-0-": "blocker_title",
    }

    def __init__(self, *args, project: Project, user, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        me = getattr(user, "person", None)
        self.fields["participants"].queryset = selectors.visit_candidates(project, user=user, today=today)
        self.fields["blocker_department"].queryset = units_of(OrgUnitKind.DEPARTMENT)
        if not self.is_bound:
            self.fields["occurred_on"].initial = today
            self.fields["participants"].initial = [me.pk] if me is not None else []
            self.fields["place"].initial = project.location
        _style(self)

    def clean(self):
        data = super().clean()
        wanted = any(data.get(n) for n in ("blocker_title", "blocker_description", "blocker_department"))
        if wanted:
            for name, label in (
                ("blocker_title", _("堵点标题")),
                ("blocker_description", _("堵点情况")),
                ("blocker_department", _("协调部门")),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("提出堵点时请填写%(label)s。") % {"label": label})
        return data

    def blockers(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("blocker_title"):
            return []
        return [
            {
                "title": data["blocker_title"],
                "description": data["blocker_description"],
                "kind": data.get("blocker_kind") or BlockerKind.OTHER,
                "department": data["blocker_department"],
            }
        ]
