"""Reading the catalogue: product querysets in the shop's words, and search.

Search on PostgreSQL combines full-text search (the 'norwegian' configuration: stemming, æøå as
letters) with trigram word similarity (pg_trgm) so a typo like "kabl" still finds "kabel"; both are
served by GIN indexes on `Product.search_vector` (kept in step with `search_document` by a
trigger) and `Product.search_document` (see migration 0002). On SQLite every word must
occur in the document: a plain fallback that keeps the embedded default usable.
"""

import re
import unicodedata

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

SEARCH_CONFIG = "norwegian"
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
# The characters that may appear in a product number a customer types or pastes.
NUMBER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]{0,39}$")


def query_clean(raw: str | None) -> str:
    """A search query made safe to use: no control characters, bounded length, single spaces."""
    text = "".join(ch for ch in (raw or "") if unicodedata.category(ch)[0] != "C" or ch in " \t")
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def number_compact(text: str) -> str:
    """«10 123 45» → «1012345»: EL-nummer and EAN are often written in groups of digits."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    return compact if compact.isdigit() else text.strip()


def query_words(query: str) -> list[str]:
    words = [w.strip(".,;:!?()[]{}\"'«»") for w in query.lower().split()]
    return [w for w in words if w][:MAX_QUERY_WORDS]


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_categories(self, category_ids):
        return self.filter(category_id__in=category_ids)

    def by_number(self, number: str):
        """Products whose varenummer, EL-nummer or EAN is exactly `number`."""
        number = (number or "").strip()
        if not number or not NUMBER_RE.match(number):
            return self.none()
        condition = Q(sku__iexact=number)
        if number.isdigit():
            condition |= Q(el_number=number) | Q(ean=number)
        return self.filter(condition)

    def with_stock(self, branch):
        """Annotate `branch_stock` (the given branch; 0 without one) and `total_stock`."""
        # The stock model through the relation, not an import: shop.models imports this module.
        Stock = self.model._meta.get_field("stock").related_model  # noqa: N806 (a model class)

        total = (
            Stock.objects.filter(product=OuterRef("pk"))
            .values("product")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        qs = self.annotate(total_stock=Coalesce(Subquery(total), Value(0)))
        if branch is None:
            return qs.annotate(branch_stock=Value(0))
        mine = Stock.objects.filter(product=OuterRef("pk"), branch=branch).values("quantity")[:1]
        return qs.annotate(branch_stock=Coalesce(Subquery(mine), Value(0)))

    def in_stock_at(self, branch):
        """Only products with stock in `branch` (needs `with_stock`)."""
        if branch is None:
            return self.none()
        return self.filter(branch_stock__gt=0)

    def search(self, query: str):
        """Products matching every word of `query`, annotated with `relevance` (higher is better)."""
        words = query_words(query)
        if not words:
            return self.none()
        if self.db and self._is_postgres():
            return self._search_postgres(" ".join(words), words)
        condition = Q()
        for word in words:
            condition &= Q(search_document__contains=word) | Q(description__icontains=word)
        # Rough relevance without full-text support: name hits first.
        first = words[0]
        return self.filter(condition).annotate(
            relevance=models.Case(
                models.When(name__icontains=first, then=Value(1.0)),
                default=Value(0.0),
                output_field=models.FloatField(),
            )
        )

    def _is_postgres(self) -> bool:
        from django.db import connections

        return connections[self.db].vendor == "postgresql"

    def _search_postgres(self, query: str, words: list[str]):
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            TrigramWordSimilarity,
        )

        condition = Q()
        for word in words:
            # Each word must be found: stemmed (kabler/kabel), inside a compound or number
            # (installasjonskabel, 3g1,5), or close enough for a typo (kabl).
            condition &= (
                Q(search_vector=SearchQuery(word, config=SEARCH_CONFIG, search_type="plain"))
                | Q(search_document__contains=word)
                | Q(search_document__trigram_word_similar=word)
            )
        whole = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        return self.filter(condition).annotate(
            # The name weighs most; similarity against the whole (long) document would cost
            # more than it adds to the order.
            relevance=SearchRank(F("search_vector"), whole) + TrigramWordSimilarity(query, "name") * 2
        )

    def sorted_by(self, sort: str):
        if sort == "relevance" and "relevance" in self.query.annotations:
            return self.order_by(F("relevance").desc(nulls_last=True), "name", "pk")
        if sort == "name_desc":
            return self.order_by("-name", "pk")
        return self.order_by("name", "pk")


def category_descendant_ids(category, all_categories) -> list[int]:
    """Ids of `category` and everything below it, from an already fetched list of categories."""
    children: dict[int | None, list] = {}
    for node in all_categories:
        children.setdefault(node.parent_id, []).append(node)
    ids, stack = [], [category.pk]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(child.pk for child in children.get(current, []))
    return ids


def category_ancestors(category, all_categories) -> list:
    by_id = {node.pk: node for node in all_categories}
    chain, node = [], category
    while node is not None:
        chain.insert(0, node)
        node = by_id.get(node.parent_id)
    return chain


def search_documents_refresh(category) -> int:
    """Rebuild the search text of every product in `category` and below (after a rename or move).

    Two reads and batched writes, however many products. The models come from the category it is
    given, not from an import: shop.models imports this module.
    """
    Product = category.products.model  # noqa: N806 (model classes)
    all_categories = list(type(category).objects.all())
    ids = category_descendant_ids(category, all_categories)
    paths = {
        pk: [c.name for c in category_ancestors(node, all_categories)]
        for node in all_categories
        if (pk := node.pk) in ids
    }
    products = list(Product.objects.filter(category_id__in=ids))
    for product in products:
        product.search_document = product.build_search_document(paths[product.category_id])
    Product.objects.bulk_update(products, ["search_document"], batch_size=1000)
    return len(products)
