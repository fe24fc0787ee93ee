"""End a session after a period without activity (configurable, 30 minutes by default)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

SESSION_KEY = "_yixian_last_activity"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(SESSION_KEY)
            limit = int(settings.YIXIAN_IDLE_TIMEOUT.total_seconds())
            if last is not None and now - int(last) > limit:
                logout(request)
                message = _("您已超过 %(minutes)d 分钟未操作，请重新登录。") % {"minutes": limit // 60}
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": message, "code": "session_expired"}, status=401)
                messages.warning(request, message)
                response = redirect_to_login(request.get_full_path())
                if request.headers.get("HX-Request") == "true":
                    # htmx's XHR would follow a 302 and swap the login page into the fragment;
                    # tell htmx to load the login page as a whole page instead. (The header is
                    # read directly: HtmxMiddleware runs after this middleware.)
                    return HttpResponseClientRedirect(response["Location"])
                return response
            if last is None or now - int(last) >= 60:  # write the session at most once a minute
                request.session[SESSION_KEY] = now
        return self.get_response(request)
