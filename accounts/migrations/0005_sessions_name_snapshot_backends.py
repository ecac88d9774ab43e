"""Sessions made before accounts.backends name the library's backends: rename them in place.

Django only loads a session's user through a backend listed in AUTHENTICATION_BACKENDS; without
this, everyone would be logged out once by the deploy. Sessions that cannot be decoded are left as
they are (Django treats them as empty anyway). The cached copies (cached_db sessions) are dropped so
the next request reads the renamed row.
"""

from django.conf import settings
from django.db import migrations

RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "accounts.backends.AuthenticationBackend",
}
BACKEND_SESSION_KEY = "_auth_user_backend"


def rename(apps, schema_editor, mapping=RENAMED):
    if "django.contrib.sessions" not in settings.INSTALLED_APPS:
        return
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import caches

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    cache = caches[settings.SESSION_CACHE_ALIAS]
    for session in Session.objects.filter(session_data__isnull=False).iterator(chunk_size=2000):
        data = store.decode(session.session_data)
        backend = data.get(BACKEND_SESSION_KEY)
        if backend not in mapping:
            continue
        data[BACKEND_SESSION_KEY] = mapping[backend]
        Session.objects.filter(pk=session.pk).update(session_data=store.encode(data))
        cache.delete("django.contrib.sessions.cached_db" + session.pk)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, mapping={new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_membership_order_limit_and_price_rights"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
