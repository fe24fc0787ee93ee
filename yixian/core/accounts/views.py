"""Login, logout and the lockout response."""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _lockout_minutes() -> int:
    """The configured cool-off in whole minutes (rounded up, so never "0 minutes")."""
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy(
            "用户名或密码错误（Wrong user name or password）。连续失败 %(limit)d 次将锁定账号 %(minutes)d 分钟。"
        ),
        "inactive": gettext_lazy("该账号已停用，请联系系统管理员。"),
    }

    def get_invalid_login_error(self):
        # State the configured limits (AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME), not fixed numbers.
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT, "minutes": _lockout_minutes()},
        )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 401
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("您已安全退出。"))
        return response


def lockout_response(request, original_response=None, credentials=None):
    """Shown instead of the login page while an account is locked (HTTP 429)."""
    message = _("登录失败次数过多，账号已锁定 %(minutes)d 分钟，请稍后再试或联系安全管理员。") % {"minutes": _lockout_minutes()}
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message, "code": "locked"}, status=429)
    return render(
        request,
        "accounts/login.html",
        {"form": LoginForm(request), "locked_message": message},
        status=429,
    )
