"""Staff roles: the Django groups «Avdelingsansatt» and «Netthandel» and their model permissions.

The names are contracts (PRODUCT.md). The groups are created by a data migration
(`accounts/migrations/0003_staff_groups.py`) that calls `roles_sync` with the lists below; apps that
build on accounts add their own models' permissions the same way (`migration/roles.py` and its data
migration: accounts never names the migration app). `roles_sync` only adds: a permission taken away
needs a migration that removes it. Superusers are for IT only and are not a group.

What a role may do *within* its permissions is narrowed further by branch scope
(`accounts.admin_scope`): a branch employee's permissions apply to their own branch's objects only.
"""

BRANCH_STAFF = "Avdelingsansatt"
CENTRAL_STAFF = "Netthandel"

# app_label.codename.
BRANCH_PERMISSIONS = [
    "accounts.view_branch",
    "accounts.view_customer",
    "accounts.view_membership",
    "faq.view_supportrequest",
    "faq.change_supportrequest",
    "shop.view_order",
    "core.view_outboundemail",
]

CENTRAL_PERMISSIONS = [
    *BRANCH_PERMISSIONS,
    "accounts.add_branch",
    "accounts.change_branch",
    "accounts.add_customer",
    "accounts.change_customer",
    "accounts.change_membership",
    "accounts.view_user",
    "accounts.change_user",
    "faq.add_topic",
    "faq.change_topic",
    "faq.delete_topic",
    "faq.view_topic",
    "faq.add_question",
    "faq.change_question",
    "faq.delete_question",
    "faq.view_question",
    "shop.add_category",
    "shop.change_category",
    "shop.view_category",
    "shop.add_product",
    "shop.change_product",
    "shop.view_product",
    "shop.add_stock",
    "shop.change_stock",
    "shop.delete_stock",
    "shop.view_stock",
    "shop.add_customernetprice",
    "shop.change_customernetprice",
    "shop.delete_customernetprice",
    "shop.view_customernetprice",
    "shop.add_customerdiscount",
    "shop.change_customerdiscount",
    "shop.delete_customerdiscount",
    "shop.view_customerdiscount",
    "shop.view_address",
    "shop.view_cart",
    "shop.view_order",
    "shop.change_order",
    "core.change_outboundemail",
    "allauth_idp_oidc.add_client",
    "allauth_idp_oidc.change_client",
    "allauth_idp_oidc.view_client",
    "allauth_idp_oidc.view_token",
    "allauth_idp_oidc.delete_token",
]

ROLES = {BRANCH_STAFF: BRANCH_PERMISSIONS, CENTRAL_STAFF: CENTRAL_PERMISSIONS}

# Permissions of models added after the groups were made, each list added by its own data migration
# (a migration sees only the models that existed at its point in the graph).
ORDER_LIST_ROLES = {CENTRAL_STAFF: ["shop.view_orderlist"]}  # shop/migrations/0007_staff_order_lists.py
LATER_ROLES = [ORDER_LIST_ROLES]


def roles_sync(apps, schema_editor=None, *, roles=None) -> None:
    """Create the groups and add each its permissions (usable from a data migration).

    Permissions are normally created after all migrations ran (post_migrate); on a fresh database
    they do not exist yet, so they are created here first.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in (ROLES if roles is None else roles).items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for code in dict.fromkeys(codes):
            app_label, codename = code.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*wanted)
