from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.scope import get_scope

from .models import Case, CaseCategory, Channel, Priority, RequesterKind, Satisfaction
from .types import case_type_choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def unit_label(unit: OrgUnit) -> str:
    return f"{'　' * max(unit.depth - 2, 0)}{unit.name}"


class StepForm(forms.Form):
    """One form for every workflow step; the view shows the fields the step needs."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_unit = forms.ModelChoiceField(label=_("承办单位"), queryset=OrgUnit.objects.none(), required=False)
    days = forms.IntegerField(label=_("延期工作日数"), required=False, min_value=1, max_value=60)
    approve = forms.TypedChoiceField(
        label=_("审批意见"), choices=[("1", _("同意延期")), ("0", _("不同意"))], coerce=lambda v: v == "1", required=False
    )
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=[("", "—"), *Satisfaction.choices], required=False)
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"), choices=[("", "—"), ("1", _("已解决")), ("0", _("未解决"))], coerce=lambda v: v == "1", required=False, empty_value=None
    )
    into = forms.CharField(label=_("合并到工单编号"), required=False, max_length=24)
    files = MultipleFileField(label=_("附件（图片、PDF）"), required=False)

    FIELDS = {
        "dispatch": ("target_unit", "note", "files"),
        "reassign": ("target_unit", "note"),
        "sign": ("note",),
        "progress": ("note", "files"),
        "return": ("note",),
        "request_extension": ("days", "note"),
        "decide_extension": ("approve", "note"),
        "remind": ("note",),
        "supervise": ("note",),
        "reply": ("note", "files"),
        "follow_up": ("satisfaction", "resolved", "note"),
        "close": ("note",),
        "reopen": ("note",),
        "merge": ("into", "note"),
    }
    NOTE_LABELS = {
        "return": _("退单理由"),
        "reassign": _("改派理由"),
        "request_extension": _("延期理由"),
        "reply": _("答复内容"),
        "progress": _("办理情况"),
        "follow_up": _("回访记录"),
        "reopen": _("重办理由"),
        "decide_extension": _("审批意见说明"),
    }

    def __init__(self, *args, action: str, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        keep = {"version", *self.FIELDS.get(action, ("note",))}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "note" in self.fields and action in self.NOTE_LABELS:
            self.fields["note"].label = self.NOTE_LABELS[action]
        if "target_unit" in self.fields:
            self.fields["target_unit"].queryset = target_units(case, user, action)
            self.fields["target_unit"].label_from_instance = unit_label
            self.fields["target_unit"].required = True
        _style(self)


def target_units(case: Case, user, action: str):
    """Units a case may be dispatched or reassigned to by `user`."""
    qs = OrgUnit.objects.filter(is_active=True).exclude(pk=case.handling_unit_id).order_by("path")
    scope = get_scope(user)
    holder = case.dispatcher_unit if action == "reassign" else case.handling_unit
    if scope.everything and (action == "reassign" or case.state == "received"):
        return qs.exclude(kind__in=[OrgUnitKind.DISTRICT]).exclude(pk=holder.pk if holder else None)
    if holder is None:
        return qs.none()
    return qs.filter(path__startswith=holder.path).exclude(pk=holder.pk)


class IntakeForm(forms.Form):
    """Staff intake (窗口/热线/走访受理)."""

    case_type = forms.ChoiceField(label=_("工单类型"), choices=[])
    category = forms.ModelChoiceField(label=_("分类"), queryset=CaseCategory.objects.filter(is_active=True), required=False)
    title = forms.CharField(label=_("标题"), max_length=100)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 5}))
    priority = forms.ChoiceField(label=_("紧急程度"), choices=Priority.choices, initial=Priority.NORMAL)
    channel = forms.ChoiceField(label=_("来源渠道"), choices=[c for c in Channel.choices if c[0] != "system"], initial=Channel.WINDOW)
    requester_kind = forms.ChoiceField(label=_("诉求人类型"), choices=RequesterKind.choices)
    requester_name = forms.CharField(label=_("诉求人"), max_length=50, required=False)
    requester_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    requester_org = forms.CharField(label=_("企业名称"), max_length=100, required=False)
    org_unit = forms.ModelChoiceField(
        label=_("发生地（街道/社区）"), queryset=OrgUnit.objects.filter(kind__in=[OrgUnitKind.STREET, OrgUnitKind.COMMUNITY]).order_by("path"), required=False
    )
    address = forms.CharField(label=_("详细地点"), max_length=200, required=False)
    intake_unit = forms.ModelChoiceField(label=_("受理单位"), queryset=OrgUnit.objects.none())
    files = MultipleFileField(label=_("附件（图片、PDF）"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = case_type_choices()
        self.fields["intake_unit"].queryset = get_scope(user).filter(OrgUnit.objects.filter(is_active=True)).order_by("path")
        self.fields["intake_unit"].label_from_instance = unit_label
        self.fields["org_unit"].label_from_instance = unit_label
        self.fields["category"].label_from_instance = lambda c: str(c)
        _style(self)

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if category and data.get("case_type") and category.case_type != data["case_type"]:
            self.add_error("category", _("所选分类不属于该工单类型。"))
        return data
