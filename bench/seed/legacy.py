"""Legacy accounts in the data set (`--legacy-accounts`): the migration app's rows, as the import leaves them.

The bench is the one place outside `migration/` that writes them; the shop apps never do.
"""

import hashlib

from migration.hashers import legacy_wrap
from migration.models import EventKind, LegacyAccount, MigrationEvent, State

from .data import (
    BENCH_DOMAIN,
    FIRST_NAMES,
    LAST_NAMES,
    LEGACY_INACTIVE,
    LEGACY_PASSWORD,
    LEGACY_PREFIX,
    LEGACY_WITHOUT_EMAIL,
)
from .sql import _ascii, _copy, _next_id


class LegacySeeding:
    """The seeder's legacy phases (mixed into `Seeder`; uses its `legacy_rng`, `customer_ids`, `now`)."""

    def legacy_accounts(self) -> int:
        """Logins of the old shop, spread evenly over the customers (~3 each for 60,000 / 20,000).

        Stored as `import_legacy` leaves them once its wrap step has run: the export's salted SHA-1
        wrapped in argon2 (migration.hashers), never the weak hash itself. Like the users, all share
        one precomputed hash (password `LEGACY_PASSWORD`): 60,000 argon2 runs would take 20 minutes.
        """
        rng = self.legacy_rng
        first_id = _next_id(LegacyAccount)
        salt = "benchsalt"
        digest = hashlib.sha1(f"{salt}{LEGACY_PASSWORD}".encode()).hexdigest()  # noqa: S324 (the legacy format)
        password = legacy_wrap(f"sha1${salt}${digest}")
        total, customers = self.sizes.legacy_accounts, len(self.customer_ids)
        self.legacy_plan = []  # (account id, customer id)

        def rows():
            previous = None
            for i in range(total):
                pk = first_id + i
                customer_id = self.customer_ids[i * customers // total]
                main = customer_id != previous
                previous = customer_id
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                email = "" if rng.random() < LEGACY_WITHOUT_EMAIL else f"{_ascii(first)}.{_ascii(last)}.l{pk}@{BENCH_DOMAIN}"
                active = main or rng.random() >= LEGACY_INACTIVE
                self.legacy_plan.append((pk, customer_id))
                yield (pk, f"{LEGACY_PREFIX}{pk}", customer_id, f"{first} {last}", email, "", password, main, active,
                       True, State.IMPORTED, self.now, self.now)

        return _copy(LegacyAccount, ["id", "username", "customer_id", "name", "email", "phone", "password",
                                     "is_main_user", "is_active", "legacy_access", "state", "created_at",
                                     "updated_at"], rows())

    def legacy_events(self) -> int:
        """One «Importert» event per legacy account, as `import_legacy` records."""

        def rows():
            for account_id, customer_id in self.legacy_plan:
                yield (account_id, customer_id, self.now, "import_legacy", EventKind.IMPORTED, "")

        count = _copy(MigrationEvent, ["account_id", "customer_id", "at", "actor_label", "kind", "detail"], rows())
        del self.legacy_plan
        return count
