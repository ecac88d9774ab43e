"""Settings come from the environment with embedded defaults (PRODUCT.md's table)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARS = ("DJANGO_ALLOW_ASYNC_UNSAFE", "IDP_OIDC_PRIVATE_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS",
               "SHOP_NAME", "SHOP_URL", "LEGACY_SHOP_URL", "LEGACY_HANDOFF_SECRET",
               "TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER")

PROBE = """
import json, django
django.setup()
from django.conf import settings
from config.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "hasher": settings.PASSWORD_HASHERS[0],
    "handoff": settings.LEGACY_HANDOFF_SECRET,
}))
"""


def _settings_with(env_vars, module="config.settings.base"):
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    env.update(env_vars, DJANGO_SETTINGS_MODULE=module)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True,  # noqa: S603
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_nothing_set_gives_sqlite_eager_celery_local_cache_and_console_email():
    probe = _settings_with({})
    assert probe["engine"] == "django.db.backends.sqlite3"
    assert probe["eager"] is True
    assert probe["cache"].endswith("LocMemCache")
    assert probe["email"] == "django.core.mail.backends.console.EmailBackend"
    assert probe["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert probe["handoff"] == ""


def test_redis_url_gives_a_real_broker_and_redis_cache():
    probe = _settings_with({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert probe["eager"] is False
    assert probe["broker"] == "redis://127.0.0.1:6379/0"
    assert probe["cache"].endswith("RedisCache")


def test_database_and_email_urls_are_honoured():
    probe = _settings_with({"DATABASE_URL": "postgres://u:p@db:5432/shop", "EMAIL_URL": "smtp://mail:25"})
    assert probe["engine"] == "django.db.backends.postgresql"
    assert probe["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_settings_pass_check_deploy_without_warnings():
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    from identity.keys import generate_pem

    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secrets.token_urlsafe(50),
               ALLOWED_HOSTS="shop.example.no", DATABASE_URL="sqlite:///:memory:",
               IDP_OIDC_PRIVATE_KEY=generate_pem(), TRUSTED_PROXY_COUNT="1")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
