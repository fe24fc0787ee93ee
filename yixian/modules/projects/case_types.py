"""The case type of a project blocker (堵点): raised on a project, routed to a department."""

from django.utils.translation import gettext_lazy as _

from yixian.core.cases.types import CaseType, SlaPolicy, register_case_type

PROJECT_BLOCKER = register_case_type(
    CaseType(
        code="project_blocker",
        name=_("项目堵点"),
        module="projects",
        public=False,
        requester_kinds=("cadre",),
        description=_("服务组干部在重大项目上发现、需部门协调解决的要素、审批、政策等堵点。"),
        default_priority="normal",
        sla=SlaPolicy(handle_days=10, max_extension_days=10),
        categories=(
            ("P-LAND", "土地要素", "", "D-GZJ"),
            ("P-APPROVAL", "审批许可", "", "D-ZJJ"),
            ("P-POLICY", "政策兑现", "", "D-FGJ"),
            ("P-FUNDING", "资金融资", "", "D-JXJ"),
            ("P-INFRA", "配套设施", "", "D-ZJJ"),
            ("P-DEMOLITION", "征迁交地", "", "D-ZJJ"),
            ("P-TALENT", "人才用工", "", "D-RSJ"),
            ("P-OTHER", "其他", "", "D-FGJ"),
        ),
    )
)
