"""Targets, monthly snapshots and dashboard configuration of the indicator registry.

The indicators themselves are code (`base.Indicator`, registered by each module); what an
administrator sets without code lives here: a target per indicator, unit and year, and what
each dashboard shows. Snapshots store each month's value so trends are cheap.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yixian.framework.models import BaseModel
from yixian.framework.scope import GLOBAL


def indicator_choices() -> list[tuple[str, str]]:
    from .base import all_indicators

    return [(i.code, f"{i.code} {i.name}") for i in all_indicators()]


class Target(BaseModel):
    """目标值: what an indicator should reach in a unit (or district-wide) in a year."""

    code = models.CharField(_("指标代码"), max_length=80, db_index=True, choices=indicator_choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
        help_text=_("留空表示全区目标。"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_path = GLOBAL  # targets are published figures every signed-in user may read

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        ordering = ["code", "year", "org_unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["code", "org_unit", "year"], name="indicators_target_unique"),
            models.UniqueConstraint(
                fields=["code", "year"], condition=models.Q(org_unit__isnull=True), name="indicators_target_district_unique"
            ),
        ]

    def __str__(self) -> str:
        where = self.org_unit.name if self.org_unit_id else _("全区")
        return f"{self.code} {where} {self.year}：{self.value}"


class Snapshot(models.Model):
    """快照: an indicator's value for a unit (null = district) and a month, as computed at `computed_at`."""

    code = models.CharField(_("指标代码"), max_length=80)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("单位")
    )
    period = models.CharField(_("统计期"), max_length=7)
    value = models.DecimalField(_("值"), max_digits=20, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(_("分子"), max_digits=20, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=20, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    audit_exclude = True  # derived figures, recomputed at will: the change log keeps records, not these
    scope_path = "org_unit"

    class Meta:
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")
        ordering = ["code", "period"]
        indexes = [models.Index(fields=["code", "period"], name="ind_snapshot_code_period")]
        constraints = [
            models.UniqueConstraint(fields=["code", "org_unit", "period"], name="indicators_snapshot_unique"),
            models.UniqueConstraint(
                fields=["code", "period"], condition=models.Q(org_unit__isnull=True), name="indicators_snapshot_district_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.period}：{self.value}"


class DashboardKind(models.TextChoices):
    DISTRICT = "district", _("全区驾驶舱")
    STREET = "street", _("街道驾驶舱")
    GROUP = "group", _("服务组驾驶舱")


class ChartKind(models.TextChoices):
    FIGURE = "figure", _("数字卡片")
    TREND = "trend", _("趋势图")
    RANKING = "ranking", _("排名")
    GAUGE = "gauge", _("仪表盘")


class DashboardItem(BaseModel):
    """One item a dashboard shows: which indicator, where, as what chart."""

    dashboard = models.CharField(_("驾驶舱"), max_length=20, choices=DashboardKind.choices, default=DashboardKind.DISTRICT)
    code = models.CharField(_("指标代码"), max_length=80, choices=indicator_choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    chart = models.CharField(_("展示方式"), max_length=20, choices=ChartKind.choices, default=ChartKind.FIGURE)
    enabled = models.BooleanField(_("启用"), default=True)
    title_override = models.CharField(_("显示标题"), max_length=60, blank=True, help_text=_("留空则用指标名称。"))

    scope_path = GLOBAL

    class Meta:
        verbose_name = _("驾驶舱展示项")
        verbose_name_plural = _("驾驶舱展示项")
        ordering = ["dashboard", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dashboard", "code", "chart"], name="indicators_dashboarditem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_dashboard_display()} · {self.title_override or self.code}"
