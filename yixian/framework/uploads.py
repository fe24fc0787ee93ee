"""Refuse oversized uploads before they are read into memory or onto disk."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadTooLarge(Exception):
    """Raised when a request body exceeds YIXIAN_MAX_UPLOAD_BYTES."""


class LimitedUploadHandler(FileUploadHandler):
    """Stops the upload as soon as the body is known (or seen) to exceed the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > settings.YIXIAN_MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if self.received > settings.YIXIAN_MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_too_large(request) -> bool:
    """True when the request carried (or announced) a body above the limit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > settings.YIXIAN_MAX_UPLOAD_BYTES or getattr(request, "upload_too_large", False)
