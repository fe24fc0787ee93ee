"""Upload → preview naming every bad row and cell → confirm. Nothing is written before confirm."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yixian.framework.uploads import upload_too_large
from yixian.framework.views.generic import ResourceView

from . import importer, services
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
        try:
            job, result = services.import_job_preview(
                resource=self.resource, user=request.user, file_name=upload.name, content=upload.read()
            )
        except importer.ImportFileError as exc:
            return self.render_page(status=400, error=str(exc))
        status = 422 if result.header_errors else 200
        return self.render_page(status=status, result=result, job=job)

    def confirm(self, request):
        try:
            counts = services.import_job_confirm(
                resource=self.resource,
                user=request.user,
                job_id=request.POST.get("job"),
                only_valid=request.POST.get("mode") == "valid",
            )
        except (ImportJob.DoesNotExist, ValueError):
            raise Http404(_("导入任务不存在或已处理。")) from None
        except importer.ImportFileError as exc:
            return self.render_page(status=422, error=str(exc))
        messages.success(
            request,
            _("导入完成：新增 %(create)d 条，更新 %(update)d 条，跳过错误行 %(bad)d 条。") % counts,
        )
        return redirect(reverse(self.resource.url_name("list")))
