"""Add a year to the working-day calendar: from chinesecalendar, or as a draft to edit by hand."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from yixian.core.calendar import services, source


class Command(BaseCommand):
    help = (
        "Import a year of the working-day calendar from the chinesecalendar package (published), "
        "or with --draft create it unpublished with weekends as rest days for an administrator to edit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the year, e.g. 2027")
        parser.add_argument(
            "--draft", action="store_true", help="create the year unpublished, Monday–Friday worked, weekends off"
        )
        parser.add_argument("--no-publish", action="store_true", help="import from the package but leave the year unpublished")
        parser.add_argument("--replace", action="store_true", help="overwrite an existing year's days with the package's")

    def handle(self, *args, year: int, draft: bool, no_publish: bool, replace: bool, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(_("年度应在 2000–2100 之间：%(year)s") % {"year": year})
        if draft and (replace or no_publish):
            raise CommandError(_("--draft 不能与 --replace 或 --no-publish 同时使用。"))
        try:
            if draft:
                services.create_draft_year(year)
            else:
                services.import_year_from_package(year, publish=not no_publish, replace=replace)
        except source.PackageDoesNotKnowYear as exc:
            supported = ""
            if exc.supported:
                supported = _("（目前支持 %(first)s–%(last)s 年）") % {"first": exc.supported[0], "last": exc.supported[1]}
            raise CommandError(
                _(
                    "chinesecalendar 软件包 %(version)s 尚无 %(year)s 年的节假日安排%(supported)s。"
                    "请升级该软件包后重试，或用 --draft 生成草稿后由系统管理员手工录入。"
                )
                % {"version": source.package_version(), "year": year, "supported": supported}
            ) from None
        except ValidationError as exc:
            hint = "" if draft else _("如需用软件包数据覆盖，请加 --replace。")
            raise CommandError("".join(exc.messages) + hint) from None
        if draft:
            self.stdout.write(
                _(
                    "已生成 %(year)s 年日历草稿（未发布，周一至周五上班、周末休息）。"
                    "请在“工作日历 › 日历日”中改好法定节假日和调休上班日，再在“日历年度”中发布。"
                )
                % {"year": year}
            )
            return
        self.stdout.write(
            _("已从 chinesecalendar 导入 %(year)s 年日历（%(state)s）：工作日 %(days)d 天。")
            % {"year": year, "state": _("未发布") if no_publish else _("已发布"), "days": services.working_days_count(year)}
        )
