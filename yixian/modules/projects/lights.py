"""The traffic light of a major project (DOMAIN_RULES §6), as pure functions (no database).

`investment_progress` computes the annual completion rate, the time progress and the lag;
`evaluate` turns a project's milestones, its progress and its overdue blockers into a light
and the reasons for it, in Chinese. Every reason of the winning colour is listed.

    Annual completion rate = investment done this year / annual plan.
    Time progress = months elapsed / 12.
    Lag = time progress − completion rate (percentage points), from the two rounded figures.
    Red: a milestone overdue, the lag above the red threshold (30), a project not started
         N months (3) after its planned start, a blocker past its deadline and not replied.
    Yellow: a milestone due within N days (15), the lag from the yellow threshold (10) to the
         red one, both inclusive.
    Green otherwise.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from yixian.core.indicators.base import quantize

from .models import Light, Stage

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Progress:
    """Investment progress of a year so far (万元 and %, two places)."""

    plan: Decimal
    done: Decimal
    rate: Decimal | None  # done / plan × 100; None when there is no plan
    time_progress: Decimal  # months elapsed / 12 × 100
    lag: Decimal | None  # time_progress − rate, percentage points (negative: ahead of time)
    months_elapsed: int = 0

    @property
    def ahead(self) -> bool:
        return self.lag is not None and self.lag < 0


@dataclass(frozen=True)
class Thresholds:
    """The numbers `evaluate` needs (a LightPolicy row has the same attributes)."""

    red_lag_pp: Decimal = Decimal(30)
    yellow_lag_pp: Decimal = Decimal(10)
    due_soon_days: int = 15
    not_started_months: int = 3
    blocker_overdue_red: bool = True


def investment_progress(plan, done, months_elapsed: int) -> Progress:
    """Plan 647.4, done 629.0 after 10 months → rate 97.16, time 83.33, lag −13.83."""
    plan = Decimal(plan or 0)
    done = Decimal(done or 0)
    months = max(0, min(int(months_elapsed), 12))
    time_progress = quantize(Decimal(months) * HUNDRED / 12)
    rate = quantize(done * HUNDRED / plan) if plan > 0 else None
    lag = time_progress - rate if rate is not None else None
    return Progress(
        plan=quantize(plan), done=quantize(done), rate=rate, time_progress=time_progress, lag=lag, months_elapsed=months
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


def progress_text(progress: Progress) -> str:
    """ "年度投资完成率 40.00%，滞后时序进度 10.00 个百分点" (or 超前 / 与时序进度持平)."""
    if progress.rate is None:
        return _("未下达年度投资计划")
    if progress.lag > 0:
        return _("年度投资完成率 %(rate)s%%，滞后时序进度 %(pp)s 个百分点") % {"rate": progress.rate, "pp": progress.lag}
    if progress.lag < 0:
        return _("年度投资完成率 %(rate)s%%，超前时序进度 %(pp)s 个百分点") % {"rate": progress.rate, "pp": -progress.lag}
    return _("年度投资完成率 %(rate)s%%，与时序进度（%(time)s%%）持平") % {"rate": progress.rate, "time": progress.time_progress}


def evaluate(*, today: dt.date, milestones, progress: Progress | None, overdue_blockers=(), policy=None) -> tuple[str, list[str]]:
    """The light of an active project on `today` and every reason of that colour.

    `milestones`: (stage, planned_date, actual_date) triples in stage order;
    `overdue_blockers`: (title, due_date) of blockers past their deadline and not replied.
    """
    policy = policy or Thresholds()
    red: list[str] = []
    yellow: list[str] = []
    soon_days = int(policy.due_soon_days)
    for stage, planned, actual in milestones:
        if actual is not None or planned is None:
            continue
        label = stage_label(stage)
        if planned < today:
            if stage == Stage.STARTED and today > add_months(planned, int(policy.not_started_months)):
                red.append(
                    _("“%(stage)s”计划 %(date)s，已逾期 %(n)s 个月以上仍未开工")
                    % {"stage": label, "date": planned.isoformat(), "n": policy.not_started_months}
                )
            else:
                red.append(_("“%(stage)s”计划 %(date)s，逾期未%(stage)s") % {"stage": label, "date": planned.isoformat()})
        elif (planned - today).days <= soon_days:
            days = (planned - today).days
            if days == 0:
                yellow.append(_("“%(stage)s”计划 %(date)s，今日到期") % {"stage": label, "date": planned.isoformat()})
            else:
                yellow.append(
                    _("“%(stage)s”计划 %(date)s，还有 %(n)s 天到期") % {"stage": label, "date": planned.isoformat(), "n": days}
                )
    if progress is not None and progress.lag is not None:
        if progress.lag > Decimal(policy.red_lag_pp):
            red.append(progress_text(progress))
        elif progress.lag >= Decimal(policy.yellow_lag_pp):
            yellow.append(progress_text(progress))
    if policy.blocker_overdue_red:
        for title, due in overdue_blockers:
            red.append(_("堵点“%(title)s”办理期限 %(date)s，已超期未答复") % {"title": title, "date": due.isoformat()})
    if red:
        return Light.RED, red
    if yellow:
        return Light.YELLOW, yellow
    reasons = [_("各节点均按计划推进")]
    if progress is not None:
        reasons.append(progress_text(progress))
    return Light.GREEN, reasons
