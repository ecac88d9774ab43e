"""The move's permissions for the staff groups (migration.roles)."""

from django.db import migrations

from accounts.roles import roles_sync
from migration.roles import ROLES


def permissions_add(apps, schema_editor):
    roles_sync(apps, schema_editor, roles=ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_groups"),
        ("migration", "0003_keyed_legacy_hashes_drop_pending_table"),
    ]

    operations = [migrations.RunPython(permissions_add, migrations.RunPython.noop)]
