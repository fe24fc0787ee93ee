"""Import services: keep an uploaded file for preview, then import it on confirmation."""

from __future__ import annotations

from django.conf import settings

from . import importer
from .models import ImportJob


def import_job_preview(*, resource, user, file_name: str, content: bytes) -> tuple[ImportJob, importer.Preview]:
    """Check a whole file and keep it for confirmation; writes no record of `resource`.

    Refuses with ImportFileError a file that is not a readable .xlsx (nothing is kept then).
    """
    result = importer.preview(resource=resource, content=content, user=user, max_rows=settings.YIXIAN_IMPORT_MAX_ROWS)
    job = ImportJob.objects.create(
        user=user,
        model=resource.model._meta.label_lower,
        file_name=file_name[:200],
        content=content,
        summary=result.counts(),
    )
    return job, result


def import_job_confirm(*, resource, user, job_id, only_valid: bool) -> dict:
    """Import the user's own pending file, re-checked now: all rows, or only the valid ones.

    Refuses with ImportJob.DoesNotExist a job that is not this user's pending one for this
    resource, and with ImportFileError (writing nothing) a file with errors unless
    `only_valid`. The file's content is dropped once imported.
    """
    job = ImportJob.objects.get(pk=job_id, user=user, state=ImportJob.State.PREVIEW, model=resource.model._meta.label_lower)
    try:
        result = importer.preview(
            resource=resource, content=bytes(job.content), user=user, max_rows=settings.YIXIAN_IMPORT_MAX_ROWS
        )
        counts = importer.apply(resource=resource, result=result, user=user, only_valid=only_valid)
    except importer.ImportFileError as exc:
        job.state = ImportJob.State.REFUSED
        job.summary = {**job.summary, "error": str(exc)}
        job.save(update_fields=["state", "summary"])
        raise
    job.state = ImportJob.State.DONE
    job.summary = counts
    job.content = b""
    job.save(update_fields=["state", "summary", "content"])
    return counts
