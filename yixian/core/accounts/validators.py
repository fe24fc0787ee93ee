"""Password policy: a minimum length and at least N of the four character classes (DOMAIN_RULES §8)."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a message in the project's catalogue.

    Django 5.2's own message ("…at least %d characters.") has no zh-hans translation yet,
    so users saw it in English.
    """

    def get_error_message(self):
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}



class CharacterClassesValidator:
    """Require `min_classes` of: lower-case, upper-case, digits, other symbols."""

    CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        count = sum(1 for pattern in self.CLASSES if re.search(pattern, password or ""))
        if count < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes}
