"""Rider stations (小哥驿站): rest stops for delivery riders and other new-employment workers."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yixian.framework.models import BaseModel, OrgScopedModel
from yixian.framework.scope import GLOBAL
from yixian.framework.validators import MobileField


class Amenity(BaseModel):
    """A facility a station may offer (rest, water, charging …). Reference data."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    scope_path = GLOBAL

    class Meta:
        verbose_name = _("驿站设施")
        verbose_name_plural = _("驿站设施")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class StationStatus(models.TextChoices):
    OPEN = "open", _("运营中")
    UPGRADING = "upgrading", _("提升改造中")
    PLANNED = "planned", _("筹建中")
    CLOSED = "closed", _("已停用")


class RiderStation(OrgScopedModel):
    """A 小哥驿站: where, when open, what it offers, who runs it."""

    name = models.CharField(_("驿站名称"), max_length=100, unique=True)
    address = models.CharField(_("地址"), max_length=200)
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(73), MaxValueValidator(136)],
    )
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(54)],
    )
    opening_hours = models.CharField(_("开放时间"), max_length=100, default="全天 24 小时")
    amenities = models.ManyToManyField(Amenity, blank=True, related_name="stations", verbose_name=_("设施"))
    operator = models.CharField(_("运营单位"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = MobileField(_("联系电话"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=StationStatus.choices, default=StationStatus.OPEN)
    opened_on = models.DateField(_("启用日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    sensitive_fields = ("contact_phone",)

    class Meta:
        verbose_name = _("小哥驿站")
        verbose_name_plural = _("小哥驿站")
        ordering = ["org_unit__path", "name"]

    def __str__(self) -> str:
        return self.name
