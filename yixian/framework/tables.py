"""Generated django-tables2 tables: the first column links to the record, personal data masked."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse

from .validators import mask_value


class MaskedColumn(tables.Column):
    def render(self, value, bound_column=None):
        return mask_value(bound_column.name if bound_column else "", value)


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped"}
        empty_text = "暂无记录"


def table_for(resource):
    fields = resource.get_list_fields()
    attrs: dict = {}
    for name in fields:
        if name in resource.sensitive_fields:
            attrs[name] = MaskedColumn(verbose_name=resource.label(name))
    first = fields[0]
    if first not in attrs:
        detail = resource.url_name("detail")
        attrs[first] = tables.Column(linkify=lambda record: reverse(detail, args=[record.pk]), verbose_name=resource.label(first))
    meta = type(
        "Meta",
        (BaseTable.Meta,),
        {"model": resource.model, "fields": fields, "sequence": fields},
    )
    attrs["Meta"] = meta
    return type(f"{resource.model.__name__}Table", (BaseTable,), attrs)

