from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class DataioConfig(ModuleConfig):
    name = "yixian.core.dataio"
    label = "dataio"
    verbose_name = _("导入导出")
    icon = "file-spreadsheet"
    order = 99
