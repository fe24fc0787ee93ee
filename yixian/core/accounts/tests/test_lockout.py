"""Login lockout (django-axes): 5 wrong passwords lock the account for 15 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import override_settings

from .conftest import PASSWORD, is_signed_in

WRONG = "Wrong@2026x"
pytestmark = pytest.mark.django_db


def age_attempts(username, minutes):
    """Pretend the failed attempts of `username` happened `minutes` earlier (axes' own clock)."""
    delta = timedelta(minutes=minutes)
    for attempt in AccessAttempt.objects.filter(username=username):
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - delta)
    for row in AccessFailureLog.objects.filter(username=username):
        AccessFailureLog.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - delta)


def test_wrong_password_gives_401_with_chinese_message(client, make_user, login):
    make_user("zhangsan")
    response = login(client, "zhangsan", WRONG)
    assert response.status_code == 401
    assert "用户名或密码错误" in response.content.decode()
    assert not is_signed_in(client)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, make_user, login):
    make_user("zhangsan")
    wrong_password = login(client, "zhangsan", WRONG)
    unknown_user = login(client, "nobody", WRONG)
    assert unknown_user.status_code == wrong_password.status_code == 401
    assert "用户名或密码错误" in unknown_user.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(client, make_user, login):
    make_user("zhangsan")
    for _ in range(4):
        assert login(client, "zhangsan", WRONG).status_code == 401
    fifth = login(client, "zhangsan", WRONG)
    assert fifth.status_code == 429  # the 5th failure is the one that locks
    assert "锁定" in fifth.content.decode()

    sixth = login(client, "zhangsan", PASSWORD)
    assert sixth.status_code == 429
    body = sixth.content.decode()
    assert "锁定" in body and "15 分钟" in body
    assert not is_signed_in(client)
    assert client.get("/").status_code == 302  # still not signed in


def test_four_failures_do_not_lock(client, make_user, login):
    make_user("zhangsan")
    for _ in range(4):
        assert login(client, "zhangsan", WRONG).status_code == 401
    response = login(client, "zhangsan", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_successful_login_resets_the_failure_count(client, make_user, login):
    make_user("zhangsan")
    for _ in range(4):
        login(client, "zhangsan", WRONG)
    assert login(client, "zhangsan", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert login(client, "zhangsan", WRONG).status_code == 401
    assert login(client, "zhangsan", PASSWORD).status_code == 302


def test_lock_lasts_fifteen_minutes_then_the_right_password_works(client, make_user, login):
    make_user("zhangsan")
    for _ in range(5):
        login(client, "zhangsan", WRONG)

    age_attempts("zhangsan", 14)
    assert login(client, "zhangsan", PASSWORD).status_code == 429  # 14 minutes later: still locked
    assert not is_signed_in(client)

    age_attempts("zhangsan", 2)  # 16 minutes after the last failure
    response = login(client, "zhangsan", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert client.get("/").status_code == 200


@override_settings(AXES_COOLOFF_TIME=timedelta(seconds=1))
def test_cool_off_time_is_a_setting(client, make_user, login):
    make_user("zhangsan")
    for _ in range(5):
        login(client, "zhangsan", WRONG)
    age_attempts("zhangsan", 1)  # a minute is far longer than the 1-second cool-off
    assert login(client, "zhangsan", PASSWORD).status_code == 302


def test_lock_is_per_username_not_per_client(client, make_user, login):
    make_user("zhangsan")
    make_user("lisi")
    for _ in range(5):
        login(client, "zhangsan", WRONG)
    assert login(client, "zhangsan", PASSWORD).status_code == 429

    response = login(client, "lisi", PASSWORD)  # same browser, same address
    assert response.status_code == 302
    assert is_signed_in(client)


def test_changing_address_or_browser_does_not_escape_the_lock(client, make_user, login):
    make_user("zhangsan")
    for i in range(5):
        login(client, "zhangsan", WRONG, REMOTE_ADDR=f"10.0.0.{i + 1}", HTTP_USER_AGENT=f"agent-{i}")
    response = login(client, "zhangsan", PASSWORD, REMOTE_ADDR="10.9.9.9", HTTP_USER_AGENT="fresh-agent")
    assert response.status_code == 429
    assert not is_signed_in(client)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failure_limit_is_a_setting(client, make_user, login):
    make_user("zhangsan")
    first = login(client, "zhangsan", WRONG)
    assert first.status_code == 401
    assert "3 次" in first.content.decode()  # the warning states the configured limit
    assert login(client, "zhangsan", WRONG).status_code == 401
    assert login(client, "zhangsan", WRONG).status_code == 429
    assert login(client, "zhangsan", PASSWORD).status_code == 429
    assert not is_signed_in(client)


def test_warning_on_wrong_password_states_the_default_limit_and_duration(client, make_user, login):
    make_user("zhangsan")
    body = login(client, "zhangsan", WRONG).content.decode()
    assert "5 次" in body and "15 分钟" in body


def test_lockout_settings_come_from_the_environment():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    code = (
        "import json, yixian.settings as s; print(json.dumps([s.AXES_FAILURE_LIMIT, "
        "s.AXES_COOLOFF_TIME.total_seconds(), s.YIXIAN_IDLE_TIMEOUT.total_seconds()]))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("YIXIAN_LOCKOUT", "YIXIAN_IDLE"))}

    def read(**env):
        out = subprocess.run([sys.executable, "-c", code], cwd=root, env={**base, **env}, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert read() == [5, 15 * 60, 30 * 60]
    assert read(YIXIAN_LOCKOUT_FAILURES="7", YIXIAN_LOCKOUT_MINUTES="20", YIXIAN_IDLE_MINUTES="10") == [7, 20 * 60, 10 * 60]

