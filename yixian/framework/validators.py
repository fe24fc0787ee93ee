"""Validators and masks for personal data (DOMAIN_RULES §2)."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(value: str) -> str | None:
    """Strip spaces and dashes and a +86/0086/86 prefix; None when it is not a mainland mobile."""
    digits = re.sub(r"[\s\-]", "", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
            break
    return digits if _MOBILE.match(digits) else None


def validate_mobile(value: str) -> None:
    if value and normalise_mobile(value) is None:
        raise ValidationError(_("手机号格式不正确：%(value)s"), params={"value": value}, code="invalid_mobile")


class MobileField(models.CharField):
    """A mainland mobile number, stored normalised (13812341234), validated, masked on display."""

    default_validators = [validate_mobile]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value:
            return normalise_mobile(value) or value
        return value


def mask_mobile(value: str) -> str:
    if not value:
        return ""
    if len(value) == 11:
        return f"{value[:3]}****{value[-4:]}"
    return "*" * len(value)


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_value(field_name: str, value) -> str:
    if value in (None, ""):
        return ""
    text = str(value)
    if "id_number" in field_name:
        return mask_id_number(text)
    if "mobile" in field_name or "phone" in field_name:
        return mask_mobile(text)
    return text[:1] + "*" * max(len(text) - 1, 1)
