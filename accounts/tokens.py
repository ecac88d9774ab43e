"""Temporary alias while the migration app moves to `core.links` (deleted in the same branch)."""

from core.links import KINDS, LinkError

TokenError = LinkError


def make_token(user, purpose: str) -> str:
    return KINDS[purpose].sign(user)


def read_token(token: str, purpose: str, *, max_age: int = 0, queryset=None):
    return KINDS[purpose].read(token, lock=queryset is not None)
