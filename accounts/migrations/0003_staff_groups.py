"""Staff roles «Avdelingsansatt» and «Netthandel» as groups with model permissions (accounts.roles)."""

from django.db import migrations

from accounts.roles import ROLES, roles_sync


def groups_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership_offer"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("faq", "0003_joining_another_customer_help"),
        ("shop", "0003_list_and_number_indexes"),
        ("core", "0002_outbox_sending_status"),
        ("allauth_idp_oidc", "0003_client_allow_uri_wildcards"),
        ("identity", "0001_oidc_consent"),
    ]

    operations = [migrations.RunPython(roles_sync, groups_remove)]
