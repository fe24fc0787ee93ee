"""The project list table: the light as a coloured badge with its reason as a tooltip."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yixian.framework.tables import BaseTable

from .models import Project

LIGHT_BADGE = {
    "green": "bg-green text-green-fg",
    "yellow": "bg-yellow text-yellow-fg",
    "red": "bg-red text-red-fg",
    "none": "bg-secondary-lt",
}


def light_badge(project) -> str:
    return format_html(
        '<span class="badge {} project-light" data-light="{}" title="{}">{}</span>',
        LIGHT_BADGE.get(project.light, "bg-secondary-lt"),
        project.light,
        project.light_reason or "",
        project.get_light_display(),
    )


class ProjectTable(BaseTable):
    code = tables.Column(verbose_name=_("项目编号"), linkify=lambda record: reverse("projects:project_detail", args=[record.pk]))
    name = tables.Column(verbose_name=_("项目名称"), linkify=lambda record: reverse("projects:project_detail", args=[record.pk]))
    light = tables.Column(verbose_name=_("亮灯"), order_by=("light",))
    stage = tables.Column(verbose_name=_("当前阶段"), empty_values=())
    org_unit = tables.Column(verbose_name=_("所在街道"))
    service_group = tables.Column(verbose_name=_("专项服务组"))
    industry = tables.Column(verbose_name=_("产业领域"))
    total_investment = tables.Column(verbose_name=_("总投资（万元）"), attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Project
        fields = ("code", "name", "light", "stage", "org_unit", "service_group", "industry", "total_investment")
        sequence = fields

    def render_light(self, record):
        return light_badge(record)

    def render_stage(self, record):
        return record.get_stage_display() or _("未签约/未开始")
