"""Generate a legacy export of N accounts for timing `import_legacy`.

    python bench/migration_import.py 60000 /tmp/legacy
"""

import hashlib
import random
import sys
from pathlib import Path


def main(count: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    customers = max(count // 5, 1)
    with (out / "customers.csv").open("w", encoding="utf-8") as f:
        f.write("customer_number;name;branch_code;org_number;email;phone\n")
        for i in range(customers):
            f.write(
                f"{500000 + i};Kunde {i} AS;{random.choice(['OSL', 'BRG', 'TRD'])};9{i:08d};"
                f"post{i}@k.example;\n"
            )
    with (out / "accounts.csv").open("w", encoding="utf-8") as f:
        f.write("username;customer_number;name;email;phone;password_hash;is_main_user;is_active\n")
        for i in range(count):
            salt = f"s{i}"
            digest = hashlib.sha1(f"{salt}passord{i}".encode()).hexdigest()  # noqa: S324
            email = f"u{i}@k.example" if i % 10 else ""
            f.write(
                f"user{i};{500000 + i % customers};Bruker {i};{email};;"
                f"sha1${salt}${digest};{int(i % 5 == 0)};1\n"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
