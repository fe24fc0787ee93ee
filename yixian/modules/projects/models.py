"""Major projects (重大项目) followed over their whole life (DOMAIN_RULES §6).

A project belongs to its street (`org_unit`) and is also visible to its service group and
its lead department. Its lifecycle is a row of milestones (one per stage, planned and actual
dates) created from the template of its kind; its investment is reported monthly against an
annual plan; its traffic light is recomputed by the service whenever something it depends on
changes (and nightly, because time passes) and always carries its reason in Chinese.
Blockers are cases of the case engine (`Blocker` links one to its project); site visits are
activities of `core.activities` whose subject is the project.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yixian.framework.models import BaseModel
from yixian.framework.scope import GLOBAL

PROJECT_SCOPE = ("org_unit", "service_group", "lead_department")


class Stage(models.TextChoices):
    """The lifecycle stages in their order (DOMAIN_RULES §6)."""

    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册落地")
    LAND = "land", _("供地")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("竣工")
    PRODUCTION = "production", _("投产")
    CAPACITY = "capacity", _("达产")
    OUTPUT = "output", _("达效")


STAGE_ORDER = {code: i for i, code in enumerate(Stage.values, start=1)}


class ProjectKind(models.TextChoices):
    INVESTMENT = "investment", _("招引签约项目")
    CONSTRUCTION = "construction", _("建设项目")
    INDUSTRIAL = "industrial", _("产业项目")
    RENEWAL = "renewal", _("城市更新项目")
    OTHER = "other", _("其他项目")


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("推进中")
    PAUSED = "paused", _("暂缓")
    DONE = "done", _("已达效")
    CANCELLED = "cancelled", _("已终止")


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")
    NONE = "none", _("不亮灯")  # paused, done or cancelled projects


class Industry(BaseModel):
    """An industry a project belongs to (reference data)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    scope_path = GLOBAL

    class Meta:
        verbose_name = _("产业领域")
        verbose_name_plural = _("产业领域")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class StageTemplate(BaseModel):
    """One stage of the lifecycle template of a project kind: which stages a kind goes
    through and, by default, how many months after signing each is planned."""

    kind = models.CharField(_("项目类型"), max_length=20, choices=ProjectKind.choices)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    offset_months = models.PositiveSmallIntegerField(_("签约后计划月数"), default=0)

    scope_path = GLOBAL

    class Meta:
        verbose_name = _("节点模板")
        verbose_name_plural = _("节点模板")
        ordering = ["kind", "offset_months", "stage"]
        constraints = [models.UniqueConstraint(fields=["kind", "stage"], name="stagetemplate_kind_stage")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.get_stage_display()}"


class LightPolicy(BaseModel):
    """The traffic-light thresholds (DOMAIN_RULES §6 defaults); one row, edited by an administrator."""

    red_lag_pp = models.DecimalField(_("红灯滞后阈值（百分点）"), max_digits=5, decimal_places=2, default=30)
    yellow_lag_pp = models.DecimalField(_("黄灯滞后阈值（百分点）"), max_digits=5, decimal_places=2, default=10)
    due_soon_days = models.PositiveSmallIntegerField(_("节点临期天数"), default=15)
    not_started_months = models.PositiveSmallIntegerField(_("逾期未开工红灯月数"), default=3)
    blocker_overdue_red = models.BooleanField(_("堵点超期亮红灯"), default=True)

    scope_path = GLOBAL

    class Meta:
        verbose_name = _("亮灯规则")
        verbose_name_plural = _("亮灯规则")

    def __str__(self) -> str:
        return str(_("亮灯规则"))

    @classmethod
    def current(cls) -> LightPolicy:
        """The policy in force: the first row, created with the §6 defaults when there is none."""
        policy = cls.objects.order_by("pk").first()
        if policy is None:
            policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class Project(BaseModel):
    """A major investment project (重大项目)."""

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=150)
    kind = models.CharField(_("项目类型"), max_length=20, choices=ProjectKind.choices, default=ProjectKind.INDUSTRIAL)
    status = models.CharField(
        _("状态"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE, db_index=True
    )
    owner_name = models.CharField(_("业主单位"), max_length=150)
    owner_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("产业领域")
    )
    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="projects", verbose_name=_("所在街道"))
    location = models.CharField(_("项目地址"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(73), MaxValueValidator(136)],
    )  # fmt: skip
    latitude = models.DecimalField(
        _("纬度"), max_digits=8, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(54)],
    )  # fmt: skip
    total_investment = models.DecimalField(
        _("总投资（万元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    lead_department = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("牵头部门")
    )
    service_group = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="served_projects",
        verbose_name=_("专项服务组"),
    )
    leader = models.ForeignKey(
        "orgs.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("联系区领导"),
    )
    cadres = models.ManyToManyField("orgs.Person", blank=True, related_name="served_projects", verbose_name=_("服务干部"))
    description = models.TextField(_("建设内容"), blank=True)

    # Kept by the service (services.refresh_project), never edited by hand:
    stage = models.CharField(_("当前阶段"), max_length=20, choices=Stage.choices, blank=True, db_index=True)
    light = models.CharField(_("亮灯"), max_length=10, choices=Light.choices, default=Light.GREEN, db_index=True)
    light_reason = models.TextField(_("亮灯原因"), blank=True)
    light_at = models.DateTimeField(_("亮灯计算时间"), null=True, blank=True)

    scope_path = PROJECT_SCOPE

    class Meta:
        verbose_name = _("重大项目")
        verbose_name_plural = _("重大项目")
        ordering = ["code"]
        permissions = [
            ("raise_blocker", _("可在项目上提出堵点")),
            ("log_visit", _("可记录项目走访")),
            ("report_investment", _("可填报项目投资")),
            ("update_milestone", _("可更新项目节点")),
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(BaseModel):
    """A stage of one project: planned date, actual date (set when the stage is reached)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("项目"))
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    planned_date = models.DateField(_("计划日期"), null=True, blank=True)
    actual_date = models.DateField(_("实际日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_path = tuple(f"project__{p}" for p in PROJECT_SCOPE)

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="milestone_project_stage")]
        indexes = [models.Index(fields=["planned_date"], name="milestone_planned", condition=Q(actual_date__isnull=True))]

    def __str__(self) -> str:
        return f"{self.project}·{self.get_stage_display()}"


def evidence_path(instance, filename: str) -> str:
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"projects/evidence/{instance.milestone.project_id}/{uuid.uuid4().hex}.{suffix}"


class MilestoneEvidence(models.Model):
    """A photo or document proving a milestone (land contract, permit, start-of-works photo)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("节点"))
    file = models.FileField(_("文件"), upload_to=evidence_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    audit_exclude = True
    scope_path = tuple(f"milestone__project__{p}" for p in PROJECT_SCOPE)

    class Meta:
        verbose_name = _("节点佐证")
        verbose_name_plural = _("节点佐证")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class AnnualPlan(BaseModel):
    """A project's planned investment for one year (万元)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="annual_plans", verbose_name=_("项目"))
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField(_("年度计划投资（万元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])

    scope_path = tuple(f"project__{p}" for p in PROJECT_SCOPE)

    class Meta:
        verbose_name = _("年度投资计划")
        verbose_name_plural = _("年度投资计划")
        ordering = ["project", "-year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="annualplan_project_year")]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"


class InvestmentReport(BaseModel):
    """Investment a project completed in one month (万元), as reported."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="investments", verbose_name=_("项目"))
    month = models.DateField(_("月份"), help_text=_("该月 1 日"))
    amount = models.DecimalField(_("当月完成投资（万元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("填报人")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_path = tuple(f"project__{p}" for p in PROJECT_SCOPE)

    class Meta:
        verbose_name = _("月度投资")
        verbose_name_plural = _("月度投资")
        ordering = ["project", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="investment_project_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="investment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}"


class LightRecord(models.Model):
    """The light of a project at the end of a month (its history), with its reason."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="light_history", verbose_name=_("项目"))
    month = models.DateField(_("月份"))
    light = models.CharField(_("亮灯"), max_length=10, choices=Light.choices)
    reason = models.TextField(_("亮灯原因"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    audit_exclude = True
    scope_path = tuple(f"project__{p}" for p in PROJECT_SCOPE)

    class Meta:
        verbose_name = _("亮灯记录")
        verbose_name_plural = _("亮灯记录")
        ordering = ["project", "-month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="lightrecord_project_month")]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m} {self.get_light_display()}"


class BlockerKind(models.TextChoices):
    LAND = "land", _("土地要素")
    APPROVAL = "approval", _("审批许可")
    POLICY = "policy", _("政策兑现")
    FUNDING = "funding", _("资金融资")
    INFRA = "infra", _("配套设施")
    DEMOLITION = "demolition", _("征迁交地")
    TALENT = "talent", _("人才用工")
    OTHER = "other", _("其他")


class Blocker(BaseModel):
    """A blocker (堵点) raised on a project; handled as a case (`case`) by a department."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="blockers", verbose_name=_("项目"))
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="blocker", verbose_name=_("工单"))
    kind = models.CharField(_("堵点类型"), max_length=20, choices=BlockerKind.choices, default=BlockerKind.OTHER)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("提出人")
    )
    visit = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blockers",
        verbose_name=_("走访中发现"),
    )
    supervised_at = models.DateTimeField(_("超期督办时间"), null=True, blank=True)

    scope_path = tuple(f"project__{p}" for p in PROJECT_SCOPE)

    class Meta:
        verbose_name = _("项目堵点")
        verbose_name_plural = _("项目堵点")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.case.title if self.case_id else str(self.project)
