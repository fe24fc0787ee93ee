"""Write docs/indicators.md from the registry: `manage.py indicators_doc` (or `--check`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation


def render() -> str:
    from yixian.core.indicators.base import all_indicators
    from yixian.framework.registry import registry

    lines = [
        "# 指标清单 (indicators)",
        "",
        "由 `manage.py indicators_doc` 根据指标注册表生成，请勿手工编辑。",
        "Generated from the indicator registry by `manage.py indicators_doc`; do not edit by hand.",
        "",
        "每个指标在数据库中计算（值、分子、分母和对应记录），按用户数据范围、单位和统计期取值；",
        "月度快照由后台任务 `indicators.tasks.snapshot_month` 保存（`manage.py snapshot_indicators --period 2026-10`）。",
        "",
    ]
    current = None
    for indicator in all_indicators():
        if indicator.module != current:
            current = indicator.module
            if lines[-1]:
                lines.append("")
            config = registry.modules.get(current)
            name = getattr(config, "verbose_name", current)
            lines += [
                f"## {name} (`{current}`)",
                "",
                "| 代码 | 名称 | English | 单位 | 类型 | 口径 |",
                "|---|---|---|---|---|---|",
            ]
        unit = "%" if indicator.kind == "rate" else str(indicator.unit)
        better = "" if indicator.higher_is_better else "（越低越好）"
        definition = str(indicator.definition).replace("|", "\\|")
        lines.append(
            f"| `{indicator.code}` | {indicator.name} | {indicator.name_en} | {unit} | {indicator.kind} | {definition}{better} |"
        )
    lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "根据指标注册表生成 docs/indicators.md"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "indicators.md"))
        parser.add_argument("--check", action="store_true", help="只检查文件是否最新（不一致时退出码非零）")

    def handle(self, *args, output, check=False, **options):
        with translation.override("zh-hans"):
            text = render()
        path = Path(output)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} 不是最新的，请运行 manage.py indicators_doc")
            self.stdout.write("ok")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{path}")
