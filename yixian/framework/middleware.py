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
