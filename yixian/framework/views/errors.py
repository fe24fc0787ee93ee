"""Error pages that say what happened in Chinese (and English), with the right status."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def _page(request, status, title, message):
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "message": message, "request_id": getattr(request, "request_id", "")},
        status=status,
    )


def bad_request(request, exception=None):
    return _page(request, 400, _("请求有误"), _("请求格式不正确（Bad request）。"))


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else _("您没有执行此操作的权限（Permission denied）。")
    return _page(request, 403, _("没有权限"), detail)


def page_not_found(request, exception=None):
    return _page(request, 404, _("页面不存在"), _("页面或记录不存在，或不在您的数据范围内（Not found）。"))


def server_error(request):
    return _page(request, 500, _("服务器错误"), _("服务器内部错误，请将请求编号告知管理员（Server error）。"))


def csrf_failure(request, reason=""):
    return _page(
        request,
        403,
        _("页面已过期"),
        _("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试（The form expired; reload and try again）。"),
    )
