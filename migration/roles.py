"""What the staff roles («Avdelingsansatt», «Netthandel», accounts.roles) may do with the move.

Added to the groups by `migrations/0004_staff_group_permissions.py` through `accounts.roles.roles_sync`.
`change_customermove` is the move button; `change_legacyaccount` covers resend and re-activation.
"""

from accounts.roles import BRANCH_STAFF, CENTRAL_STAFF

BRANCH = [
    "migration.change_customermove",
    "migration.view_customermove",
    "migration.view_legacyaccount",
    "migration.change_legacyaccount",
    "migration.view_migrationevent",
    "migration.view_moveinterest",
]

ROLES = {BRANCH_STAFF: BRANCH, CENTRAL_STAFF: [*BRANCH, "migration.change_moveinterest"]}
