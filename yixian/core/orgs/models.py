"""The org tree (district → streets → communities; departments; service groups; commercial
communities), people (cadres, with or without a login) and their dated memberships."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from yixian.framework.models import BaseModel, ScopedQuerySet
from yixian.framework.validators import MobileField


class OrgUnitKind(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    DEPARTMENT = "department", _("部门")
    SERVICE_GROUP = "service_group", _("专项服务组")
    COMMERCIAL_COMMUNITY = "commercial_community", _("商务社区")
    OTHER = "other", _("其他")


class OrgUnitQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def streets(self):
        return self.filter(kind=OrgUnitKind.STREET)


class OrgUnit(MP_Node, BaseModel):
    """A node of the org tree. Its materialised `path` makes a subtree one prefix query."""

    code = models.CharField(_("代码"), max_length=32, unique=True, help_text=_("行政区划代码或内部编码"))
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=OrgUnitKind.choices, db_index=True)
    aliases = models.CharField(
        _("曾用代码"), max_length=200, blank=True, help_text=_("旧区划代码等别名，以逗号分隔（如原下城区 330103…）")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    node_order_by = ["code"]
    scope_path = ""
    objects = MP_NodeManager.from_queryset(OrgUnitQuerySet)()

    class Meta:
        verbose_name = _("组织单元")
        verbose_name_plural = _("组织单元")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]

    def save(self, *args, **kwargs):
        self.aliases = ",".join(self.alias_list)  # one form, so lookup() can match in the database
        super().save(*args, **kwargs)

    @classmethod
    def lookup(cls, text: str, kinds: tuple[str, ...] | None = None) -> OrgUnit | None:
        """Find a unit by code, old code, full name or short name ("米市巷" = "米市巷街道")."""
        text = (text or "").strip()
        if not text:
            return None
        qs = cls.objects.filter(is_active=True)
        if kinds:
            qs = qs.filter(kind__in=kinds)
        found = list(qs.filter(Q(code=text) | Q(name=text) | Q(short_name=text))[:2])
        if not found and "," not in text:
            alias = Q(aliases=text) | Q(aliases__startswith=f"{text},") | Q(aliases__endswith=f",{text}")
            found = list(qs.filter(alias | Q(aliases__contains=f",{text},"))[:2])
        return found[0] if len(found) == 1 else None


class CadreType(models.TextChoices):
    PROFESSIONAL = "professional", _("专业干部")
    SECOND_LINE = "second_line", _("“退二线”干部")
    YOUNG = "young", _("年轻干部")
    SCARCE_SKILL = "scarce_skill", _("紧缺专业人才")
    OTHER = "other", _("其他干部")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Person(BaseModel):
    """A person who does the work: a cadre or staff member, with or without a login."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("所在单位"))
    position = models.CharField(_("职务"), max_length=100, blank=True)
    cadre_type = models.CharField(_("干部类型"), max_length=20, choices=CadreType.choices, blank=True)
    specialty = models.CharField(_("专业特长"), max_length=100, blank=True)
    mobile = MobileField(_("手机号"), blank=True)
    staff_no = models.CharField(_("工号"), max_length=32, unique=True, null=True, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    sensitive_fields = ("mobile",)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["org_unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(ScopedQuerySet):
    def active(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))


class Membership(BaseModel):
    """A person's dated membership in an OrgUnit; one person may hold several at once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("人员"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("单位"))
    title = models.CharField(_("担任"), max_length=50, blank=True, help_text=_("如：组长、成员、联络员、社工"))
    start_date = models.DateField(_("开始日期"), default=timezone.localdate)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.org_unit}"

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
