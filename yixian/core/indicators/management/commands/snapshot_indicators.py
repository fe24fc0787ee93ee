"""Compute and store indicator snapshots: `manage.py snapshot_indicators --period 2026-10`
(default: last month and this month; `--months 12` for the last twelve months)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yixian.framework.periods import PeriodError, parse_period


class Command(BaseCommand):
    help = "计算并保存指标月度快照（可重复执行，覆盖旧值）"

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", help="统计月份，如 2026-10（可多次给出）")
        parser.add_argument("--months", type=int, default=0, help="最近若干个月（含本月）")
        parser.add_argument("--code", action="append", help="只计算这些指标代码")

    def handle(self, *args, period=None, months=0, code=None, **options):
        from yixian.core.indicators import services
        from yixian.core.indicators.tasks import months_to_snapshot

        now = timezone.now()
        today = timezone.localdate(now)
        codes = list(period or [])
        if months:
            codes += [p.code for p in services.last_months(parse_period(None, today=today), months, today)]
        codes = codes or months_to_snapshot(today)
        try:
            periods = [parse_period(c, today=today) for c in dict.fromkeys(codes)]
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        if any(len(p.code) != 7 for p in periods):
            raise CommandError("快照按月保存，请给出月份，如 2026-10。")
        try:
            for p in periods:
                n = services.snapshot(p, codes=code, now=now)
                self.stdout.write(f"{p.code}: {n}")
        except services.UnknownIndicator as exc:
            raise CommandError(str(exc)) from exc
