"""Request id and current user, so every change log row knows who and which request."""

import re

from . import context

_VALID_ID = re.compile(r"^[A-Za-z0-9\-_.]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a sane one from the proxy) and echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else context.new_request_id()
        request.request_id = request_id
        token = context.set_request_id(request_id)
        source_token = context.set_source("web")
        try:
            response = self.get_response(request)
        finally:
            context._source.reset(source_token)
            context._request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class CurrentUserMiddleware:
    """Expose request.user to the change log for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_user(request.user)
        try:
            return self.get_response(request)
        finally:
            context._user.reset(token)


class UploadLimitMiddleware:
    """Answer 413 for a body announced above YIXIAN_MAX_UPLOAD_BYTES before anything reads it.

    Placed before the CSRF check: reading `request.POST` there would run the upload handlers,
    and Django does not catch the StopUpload an oversized body raises at that point (a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.YIXIAN_MAX_UPLOAD_BYTES
        if length > limit:
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            from .views.errors import _page

            message = _("上传的内容超过 %(mb)d MB 上限，未处理；请压缩图片或分批上传（Upload too large）。") % {"mb": limit // 1024 // 1024}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "too_large"}, status=413)
            return _page(request, 413, _("上传内容过大"), message)
        return self.get_response(request)
