"""Excel import: read a sheet with Chinese headers, check every row and cell, then write
all good rows in one transaction — or nothing. Re-importing updates by natural key."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from .cells import FALSE_WORDS, TRUE_WORDS, cell_text, choice_value, split_list

DEFAULT_ALIASES = {"org_unit": ("街道", "所属街道", "社区", "所属社区", "单位", "所属单位")}


class ImportFileError(Exception):
    """The file cannot be read as a spreadsheet at all (status 400)."""


@dataclass
class RowResult:
    number: int  # the row number as the user sees it in Excel
    cells: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    action: str = ""  # "create" or "update"
    data: dict = field(default_factory=dict)
    instance: object | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    columns: list[tuple[str, str]]  # (field name, header label)
    header_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)

    @property
    def good(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def can_import_all(self) -> bool:
        return not self.header_errors and not self.bad and bool(self.rows)

    @property
    def can_import_valid(self) -> bool:
        return not self.header_errors and bool(self.good)

    def counts(self) -> dict:
        return {
            "rows": len(self.rows),
            "good": len(self.good),
            "bad": len(self.bad),
            "create": sum(1 for r in self.good if r.action == "create"),
            "update": sum(1 for r in self.good if r.action == "update"),
        }


def read_rows(content: bytes, max_rows: int) -> list[list]:
    """All rows of the first sheet as lists of cell values; ImportFileError if not an .xlsx."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("文件不是有效的 Excel (.xlsx) 文件，请另存为 .xlsx 后重试（not an .xlsx file）。")) from exc
    try:
        ws = wb.worksheets[0]
        rows = []
        for values in ws.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > max_rows + 1:
                raise ImportFileError(_("文件行数超过上限 %(n)d 行，请拆分后导入。") % {"n": max_rows})
        return rows
    finally:
        wb.close()


def _labels(resource, name: str) -> set[str]:
    """Headers accepted for a field: its label in Chinese and in the current language, its name, aliases."""
    from django.utils import translation

    f = resource.field(name)
    aliases = {**DEFAULT_ALIASES, **getattr(resource, "import_aliases", {})}.get(name, ())
    with translation.override("zh-hans"):
        chinese = str(f.verbose_name)
    return {str(f.verbose_name), chinese, name, *aliases}


def _required(resource, name: str) -> bool:
    f = resource.field(name)
    if f.many_to_many:
        return False
    return not f.blank and not f.has_default()


def map_headers(resource, header: list) -> tuple[dict[int, str], list[str], list[str]]:
    """Column index → field name; errors for missing required columns; warnings for unknown ones."""
    wanted = resource.get_import_fields()
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        text = cell_text(raw)
        if not text:
            continue
        text = re.sub(r"[\s*＊]+$", "", text)
        match = next((n for n in wanted if text in _labels(resource, n)), None)
        if match and match not in mapping.values():
            mapping[index] = match
        else:
            unknown.append(text)
    present = set(mapping.values())
    errors = []
    key = set(resource.natural_key or ())
    for name in wanted:
        if name not in present and (_required(resource, name) or name in key):
            errors.append(_("缺少必填列“%(col)s”。") % {"col": resource.label(name)})
    warnings = [_("已忽略无法识别的列“%(col)s”。") % {"col": u} for u in unknown]
    return mapping, errors, warnings


def _related_lookup(resource, name: str, text: str, cache: dict | None = None):
    """Find a related record by code, name or natural key; None if unknown. Cached per file."""
    if cache is not None:
        if (name, text) not in cache:
            cache[(name, text)] = _related_lookup(resource, name, text)
        return cache[(name, text)]
    f = resource.field(name)
    model = f.related_model
    from yixian.core.orgs.models import OrgUnit

    if model is OrgUnit:
        unit = OrgUnit.lookup(text)
        limit = resource.field_limits.get(name)
        if unit is not None and limit is not None and not OrgUnit.objects.filter(limit, pk=unit.pk).exists():
            return None
        return unit
    names = {fl.name for fl in model._meta.fields}
    condition = Q()
    for candidate in ("code", "name", "staff_no", "username"):
        if candidate in names:
            condition |= Q(**{candidate: text})
    if text.isdigit():
        condition |= Q(pk=int(text))
    found = list(model._default_manager.filter(condition)[:2])
    return found[0] if len(found) == 1 else None


def _parse_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    m = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", text)
    if not m:
        raise ValueError(text)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def convert(resource, name: str, raw, cache: dict | None = None) -> object:
    """One cell → the value a form expects. Raises ValueError with a Chinese message."""
    f = resource.field(name)
    text = cell_text(raw)
    if text == "":
        return [] if f.many_to_many else ""
    kind = (
        _("街道或单位")
        if getattr(f.related_model, "_meta", None) and f.related_model._meta.label_lower == "orgs.orgunit"
        else resource.label(name)
    )
    if f.many_to_many:
        pks = []
        for item in split_list(text):
            obj = _related_lookup(resource, name, item, cache)
            if obj is None:
                raise ValueError(_("未知的%(kind)s：%(v)s") % {"kind": kind, "v": item})
            pks.append(obj.pk)
        return pks
    if f.is_relation:
        obj = _related_lookup(resource, name, text, cache)
        if obj is None:
            raise ValueError(_("未知的%(kind)s：%(v)s") % {"kind": kind, "v": text})
        return obj.pk
    if f.choices:
        return choice_value(f, text)
    internal = f.get_internal_type()
    if internal == "BooleanField":
        if text.lower() in TRUE_WORDS:
            return "on"
        if text.lower() in FALSE_WORDS:
            return ""
        raise ValueError(_("请填写“是”或“否”：%(v)s") % {"v": text})
    if internal == "DateField":
        try:
            return _parse_date(raw).isoformat()
        except ValueError:
            raise ValueError(_("日期格式不正确（应为 2026-01-31）：%(v)s") % {"v": text}) from None
    return text


def _initial(instance, fields: list[str]) -> dict:
    data = model_to_dict(instance, fields=fields)
    for key, value in list(data.items()):
        if isinstance(value, list):
            data[key] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[key] = ""
        elif isinstance(value, bool):
            data[key] = "on" if value else ""
    return data


def preview(*, resource, content: bytes, user, max_rows: int) -> Preview:
    """Check a whole file without writing anything."""
    rows = read_rows(content, max_rows)
    while rows and not any(cell_text(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(_("文件是空的：第一行应为表头。"))
    mapping, header_errors, warnings = map_headers(resource, rows[0])
    result = Preview(columns=[(n, resource.label(n)) for n in mapping.values()], header_errors=header_errors, warnings=warnings)
    if header_errors:
        return result
    cache: dict = {}
    parsed = [
        _convert_row(resource, mapping, number, values, cache)
        for number, values in enumerate(rows[1:], start=2)
        if any(cell_text(v) for v in values)
    ]
    existing, out_of_scope = _existing(resource, user, [converted for _row, converted in parsed])
    seen: dict[tuple, int] = {}
    for row, converted in parsed:
        _check_row(resource, user, row, converted, existing, out_of_scope, seen)
        result.rows.append(row)
    if not result.rows:
        result.header_errors.append(_("文件中没有数据行。"))
    return result


def _convert_row(resource, mapping: dict[int, str], number: int, values: list, cache: dict) -> tuple[RowResult, dict]:
    row = RowResult(number=number, cells={mapping[i]: cell_text(v) for i, v in enumerate(values) if i in mapping})
    converted = {}
    for index, name in mapping.items():
        raw = values[index] if index < len(values) else None
        try:
            converted[name] = convert(resource, name, raw, cache)
        except ValueError as exc:
            row.errors[name] = str(exc)
    return row, converted


def _key_of(resource, converted: dict) -> tuple | None:
    key = tuple(resource.natural_key or ())
    if not key or any(converted.get(k) in (None, "") for k in key):
        return None
    return tuple(str(converted[k]) for k in key)


def _existing(resource, user, rows: list[dict]) -> tuple[dict, set]:
    """Records the file's natural keys name, fetched in bulk: those in the user's scope by key,
    and the keys that exist only outside it."""
    key = tuple(resource.natural_key or ())
    keys = {k for k in (_key_of(resource, converted) for converted in rows) if k is not None}
    if not keys:
        return {}, set()
    attnames = [resource.field(k).attname for k in key]

    def key_of(obj) -> tuple:
        return tuple(str(getattr(obj, a)) for a in attnames)

    found: dict[tuple, object] = {}
    anywhere: set[tuple] = set()
    for chunk in _chunks(sorted(keys), 500):
        condition = Q(pk__in=[])
        for values in chunk:
            condition |= Q(**dict(zip(attnames, values, strict=True)))
        found.update({key_of(obj): obj for obj in resource.get_queryset(user).filter(condition)})
        everywhere = resource.model._default_manager.filter(condition).values_list(*attnames)
        anywhere.update(tuple(str(v) for v in values) for values in everywhere)
    return found, anywhere - set(found)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_row(resource, user, row: RowResult, converted: dict, existing: dict, out_of_scope: set, seen: dict) -> None:
    """Key, masking and form checks of one row; a good row keeps the data to save."""
    key = tuple(resource.natural_key or ())
    key_value = _key_of(resource, converted)
    instance = None
    if key_value is not None:
        if key_value in seen:
            row.errors[key[0]] = _("与第 %(n)d 行重复。") % {"n": seen[key_value]}
        seen[key_value] = row.number
        instance = existing.get(key_value)
        if key_value in out_of_scope:
            row.errors[key[0]] = _("同名记录已存在，但不在您的数据范围内，不能更新。")
    for name in [n for n in resource.sensitive_fields if "*" in str(converted.get(n, ""))]:
        if instance is None:
            row.errors[name] = _("“%(col)s”是脱敏后的值，不能导入，请填写完整号码。") % {"col": resource.label(name)}
        else:
            converted.pop(name)  # an exported (masked) value re-imported: keep the stored one
    if row.errors:
        return
    data = _form_data(resource, instance, converted)
    form = resource.form(data=data, instance=instance, user=user)
    if form.is_valid():
        row.action = "update" if instance is not None else "create"
        row.data, row.instance = data, instance
        return
    for name, errs in form.errors.items():
        row.errors[name if name != "__all__" else (key[0] if key else "__all__")] = "；".join(errs)


def _form_data(resource, instance, converted: dict) -> dict:
    """What the form gets: the record's values (update) or the fields' defaults (create), with
    the file's cells on top. An empty cell for a required field keeps the value or default."""
    fields = resource.get_import_fields()
    if instance is not None:
        data = _initial(instance, fields)
    else:
        data = {n: resource.field(n).get_default() for n in fields if resource.field(n).has_default()}
    for name, value in converted.items():
        if value == "" and not resource.field(name).blank and name in data:
            continue
        data[name] = value
    return data


def apply(*, resource, result: Preview, user, only_valid: bool) -> dict:
    """Write the good rows in one transaction. Refuses (writes nothing) if any row is bad and
    `only_valid` is false, or if any write fails."""
    if result.header_errors:
        raise ImportFileError("；".join(result.header_errors))
    if result.bad and not only_valid:
        raise ImportFileError(_("有 %(n)d 行存在错误，未导入任何数据。") % {"n": len(result.bad)})
    with transaction.atomic():
        for row in result.good:
            form = resource.form(data=row.data, instance=row.instance, user=user)
            if not form.is_valid():  # changed since the preview: refuse the whole file
                raise ImportFileError(_("第 %(n)d 行在确认时校验失败，未导入任何数据，请重新上传。") % {"n": row.number})
            expected = row.instance.version if row.instance is not None else None
            resource.save_form(form=form, user=user, expected_version=expected)
    return result.counts()
