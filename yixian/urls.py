from django.contrib import admin
from django.urls import include, path  # noqa: F401
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from yixian.framework.api import build_router
from yixian.framework.urls import module_urlpatterns
from yixian.framework.views import home

handler400 = "yixian.framework.views.errors.bad_request"
handler403 = "yixian.framework.views.errors.permission_denied"
handler404 = "yixian.framework.views.errors.page_not_found"
handler500 = "yixian.framework.views.errors.server_error"

admin.site.site_header = "一线 yixian 系统管理"
admin.site.site_title = "一线 yixian"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/indicators/", include("yixian.core.indicators.api_urls")),
    path("api/", include(build_router().urls)),
    path("sysadmin/", admin.site.urls),
    *module_urlpatterns(),
]
