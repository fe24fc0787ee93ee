"""工作简报: the monthly briefing of a unit, built from the same data as its dashboard.

`build_briefing` gathers the content once (figures via `services.evaluate`, so the briefing's
numbers are the indicators'; charts drawn as PNG); `word.render` and `pdf.render` lay the
same content out as .docx and PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.core.indicators.dashboard import Dashboard, Figure, Ranking, build_dashboard
from yixian.framework.periods import Period
from yixian.framework.scope import Scope

from . import charts

NO_DATA = "本期暂无数据"
CHINESE_NUMBERS = "零一二三四五六七八九十"


@dataclass
class Chart:
    title: str
    png: bytes


@dataclass
class Briefing:
    dash: Dashboard
    title: str
    subtitle: str
    generated_at: dt.datetime
    charts: list[Chart] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.dash.has_data

    @property
    def no_data_text(self) -> str:
        return _(NO_DATA)

    @property
    def key_figures(self) -> list[Figure]:
        return self.dash.figures

    @property
    def table(self) -> list[Figure]:
        return self.dash.table

    @property
    def rankings(self) -> list[Ranking]:
        return self.dash.rankings

    @property
    def summary(self) -> str:
        """One sentence of what stands out: targets missed, red projects, overdue cases."""
        behind = [f.name for f in self.dash.table if f.status == "behind"]
        parts = [
            _("本期共统计指标 %(n)s 项，其中未达到年度目标 %(b)s 项%(names)s")
            % {"n": len(self.dash.table), "b": len(behind), "names": f"（{'、'.join(behind)}）" if behind else ""},
            _("红灯项目 %(n)s 个") % {"n": len(self.dash.red_list)},
            _("超期未办结工单 %(n)s 件") % {"n": self.dash.overdue_count},
        ]
        return "；".join(parts) + "。"

    def sections(self) -> list[dict]:
        """The numbered sections after the two fixed ones (一、总体情况, 二、关键指标, 三、指标明细)."""
        wanted = [
            ("rankings", _("排名情况"), bool(self.rankings)),
            ("charts", _("图表"), bool(self.charts)),
            ("red", _("红灯项目"), True),
            ("overdue", _("超期工单"), True),
        ]
        shown = [(kind, title) for kind, title, show in wanted if show]
        return [{"kind": kind, "title": f"{CHINESE_NUMBERS[i + 4]}、{title}"} for i, (kind, title) in enumerate(shown)]

    def filename(self, extension: str) -> str:
        return f"{_('工作简报')}-{self.dash.unit_label}-{self.dash.period.code}.{extension}"

    def ascii_filename(self, extension: str) -> str:
        unit = self.dash.unit.code if self.dash.unit is not None else "district"
        return f"briefing-{unit}-{self.dash.period.code}.{extension}"


def _charts(dash: Dashboard) -> list[Chart]:
    result = []
    for ranking in dash.rankings:
        title = _("%(name)s · %(by)s排名") % {"name": ranking.title, "by": ranking.by_label}
        png = charts.bar_chart(title, [r.unit_name for r in ranking.rows], [r.value for r in ranking.rows], ranking.unit)
        result.append(Chart(title, png))
    for trend in dash.trends:
        if not any(v is not None for _p, v in trend.points):
            continue
        title = _("%(name)s · 近 12 个月") % {"name": trend.title}
        png = charts.line_chart(title, [p for p, _v in trend.points], [v for _p, v in trend.points], trend.unit)
        result.append(Chart(title, png))
    return result


def build_briefing(
    *, user=None, scope: Scope | None = None, unit=None, period: Period, now: dt.datetime | None = None
) -> Briefing:
    """The briefing of `unit` (None: all of the scope) for the month `period`.

    Refuses a unit outside the scope (`IndicatorScopeError`) and, without a CJK font for the
    charts, says so (`charts.ChartFontMissing`).
    """
    now = now or timezone.now()
    dash = build_dashboard(user=user, scope=scope, unit=unit, period=period, now=now, table=True)
    charts.cjk_font()  # fail before any work with a clear message
    return Briefing(
        dash=dash,
        title=_("%(unit)s一线工作简报") % {"unit": dash.unit_label},
        subtitle=_("%(period)s（统计截至 %(as_of)s）") % {"period": period.label, "as_of": f"{dash.query.as_of:%Y-%m-%d}"},
        generated_at=now,
        charts=_charts(dash) if dash.has_data else [],
    )
