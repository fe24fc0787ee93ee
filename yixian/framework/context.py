"""Who is acting and under which request id: read by the change log, set by middleware or commands."""

import contextlib
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("yixian_request_id", default=None)
_user: ContextVar[object | None] = ContextVar("yixian_user", default=None)
_source: ContextVar[str] = ContextVar("yixian_source", default="system")


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def current_user():
    user = _user.get()
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def current_source() -> str:
    return _source.get()


@contextlib.contextmanager
def acting(*, user=None, request_id: str | None = None, source: str = "system"):
    """Run a block as `user` (or the system) under one request id, e.g. a command or a task."""
    tokens = (
        _request_id.set(request_id or new_request_id()),
        _user.set(user),
        _source.set(source),
    )
    try:
        yield
    finally:
        _source.reset(tokens[2])
        _user.reset(tokens[1])
        _request_id.reset(tokens[0])


def set_request_id(value: str | None):
    return _request_id.set(value)


def set_user(user):
    return _user.set(user)


def set_source(source: str):
    return _source.set(source)
