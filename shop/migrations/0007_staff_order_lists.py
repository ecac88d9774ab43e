"""«Netthandel» may look up a customer's «Bestillingslister» in admin (accounts.roles.ORDER_LIST_ROLES)."""

from django.db import migrations

from accounts.roles import ORDER_LIST_ROLES, roles_sync


def order_lists_permission_add(apps, schema_editor):
    roles_sync(apps, schema_editor, roles=ORDER_LIST_ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_membership_order_limit_and_price_rights"),
        ("shop", "0006_order_approval_and_order_lists"),
    ]

    operations = [migrations.RunPython(order_lists_permission_add, migrations.RunPython.noop)]
