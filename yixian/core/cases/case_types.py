"""The generic case types this engine ships; modules declare theirs the same way."""

from django.utils.translation import gettext_lazy as _

from .types import CaseType, register_case_type

RESIDENT_REQUEST = register_case_type(
    CaseType(
        code="resident_request",
        name=_("居民诉求"),
        module="cases",
        public=True,
        requester_kinds=("resident", "rider", "other"),
        description=_("居民反映的城市管理、物业、邻里、公共服务等问题。"),
        categories=(
            ("R-CITY", "市容环境", "", ""),
            ("R-CITY-STALL", "占道经营", "R-CITY", "D-CGJ"),
            ("R-CITY-GARBAGE", "垃圾清运", "R-CITY", "D-CGJ"),
            ("R-CITY-NOISE", "噪音扰民", "R-CITY", "D-CGJ"),
            ("R-PROP", "物业小区", "", ""),
            ("R-PROP-SERVICE", "物业服务", "R-PROP", "D-ZJJ"),
            ("R-PROP-ELEVATOR", "电梯加装与维修", "R-PROP", "D-ZJJ"),
            ("R-PROP-PARKING", "停车管理", "R-PROP", ""),
            ("R-ROAD", "道路交通", "", ""),
            ("R-ROAD-DAMAGE", "道路破损", "R-ROAD", "D-ZJJ"),
            ("R-ROAD-LIGHT", "路灯故障", "R-ROAD", "D-CGJ"),
            ("R-PUBLIC", "公共服务", "", ""),
            ("R-PUBLIC-SOCIAL", "社保医保", "R-PUBLIC", "D-RSJ"),
            ("R-PUBLIC-OTHER", "其他", "R-PUBLIC", ""),
        ),
    )
)

ENTERPRISE_DEMAND = register_case_type(
    CaseType(
        code="enterprise_demand",
        name=_("企业诉求"),
        module="cases",
        public=True,
        requester_kinds=("enterprise",),
        description=_("企业在经营、用工、融资、政策兑现、审批等方面的诉求。"),
        categories=(
            ("E-POLICY", "政策兑现", "", "D-FGJ"),
            ("E-APPROVAL", "审批服务", "", "D-SCJ"),
            ("E-TALENT", "人才用工", "", "D-RSJ"),
            ("E-FINANCE", "融资服务", "", "D-JXJ"),
            ("E-SPACE", "用房用地", "", "D-GZJ"),
            ("E-ENV", "周边环境", "", "D-CGJ"),
            ("E-OTHER", "其他", "", ""),
        ),
    )
)
