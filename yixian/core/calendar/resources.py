"""工作日历 pages: years (publish) and days (edit, filter, Excel import/export)."""

from __future__ import annotations

import copy
from functools import cached_property

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yixian.framework.api import serializer_for
from yixian.framework.filtersets import filterset_for
from yixian.framework.forms import form_for
from yixian.framework.registry import register
from yixian.framework.resources import Resource

from . import services
from .models import CalendarDay, CalendarYear


class _KeyFixedOnEdit:
    """Form mixin: the natural key (year, date) cannot be changed once the record exists."""

    fixed_on_edit: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in self.fixed_on_edit:
                if name in self.fields:
                    self.fields[name].disabled = True


class _ModelCleanSerializer:
    """Serializer mixin: the API checks what the pages check (the model's clean and constraints)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name != "version":
                setattr(instance, name, value)
        try:
            instance.clean()
            instance.validate_constraints()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc))
        return attrs


class _YearSerializer(_ModelCleanSerializer):
    def create(self, validated_data):
        calendar_year = super().create(validated_data)
        services.fill_draft_days(calendar_year)
        return calendar_year


@register
class CalendarYearResource(Resource):
    model = CalendarYear
    slug = "years"
    icon = "calendar-event"
    menu_order = 10
    list_fields = ("year", "published", "source", "note")
    detail_fields = ("year", "published", "source", "note")
    form_fields = ("year", "published", "note")
    filter_fields = ("published", "source")
    search_fields = ("note",)
    ordering = ("-year",)
    natural_key = ("year",)

    @cached_property
    def form(self):
        base = form_for(self)
        return type("CalendarYearForm", (_KeyFixedOnEdit, base), {"fixed_on_edit": ("year",)})

    @cached_property
    def serializer(self):
        return type("CalendarYearSerializer", (_YearSerializer, serializer_for(self)), {})

    def save_form(self, *, form, user, expected_version: int | None):
        """A new year comes with all its days (weekends off), ready to edit and publish."""
        adding = form.instance.pk is None
        with transaction.atomic():
            calendar_year = super().save_form(form=form, user=user, expected_version=expected_version)
            if adding:
                services.fill_draft_days(calendar_year)
        return calendar_year


def _year_choices():
    return [(y, str(y)) for y in CalendarYear.objects.order_by("-year").values_list("year", flat=True)]


@register
class CalendarDayResource(Resource):
    model = CalendarDay
    slug = "days"
    icon = "calendar-due"
    menu_order = 20
    list_fields = ("date", "kind", "is_workday", "name")
    form_fields = ("date", "kind", "is_workday", "name")
    filter_fields = ("kind", "is_workday")
    search_fields = ("name",)
    ordering = ("date",)
    natural_key = ("date",)
    paginate_by = 50

    @cached_property
    def filterset(self):
        year = django_filters.ChoiceFilter(field_name="date", lookup_expr="year", label=_("年度"), choices=_year_choices)
        return type("CalendarDayFilterSet", (filterset_for(self),), {"year": year})

    @cached_property
    def form(self):
        base = form_for(self)
        return type("CalendarDayForm", (_KeyFixedOnEdit, base), {"fixed_on_edit": ("date",)})

    @cached_property
    def serializer(self):
        return type("CalendarDaySerializer", (_ModelCleanSerializer, serializer_for(self)), {})
