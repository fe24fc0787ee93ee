"""Generated ModelForms whose choices of org units and related records stay inside scope."""

from __future__ import annotations

from django import forms
from django.db import models
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from .scope import get_scope


class ScopedModelForm(forms.ModelForm):
    """A ModelForm for `user`: every related-record choice is narrowed to the user's scope,
    so a forged id in a POST is refused with a clear message."""

    field_limits: dict = {}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = get_scope(user)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                if name in self.field_limits:
                    field.queryset = field.queryset.filter(self.field_limits[name])
                field.queryset = scope.narrow(field.queryset)
                field.error_messages["invalid_choice"] = _("所选项不存在或不在您的数据范围内（invalid choice）。")
                field.error_messages["invalid_pk_value"] = _("“%(pk)s”不是有效的编号。")
            if isinstance(field, (forms.DateField,)) and not isinstance(field.widget, forms.HiddenInput):
                field.widget.input_type = "date"
            widget = field.widget
            css = "form-select" if isinstance(widget, (forms.Select, forms.SelectMultiple)) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            if isinstance(widget, forms.CheckboxSelectMultiple):
                css = ""
            if css:
                widget.attrs.setdefault("class", css)


def _formfield_callback(field: models.Field, **kwargs):
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        kwargs.setdefault("widget", forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    if isinstance(field, models.ManyToManyField):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
    return field.formfield(**kwargs)


def form_for(resource):
    base = type(f"{resource.model.__name__}BaseForm", (ScopedModelForm,), {"field_limits": dict(resource.field_limits)})
    return modelform_factory(
        resource.model,
        form=base,
        fields=resource.get_form_fields(),
        formfield_callback=_formfield_callback,
    )
