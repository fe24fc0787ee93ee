"""Import a 发改局 project sheet or a monthly investment sheet from the command line:
the same checks as the page; `--dry-run` only lists the problems."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yixian.core.accounts.models import User
from yixian.core.dataio.importer import ImportFileError
from yixian.modules.projects import dataio


class Command(BaseCommand):
    help = "导入重大项目及节点计划（或 --investments 月度投资）Excel 文件：全部导入或不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--investments", action="store_true", help="文件为月度投资表")
        parser.add_argument("--year", type=int, default=None, help="年度计划投资的年度（默认今年）")
        parser.add_argument("--user", default=None, help="以该用户的权限和数据范围导入（默认：系统导入，不限范围）")
        parser.add_argument("--only-valid", action="store_true", help="跳过有错误的行，只导入无误的行")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户 {options['user']} 不存在。")
        with open(options["file"], "rb") as fh:
            content = fh.read()
        try:
            if options["investments"]:
                result = dataio.preview_investments(content=content, user=user)
            else:
                result = dataio.preview_projects(content=content, user=user, year=options["year"] or timezone.localdate().year)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in [*result.warnings, *result.messages()]:
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write(f"检查完成：共 {len(result.rows)} 行，有错误 {len(result.bad)} 行（未写入）。")
            return
        apply = dataio.apply_investments if options["investments"] else dataio.apply_projects
        try:
            counts = apply(result, user=user, only_valid=options["only_valid"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS("导入完成：新增 {create} 条，更新 {update} 条，跳过错误行 {bad} 条。".format(**counts))
        )
