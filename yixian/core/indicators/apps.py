from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class IndicatorsConfig(ModuleConfig):
    """指标: the indicator registry, targets, monthly snapshots and the district dashboard."""

    name = "yixian.core.indicators"
    label = "indicators"
    verbose_name = _("指标与驾驶舱")
    icon = "chart-dots"
    order = 5
