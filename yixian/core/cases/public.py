"""Public intake (网上提交): anyone — an enterprise, a resident, a rider — submits a case without
logging in, gets a tracking code, follows its progress with the code and the last four digits
of their phone, and rates the reply.

What the public sees is built here, field by field, from public steps only: state names,
dates, unit names and the reply — never a person's name or phone, never a handler's name.
Submissions and failed look-ups are rate limited per client address (a keyed hash of it is
stored, not the address); a honeypot field turns away naive bots without a captcha.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.registry import registry
from yixian.framework.uploads import upload_too_large
from yixian.framework.validators import normalise_mobile

from . import services
from .forms import MultipleFileField
from .models import Case, CaseCategory, CaseState, Channel, RateLimitHit, RequesterKind, Satisfaction
from .types import get_case_type

MAX_PHOTOS = 3
PHOTO_MAX_BYTES = services.MAX_ATTACHMENT_BYTES
RATE_WINDOW = dt.timedelta(hours=1)
SESSION_CASES = "yixian_public_cases"  # the cases this browser has proved it may see (code + last 4)
SESSION_SUBMITTED = "yixian_public_submitted"
HONEYPOT = "website"
# Written into the timeline as the one who rated; stored data, so not translated.
REQUESTER = "诉求人"


def clock() -> dt.datetime:
    """The moment of a public step (tests set it: the working-day calendar knows given years only)."""
    return timezone.now()


def submit_limit() -> int:
    return int(getattr(settings, "YIXIAN_PUBLIC_SUBMITS_PER_HOUR", 5))


def lookup_limit() -> int:
    return int(getattr(settings, "YIXIAN_PUBLIC_FAILED_LOOKUPS_PER_HOUR", 10))


# ---------------------------------------------------------------- rate limits
def client_address(request) -> str:
    """The client's address: behind the proxy (BEHIND_PROXY=1) the last X-Forwarded-For entry,
    the one our nginx appended (entries before it come from the client and prove nothing)."""
    if getattr(settings, "YIXIAN_BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def client_key(request, scope: str) -> str:
    """`public:<scope>:<keyed hash of the client address>`; the address itself is not kept."""
    address = client_address(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), f"client:{address}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"public:{scope}:{digest}"


def limited(key: str, limit: int, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return RateLimitHit.objects.filter(key=key, at__gt=now - RATE_WINDOW).count() >= limit


def record_hit(key: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    RateLimitHit.objects.filter(key=key, at__lte=now - RATE_WINDOW).delete()  # this key's old hits
    RateLimitHit.objects.create(key=key, at=now)


def too_many(request):
    minutes = int(RATE_WINDOW.total_seconds() // 60)
    response = render(request, "cases/public/rate_limited.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(RATE_WINDOW.total_seconds()))
    return response


# ---------------------------------------------------------------- what the public may pick
def public_types() -> list:
    return [t for t in registry.case_types if t.public]


def intake_unit() -> OrgUnit | None:
    """Public submissions are received by the top of the org tree (the district)."""
    roots = OrgUnit.get_root_nodes().filter(is_active=True)
    return roots.filter(kind=OrgUnitKind.DISTRICT).first() or roots.first()


def category_choices(types) -> list:
    """Grouped by case type; only the leaves of each tree (the ones a person can mean)."""
    codes = [t.code for t in types]
    categories = list(CaseCategory.objects.filter(is_active=True, case_type__in=codes).select_related("parent"))
    parents = {c.parent_id for c in categories if c.parent_id}
    groups = []
    for case_type in types:
        options = [(str(c.pk), str(c)) for c in categories if c.case_type == case_type.code and c.pk not in parents]
        if options:
            groups.append((str(case_type.name), options))
    return [("", _("请选择")), *groups]


def place_choices() -> list:
    """Streets, each with its communities under it."""
    units = list(OrgUnit.objects.filter(is_active=True, kind__in=[OrgUnitKind.STREET, OrgUnitKind.COMMUNITY]).order_by("path"))
    streets = [u for u in units if u.kind == OrgUnitKind.STREET]
    groups = []
    for street in streets:
        options = [(str(street.pk), _("%(street)s（不确定社区）") % {"street": street.name})]
        options += [(str(u.pk), u.name) for u in units if u.kind == OrgUnitKind.COMMUNITY and u.path.startswith(street.path)]
        groups.append((street.name, options))
    return [("", _("请选择")), *groups]


# ---------------------------------------------------------------- forms
class PublicCaseForm(forms.Form):
    requester_kind = forms.ChoiceField(label=gettext_lazy("您的身份"), widget=forms.RadioSelect)
    case_type = forms.ChoiceField(label=gettext_lazy("诉求类型"), widget=forms.RadioSelect)
    category = forms.ChoiceField(label=gettext_lazy("问题分类"))
    description = forms.CharField(
        label=gettext_lazy("诉求内容"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": gettext_lazy("请写明发生了什么、持续多久、希望如何解决。")}),
    )
    org_unit = forms.ChoiceField(label=gettext_lazy("发生地（街道/社区）"))
    address = forms.CharField(
        label=gettext_lazy("详细地点"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：某某路 12 号小区北门")}),
    )
    requester_org = forms.CharField(label=gettext_lazy("企业名称（企业填写）"), max_length=100, required=False)
    requester_name = forms.CharField(label=gettext_lazy("联系人"), max_length=50)
    requester_phone = forms.CharField(
        label=gettext_lazy("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("仅工作人员可见；查询进度时需要填写后四位。"),
    )
    photos = MultipleFileField(
        label=gettext_lazy("照片（选填）"),
        required=False,
    )
    # The honeypot: hidden from people, filled in by naive bots.
    website = forms.CharField(label=gettext_lazy("请勿填写此项"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = public_types()
        kinds = {k for t in self.types for k in t.requester_kinds}
        self.fields["requester_kind"].choices = [c for c in RequesterKind.choices if c[0] in kinds]
        self.fields["case_type"].choices = [(t.code, t.name) for t in self.types]
        self.fields["category"].choices = category_choices(self.types)
        self.fields["org_unit"].choices = place_choices()
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "form-selectgroup-input"
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif name != HONEYPOT:
                widget.attrs.setdefault("class", "form-control")
        self.fields["photos"].help_text = _(
            "最多 %(n)s 张 JPG、PNG、GIF 或 WEBP 图片，每张不超过 %(each)s MB，合计不超过 %(total)s MB。"
        ) % {
            "n": MAX_PHOTOS,
            "each": PHOTO_MAX_BYTES // (1024 * 1024),
            "total": settings.YIXIAN_MAX_UPLOAD_BYTES // (1024 * 1024),
        }
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png,image/gif,image/webp"
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off", "class": "form-control"})

    def type_rows(self):
        """The case-type radios with each type's description, for the template."""
        descriptions = {t.code: t.description for t in self.types}
        return [(radio, descriptions.get(radio.data["value"], "")) for radio in self["case_type"]]

    def clean_requester_phone(self):
        phone = normalise_mobile(self.cleaned_data["requester_phone"])
        if not phone:
            raise forms.ValidationError(_("请填写有效的 11 位手机号码。"))
        return phone

    def clean_category(self):
        category = CaseCategory.objects.filter(pk=self.cleaned_data["category"], is_active=True).first()
        if category is None:
            raise forms.ValidationError(_("请选择问题分类。"))
        return category

    def clean_org_unit(self):
        unit = OrgUnit.objects.filter(
            pk=self.cleaned_data["org_unit"], is_active=True, kind__in=[OrgUnitKind.STREET, OrgUnitKind.COMMUNITY]
        ).first()
        if unit is None:
            raise forms.ValidationError(_("请选择发生地。"))
        return unit

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        try:
            return services.check_uploads(photos, images_only=True)
        except services.CaseError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        case_type = get_case_type(data.get("case_type") or "")
        category, kind = data.get("category"), data.get("requester_kind")
        if case_type is None:
            return data
        if category is not None and category.case_type != case_type.code:
            self.add_error("category", _("所选分类不属于“%(type)s”，请重新选择。") % {"type": case_type.name})
        if kind and kind not in case_type.requester_kinds:
            allowed = "、".join(str(RequesterKind(k).label) for k in case_type.requester_kinds)
            self.add_error(
                "case_type", _("“%(type)s”由%(kinds)s提交，请选择其他诉求类型。") % {"type": case_type.name, "kinds": allowed}
            )
        if kind == RequesterKind.ENTERPRISE and not (data.get("requester_org") or "").strip():
            self.add_error("requester_org", _("请填写企业名称。"))
        return data


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("查询码"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "autocapitalize": "characters"}),
    )
    last4 = forms.CharField(
        label=gettext_lazy("手机号后四位"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_code(self):
        return normalise_code(self.cleaned_data["code"])

    def clean_last4(self):
        value = self.cleaned_data["last4"].strip()
        if not (len(value) == 4 and value.isdigit()):
            raise forms.ValidationError(_("请填写手机号的后四位数字。"))
        return value


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("您对办理结果是否满意"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    resolved = forms.TypedChoiceField(
        label=gettext_lazy("问题是否已解决"),
        choices=[("1", gettext_lazy("已解决")), ("0", gettext_lazy("未解决"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("意见或建议（选填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("satisfaction", "resolved"):
            self.fields[name].widget.attrs["class"] = "form-selectgroup-input"


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


# ---------------------------------------------------------------- what the public sees
def _unit_name(unit) -> str:
    return (unit.short_name or unit.name) if unit else ""


def progress_of(case: Case) -> dict:
    """Everything the progress page shows, and nothing else (no person, no handler)."""
    case_type = get_case_type(case.case_type)
    steps = []
    for step in case.steps.filter(public=True).select_related("actor_unit", "target_unit"):
        units = [_unit_name(u) for u in (step.actor_unit, step.target_unit) if u is not None]
        steps.append(
            {
                "action": step.get_action_display(),
                "state": CaseState(step.to_state).label if step.to_state else "",
                "at": step.at,
                "units": " → ".join(dict.fromkeys(units)),
            }
        )
    replied = case.state in (CaseState.REPLIED, CaseState.FOLLOWED_UP, CaseState.CLOSED) and bool(case.reply)
    return {
        "tracking_code": case.tracking_code,
        "number": case.number,
        "case_type": case_type.name if case_type else case.case_type,
        "category": str(case.category) if case.category_id else "",
        "place": case.org_unit.name if case.org_unit_id else "",
        "state": case.state,
        "state_label": case.get_state_display(),
        "received_at": case.received_at,
        "unit": _unit_name(case.responsible_unit or case.handling_unit),
        "replied_at": case.replied_at if replied else None,
        "reply": case.reply if replied else "",
        "satisfaction": case.get_satisfaction_display() if case.satisfaction else "",
        "resolved": case.resolved,
        "can_rate": case.state == CaseState.REPLIED,
        "steps": steps,
    }


def _remember(request, case: Case) -> None:
    allowed = [pk for pk in request.session.get(SESSION_CASES, []) if pk != case.pk]
    request.session[SESSION_CASES] = [*allowed, case.pk][-20:]


def _allowed_case(request, code: str) -> Case | None:
    case = (
        Case.objects.select_related("category__parent", "org_unit", "handling_unit", "responsible_unit")
        .filter(tracking_code=normalise_code(code))
        .first()
    )
    if case is None or case.pk not in request.session.get(SESSION_CASES, []):
        return None
    return case


# ---------------------------------------------------------------- the views
@require_http_methods(["GET", "POST"])
def submit(request):
    unit = intake_unit()
    if unit is None:
        return render(request, "cases/public/unavailable.html", status=503)
    if request.method != "POST":
        return _submit_page(request, PublicCaseForm())
    key = client_key(request, "submit")
    if limited(key, submit_limit()):
        return too_many(request)
    if upload_too_large(request):
        limit = settings.YIXIAN_MAX_UPLOAD_BYTES // (1024 * 1024)
        error = _("上传的照片合计超过 %(mb)s MB，未提交，请减少照片后重试。") % {"mb": limit}
        return _submit_page(request, PublicCaseForm(), status=413, error=error)
    if request.POST.get(HONEYPOT):
        # A bot filled in the hidden field: count it, write nothing, say little.
        record_hit(key)
        return _submit_page(request, PublicCaseForm(), status=400, error=_("提交未成功，请稍后重试。"))
    form = PublicCaseForm(request.POST, request.FILES)
    if not form.is_valid():
        return _submit_page(request, form, status=422)
    data = form.cleaned_data
    category = data["category"]
    first_line = data["description"].strip().splitlines()[0]
    try:
        case = services.receive_case(
            case_type=data["case_type"],
            title=f"{category.name}：{first_line}"[:100],
            description=data["description"],
            intake_unit=unit,
            category=category,
            channel=Channel.PUBLIC,
            requester_kind=data["requester_kind"],
            requester_name=data["requester_name"],
            requester_phone=data["requester_phone"],
            requester_org=data["requester_org"] if data["requester_kind"] == RequesterKind.ENTERPRISE else "",
            org_unit=data["org_unit"],
            address=data["address"],
            files=data["photos"],
            now=clock(),
        )
    except services.CaseError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _submit_page(request, form, status=exc.status)
    record_hit(key)
    _remember(request, case)
    request.session[SESSION_SUBMITTED] = case.pk
    return redirect(reverse("cases:public_done"))


def _submit_page(request, form, status=200, error=""):
    ctx = {"form": form, "honeypot": form[HONEYPOT], "nav": "submit", "error": error}
    return render(request, "cases/public/submit.html", ctx, status=status)


@require_http_methods(["GET"])
def done(request):
    case = Case.objects.filter(pk=request.session.get(SESSION_SUBMITTED)).first()
    if case is None or case.pk not in request.session.get(SESSION_CASES, []):
        return redirect(reverse("cases:public_submit"))
    return render(request, "cases/public/done.html", {"progress": progress_of(case), "nav": "submit"})


@require_http_methods(["GET", "POST"])
def track(request):
    if request.method != "POST":
        return render(
            request,
            "cases/public/track.html",
            {"form": LookupForm(initial={"code": request.GET.get("code", "")}), "nav": "track"},
        )
    key = client_key(request, "lookup")
    if limited(key, lookup_limit()):
        return too_many(request)
    form = LookupForm(request.POST)
    if form.is_valid():
        case = Case.objects.filter(tracking_code=form.cleaned_data["code"]).only("pk", "requester_phone").first()
        last4 = case.phone_last4 if case is not None else ""
        if len(last4) == 4 and hmac.compare_digest(last4, form.cleaned_data["last4"]):
            _remember(request, case)
            return redirect(reverse("cases:public_progress", args=[form.cleaned_data["code"]]))
    # One message for a wrong code, wrong digits or a malformed entry: nothing tells which.
    record_hit(key)
    form = LookupForm(initial={"code": request.POST.get("code", "")})
    error = _("查询码或手机号后四位不正确，请核对后重试。")
    return render(request, "cases/public/track.html", {"form": form, "error": error, "nav": "track"}, status=404)


@require_http_methods(["GET"])
def progress(request, code: str):
    case = _allowed_case(request, code)
    if case is None:
        return redirect(f"{reverse('cases:public_track')}?code={normalise_code(code)}")
    return _progress_page(request, case, RatingForm())


def _progress_page(request, case, form, error="", status=200):
    ctx = {"progress": progress_of(case), "form": form, "error": error, "nav": "track"}
    return render(request, "cases/public/progress.html", ctx, status=status)


@require_POST
def rate(request, code: str):
    case = _allowed_case(request, code)
    if case is None:
        return redirect(f"{reverse('cases:public_track')}?code={normalise_code(code)}")
    if case.state != CaseState.REPLIED:
        return _progress_page(request, case, RatingForm(), error=_("该诉求当前不在待评价状态，无需评价。"), status=409)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _progress_page(request, case, form, error=_("请选择满意度和问题是否解决。"), status=422)
    data = form.cleaned_data
    try:
        services.act(
            case,
            "follow_up",
            system=True,
            actor=None,
            actor_name=REQUESTER,
            satisfaction=data["satisfaction"],
            resolved=data["resolved"],
            note=data["note"],
            now=clock(),
        )
    except services.CaseError as exc:
        case.refresh_from_db()
        return _progress_page(request, case, form, error=exc.message, status=exc.status)
    case.refresh_from_db()
    if case.state == CaseState.CLOSED:
        messages.success(request, _("感谢您的评价，诉求已办结。"))
    else:
        messages.info(request, _("感谢您的评价，我们已安排重新办理，请留意办理进度。"))
    return redirect(reverse("cases:public_progress", args=[case.tracking_code]))
