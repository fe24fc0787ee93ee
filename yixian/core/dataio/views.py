"""Upload → preview naming every bad row and cell → confirm. Nothing is written before confirm."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yixian.framework.uploads import upload_too_large
from yixian.framework.views.generic import ResourceView

from . import importer
from .models import ImportJob


class ObjectImportView(ResourceView):
    action = "add"
    template_name = "dataio/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.resource.perm("change")):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("导入需要新增和修改“%(name)s”的权限。") % {"name": self.resource.verbose_name})
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, status=200, **extra):
        ctx = self.base_context(
            max_mb=settings.YIXIAN_MAX_UPLOAD_BYTES // (1024 * 1024),
            columns=[
                (self.resource.label(n), importer._required(self.resource, n) or n in (self.resource.natural_key or ()))
                for n in self.resource.get_import_fields()
            ],
            natural_key=[self.resource.label(n) for n in (self.resource.natural_key or ())],
            **extra,
        )
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def post(self, request, *args, **kwargs):
        if upload_too_large(request):
            limit = settings.YIXIAN_MAX_UPLOAD_BYTES // (1024 * 1024)
            return self.render_page(status=413, error=_("文件超过 %(mb)d MB 上限，未导入（file too large）。") % {"mb": limit})
        if "job" in request.POST:
            return self.confirm(request)
        upload = request.FILES.get("file")
        if upload is None:
            return self.render_page(status=400, error=_("请选择要上传的 .xlsx 文件。"))
        content = upload.read()
        try:
            result = importer.preview(
                resource=self.resource, content=content, user=request.user, max_rows=settings.YIXIAN_IMPORT_MAX_ROWS
            )
        except importer.ImportFileError as exc:
            return self.render_page(status=400, error=str(exc))
        job = ImportJob.objects.create(
            user=request.user,
            model=self.resource.model._meta.label_lower,
            file_name=upload.name[:200],
            content=content,
            summary=result.counts(),
        )
        status = 422 if result.header_errors else 200
        return self.render_page(status=status, result=result, job=job)

    def confirm(self, request):
        job = get_object_or_404(
            ImportJob,
            pk=request.POST.get("job"),
            user=request.user,
            state=ImportJob.State.PREVIEW,
            model=self.resource.model._meta.label_lower,
        )
        only_valid = request.POST.get("mode") == "valid"
        try:
            result = importer.preview(
                resource=self.resource, content=bytes(job.content), user=request.user, max_rows=settings.YIXIAN_IMPORT_MAX_ROWS
            )
            counts = importer.apply(resource=self.resource, result=result, user=request.user, only_valid=only_valid)
        except importer.ImportFileError as exc:
            job.state = ImportJob.State.REFUSED
            job.summary = {**job.summary, "error": str(exc)}
            job.save(update_fields=["state", "summary"])
            return self.render_page(status=422, error=str(exc))
        job.state = ImportJob.State.DONE
        job.summary = counts
        job.content = b""
        job.save(update_fields=["state", "summary", "content"])
        messages.success(
            request,
            _("导入完成：新增 %(create)d 条，更新 %(update)d 条，跳过错误行 %(bad)d 条。") % counts,
        )
        return redirect(reverse(self.resource.url_name("list")))
