"""PostgreSQL search support: pg_trgm and GIN indexes for full-text and trigram search.

On other databases (SQLite in development) nothing happens: search falls back to substring matching.
The full-text index expression matches what `ProductQuerySet.search` generates
(`to_tsvector('norwegian'::regconfig, COALESCE(search_document, ''))`).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    (
        "shop_product_search_fts",
        "CREATE INDEX IF NOT EXISTS shop_product_search_fts ON shop_product USING gin "
        "(to_tsvector('norwegian'::regconfig, COALESCE(search_document, '')))",
    ),
    (
        "shop_product_search_trgm",
        "CREATE INDEX IF NOT EXISTS shop_product_search_trgm ON shop_product USING gin "
        "(search_document gin_trgm_ops)",
    ),
]


class TrigramExtensionKept(TrigramExtension):
    """Create pg_trgm on PostgreSQL; on the way back keep it (other apps' indexes may use it)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        TrigramExtensionKept(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
