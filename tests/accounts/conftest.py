import re

import pytest
from django.contrib.auth.hashers import make_password

from core.models import OutboundEmail
from tests.factories import CustomerFactory, MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD


@pytest.fixture
def other_customer(branch):
    return CustomerFactory(branch=branch, name="Konkurrent Elektro AS")


@pytest.fixture
def other_member(other_customer):
    """A member of another customer: their ids must never be reachable from `customer`."""
    return MembershipFactory(customer=other_customer, role="administrator", user__password=PASSWORD)


@pytest.fixture
def pending_member(customer, admin_member):
    """An invited colleague who has not set a password yet."""
    user = UserFactory(email="ny.kollega@firma.example", name="Ny Kollega")
    user.password = make_password(None)
    user.save(update_fields=["password"])
    return MembershipFactory(customer=customer, user=user, role="innkjoper", invited_by=admin_member.user)


@pytest.fixture
def admin_client(client, admin_member):
    client.force_login(admin_member.user)
    return client


def outbox(kind=None):
    rows = OutboundEmail.objects.order_by("pk")
    return list(rows.filter(kind=kind) if kind else rows)


def email_links(row) -> dict:
    """The links of an outbox row as its email carries them: {template variable: URL}, signed now.

    The row stores only references to its links (core.links: no live link at rest); this is what
    the render path makes of them when the email is sent.
    """
    from core.links import link_urls

    return link_urls(row.context.get("links"))


def emailed_link(row, name: str, path_fragment: str) -> str:
    """The path of link `name` of an outbox row as its recipient gets it.

    A pending row: signed from its references now. A sent row keeps no content, so the link is read
    from the message that was sent (Django's test mail outbox, matched by the row's Message-ID).
    """
    if row.status != OutboundEmail.Status.SENT:
        return link_in(email_links(row)[name], path_fragment)
    import hashlib

    from django.core import mail

    digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:32]
    [message] = [m for m in mail.outbox if m.extra_headers.get("Message-ID", "").startswith(f"<{digest}@")]
    return link_in(message.body, path_fragment)


def link_in(text: str, path_fragment: str) -> str:
    """The first link in `text` whose path contains `path_fragment`, as a path (no host)."""
    for url in re.findall(r"https?://[^\s\"'<>]+", text):
        if path_fragment in url:
            return "/" + url.split("://", 1)[1].split("/", 1)[1]
    raise AssertionError(f"no link with {path_fragment!r} in:\n{text}")


def page_text(response) -> str:
    """The visible text of the page's <main>, whitespace collapsed."""
    html = response.content.decode()
    main = html.split("<main", 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<[^>]+>", " ", main)
    import html as htmllib

    return " ".join(htmllib.unescape(main).split())
