"""Briefing actions: generate the monthly briefing of a unit as .docx or PDF, and log it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.framework import context
from yixian.framework.periods import Period
from yixian.framework.scope import Scope

from . import pdf, word
from .briefing import Briefing, build_briefing
from .models import BriefingRecord

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
audit_log = logging.getLogger("yixian.audit")


@dataclass
class Generated:
    briefing: Briefing
    fmt: str
    content: bytes

    @property
    def filename(self) -> str:
        return self.briefing.filename(self.fmt)

    @property
    def ascii_filename(self) -> str:
        return self.briefing.ascii_filename(self.fmt)

    @property
    def content_type(self) -> str:
        return FORMATS[self.fmt]


def briefing_generate(*, actor=None, scope: Scope | None = None, unit=None, period: Period, fmt: str,
                      now: dt.datetime | None = None) -> Generated:  # fmt: skip
    """The briefing of `unit` for `period` as `fmt` ("docx" or "pdf"), within the actor's scope
    (or `scope` for the command line); logs who generated which briefing.

    Refuses an unknown format (ValueError) and a unit outside the scope (IndicatorScopeError).
    """
    return briefing_files(actor=actor, scope=scope, unit=unit, period=period, formats=[fmt], now=now)[0]


def briefing_files(*, actor=None, scope: Scope | None = None, unit=None, period: Period, formats: list[str],
                   now: dt.datetime | None = None) -> list[Generated]:  # fmt: skip
    """The briefing built once and rendered in each of `formats`; logs each file."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown briefing format {unknown[0]!r}")
    now = now or timezone.now()
    briefing = build_briefing(user=actor, scope=scope, unit=unit, period=period, now=now)
    result = []
    for fmt in formats:
        content = word.render(briefing) if fmt == "docx" else pdf.render(briefing)
        _log(actor, briefing, fmt, len(content))
        result.append(Generated(briefing, fmt, content))
    return result


def _log(actor, briefing: Briefing, fmt: str, size: int) -> None:
    """A business event: who generated which briefing (unit, period, format), under which request."""
    unit = briefing.dash.unit
    event = {
        "event": "reports.briefing_generated",
        "user": getattr(actor, "username", None) or "system",
        "request_id": context.current_request_id() or "",
        "unit": unit.code if unit is not None else "",
        "unit_label": briefing.dash.unit_label,
        "period": briefing.dash.period.code,
        "format": fmt,
        "bytes": size,
    }
    BriefingRecord.objects.create(
        user=actor if getattr(actor, "is_authenticated", False) else None,
        user_name=str(actor) if getattr(actor, "is_authenticated", False) else _("系统"),
        request_id=event["request_id"],
        org_unit=unit,
        unit_label=briefing.dash.unit_label[:200],
        period=event["period"],
        format=fmt,
        size=size,
    )
    audit_log.info("briefing generated", extra={"event": event})
