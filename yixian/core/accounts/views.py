"""Login, logout, lockout and the sensitive-data reveal endpoint."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码错误（Wrong user name or password）。连续失败 5 次将锁定账号 15 分钟。"),
        "inactive": gettext_lazy("该账号已停用，请联系系统管理员。"),
    }


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
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("登录失败次数过多，账号已锁定 %(minutes)d 分钟，请稍后再试或联系安全管理员。") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message, "code": "locked"}, status=429)
    return render(
        request,
        "accounts/login.html",
        {"form": LoginForm(request), "locked_message": message},
        status=429,
    )
