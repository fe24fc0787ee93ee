"""Users, roles (with separation of duties) and the log of access to personal data."""

from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataScope(models.TextChoices):
    UNITS = "units", _("本人任职单位及下级")
    ALL = "all", _("全区")


class Role(models.Model):
    """A role grants permissions and a data scope; a user may hold several."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    data_scope = models.CharField(_("数据范围"), max_length=10, choices=DataScope.choices, default=DataScope.UNITS)
    permissions = models.ManyToManyField(Permission, blank=True, verbose_name=_("权限"), related_name="roles")
    home_template = models.CharField(_("首页模板"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    scope_path = None

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A login. Linked to the Person whose memberships give its data scope."""

    display_name = models.CharField(_("显示名"), max_length=50, blank=True)
    person = models.OneToOneField(
        "orgs.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("对应人员"),
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("角色"))

    scope_path = None

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def has_perm(self, perm, obj=None):
        # No superuser shortcut: every permission must come from a role (fail closed).
        if not self.is_active:
            return False
        from django.contrib.auth.models import _user_has_perm

        return _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label):
        if not self.is_active:
            return False
        from django.contrib.auth.models import _user_has_module_perms

        return _user_has_module_perms(self, app_label)

    @property
    def role_codes(self) -> set[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.roles.values_list("code", flat=True)) if self.pk else set()
            self._role_codes = cached
        return cached


class SensitiveAccess(models.Model):
    """One view or export of unmasked personal data: who, when, whose, which fields."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("用户"))
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=[("view", _("查看")), ("export", _("导出"))])
    model = models.CharField(_("数据类型"), max_length=100)
    object_id = models.CharField(_("记录"), max_length=64, blank=True)
    object_repr = models.CharField(_("记录名称"), max_length=200, blank=True)
    fields = models.CharField(_("字段"), max_length=200)
    count = models.PositiveIntegerField(_("条数"), default=1)

    scope_path = None

    class Meta:
        verbose_name = _("敏感数据访问记录")
        verbose_name_plural = _("敏感数据访问记录")
        ordering = ["-time"]
        permissions = [("view_personal_data", _("可查看未脱敏的个人信息"))]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.model} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise PermissionError("access log rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("access log rows are immutable")
