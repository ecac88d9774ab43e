"""Weak hashes waiting in PendingLegacyHash move to the account in the keyed form; the table goes.

Issue #15 item 5: a weak digest is never stored, not even until the wrap step. Rows left by an
import that ran before this change are wrapped with the import's keyed layer (fast; the wrap step
then strengthens them with argon2) and the table holding them is dropped.
"""

from django.db import migrations


def pending_to_keyed(apps, schema_editor):
    from migration.hashers import legacy_hash_kind, legacy_wrap_keyed

    LegacyAccount = apps.get_model("migration", "LegacyAccount")
    PendingLegacyHash = apps.get_model("migration", "PendingLegacyHash")
    for pending in PendingLegacyHash.objects.iterator():
        kind = legacy_hash_kind(pending.legacy_hash)
        stored = legacy_wrap_keyed(pending.legacy_hash) if kind in ("weak", "strong") else ""
        LegacyAccount.objects.filter(pk=pending.account_id).update(password=stored)
    PendingLegacyHash.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("migration", "0002_migrationevent_kind_edited_by_staff"),
    ]

    operations = [
        migrations.RunPython(pending_to_keyed, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="PendingLegacyHash"),
    ]
