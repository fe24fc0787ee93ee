"""Password policy: at least 8 characters and 3 of the 4 character classes, in Chinese."""

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .conftest import PASSWORD

OLD = "Old#Pass2025"

REJECTED = {
    "abcdefg1": "password_too_simple",  # 8 characters but only lower-case and digits
    "abcdefgh": "password_too_simple",  # one class
    "Abc12!": "password_too_short",  # four classes but 6 characters
}
# Three classes suffice; a symbol is not required.
ACCEPTED = ["Yixian@2026", "Gongshu2026", "hu#shu2026"]


@pytest.mark.parametrize("password, code", REJECTED.items())
def test_weak_passwords_are_refused_in_chinese(password, code):
    with pytest.raises(ValidationError) as info:
        validate_password(password)
    assert code in {error.code for error in info.value.error_list}
    assert any("至少" in message for message in info.value.messages)


@pytest.mark.parametrize("password", ACCEPTED)
def test_strong_passwords_are_accepted(password):
    assert validate_password(password) is None


def test_three_classes_without_a_symbol_pass_the_class_rule_but_common_passwords_do_not():
    """The password "abcDEF123" passes the three-class rule but is on the common-password list ("abcdef123")."""
    from yixian.core.accounts.validators import CharacterClassesValidator

    assert CharacterClassesValidator(min_classes=3).validate("abcDEF123") is None
    with pytest.raises(ValidationError) as info:
        validate_password("abcDEF123")
    assert [error.code for error in info.value.error_list] == ["password_too_common"]
    assert info.value.messages == ["这个密码太常见了。"]


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["abcdefg1", "abcdefgh", "Abc12!", "12345678", "Zhangsan2026"])
def test_every_refusal_is_worded_in_chinese(make_user, password):
    user = make_user("zhangsan")
    with pytest.raises(ValidationError) as info:
        validate_password(password, user)
    for message in info.value.messages:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_policy_is_described_to_the_user():
    from django.contrib.auth.password_validation import password_validators_help_texts

    texts = " ".join(password_validators_help_texts())
    assert "至少 3 类" in texts
    assert "至少 8 个字符" in texts


@pytest.mark.django_db
@pytest.mark.parametrize("password", REJECTED)
def test_set_password_form_refuses_weak_password_and_keeps_the_old_one(make_user, password):
    user = make_user("zhangsan")
    form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
    assert not form.is_valid()
    assert "至少" in " ".join(form.errors["new_password2"])
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not user.check_password(password)


@pytest.mark.django_db
@pytest.mark.parametrize("password", ACCEPTED)
def test_set_password_form_accepts_strong_password(make_user, password):
    user = make_user("zhangsan", password=OLD)
    form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
    assert form.is_valid(), form.errors
    form.save()
    user.refresh_from_db()
    assert user.check_password(password)
    assert not user.check_password(OLD)


@pytest.mark.django_db
def test_password_like_the_user_name_is_refused(make_user):
    user = make_user("wangxiaoming")
    form = SetPasswordForm(user, {"new_password1": "Wangxiaoming1", "new_password2": "Wangxiaoming1"})
    assert not form.is_valid()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_new_password_works_for_logging_in_and_the_old_one_stops(client, make_user, login):
    user = make_user("zhangsan")
    form = SetPasswordForm(user, {"new_password1": "Gongshu2026", "new_password2": "Gongshu2026"})
    assert form.is_valid(), form.errors
    form.save()
    assert login(client, "zhangsan", PASSWORD).status_code == 401
    assert login(client, "zhangsan", "Gongshu2026").status_code == 302
