"""Statistical periods: a month ("2026-10") or a year ("2026"), never in the future."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    code: str
    start: dt.date  # inclusive
    end: dt.date  # exclusive

    @property
    def label(self) -> str:
        if len(self.code) == 4:
            return _("%(y)s 年") % {"y": self.code}
        year, month = self.code.split("-")
        return _("%(y)s 年 %(m)s 月") % {"y": year, "m": int(month)}

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end, dt.time.min, tzinfo=tz),
        )

    def months(self) -> list[Period]:
        result, day = [], self.start
        while day < self.end:
            nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            result.append(Period(f"{day:%Y-%m}", day, nxt))
            day = nxt
        return result


class PeriodError(ValueError):
    pass


def parse_period(text: str | None, today: dt.date | None = None) -> Period:
    """ "2026-10" (a month) or "2026" (a year); refuses malformed text and the future."""
    today = today or timezone.localdate()
    text = (text or "").strip() or f"{today:%Y-%m}"
    if not (re.fullmatch(r"\d{4}", text) or (re.fullmatch(r"\d{4}-\d{2}", text) and 1 <= int(text[5:]) <= 12)):
        raise PeriodError(_("统计期“%(p)s”格式不对，应为“2026-10”（月）或“2026”（年）。") % {"p": text})
    year = int(text[:4])
    # checked before building dates: year 0 or 9999 would not make a date at all
    if year > today.year:
        raise PeriodError(_("统计期 %(p)s 尚未到来。") % {"p": text})
    if year < 2000:
        raise PeriodError(_("统计期 %(p)s 太早。") % {"p": text})
    if len(text) == 4:
        period = Period(text, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    else:
        month = int(text[5:])
        last = pycalendar.monthrange(year, month)[1]
        period = Period(text, dt.date(year, month, 1), dt.date(year, month, last) + dt.timedelta(days=1))
    if period.start > today:
        raise PeriodError(_("统计期 %(p)s 尚未到来。") % {"p": text})
    return period
