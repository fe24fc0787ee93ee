"""Generic pages for every registered resource: list, detail (with history), create, edit,
delete with confirmation, and export. Scope first, then permission, then the action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from ..models import ConcurrentEditError, OutOfScopeError


class ResourceView(LoginRequiredMixin, View):
    """Base: knows its resource and the permission its action needs."""

    resource = None
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.resource.perm(self.action)):
            raise PermissionDenied(
                _("您没有%(action)s“%(name)s”的权限。")
                % {
                    "action": ACTION_LABELS.get(self.action, self.action),
                    "name": self.resource.verbose_name,
                }
            )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.resource.get_queryset(self.request.user)

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except (self.resource.model.DoesNotExist, ValueError, TypeError):
            raise Http404(_("记录不存在或不在您的数据范围内。")) from None

    def base_context(self, **extra):
        r = self.resource
        user = self.request.user
        writable = not r.read_only
        ctx = {
            "resource": r,
            "opts": r.model._meta,
            "can_add": writable and user.has_perm(r.perm("add")),
            "can_change": writable and user.has_perm(r.perm("change")),
            "can_delete": writable and user.has_perm(r.perm("delete")),
            "can_import": writable and user.has_perm(r.perm("add")) and user.has_perm(r.perm("change")),
            "urls": {a: r.url_name(a) for a in (("list", "export") if r.read_only else ("list", "add", "export", "import"))},
        }
        obj = extra.get("object")
        if obj is not None and obj.pk:
            from django.urls import reverse

            for action in ("detail",) if r.read_only else ("detail", "edit", "delete"):
                ctx[f"{action}_url"] = reverse(r.url_name(action), args=[obj.pk])
        ctx.update(extra)
        return ctx


ACTION_LABELS = {"view": gettext_lazy("查看"), "add": gettext_lazy("新增"), "change": gettext_lazy("修改"), "delete": gettext_lazy("删除")}


class ObjectListView(ResourceView):
    template_name = "framework/object_list.html"

    def filtered(self):
        filterset = self.resource.filterset(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()
        if filterset.is_bound and not filterset.is_valid():
            qs = qs.none()
        return filterset, qs

    def get(self, request, *args, **kwargs):
        filterset, qs = self.filtered()
        table = self.resource.table(qs, request=request)
        RequestConfig(request, paginate={"per_page": self.resource.paginate_by}).configure(table)
        ctx = self.base_context(filterset=filterset, table=table, total=table.paginator.count, querystring=request.GET.urlencode())
        template = (
            "framework/_list_results.html"
            if getattr(request, "htmx", False) and request.htmx.target == "results"
            else self.template_name
        )
        return render(request, template, ctx)


class ObjectExportView(ObjectListView):
    def get(self, request, *args, **kwargs):
        from yixian.core.dataio.export import export_response

        filterset, qs = self.filtered()
        if request.GET.get("template"):
            qs = qs.none()  # headers only: the import template
        return export_response(resource=self.resource, queryset=qs, request=request)


class ObjectDetailView(ResourceView):
    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        tab = request.GET.get("tab", "detail")
        from yixian.core.dataio.cells import export_value

        rows = []
        for name in self.resource.get_detail_fields():
            field = self.resource.field(name)
            # The same value a cell of the export shows: labels not codes, personal data masked.
            rows.append({"name": name, "label": field.verbose_name, "value": export_value(obj, field, unmasked=False)})
        history = None
        if tab == "history":
            from yixian.core.audit.selectors import changes_for_object

            history = changes_for_object(obj)
        ctx = self.base_context(object=obj, rows=rows, tab=tab, history=history)
        return render(request, "framework/object_detail.html", ctx)


class ObjectEditView(ResourceView):
    """Create (no pk) or edit; stale versions are refused with 409, invalid input with 422."""

    action = "change"
    template_name = "framework/object_edit.html"

    def get_instance(self):
        return self.get_object() if "pk" in self.kwargs else None

    def get(self, request, *args, **kwargs):
        obj = self.get_instance()
        form = self.resource.form(instance=obj, user=request.user, initial=self.initial())
        return render(request, self.template_name, self.base_context(form=form, object=obj))

    def initial(self):
        return {k: v for k, v in self.request.GET.items() if k in self.resource.get_form_fields()}

    def post(self, request, *args, **kwargs):
        obj = self.get_instance()
        form = self.resource.form(request.POST, request.FILES or None, instance=obj, user=request.user)
        expected = None
        if obj is not None:
            try:
                expected = int(request.POST.get("_version", ""))
            except ValueError:
                expected = -1
        status = 422
        if form.is_valid():
            try:
                saved = self.resource.save_form(form=form, user=request.user, expected_version=expected)
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc.message))
                status = 409
            except OutOfScopeError as exc:
                form.add_error(None, str(exc.message))
                status = 403
            else:
                messages.success(request, _("已保存：%(obj)s") % {"obj": saved})
                return redirect(saved.get_absolute_url())
        ctx = self.base_context(form=form, object=obj)
        return render(request, self.template_name, ctx, status=status)


class ObjectCreateView(ObjectEditView):
    action = "add"


class ObjectDeleteView(ResourceView):
    action = "delete"

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(request, "framework/object_delete.html", self.base_context(object=obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        name = str(obj)
        try:
            self.resource.delete(obj=obj, user=request.user)
        except ProtectedError:
            messages.error(request, _("“%(obj)s”被其他记录引用，不能删除。") % {"obj": name})
            return render(request, "framework/object_delete.html", self.base_context(object=obj), status=409)
        messages.success(request, _("已删除：%(obj)s") % {"obj": name})
        from django.urls import reverse

        return redirect(reverse(self.resource.url_name("list")))
