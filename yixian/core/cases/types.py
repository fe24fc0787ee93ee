"""Case types: declared by modules in their `case_types.py`, registered in the registry.

A case type names its category tree, the unit a category goes to by default, its default
priority, whether the public may submit it, and its SLA policy (DOMAIN_RULES §5). Deployments
override SLA defaults without code through the `YIXIAN_CASE_SLA` setting:
``{"default": {"handle_days": 7}, "enterprise_demand": {"sign_days": 1}}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from django.conf import settings

from yixian.framework.registry import registry


@dataclass(frozen=True)
class SlaPolicy:
    sign_days: int = 1  # sign for within N working days of dispatch
    urgent_sign_hours: int = 2  # urgent: within N natural hours
    return_days: int = 2  # return (退单) only within N working days of dispatch
    max_returns: int = 2  # a case may be returned at most N times per round
    handle_days: int = 5  # reply within N working days of dispatch
    urgent_handle_hours: int = 24
    max_extensions: int = 1
    max_extension_days: int = 10
    followup_days: int = 1  # follow up within N working days of the reply
    due_soon_hours: int = 24  # "due soon" when the current deadline is this close
    satisfied_only: bool = False  # satisfaction rate counts only "satisfied" when True
    repeat_window_days: int = 30


@dataclass(frozen=True)
class CaseType:
    code: str
    name: str
    module: str
    # (code, name, parent code or "", default unit code or "")
    categories: tuple[tuple[str, str, str, str], ...] = ()
    default_priority: str = "normal"
    public: bool = False  # offered on the public intake page
    requester_kinds: tuple[str, ...] = ("resident",)
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    description: str = ""

    def policy(self) -> SlaPolicy:
        overrides = getattr(settings, "YIXIAN_CASE_SLA", {}) or {}
        known = {f.name for f in fields(SlaPolicy)}
        merged = {**overrides.get("default", {}), **overrides.get(self.code, {})}
        return replace(self.sla, **{k: v for k, v in merged.items() if k in known})


def register_case_type(case_type: CaseType) -> CaseType:
    if all(t.code != case_type.code for t in registry.case_types):
        registry.case_types.append(case_type)
    return case_type


def get_case_type(code: str) -> CaseType | None:
    return next((t for t in registry.case_types if t.code == code), None)


def case_type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in registry.case_types]


def policy_for(code: str) -> SlaPolicy:
    case_type = get_case_type(code)
    return case_type.policy() if case_type else SlaPolicy()
