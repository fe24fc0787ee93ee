"""manage.py briefing --period 2026-10 [--unit CODE] [--out DIR]: write the briefing as .docx and PDF."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.core.indicators.dashboard import DashboardError, resolve_period
from yixian.core.orgs.models import OrgUnit
from yixian.framework.scope import Scope

from ...charts import ChartFontMissing
from ...services import briefing_files


class Command(BaseCommand):
    help = "生成月度工作简报（Word 与 PDF）：--period 2026-10 [--unit 单位代码] [--out 目录]"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="统计月份，如 2026-10")
        parser.add_argument("--unit", default="", help="单位代码（街道、服务组或部门）；不填为全区")
        parser.add_argument("--out", default=".", help="输出目录（默认当前目录）")
        parser.add_argument("--format", choices=["docx", "pdf", "both"], default="both")

    def handle(self, *args, period, unit, out, format, **options):
        now = timezone.now()
        try:
            month = resolve_period(period, now)
        except DashboardError as exc:
            raise CommandError(str(exc)) from exc
        org = None
        if unit:
            org = OrgUnit.objects.filter(code=unit.strip()).first()
            if org is None:
                raise CommandError(_("单位代码 %(code)s 不存在。") % {"code": unit})
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        formats = ["docx", "pdf"] if format == "both" else [format]
        try:
            files = briefing_files(scope=Scope(everything=True), unit=org, period=month, formats=formats, now=now)
        except ChartFontMissing as exc:
            raise CommandError(str(exc)) from exc
        for generated in files:
            path = directory / generated.filename
            path.write_bytes(generated.content)
            self.stdout.write(str(path))
