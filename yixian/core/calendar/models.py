"""工作日历: which days are worked. Deadlines in working days count on it (DOMAIN_RULES §4).

A year is known to the deadline service only once it is PUBLISHED and has all its days.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yixian.framework.models import BaseModel
from yixian.framework.scope import GLOBAL

from . import source


class CalendarSource(models.TextChoices):
    PACKAGE = "chinesecalendar", _("chinesecalendar 软件包（国务院办公厅通知）")
    MANUAL = "manual", _("手工录入")


class CalendarYear(BaseModel):
    """One year of the calendar; its days count only when it is published."""

    year = models.PositiveSmallIntegerField(
        _("年度"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        error_messages={"unique": _("该年度已存在。")},
        help_text=_(
            "新增年度时，系统自动生成全年每一天（周一至周五上班、周末休息）；请再逐日改好法定节假日和调休上班日，核对后发布。"
        ),
    )
    published = models.BooleanField(
        _("已发布"),
        default=False,
        help_text=_("发布后，工单期限按该年的安排计算。发布前须录入全年每一天（365 或 366 天）。"),
    )
    source = models.CharField(_("来源"), max_length=20, choices=CalendarSource.choices, default=CalendarSource.MANUAL)
    note = models.TextField(_("备注"), blank=True, help_text=_("例如：依据国务院办公厅关于该年部分节假日安排的通知。"))

    scope_path = GLOBAL

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return gettext("%(year)s 年") % {"year": self.year}

    def day_count(self) -> int:
        return CalendarDay.objects.filter(date__year=self.year).count()

    def clean(self):
        super().clean()
        if self.pk is not None:
            old = CalendarYear.objects.filter(pk=self.pk).values_list("year", flat=True).first()
            if old is not None and old != self.year:
                raise ValidationError({"year": gettext("年度建立后不能修改年份。")})
        if self.published and self.year:
            have, need = self.day_count(), source.days_in_year(self.year)
            if have != need:
                raise ValidationError(
                    {
                        "published": gettext(
                            "%(year)s 年的日历尚不完整（已录入 %(have)d 天，应有 %(need)d 天），不能发布。请先补全每一天的安排。"
                        )
                        % {"year": self.year, "have": have, "need": need}
                    }
                )


class DayKind(models.TextChoices):
    WORKDAY = source.WORKDAY, _("工作日")
    WEEKEND = source.WEEKEND, _("周末休息")
    HOLIDAY = source.HOLIDAY, _("法定节假日")
    MAKEUP = source.MAKEUP, _("调休上班")


WORKED_KINDS = (DayKind.WORKDAY, DayKind.MAKEUP)


class CalendarDay(BaseModel):
    """One day: worked or not, and why (工作日 / 周末 / 节假日 / 调休上班)."""

    date = models.DateField(_("日期"), unique=True, error_messages={"unique": _("该日期已存在。")})
    # blank=True: an unticked box (or “否” in an imported sheet) means False, not “keep the old value”.
    is_workday = models.BooleanField(_("是否工作日"), default=True, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices, default=DayKind.WORKDAY)
    name = models.CharField(_("节日名称"), max_length=50, blank=True, help_text=_("例如：春节、国庆节；调休上班日填所属节日。"))

    scope_path = GLOBAL

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[DayKind.WORKDAY, DayKind.MAKEUP], is_workday=True)
                | Q(kind__in=[DayKind.WEEKEND, DayKind.HOLIDAY], is_workday=False),
                name="workcal_day_kind_matches_is_workday",
                violation_error_message=_("“类型”与“是否工作日”不一致：工作日和调休上班日是工作日，周末休息和法定节假日不是。"),
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.date.isoformat()} {self.get_kind_display()}"
        return f"{text}（{self.name}）" if self.name else text

    def clean(self):
        super().clean()
        if self.date is None:
            return
        errors = {}
        if self.pk is not None:
            old = CalendarDay.objects.filter(pk=self.pk).values_list("date", flat=True).first()
            if old is not None and old != self.date:
                errors["date"] = gettext("日期录入后不能修改；如需调整，请修改对应日期的记录。")
        if "date" not in errors and not CalendarYear.objects.filter(year=self.date.year).exists():
            errors["date"] = gettext("%(year)s 年尚未建立日历年度，请先在“日历年度”中新增该年。") % {"year": self.date.year}
        weekend = self.date.weekday() >= 5
        if self.kind == DayKind.MAKEUP and not weekend:
            errors["kind"] = gettext("调休上班日只能是星期六或星期日；周一至周五的上班日请选“工作日”。")
        elif self.kind == DayKind.WORKDAY and weekend:
            errors["kind"] = gettext("星期六、星期日上班请选“调休上班”。")
        elif self.kind == DayKind.WEEKEND and not weekend:
            errors["kind"] = gettext("周一至周五不是周末；放假请选“法定节假日”。")
        if self.kind in WORKED_KINDS and not self.is_workday:
            errors["is_workday"] = gettext("“%(kind)s”必须是工作日。") % {"kind": self.get_kind_display()}
        elif self.kind and self.kind not in WORKED_KINDS and self.is_workday:
            errors["is_workday"] = gettext("“%(kind)s”不是工作日。") % {"kind": self.get_kind_display()}
        if errors:
            raise ValidationError(errors)
