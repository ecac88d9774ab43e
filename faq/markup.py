"""Answers are stored as a small, safe subset of HTML: paragraphs, lists, emphasis and links.

Everything an editor types in admin goes through `answer_clean` on save and again on render, so a
`<script>`, an `onclick=` or a `javascript:` link can never reach a page, whatever is in the table.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "code", "kbd"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}


def answer_clean(html: str) -> str:
    """Strip every tag, attribute and URL scheme outside the allowed subset."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def answer_render(html: str) -> SafeString:
    """Cleaned HTML, marked safe for templates (cleaned again: rows may predate a rule change)."""
    return mark_safe(answer_clean(html))  # noqa: S308 (sanitised by nh3 just above)


def answer_plain_text(html: str) -> str:
    """The answer without markup, for search."""
    import html as html_lib

    text = nh3.clean(html or "", tags=set(), attributes={})
    return " ".join(html_lib.unescape(text).split())
