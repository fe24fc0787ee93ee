"""Deployment checks of the account security settings (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks

DEV_KEY_PREFIX = "dev-only-insecure-key"  # the key settings.py falls back to under YIXIAN_INSECURE_DEV_KEY


@checks.register(checks.Tags.security, deploy=True)
def check_not_the_development_key(app_configs=None, **kwargs):
    """The built-in development key is public: with it anyone can forge sessions and tokens."""
    if str(settings.SECRET_KEY).startswith(DEV_KEY_PREFIX):
        return [
            checks.Error(
                "SECRET_KEY is the built-in development key (YIXIAN_INSECURE_DEV_KEY); "
                "生产环境必须设置独立的 SECRET_KEY。",
                hint="Set SECRET_KEY to a long random value and unset YIXIAN_INSECURE_DEV_KEY.",
                id="yixian.E001",
            )
        ]
    return []
