"""Case pages: the work list with its queues, the case page (timeline, light, similar cases
and the steps the user may take), staff intake, attachments and notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yixian.framework.registry import registry
from yixian.framework.scope import get_scope
from yixian.framework.views.generic import ObjectDetailView, ObjectListView

from . import selectors, services
from .forms import IntakeForm, StepForm
from .models import Case, CaseAttachment, CaseState, Notification
from .similar import similar_cases


def case_resource():
    return registry.resource_for(Case)


class CaseListView(ObjectListView):
    """工单工作台: the generic list with the user's queues (to sign, to handle, due soon …)."""

    template_name = "cases/case_list.html"

    def base_context(self, **extra):
        ctx = super().base_context(**extra)
        user = self.request.user
        counts = selectors.queue_counts(self.get_queryset(), user)
        current = self.request.GET.get("queue", "")
        ctx["queues"] = [
            {"code": code, "label": label, "count": counts.get(code, 0), "active": code == current}
            for code, label in selectors.QUEUES.items()
            if counts.get(code) or code == current or code in ("to_sign", "to_handle", "overdue")
        ]
        ctx["current_queue"] = current
        ctx["can_add"] = user.has_perm("cases.add_case")
        ctx["add_url"] = reverse("cases:case_intake")
        ctx["kpi_url"] = reverse("cases:kpis")
        return ctx


class CaseDetailView(ObjectDetailView):
    def get(self, request, *args, **kwargs):
        case = self.get_object()
        return render_case(request, case)


def render_case(request, case: Case, *, forms: dict | None = None, error: str = "", status: int = 200, open_action: str = ""):
    user = request.user
    resource = case_resource()
    rules = services.allowed_actions(case, user)
    forms = forms or {}
    actions = []
    for rule in rules:
        form = forms.get(rule.action) or StepForm(initial={"version": case.version}, action=rule.action, case=case, user=user)
        actions.append({"code": rule.action, "label": rule.label, "form": form, "open": rule.action == open_action})
    steps = list(case.steps.select_related("actor_unit", "target_unit").prefetch_related("attachments"))
    similar = []
    if case.state in (CaseState.RECEIVED, CaseState.DISPATCHED) and user.has_perm("cases.dispatch_case"):
        similar = similar_cases(case, resource.get_queryset(user))
    ctx = {
        "resource": resource,
        "opts": Case._meta,
        "object": case,
        "case": case,
        "light": selectors.light(case),
        "actions": actions,
        "steps": steps,
        "attachments": list(case.attachments.all()),
        "similar": similar,
        "error": error,
        "urls": {"list": resource.url_name("list")},
        "unmasked": False,
        "tab": request.GET.get("tab", "timeline"),
    }
    if ctx["tab"] == "history":
        from yixian.core.audit.selectors import changes_for_object

        ctx["history"] = changes_for_object(case)
    if ctx["tab"] == "detail":
        from yixian.core.dataio.cells import export_value

        ctx["rows"] = [
            {"label": resource.field(name).verbose_name, "value": export_value(case, resource.field(name), unmasked=False)}
            for name in resource.get_detail_fields()
        ]
    return render(request, "cases/case_detail.html", ctx, status=status)


def _visible_case(request, pk) -> Case:
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied(_("您没有查看工单的权限。"))
    case = case_resource().get_queryset(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404(_("记录不存在或不在您的数据范围内。"))
    return case


@login_required
@require_POST
def case_step(request, pk: int, action: str):
    case = _visible_case(request, pk)
    if action not in StepForm.FIELDS:
        raise Http404(_("未知的操作。"))
    form = StepForm(request.POST, request.FILES, action=action, case=case, user=request.user)
    if not form.is_valid():
        return render_case(request, case, forms={action: form}, error=_("请检查填写的内容。"), status=422, open_action=action)
    data = form.cleaned_data
    params = {k: v for k, v in data.items() if k not in ("version", "note", "files") and v not in (None, "")}
    if action == "merge":
        into = case_resource().get_queryset(request.user).filter(number=(data.get("into") or "").strip()).first()
        if into is None:
            form.add_error("into", _("找不到该编号的工单，或不在您的数据范围内。"))
            return render_case(request, case, forms={action: form}, error=_("请检查填写的内容。"), status=422, open_action=action)
        params["into"] = into
    try:
        services.act(
            case, action, actor=request.user, expected_version=data["version"], note=data.get("note") or "", files=data.get("files") or [], **params
        )
    except services.CaseError as exc:
        fresh = _visible_case(request, pk) if exc.status == 409 else case
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        return render_case(request, fresh, forms={action: form} if exc.status != 409 else None, error=exc.message, status=exc.status, open_action=action)
    messages.success(request, _("已%(action)s。") % {"action": services.RULES[action].label})
    if not case_resource().get_queryset(request.user).filter(pk=pk).exists():  # passed out of the user's scope
        return redirect(reverse("cases:case_list"))
    return redirect(reverse("cases:case_detail", args=[pk]))


@login_required
def case_intake(request):
    if not request.user.has_perm("cases.add_case"):
        raise PermissionDenied(_("您没有受理工单的权限。"))
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("files", [])
            try:
                case = services.receive_case(actor=request.user, files=files, **data)
            except services.CaseError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("已受理，工单编号 %(n)s，查询码 %(c)s。") % {"n": case.number, "c": case.tracking_code})
                return redirect(reverse("cases:case_detail", args=[case.pk]))
        else:
            status = 422
    return render(request, "cases/case_intake.html", {"form": form, "opts": Case._meta}, status=status)


@login_required
def attachment(request, pk: int):
    item = CaseAttachment.objects.select_related("case").filter(pk=pk).first()
    if item is None or not request.user.has_perm("cases.view_case") or not get_scope(request.user).contains(item.case):
        raise Http404(_("记录不存在或不在您的数据范围内。"))
    return FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.name)


@login_required
def notices(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied(_("您没有查看工单的权限。"))
    units = selectors.my_unit_ids(request.user)
    qs = Notification.objects.filter(unit_id__in=units).select_related("case", "unit")
    if request.method == "POST":
        qs.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("已全部标为已读。"))
        return redirect(reverse("cases:notices"))
    return render(request, "cases/notices.html", {"notices": qs[:100], "unread": qs.filter(read_at__isnull=True).count()})
