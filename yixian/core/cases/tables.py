import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yixian.framework.tables import BaseTable

from . import selectors
from .models import Case


class CaseTable(BaseTable):
    number = tables.Column(verbose_name=_("工单编号"), linkify=lambda record: reverse("cases:case_detail", args=[record.pk]))
    title = tables.Column(verbose_name=_("标题"))
    state = tables.Column(verbose_name=_("状态"))
    handling_unit = tables.Column(verbose_name=_("当前承办单位"), accessor="handling_unit__name")
    light = tables.Column(verbose_name=_("时限"), accessor="current_due", order_by=("current_due",), empty_values=())
    org_unit = tables.Column(verbose_name=_("发生地"), accessor="org_unit__name", default="—")
    received_at = tables.DateTimeColumn(verbose_name=_("受理时间"), format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = Case
        fields = ("number", "title", "state", "handling_unit", "light", "org_unit", "received_at")
        sequence = fields

    def render_state(self, record):
        extra = format_html(' <span class="badge bg-red-lt">{}</span>', _("督办")) if record.is_supervised else ""
        return format_html("{}{}", record.get_state_display(), extra)

    def render_light(self, record):
        lamp = selectors.light(record)
        return format_html('<span class="status-dot status-{} me-1"></span><span class="small">{}</span>', _DOT.get(lamp.color, "secondary"), lamp.reason)


_DOT = {"red": "red", "yellow": "yellow", "green": "green", "none": "secondary"}
