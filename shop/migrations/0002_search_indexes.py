"""PostgreSQL search support: pg_trgm, a trigger that keeps `search_vector` in step with
`search_document`, and GIN indexes for full-text and trigram search.

On other databases (SQLite in development) nothing happens: search falls back to substring matching.
The text search configuration must match `shop.catalogue.SEARCH_CONFIG` ('norwegian').
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARDS = [
    "CREATE INDEX IF NOT EXISTS shop_product_search_fts ON shop_product USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS shop_product_search_trgm ON shop_product USING gin "
    "(search_document gin_trgm_ops)",
    "DROP TRIGGER IF EXISTS shop_product_search_vector ON shop_product",
    "CREATE TRIGGER shop_product_search_vector BEFORE INSERT OR UPDATE ON shop_product "
    "FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.norwegian', "
    "search_document, description)",
    # Rows that existed before the trigger.
    "UPDATE shop_product SET search_vector = to_tsvector('pg_catalog.norwegian', "
    "COALESCE(search_document, '') || ' ' || COALESCE(description, ''))",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS shop_product_search_vector ON shop_product",
    "DROP INDEX IF EXISTS shop_product_search_trgm",
    "DROP INDEX IF EXISTS shop_product_search_fts",
]


class TrigramExtensionKept(TrigramExtension):
    """Create pg_trgm on PostgreSQL; on the way back keep it (other apps' indexes may use it)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        TrigramExtensionKept(),
        migrations.RunPython(run(FORWARDS), run(BACKWARDS)),
    ]
