"""Base models and mixins: timestamps, optimistic versioning, org scoping, masked fields."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .scope import get_scope


class ConcurrentEditError(Exception):
    """The record was changed by someone else since it was loaded."""

    message = _("该记录已被他人修改，请刷新页面后重试。")


class OutOfScopeError(Exception):
    """A write would leave (or reach outside) the user's data scope."""

    message = _("所选单位不在您的数据范围内。")


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> ScopedQuerySet:
        """Rows inside the user's data scope (none for an anonymous or unscoped user)."""
        return get_scope(user).filter(self)


class BaseModel(models.Model):
    """Every domain record: timestamps and a version for optimistic concurrency control."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    # Field names holding personal data: masked on display, in logs and in unauthorised exports.
    sensitive_fields: tuple[str, ...] = ()
    scope_path: str | None = "org_unit"

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        from .registry import registry

        resource = registry.resource_for(type(self))
        return reverse(resource.url_name("detail"), args=[self.pk]) if resource else ""

    def save_versioned(self, *, expected_version: int | None, user=None, **kwargs) -> None:
        """Save unless someone else saved since `expected_version`; re-check scope inside the transaction.

        Refuses with ConcurrentEditError on a stale version and OutOfScopeError when the
        saved row would lie outside `user`'s scope (the transaction is rolled back).
        """
        with transaction.atomic():
            if self.pk is not None and not self._state.adding:
                current = type(self).objects.select_for_update().filter(pk=self.pk).values_list("version", flat=True).first()
                if current is None:
                    raise ConcurrentEditError()
                if expected_version is not None and current != expected_version:
                    raise ConcurrentEditError()
                self.version = (current or 0) + 1
            self.save(**kwargs)
            if user is not None and not get_scope(user).contains(type(self).objects.select_related().get(pk=self.pk)):
                raise OutOfScopeError()


class OrgScopedModel(BaseModel):
    """A record that belongs to a place in the org tree; data scope follows `org_unit`."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所属单位"),
        help_text=_("记录所属的街道、社区或部门，决定谁能看到它。"),
    )

    class Meta:
        abstract = True
