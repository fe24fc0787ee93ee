"""Turning model values into spreadsheet cells and spreadsheet cells back into form values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from yixian.framework.validators import mask_value

TRUE_WORDS = {"是", "yes", "y", "true", "1", "√", "✓", "启用", "在岗"}
FALSE_WORDS = {"否", "no", "n", "false", "0", "×", "停用", "离岗"}
LIST_SEPARATORS = ("、", "，", ",", ";", "；", "/")


def export_value(obj, field: models.Field, *, unmasked: bool):
    """The cell for one field of one record: labels, not codes; masked unless allowed."""
    if field.many_to_many:
        return "、".join(str(v) for v in getattr(obj, field.name).all())
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    value = getattr(obj, field.name)
    if field.is_relation:
        return "" if value is None else str(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    if field.name in getattr(type(obj), "sensitive_fields", ()) and not unmasked:
        return mask_value(field.name, value)
    return value


def split_list(text: str) -> list[str]:
    items = [text]
    for sep in LIST_SEPARATORS:
        items = [part for item in items for part in item.split(sep)]
    return [i.strip() for i in items if i.strip()]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def choice_value(field: models.Field, text: str):
    """Accept a choice by its label ("运营中") or its code ("open")."""
    for code, label in field.flatchoices:
        if text in (str(code), str(label)):
            return code
    return text
