"""The case service: the only code that changes a case's state (DOMAIN_RULES §5).

Every step locks the case row, checks the version the actor saw, the state, the actor's
permission and data scope, then applies the step, recomputes the deadlines, appends the step
to the timeline and notifies the units concerned — all in one transaction, or nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yixian.core.calendar.services import UnknownYearError, working_days_between, working_deadline
from yixian.framework import context
from yixian.framework.scope import get_scope
from yixian.framework.validators import normalise_mobile

from .models import (
    HANDLING_STATES,
    Case,
    CaseAttachment,
    CaseCategory,
    CaseState,
    CaseStep,
    Channel,
    FollowUp,
    Notification,
    Priority,
    Satisfaction,
    StepAction,
)
from .types import SlaPolicy, get_case_type, policy_for

S = CaseState
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class CaseError(Exception):
    """A step refused; `message` is shown to the user as it stands (Chinese first)."""

    def __init__(self, message, status: int = 400, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.field = field


def _context(actor, source: str):
    """Log as the request's user inside a request; outside one (tasks, commands) as `actor`."""
    if context.current_user() is not None:
        return contextlib.nullcontext()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return context.acting(user=user, request_id=context.current_request_id(), source=source)


def _calendar(fn: Callable, *args):
    try:
        return fn(*args)
    except UnknownYearError as exc:
        raise CaseError(str(exc), 400) from exc


# ---------------------------------------------------------------- deadlines
def sign_deadline(case: Case, now: dt.datetime, policy: SlaPolicy) -> dt.datetime:
    if case.priority == Priority.URGENT:
        return now + dt.timedelta(hours=policy.urgent_sign_hours)
    return _calendar(working_deadline, now, policy.sign_days)


def handle_deadline(case: Case, now: dt.datetime, policy: SlaPolicy) -> dt.datetime:
    if case.priority == Priority.URGENT:
        return now + dt.timedelta(hours=policy.urgent_handle_hours)
    return _calendar(working_deadline, now, policy.handle_days)


def refresh_current_due(case: Case) -> None:
    case.current_due = {
        S.DISPATCHED: case.sign_due,
        S.SIGNED: case.handle_due,
        S.IN_PROGRESS: case.handle_due,
        S.REPLIED: case.followup_due,
    }.get(case.state)


# ---------------------------------------------------------------- the step context
@dataclass
class Step:
    case: Case
    actor: object
    now: dt.datetime
    policy: SlaPolicy
    note: str = ""
    params: dict = field(default_factory=dict)
    actor_unit: object = None
    target_unit: object = None
    data: dict = field(default_factory=dict)
    public: bool = True
    notices: list = field(default_factory=list)
    extra_steps: list = field(default_factory=list)  # (action, from, to, note) appended after this one

    def notify(self, unit, kind: str, message: str) -> None:
        if unit is not None:
            self.notices.append((unit, kind, message))

    def require_note(self, label: str) -> str:
        if not self.note.strip():
            raise CaseError(_("请填写%(label)s。") % {"label": label}, 400, "note")
        return self.note.strip()


@dataclass(frozen=True)
class Rule:
    action: str
    label: object
    states: tuple
    perm: str | None  # codename in the cases app; None = engine-internal only
    unit: str  # the case field whose unit must lie in the actor's scope
    apply: Callable


RULES: dict[str, Rule] = {}


def rule(action: str, label, states, perm, unit: str):
    def wrap(fn):
        RULES[action] = Rule(action, label, tuple(states), perm, unit, fn)
        return fn

    return wrap


def _is_descendant(unit, ancestor) -> bool:
    return unit.path.startswith(ancestor.path) and unit.pk != ancestor.pk


def _unit_name(unit) -> str:
    return unit.short_name or unit.name if unit else ""


# ---------------------------------------------------------------- the steps
@rule("dispatch", gettext_lazy("派单"), (S.RECEIVED, S.SIGNED, S.IN_PROGRESS), "dispatch_case", "handling_unit")
def _dispatch(step: Step) -> str:
    case, target = step.case, step.params.get("target_unit")
    if target is None:
        raise CaseError(_("请选择承办单位。"), 400, "target_unit")
    holder = case.handling_unit
    from_center = case.state == S.RECEIVED
    if target.pk == holder.pk:
        raise CaseError(_("不能派给本单位。"), 400, "target_unit")
    if not _is_descendant(target, holder) and not (from_center and get_scope(step.actor).everything):
        raise CaseError(_("只能派给本单位的下级单位；其他单位的事项请退回派单单位。"), 400, "target_unit")
    if not target.is_active:
        raise CaseError(_("所选单位已停用。"), 400, "target_unit")
    case.dispatcher_unit = holder
    case.handling_unit = target
    case.handler = None
    case.dispatched_at = case.dispatched_at if not from_center and case.dispatched_at else step.now
    case.sign_due = sign_deadline(case, step.now, step.policy)
    case.return_due = _calendar(working_deadline, step.now, step.policy.return_days)
    if from_center:
        case.responsible_unit = target
        case.handle_due = handle_deadline(case, step.now, step.policy)
    step.actor_unit, step.target_unit = holder, target
    step.data = {"sign_due": case.sign_due.isoformat(), "handle_due": case.handle_due.isoformat()}
    step.notify(target, StepAction.DISPATCH, _("新工单待签收：%(title)s") % {"title": case.title})
    return S.DISPATCHED


@rule("sign", gettext_lazy("签收"), (S.DISPATCHED,), "handle_case", "handling_unit")
def _sign(step: Step) -> str:
    case = step.case
    case.signed_at = step.now
    case.handler = step.actor
    if case.signed_on_time is None:  # the first sign of a round counts for the KPI
        case.signed_on_time = step.now <= case.sign_due
    step.actor_unit = case.handling_unit
    return S.SIGNED


@rule("progress", gettext_lazy("办理"), HANDLING_STATES, "handle_case", "handling_unit")
def _progress(step: Step) -> str:
    step.require_note(_("办理情况"))
    step.actor_unit = step.case.handling_unit
    return S.IN_PROGRESS


@rule("return", gettext_lazy("退单"), (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS), "handle_case", "handling_unit")
def _return(step: Step) -> str:
    case = step.case
    reason = step.require_note(_("退单理由"))
    if case.dispatcher_unit is None:
        raise CaseError(_("该工单没有派单单位，不能退单。"), 409)
    if case.return_due and step.now > case.return_due:
        raise CaseError(
            _("已超过退单时限（%(due)s），不能退单，请申请延期或办理。") % {"due": _fmt(case.return_due)}, 409
        )
    if case.returns_count >= step.policy.max_returns:
        raise CaseError(_("退单次数已达上限（%(n)s 次）。") % {"n": step.policy.max_returns}, 409)
    from_unit = case.handling_unit
    back_to = case.dispatcher_unit
    case.returns_count += 1
    case.extension_pending_days = None  # a request to the unit that no longer holds the case lapses
    case.extension_pending_reason = ""
    case.handling_unit = back_to
    case.handler = None
    step.actor_unit, step.target_unit = from_unit, back_to
    step.notify(back_to, StepAction.RETURN, _("工单被退回：%(title)s（%(reason)s）") % {"title": case.title, "reason": reason})
    if back_to.pk == case.intake_unit_id:
        case.dispatcher_unit = None
        case.responsible_unit = None
        case.signed_on_time = None
        case.sign_due = case.return_due = case.handle_due = None
        return S.RECEIVED
    # returned from a sub-unit: the parent unit, which had signed it, holds it again
    previous = (
        CaseStep.objects.filter(case=case, action__in=["dispatch", "reassign"], target_unit=back_to)
        .order_by("-at", "-id")
        .values_list("actor_unit_id", flat=True)
        .first()
    )
    case.dispatcher_unit_id = previous or case.intake_unit_id
    return S.IN_PROGRESS


@rule("reassign", gettext_lazy("改派"), (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS), "dispatch_case", "dispatcher_unit")
def _reassign(step: Step) -> str:
    case, target = step.case, step.params.get("target_unit")
    step.require_note(_("改派理由"))
    if target is None:
        raise CaseError(_("请选择承办单位。"), 400, "target_unit")
    if target.pk == case.handling_unit_id:
        raise CaseError(_("改派的单位与当前承办单位相同。"), 400, "target_unit")
    dispatcher = case.dispatcher_unit
    if not (_is_descendant(target, dispatcher) or get_scope(step.actor).everything):
        raise CaseError(_("只能改派给本单位的下级单位。"), 400, "target_unit")
    old = case.handling_unit
    case.handling_unit = target
    case.handler = None
    case.sign_due = sign_deadline(case, step.now, step.policy)
    case.return_due = _calendar(working_deadline, step.now, step.policy.return_days)
    if dispatcher.pk == case.intake_unit_id:  # a new responsible unit: a new clock
        case.responsible_unit = target
        case.dispatched_at = step.now
        case.handle_due = handle_deadline(case, step.now, step.policy)
        case.signed_on_time = None
    step.actor_unit, step.target_unit = dispatcher, target
    step.data = {"from_unit": old.pk}
    step.notify(target, StepAction.REASSIGN, _("改派工单待签收：%(title)s") % {"title": case.title})
    step.notify(old, StepAction.REASSIGN, _("工单已改派他单位：%(title)s") % {"title": case.title})
    return S.DISPATCHED


@rule("request_extension", gettext_lazy("申请延期"), HANDLING_STATES, "handle_case", "handling_unit")
def _request_extension(step: Step) -> str:
    case, policy = step.case, step.policy
    reason = step.require_note(_("延期理由"))
    days = step.params.get("days")
    if case.extension_pending_days:
        raise CaseError(_("已有一项延期申请待审批。"), 409)
    if case.extensions_count >= policy.max_extensions:
        raise CaseError(_("延期次数已达上限（%(n)s 次）。") % {"n": policy.max_extensions}, 409)
    if not isinstance(days, int) or days < 1 or days > policy.max_extension_days:
        raise CaseError(
            _("延期天数须为 1 至 %(n)s 个工作日。") % {"n": policy.max_extension_days}, 400, "days"
        )
    if case.handle_due and step.now > case.handle_due:
        raise CaseError(_("工单已超期，不能再申请延期。"), 409)
    case.extension_pending_days = days
    case.extension_pending_reason = reason[:500]
    step.actor_unit = case.handling_unit
    step.data = {"days": days}
    step.public = False
    step.notify(case.intake_unit, StepAction.REQUEST_EXTENSION, _("延期申请待审批：%(title)s") % {"title": case.title})
    return case.state


@rule("decide_extension", gettext_lazy("审批延期"), HANDLING_STATES, "dispatch_case", "intake_unit")
def _decide_extension(step: Step) -> str:
    case = step.case
    if not case.extension_pending_days:
        raise CaseError(_("没有待审批的延期申请。"), 409)
    approve = bool(step.params.get("approve"))
    days = case.extension_pending_days
    if approve:
        base = timezone.localtime(case.handle_due).date() if case.handle_due else timezone.localdate(step.now)
        from yixian.core.calendar.services import add_working_days

        new_day = _calendar(add_working_days, base, days)
        case.handle_due = timezone.make_aware(dt.datetime.combine(new_day, dt.time.max))
        case.extensions_count += 1
        step.data = {"approved": True, "days": days, "handle_due": case.handle_due.isoformat()}
        message = _("延期已批准，新办理期限 %(due)s：%(title)s") % {"due": _fmt(case.handle_due), "title": case.title}
    else:
        step.require_note(_("不予批准的理由"))
        step.data = {"approved": False, "days": days}
        message = _("延期未获批准：%(title)s") % {"title": case.title}
    case.extension_pending_days = None
    case.extension_pending_reason = ""
    step.actor_unit = case.intake_unit
    step.public = approve
    step.notify(case.handling_unit, StepAction.DECIDE_EXTENSION, message)
    return case.state


@rule("remind", gettext_lazy("催办"), (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS), "supervise_case", "handling_unit")
def _remind(step: Step) -> str:
    case = step.case
    case.reminders_count += 1
    step.public = False
    step.target_unit = case.handling_unit
    step.notify(case.handling_unit, StepAction.REMIND, _("催办：%(title)s") % {"title": case.title})
    return case.state


@rule("supervise", gettext_lazy("督办"), (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS), "supervise_case", "handling_unit")
def _supervise(step: Step) -> str:
    case = step.case
    if case.is_supervised:
        raise CaseError(_("该工单已在督办中。"), 409)
    case.is_supervised = True
    case.supervised_at = step.now
    step.public = False
    step.target_unit = case.handling_unit
    for unit in {case.handling_unit, case.responsible_unit} - {None}:
        step.notify(unit, StepAction.SUPERVISE, _("督办：%(title)s") % {"title": case.title})
    return case.state


@rule("reply", gettext_lazy("答复"), HANDLING_STATES, "handle_case", "handling_unit")
def _reply(step: Step) -> str:
    case = step.case
    case.reply = step.require_note(_("答复内容"))
    case.replied_at = step.now
    case.replied_on_time = bool(case.handle_due) and step.now <= case.handle_due
    case.handling_workdays = _calendar(working_days_between, case.round_started_at, step.now)
    case.followup_due = _calendar(working_deadline, step.now, step.policy.followup_days)
    case.extension_pending_days = None
    step.actor_unit = case.handling_unit
    step.notify(case.intake_unit, StepAction.REPLY, _("工单已答复，待回访：%(title)s") % {"title": case.title})
    return S.REPLIED


@rule("follow_up", gettext_lazy("回访"), (S.REPLIED,), "dispatch_case", "intake_unit")
def _follow_up(step: Step) -> str:
    case = step.case
    satisfaction = step.params.get("satisfaction")
    resolved = step.params.get("resolved")
    if satisfaction not in Satisfaction.values:
        raise CaseError(_("请选择满意度。"), 400, "satisfaction")
    if resolved not in (True, False):
        raise CaseError(_("请选择问题是否解决。"), 400, "resolved")
    case.satisfaction = satisfaction
    case.resolved = resolved
    case.followup_note = step.note
    case.followed_up_at = step.now
    FollowUp.objects.create(
        case=case,
        at=step.now,
        responsible_unit=case.responsible_unit,
        satisfaction=satisfaction,
        resolved=resolved,
        by_requester=step.actor is None,
    )
    step.actor_unit = case.intake_unit if step.actor else None
    step.data = {"satisfaction": satisfaction, "resolved": resolved}
    if satisfaction == Satisfaction.UNSATISFIED or not resolved:
        step.extra_steps.append(("reopen", _("诉求人不满意或问题未解决，重新办理。")))
    else:
        step.extra_steps.append(("close", _("回访满意，办结。")))
    return S.FOLLOWED_UP


@rule("close", gettext_lazy("办结"), (S.REPLIED, S.FOLLOWED_UP), "dispatch_case", "intake_unit")
def _close(step: Step) -> str:
    case = step.case
    if case.state == S.REPLIED:
        step.require_note(_("未回访即办结的原因（如多次联系不上诉求人）"))
    case.closed_at = step.now
    step.actor_unit = case.intake_unit if step.actor else None
    return S.CLOSED


@rule("reopen", gettext_lazy("重办"), (S.REPLIED, S.FOLLOWED_UP, S.CLOSED), "dispatch_case", "intake_unit")
def _reopen(step: Step) -> str:
    case = step.case
    step.require_note(_("重办理由"))
    unit = case.responsible_unit
    if unit is None:
        raise CaseError(_("该工单没有责任单位，不能重办。"), 409)
    case.reopen_count += 1
    case.round_started_at = step.now
    case.dispatcher_unit = case.intake_unit
    case.handling_unit = unit
    case.handler = None
    case.dispatched_at = step.now
    case.sign_due = sign_deadline(case, step.now, step.policy)
    case.return_due = _calendar(working_deadline, step.now, step.policy.return_days)
    case.handle_due = handle_deadline(case, step.now, step.policy)
    case.signed_at = case.replied_at = case.closed_at = None
    case.followup_due = None
    case.signed_on_time = case.replied_on_time = None
    case.handling_workdays = None
    case.extensions_count = 0
    case.returns_count = 0
    case.due_soon_noticed_at = case.overdue_noticed_at = None
    step.actor_unit = case.intake_unit if step.actor else None
    step.target_unit = unit
    step.data = {"round": case.reopen_count + 1, "handle_due": case.handle_due.isoformat()}
    step.notify(unit, StepAction.REOPEN, _("工单重办（新的办理时限）：%(title)s") % {"title": case.title})
    return S.DISPATCHED


@rule("merge", gettext_lazy("合并"), (S.RECEIVED, S.DISPATCHED), "dispatch_case", "intake_unit")
def _merge(step: Step) -> str:
    case, into = step.case, step.params.get("into")
    if into is None or into.pk == case.pk:
        raise CaseError(_("请选择要合并到的工单。"), 400, "into")
    if not get_scope(step.actor).contains(into):
        raise CaseError(_("所选工单不在您的数据范围内。"), 403, "into")
    if into.state == S.CLOSED:
        raise CaseError(_("不能合并到已办结的工单。"), 409, "into")
    case.duplicate_of = into
    case.extension_pending_days = None
    case.extension_pending_reason = ""
    case.closed_at = step.now
    case.is_repeat = True
    step.target_unit = into.handling_unit
    step.data = {"into": into.pk, "into_number": into.number}
    step.note = step.note or _("与工单 %(n)s 为同一诉求，合并办理。") % {"n": into.number}
    return S.CLOSED


# ---------------------------------------------------------------- engine-internal steps (SLA watch)
@rule("due_soon", gettext_lazy("临期提醒"), (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REPLIED), None, "handling_unit")
def _due_soon(step: Step) -> str:
    case = step.case
    case.due_soon_noticed_at = step.now
    step.public = False
    step.data = {"due": case.current_due.isoformat() if case.current_due else None}
    unit = case.intake_unit if case.state == S.REPLIED else case.handling_unit
    step.notify(unit, StepAction.DUE_SOON, _("即将到期（%(due)s）：%(title)s") % {"due": _fmt(case.current_due), "title": case.title})
    return case.state


@rule("overdue", gettext_lazy("超期"), (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REPLIED), None, "handling_unit")
def _overdue(step: Step) -> str:
    case = step.case
    case.overdue_noticed_at = step.now
    step.public = False
    step.data = {"due": case.current_due.isoformat() if case.current_due else None}
    if case.state == S.REPLIED:
        step.notify(case.intake_unit, StepAction.OVERDUE, _("回访已超期：%(title)s") % {"title": case.title})
        return case.state
    if not case.is_supervised:
        case.is_supervised = True
        case.supervised_at = step.now
        step.data["supervised"] = True
    for unit in {case.handling_unit, case.responsible_unit, case.intake_unit} - {None}:
        step.notify(unit, StepAction.OVERDUE, _("已超期，转督办：%(title)s") % {"title": case.title})
    return case.state


def _fmt(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.time() >= dt.time(23, 59):
        return f"{local:%Y-%m-%d}"
    return f"{local:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- the entry points
def _perm_for(rule_: Rule, case: Case) -> str:
    # a handling unit passes a case down to its own sub-units as part of handling it
    if rule_.action == "dispatch" and case.state in HANDLING_STATES:
        return "handle_case"
    return rule_.perm


def allowed_actions(case: Case, user) -> list[Rule]:
    """The steps `user` may take on `case` now (for buttons; `act` checks again)."""
    scope = get_scope(user)
    result = []
    for r in RULES.values():
        if r.perm is None or case.state not in r.states:
            continue
        if not user.has_perm(f"cases.{_perm_for(r, case)}"):
            continue
        unit = getattr(case, r.unit, None)
        if unit is None or not scope.contains_unit(unit):
            continue
        if r.action == "decide_extension" and not case.extension_pending_days:
            continue
        if r.action == "request_extension" and case.extension_pending_days:
            continue
        if r.action == "supervise" and case.is_supervised:
            continue
        result.append(r)
    return result


def act(
    case: Case | int,
    action: str,
    *,
    actor=None,
    expected_version: int | None = None,
    note: str = "",
    files: Iterable = (),
    now: dt.datetime | None = None,
    system: bool = False,
    actor_name: str = "",
    **params,
) -> Case:
    """Take one step on a case. Raises CaseError (nothing written) when it may not be taken."""
    rule_ = RULES.get(action)
    if rule_ is None:
        raise CaseError(_("未知的操作：%(a)s") % {"a": action}, 400)
    if rule_.perm is None and not system:
        raise CaseError(_("该操作只能由系统执行。"), 403)
    now = now or timezone.now()
    pk = case.pk if isinstance(case, Case) else case
    with transaction.atomic(), _context(actor, "system"):
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("handling_unit", "intake_unit", "dispatcher_unit", "responsible_unit")
            .filter(pk=pk)
            .first()
        )
        if locked is None:
            raise CaseError(_("工单不存在。"), 404)
        if expected_version is not None and locked.version != expected_version:
            raise CaseError(
                _("该工单已被他人处理（现为“%(state)s”），请刷新后重试。") % {"state": locked.get_state_display()}, 409
            )
        if locked.state not in rule_.states:
            raise CaseError(
                _("工单当前状态为“%(state)s”，不能%(action)s。")
                % {"state": locked.get_state_display(), "action": rule_.label},
                409,
            )
        if not system:
            _check_actor(locked, rule_, actor)
        step = _apply(locked, rule_, actor=actor, now=now, note=note, params=params, actor_name=actor_name, files=files)
        for extra_action, extra_note in step.extra_steps:
            _apply(locked, RULES[extra_action], actor=None, now=now, note=str(extra_note), params={}, actor_name=_("系统"))
    return locked


def _check_actor(case: Case, rule_: Rule, actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise CaseError(_("请先登录。"), 403)
    if not actor.has_perm(f"cases.{_perm_for(rule_, case)}"):
        raise CaseError(_("您没有“%(action)s”的权限。") % {"action": rule_.label}, 403)
    unit = getattr(case, rule_.unit, None)
    if unit is None or not get_scope(actor).contains_unit(unit):
        raise CaseError(_("该工单的%(action)s不归您的单位办理。") % {"action": rule_.label}, 403)


def _apply(case: Case, rule_: Rule, *, actor, now, note, params, actor_name="", files=()) -> Step:
    step = Step(case=case, actor=actor, now=now, policy=policy_for(case.case_type), note=note or "", params=params)
    from_state, from_due = case.state, case.current_due
    case.state = rule_.apply(step)
    refresh_current_due(case)
    if case.current_due != from_due:  # a new deadline: the SLA watch notices it afresh
        case.due_soon_noticed_at = case.overdue_noticed_at = None
    case.version += 1
    case.save()
    record = CaseStep.objects.create(
        case=case,
        action=rule_.action,
        from_state=from_state,
        to_state=case.state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name or (str(actor) if getattr(actor, "is_authenticated", False) else _("系统")),
        actor_unit=step.actor_unit,
        target_unit=step.target_unit,
        at=now,
        note=step.note,
        data=step.data,
        public=step.public,
    )
    save_attachments(case, files, step=record)
    if step.notices:
        Notification.objects.bulk_create(
            [Notification(unit=unit, case=case, kind=kind, message=str(msg)[:300], created_at=now) for unit, kind, msg in step.notices]
        )
    return step


# ---------------------------------------------------------------- receiving a case
def requester_key(phone: str | None) -> str:
    """A keyed hash of the normalised phone: finds repeats without exposing the number."""
    number = normalise_mobile(phone or "") if phone else None
    if not number:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"requester:{number}".encode(), hashlib.sha256).hexdigest()[:40]


def new_tracking_code() -> str:
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
        if not Case.objects.filter(tracking_code=code).exists():
            return code


def receive_case(
    *,
    case_type: str,
    title: str,
    description: str,
    intake_unit,
    actor=None,
    category: CaseCategory | None = None,
    priority: str = Priority.NORMAL,
    channel: str = Channel.WINDOW,
    requester_kind: str = "resident",
    requester_name: str = "",
    requester_phone: str = "",
    requester_org: str = "",
    org_unit=None,
    address: str = "",
    source=None,
    files: Iterable = (),
    dispatch_to=None,
    watch_unit=None,
    now: dt.datetime | None = None,
    actor_name: str = "",
) -> Case:
    """受理: record a new case (and, for a module's own cases, dispatch it at once).

    `actor` None means the public or a module acting as the system; permission checks for
    staff intake are the caller's (views check `cases.add_case` and scope). `watch_unit`: the
    unit that raised the case on a module's record and follows it (it may read the case).
    """
    kind = get_case_type(case_type)
    if kind is None:
        raise CaseError(_("未知的工单类型：%(t)s") % {"t": case_type}, 400, "case_type")
    if category is not None and category.case_type != case_type:
        raise CaseError(_("所选分类不属于该工单类型。"), 400, "category")
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise CaseError(_("请填写标题。"), 400, "title")
    if not description:
        raise CaseError(_("请填写诉求内容。"), 400, "description")
    phone = ""
    if requester_phone:
        phone = normalise_mobile(requester_phone) or ""
        if not phone:
            raise CaseError(_("联系电话不是有效的手机号码。"), 400, "requester_phone")
    now = now or timezone.now()
    policy = kind.policy()
    from .similar import keywords_for

    with transaction.atomic(), _context(actor, "public"):
        key = requester_key(phone)
        case = Case(
            tracking_code=new_tracking_code(),
            case_type=case_type,
            category=category,
            title=title[:100],
            description=description,
            priority=priority,
            channel=channel,
            requester_kind=requester_kind,
            requester_name=requester_name.strip()[:50],
            requester_phone=phone,
            requester_org=requester_org.strip()[:100],
            requester_key=key,
            org_unit=org_unit,
            address=address.strip()[:200],
            intake_unit=intake_unit,
            handling_unit=intake_unit,
            watch_unit=watch_unit,
            received_at=now,
            round_started_at=now,
            keywords=keywords_for(f"{title} {description}"),
        )
        if source is not None:
            case.source_type = ContentType.objects.get_for_model(type(source))
            case.source_id = str(source.pk)
        if key:
            since = now - dt.timedelta(days=policy.repeat_window_days)
            prior = Case.objects.filter(requester_key=key, received_at__gte=since, received_at__lte=now)
            prior = prior.filter(category=category) if category else prior.filter(case_type=case_type)
            case.is_repeat = prior.exists()
        case.save()
        case.number = f"YX{timezone.localtime(now):%Y%m%d}{case.pk:06d}"
        Case.objects.filter(pk=case.pk).update(number=case.number)
        step = CaseStep.objects.create(
            case=case,
            action=StepAction.RECEIVE,
            from_state="",
            to_state=S.RECEIVED,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_name=actor_name or (str(actor) if getattr(actor, "is_authenticated", False) else _("诉求人")),
            actor_unit=intake_unit,
            at=now,
            note=_("受理渠道：%(c)s") % {"c": Channel(channel).label},
        )
        save_attachments(case, files, step=step)
        if dispatch_to is not None:
            _apply(case, RULES["dispatch"], actor=actor, now=now, note="", params={"target_unit": dispatch_to}, actor_name=actor_name)
        else:
            Notification.objects.create(
                unit=intake_unit, case=case, kind=StepAction.RECEIVE, message=_("新工单待派单：%(t)s") % {"t": case.title}, created_at=now
            )
    return case


# ---------------------------------------------------------------- attachments
IMAGE_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"GIF87a": "image/gif", b"GIF89a": "image/gif"}
DOCUMENT_SIGNATURES = {b"%PDF-": "application/pdf", b"PK\x03\x04": "application/zip"}
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 6


def sniff(upload, *, images_only: bool) -> str:
    """The content type read from the file's first bytes; refuses what is not allowed."""
    head = upload.read(16)
    upload.seek(0)
    signatures = dict(IMAGE_SIGNATURES)
    if not images_only:
        signatures.update(DOCUMENT_SIGNATURES)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, content_type in signatures.items():
        if head.startswith(magic):
            return content_type
    allowed = _("JPG、PNG、GIF、WEBP 图片") if images_only else _("图片、PDF 或 Office 文档")
    raise CaseError(_("文件“%(name)s”不是允许的类型，只能上传%(allowed)s。") % {"name": upload.name, "allowed": allowed}, 400, "files")


def check_uploads(files: Iterable, *, images_only: bool = False) -> list:
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise CaseError(_("一次最多上传 %(n)s 个文件。") % {"n": MAX_ATTACHMENTS}, 400, "files")
    for upload in files:
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise CaseError(
                _("文件“%(name)s”超过 %(mb)s MB。") % {"name": upload.name, "mb": MAX_ATTACHMENT_BYTES // 1024 // 1024}, 400, "files"
            )
        upload.content_type_sniffed = sniff(upload, images_only=images_only)
    return files


def save_attachments(case: Case, files: Iterable, *, step: CaseStep | None = None) -> list[CaseAttachment]:
    saved = []
    for upload in check_uploads(files):
        attachment = CaseAttachment(
            case=case,
            step=step,
            name=upload.name[:200],
            content_type=upload.content_type_sniffed,
            size=upload.size,
            public=step.public if step else True,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


# ---------------------------------------------------------------- categories
def sync_categories() -> int:
    """Create the categories every registered case type declares; existing ones are left as
    an administrator edited them. Returns how many were created."""
    from yixian.core.orgs.models import OrgUnit
    from yixian.framework.registry import registry

    created = 0
    existing = set(CaseCategory.objects.values_list("code", flat=True))
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    for case_type in registry.case_types:
        for order, (code, name, parent, unit) in enumerate(case_type.categories, start=1):
            if code in existing:
                continue
            CaseCategory.objects.create(
                case_type=case_type.code,
                code=code,
                name=name,
                parent=CaseCategory.objects.filter(code=parent).first() if parent else None,
                default_unit_id=units.get(unit) if unit else None,
                order=order * 10,
            )
            existing.add(code)
            created += 1
    return created
