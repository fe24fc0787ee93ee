from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yixian.framework.forms import ScopedModelForm
from yixian.framework.registry import register
from yixian.framework.resources import Resource

from .models import Membership, OrgUnit, Person


class OrgUnitForm(ScopedModelForm):
    parent = forms.ModelChoiceField(queryset=OrgUnit.objects.all(), label=_("上级单位"), required=True)

    class Meta:
        model = OrgUnit
        fields = ["parent", "code", "name", "short_name", "kind", "aliases", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].required = False
            self.fields["parent"].disabled = True
            self.fields["parent"].initial = self.instance.get_parent()


@register
class OrgUnitResource(Resource):
    model = OrgUnit
    slug = "units"
    icon = "sitemap"
    menu_order = 10
    list_fields = ("name", "code", "kind", "short_name", "is_active")
    detail_fields = ("name", "code", "kind", "short_name", "aliases", "is_active", "depth")
    form_fields = ("code", "name", "short_name", "kind", "aliases", "is_active")
    filter_fields = ("kind", "is_active")
    search_fields = ("name", "code", "aliases")
    ordering = ("path",)
    natural_key = ("code",)
    form_class = OrgUnitForm

    def save_form(self, *, form, user, expected_version):
        if form.instance.pk:
            return super().save_form(form=form, user=user, expected_version=expected_version)
        with transaction.atomic():
            data = {k: v for k, v in form.cleaned_data.items() if k != "parent"}
            return form.cleaned_data["parent"].add_child(**data)


@register
class PersonResource(Resource):
    model = Person
    slug = "people"
    icon = "id-badge-2"
    menu_order = 20
    list_fields = ("name", "org_unit", "position", "cadre_type", "mobile", "is_active")
    form_fields = ("name", "gender", "org_unit", "position", "cadre_type", "specialty", "mobile", "staff_no", "is_active")
    filter_fields = ("org_unit", "cadre_type", "is_active")
    search_fields = ("name", "position", "specialty")
    ordering = ("org_unit__path", "name")
    natural_key = ("staff_no",)


@register
class MembershipResource(Resource):
    model = Membership
    slug = "memberships"
    icon = "users-group"
    menu_order = 30
    list_fields = ("person", "org_unit", "title", "start_date", "end_date")
    form_fields = ("person", "org_unit", "title", "start_date", "end_date")
    filter_fields = ("org_unit",)
    search_fields = ("person__name", "title")
    ordering = ("-start_date",)
