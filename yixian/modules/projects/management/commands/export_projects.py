"""Export every project in the 发改局 layout (the import layout), or the empty template."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from yixian.modules.projects import dataio
from yixian.modules.projects.models import Project


class Command(BaseCommand):
    help = "导出重大项目及节点计划为 Excel（与导入格式相同）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出的 .xlsx 文件")
        parser.add_argument("--year", type=int, default=None, help="年度计划投资的年度（默认今年）")
        parser.add_argument("--template", action="store_true", help="只导出表头（导入模板）")

    def handle(self, *args, **options):
        year = options["year"] or timezone.localdate().year
        content = dataio.export_projects_xlsx(Project.objects.all(), year=year, template=options["template"])
        with open(options["file"], "wb") as fh:
            fh.write(content)
        self.stdout.write(f"已导出到 {options['file']}")
