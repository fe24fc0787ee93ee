"""Production settings: `check --deploy` is clean, and the settings refuse to start unsafe."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DEBUG": "0",
    "SECURE_SSL": "1",
    "ALLOWED_HOSTS": "yixian.example.gov.cn",
}


def manage(*args, **env):
    """Run manage.py in a fresh process with production-like environment plus `env`."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("YIXIAN_", "SECURE_", "DJANGO_"))
        and k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "BEHIND_PROXY", "CSRF_TRUSTED_ORIGINS"}
    }
    base["DJANGO_SETTINGS_MODULE"] = "yixian.settings"
    full = {**base, **PRODUCTION, **{k: v for k, v in env.items() if v is not None}}
    for key in [k for k, v in env.items() if v is None]:
        full.pop(key, None)
    python = ROOT / ".venv" / "bin" / "python"
    return subprocess.run(
        [str(python if python.exists() else sys.executable), "manage.py", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def strong_key() -> str:
    return secrets.token_urlsafe(50)[:50]


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=strong_key())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_https_settings():
    """Control: the same check does complain when HTTPS hardening is off."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=strong_key(), SECURE_SSL="0")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "security.W004" in output  # HSTS
    assert "security.W012" in output  # session cookie not secure


def test_check_deploy_fails_with_a_weak_secret_key():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="short-key")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_check_deploy_refuses_the_built_in_development_key():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=None, YIXIAN_INSECURE_DEV_KEY="1")
    assert result.returncode != 0
    assert "yixian.E001" in result.stdout + result.stderr


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off():
    result = manage("check", SECRET_KEY=None, YIXIAN_INSECURE_DEV_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize("flag", ["1", "true"])
def test_debug_off_and_ssl_on_give_secure_cookies_and_hsts(flag):
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = manage("shell", "-v", "0", "-c", code, SECRET_KEY=strong_key(), SECURE_SSL=flag)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True"]
