"""The case engine's tables: a case, its timeline of steps, attachments, categories, notices.

A case changes only through `services.act()`; the fields that hold its clock (`*_due`,
`current_due`) and its KPI facts (`signed_on_time`, `replied_on_time`, `handling_workdays`,
`is_repeat`) are written there, once, so KPIs are plain aggregates in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yixian.framework.models import BaseModel
from yixian.framework.scope import GLOBAL
from yixian.framework.validators import MobileField


class CaseState(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复")
    FOLLOWED_UP = "followed_up", _("已回访")
    CLOSED = "closed", _("已办结")


OPEN_STATES = (CaseState.RECEIVED, CaseState.DISPATCHED, CaseState.SIGNED, CaseState.IN_PROGRESS)
HANDLING_STATES = (CaseState.SIGNED, CaseState.IN_PROGRESS)


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    PUBLIC = "public", _("网上提交")
    HOTLINE = "hotline", _("12345 热线")
    WINDOW = "window", _("窗口受理")
    VISIT = "visit", _("走访发现")
    SYSTEM = "system", _("业务系统")


class RequesterKind(models.TextChoices):
    RESIDENT = "resident", _("居民")
    ENTERPRISE = "enterprise", _("企业")
    RIDER = "rider", _("快递外卖小哥")
    CADRE = "cadre", _("干部")
    OTHER = "other", _("其他")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Light(models.TextChoices):
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临期")
    RED = "red", _("超期")
    NONE = "none", _("无时限")


class CaseCategory(BaseModel):
    """A node of a case type's category tree (分类), e.g. 市容环境 › 占道经营."""

    case_type = models.CharField(_("工单类型"), max_length=40, db_index=True)
    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级分类")
    )
    default_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("默认承办单位"),
        help_text=_("派单时默认建议的承办单位。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_path = GLOBAL

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["case_type", "order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class Case(BaseModel):
    """工单: one demand, blocker or request, from receipt to closure."""

    number = models.CharField(_("工单编号"), max_length=24, unique=True, null=True, blank=True)
    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True)
    case_type = models.CharField(_("工单类型"), max_length=40, db_index=True)
    category = models.ForeignKey(
        CaseCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("分类")
    )
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("诉求内容"))
    priority = models.CharField(_("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices, default=Channel.WINDOW)

    requester_kind = models.CharField(_("诉求人类型"), max_length=12, choices=RequesterKind.choices, default=RequesterKind.RESIDENT)
    requester_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    requester_phone = MobileField(_("联系电话"), blank=True)
    requester_org = models.CharField(_("企业名称"), max_length=100, blank=True)
    requester_key = models.CharField(_("诉求人标识"), max_length=64, blank=True, db_index=True, editable=False)

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("发生地")
    )
    address = models.CharField(_("详细地点"), max_length=200, blank=True)

    state = models.CharField(_("状态"), max_length=12, choices=CaseState.choices, default=CaseState.RECEIVED)
    intake_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("受理单位")
    )
    handling_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("当前承办单位")
    )
    dispatcher_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("派单单位")
    )
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任单位"),
        help_text=_("受理中心派给的一级承办单位；考核指标按它统计。"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("经办人")
    )

    received_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    round_started_at = models.DateTimeField(_("本轮起算时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    sign_due = models.DateTimeField(_("签收期限"), null=True, blank=True)
    return_due = models.DateTimeField(_("退单期限"), null=True, blank=True)
    handle_due = models.DateTimeField(_("办理期限"), null=True, blank=True)
    followup_due = models.DateTimeField(_("回访期限"), null=True, blank=True)
    current_due = models.DateTimeField(_("当前环节期限"), null=True, blank=True)

    signed_on_time = models.BooleanField(_("按时签收"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    handling_workdays = models.PositiveSmallIntegerField(_("办理用时（工作日）"), null=True, blank=True)
    returns_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    extensions_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    reminders_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    extension_pending_days = models.PositiveSmallIntegerField(_("待审批延期天数"), null=True, blank=True)
    extension_pending_reason = models.CharField(_("延期理由"), max_length=500, blank=True)

    is_supervised = models.BooleanField(_("督办"), default=False)
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    due_soon_noticed_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True, editable=False)
    overdue_noticed_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True, editable=False)

    reply = models.TextField(_("答复内容"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    resolved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    followup_note = models.TextField(_("回访记录"), blank=True)

    is_repeat = models.BooleanField(_("重复诉求"), default=False, help_text=_("同一诉求人 30 日内就同一事项再次反映。"))
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates", verbose_name=_("合并至")
    )
    keywords = models.CharField(_("关键词"), max_length=500, blank=True, editable=False)

    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("来源记录类型")
    )
    source_id = models.CharField(_("来源记录"), max_length=40, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    watch_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关注单位"),
        help_text=_("提出该事项、需跟踪办理情况的单位（如提出项目堵点的专项服务组），可查看该工单"),
    )

    # A case belongs to its place, its current handling unit, the unit that received it and
    # the unit that raised it on a module's record and follows it (a blocker's service group).
    scope_path = ("org_unit", "handling_unit", "intake_unit", "watch_unit")
    sensitive_fields = ("requester_name", "requester_phone")

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("dispatch_case", _("可派单、改派、审批延期、回访、办结工单")),
            ("handle_case", _("可签收、办理、退单、答复工单")),
            ("supervise_case", _("可催办、督办工单")),
        ]
        indexes = [
            models.Index(fields=["handling_unit", "state", "current_due"], name="case_worklist"),
            models.Index(fields=["state", "current_due"], name="case_state_due"),
            models.Index(fields=["responsible_unit", "dispatched_at"], name="case_kpi_dispatch"),
            models.Index(fields=["responsible_unit", "handle_due"], name="case_kpi_due"),
            models.Index(fields=["responsible_unit", "followed_up_at"], name="case_kpi_followup"),
            models.Index(fields=["responsible_unit", "replied_at"], name="case_kpi_reply"),
            models.Index(fields=["requester_key", "received_at"], name="case_requester"),
            models.Index(fields=["source_type", "source_id"], name="case_source"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.tracking_code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state not in (CaseState.CLOSED,)

    @property
    def phone_last4(self) -> str:
        return (self.requester_phone or "")[-4:]


class StepAction(models.TextChoices):
    RECEIVE = "receive", _("受理")
    DISPATCH = "dispatch", _("派单")
    SIGN = "sign", _("签收")
    PROGRESS = "progress", _("办理")
    RETURN = "return", _("退单")
    REASSIGN = "reassign", _("改派")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    DECIDE_EXTENSION = "decide_extension", _("审批延期")
    REMIND = "remind", _("催办")
    SUPERVISE = "supervise", _("督办")
    REPLY = "reply", _("答复")
    FOLLOW_UP = "follow_up", _("回访")
    CLOSE = "close", _("办结")
    REOPEN = "reopen", _("重办")
    MERGE = "merge", _("合并")
    DUE_SOON = "due_soon", _("临期提醒")
    OVERDUE = "overdue", _("超期")


class CaseStep(models.Model):
    """One step on a case's timeline: who did what, when, why. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps", verbose_name=_("工单"))
    action = models.CharField(_("操作"), max_length=20, choices=StepAction.choices)
    from_state = models.CharField(_("原状态"), max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=CaseState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    actor_name = models.CharField(_("操作人名称"), max_length=50, blank=True)
    actor_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作单位")
    )
    target_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("目标单位")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    public = models.BooleanField(_("对诉求人可见"), default=True)

    audit_exclude = True
    scope_path = "case__handling_unit"

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="casestep_case_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class FollowUp(models.Model):
    """One valid follow-up (有效回访). A case reopened after an unsatisfied follow-up is followed
    up again; the satisfaction and resolution rates count every one of them, so an unsatisfied
    answer is not overwritten by the next round's."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups", verbose_name=_("工单"))
    at = models.DateTimeField(_("回访时间"))
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("责任单位")
    )
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    resolved = models.BooleanField(_("问题已解决"))
    by_requester = models.BooleanField(_("诉求人自评"), default=False)

    audit_exclude = True
    scope_path = "responsible_unit"

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["responsible_unit", "at"], name="followup_kpi")]

    def __str__(self) -> str:
        return f"{self.get_satisfaction_display()} {self.at:%Y-%m-%d}"


def attachment_path(instance, filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("工单"))
    step = models.ForeignKey(CaseStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    public = models.BooleanField(_("对诉求人可见"), default=True)

    audit_exclude = True
    scope_path = "case__handling_unit"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app notice to a unit (and optionally one user) about a case."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("接收单位"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("接收人")
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("工单"))
    kind = models.CharField(_("类型"), max_length=20, choices=StepAction.choices)
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    audit_exclude = True
    scope_path = "unit"

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "read_at"], name="notice_unit_unread")]

    def __str__(self) -> str:
        return self.message


class RateLimitHit(models.Model):
    """One attempt counted by a rate limit (public intake, tracking lookups). Shared by all processes."""

    key = models.CharField(max_length=100)
    at = models.DateTimeField(default=timezone.now)

    audit_exclude = True
    scope_path = None

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="ratelimit_key_at")]

    def __str__(self) -> str:
        return f"{self.key} {self.at:%Y-%m-%d %H:%M:%S}"
