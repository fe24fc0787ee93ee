"""Export of a filtered list to .xlsx: the same Chinese headers the importer reads back."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .cells import export_value

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_workbook(*, resource, queryset, unmasked: bool) -> tuple[bytes, int]:
    """The .xlsx file and the number of data rows written."""
    fields = [resource.field(name) for name in resource.get_export_fields()]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(resource.verbose_name_plural)[:31])
    widths = [max(8, len(str(f.verbose_name)) * 2 + 2) for f in fields]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width, 40)
    ws.freeze_panes = "A2"
    from openpyxl.cell import WriteOnlyCell

    header = []
    for f in fields:
        cell = WriteOnlyCell(ws, value=str(f.verbose_name))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        header.append(cell)
    ws.append(header)
    m2m = [f.name for f in fields if f.many_to_many]
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    rows = 0
    for obj in queryset.iterator(chunk_size=2000) if not m2m else queryset:
        ws.append([export_value(obj, f, unmasked=unmasked) for f in fields])
        rows += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), rows


def export_response(*, resource, queryset, request) -> HttpResponse:
    """The filtered list as an .xlsx download; unmasked personal data only for those allowed (and logged)."""
    user = request.user
    sensitive = [n for n in resource.get_export_fields() if n in resource.sensitive_fields]
    unmasked = bool(sensitive) and user.has_perm("accounts.view_personal_data") and request.GET.get("unmasked") == "1"
    content, rows = build_workbook(resource=resource, queryset=queryset, unmasked=unmasked)
    if unmasked:
        from yixian.core.accounts.services import log_sensitive_access

        log_sensitive_access(user=user, action="export", model=resource.model, obj=None, fields=sensitive, count=rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{resource.verbose_name_plural}-{stamp}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename=\"export-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"
    response["X-Export-Rows"] = str(rows)
    return response
