"""Bad input, property-based: generated junk posted to every form of the shop.

Huge strings, control characters, any unicode, script tags, SQL fragments, numbers where text is
expected, several values for one field and missing fields go to login, «Mistet passord?», «Min
konto», password change, «Brukere» (add, role), «Kontakt oss», search, quick order, cart (add,
update), checkout, and the migration app's forms: the legacy login, legacy «Glemt passord?» (request
and new password), «Aktiver», the move form, «Utsett», «Meld interesse» and the activation link's
set-password form. Every answer is below 500, and when the form refuses the input, nothing the
form could have changed has changed. Rate limits are off here (they are tested on their own).

Run with -s to see the number of inputs tried; the total is at least 10,000 in one run.
"""

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib.messages import constants as message_levels
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership, Role, User
from core.models import OutboundEmail
from faq.forms import form_started_token
from faq.models import SupportRequest
from migration.models import LegacyAccount, MoveInterest, State
from shop.cart import cart_add, cart_get_or_create
from shop.models import CartLine, Order
from tests.factories import MembershipFactory
from tests.fixtures.data import PASSWORD
from tests.shop.factories import ProductFactory, StockFactory

from .helpers import NO_RATE_LIMITS

pytestmark = pytest.mark.django_db

# Inputs per form: more for the cheap forms, fewer for the pages that are costly to render; 10,400
# in all. BAD_INPUT_EXAMPLES=<n> sets every form to n (e.g. 50 for a quick local run).
BUDGET = {
    "login": 700, "reset": 800, "min konto": 600, "password change": 600, "brukere add": 550,
    "brukere role": 600, "contact": 450, "search": 500, "quick order": 700, "cart add": 700,
    "cart update": 700, "checkout": 400,
    # the migration app: the legacy login and the set-password forms verify or make argon2 hashes
    "legacy login": 400, "legacy reset": 500, "legacy reset confirm": 350, "aktiver": 500, "move form": 400,
    "utsett": 250, "meld interesse": 350, "activation": 350,
}
if os.environ.get("BAD_INPUT_EXAMPLES"):
    BUDGET = dict.fromkeys(BUDGET, int(os.environ["BAD_INPUT_EXAMPLES"]))
FULL_RUN = sum(BUDGET.values()) >= 10_000
TRIED: dict[str, int] = {}

NASTY = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "' OR '1'='1", "1; DROP TABLE accounts_user; --", "%00", "\x00", "\u202e", "\ufeff", "../../etc/passwd",
    "{{ settings.SECRET_KEY }}", "{% debug %}", "${7*7}", "%s%s%s%n", "-1", "0", "1e309", "NaN", "99999999999999999999",
    "2026-02-30", "ø" * 300, "😀" * 100, "a@b", "@", " ", "\r\n\t", "null", "[]", "{}", "true",
]
HUGE = st.sampled_from(["A" * 60_000, "æ" * 10_000, "<b>" * 5_000, "1;1\n" * 3_000])
CONTROL = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=20)
UNICODE = st.text(max_size=60)
NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=True)).map(str)


def junk(*plausible):
    one = st.one_of(
        UNICODE, CONTROL, st.sampled_from(NASTY), NUMBERS, HUGE,
        *([st.sampled_from(list(plausible))] if plausible else []),
    )
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))  # several values for one field


def form_data(fields: dict):
    """Some of the fields (missing ones included), each junk or sometimes a plausible value."""
    return st.fixed_dictionaries({}, optional={name: junk(*values) for name, values in fields.items()})


@dataclass
class Form:
    url: str
    fields: dict
    state: Callable[[], object]
    method: str = "post"
    refused: Callable = field(default=lambda response: response.status_code != 302)
    extra: Callable[[], dict] = field(default=dict)
    # Put things back after an accepted input so the next one meets the same form (e.g. a move form
    # that went through); `url` may be a callable for links that die when used (fresh token each time).
    after: Callable = field(default=lambda response: None)

    def target(self) -> str:
        return self.url() if callable(self.url) else self.url


def success_message(response) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    return any(m.level == message_levels.SUCCESS for m in getattr(storage, "_queued_messages", []))


def error_message(response) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    return any(m.level == message_levels.ERROR for m in getattr(storage, "_queued_messages", []))


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    total = sum(TRIED.values())
    print(f"\nBad input: {total} generated inputs over {len(TRIED)} forms: "
          + ", ".join(f"{k} {v}" for k, v in TRIED.items()))
    if len(TRIED) == len(BUDGET) and FULL_RUN:
        assert total >= 10_000


@pytest.fixture
def fast_templates(monkeypatch):
    """A fast client: the test runner's template instrumentation (a copy of every context for
    `response.context`) costs more than the request itself; this test never reads it."""
    from django.template import Template
    from django.test.utils import _TestState

    original = getattr(getattr(_TestState, "saved_data", None), "template_render", None)
    if original is not None:
        monkeypatch.setattr(Template, "_render", original)


@pytest.fixture
def world(db, fast_templates):
    with override_settings(**NO_RATE_LIMITS):
        member = MembershipFactory(role=Role.ADMINISTRATOR, user__password=PASSWORD, user__email="admin@a.example")
        customer = member.customer
        colleague = MembershipFactory(customer=customer, role=Role.BUYER)
        product = ProductFactory(sku="100001")
        StockFactory(product=product, branch=customer.branch)
        cart = cart_get_or_create(customer=customer, user=member.user)
        line = cart_add(cart=cart, product=product, quantity=2)
        logged_in = Client()
        logged_in.force_login(member.user)
        yield {
            "member": member, "user": member.user, "customer": customer, "colleague": colleague,
            "product": product, "line": line, "cart": cart, "client": logged_in, "anonymous": Client(),
        }


def _user_state(user):
    return lambda: tuple(User.objects.filter(pk=user.pk).values_list("name", "phone", "password", "email", "is_active"))


def _legacy_world(w):
    """A flagged customer's legacy users: one logged in at the gate (move form, «Utsett»), one of
    another customer not yet flagged («Meld interesse»), one waiting for activation."""
    from core.links import link_sign
    from migration.services import customer_flag_for_move, legacy_account_submit_move, legacy_reset_token
    from tests.migration.conftest import LEGACY_PASSWORD, LegacyAccountFactory, default_deadline

    customer = w["customer"]
    customer_flag_for_move(customer=customer, deadline=default_deadline())
    mover = LegacyAccountFactory(customer=customer, username="flytter", email="flytter@a.example")
    waiting = LegacyAccountFactory(customer=customer, username="venter", email="venter@a.example")
    waiting_user = legacy_account_submit_move(account=waiting, name="Venter", email="venter@a.example").user
    interested = LegacyAccountFactory(username="interessert")
    legacy_client, interest_client, activation_client = Client(), Client(), Client()
    legacy_client.post("/flytt/", {"username": mover.username, "password": LEGACY_PASSWORD})
    interest_client.post("/flytt/", {"username": interested.username, "password": LEGACY_PASSWORD})
    mover_state = lambda: (  # noqa: E731
        tuple(LegacyAccount.objects.filter(pk=mover.pk).values_list("state", "user_id", "password", "postponed_at")),
        User.objects.count(), OutboundEmail.objects.count(),
    )

    def move_back(response):
        """An accepted move form or «Utsett»: the account is invited again, as before."""
        LegacyAccount.objects.filter(pk=mover.pk).update(
            state=State.INVITED, user=None, submitted_at=None, postponed_at=None
        )

    def activation_back(response):
        if User.objects.get(pk=waiting_user.pk).has_usable_password():
            User.objects.filter(pk=waiting_user.pk).update(password="!unusable", last_login=None)
            LegacyAccount.objects.filter(pk=waiting.pk).update(
                state=State.SUBMITTED, legacy_access=True, activated_at=None
            )
            activation_client.logout()

    waiting_state = lambda: (  # noqa: E731
        tuple(User.objects.filter(pk=waiting_user.pk).values_list("password", "last_login", "is_active")),
        tuple(LegacyAccount.objects.filter(pk=waiting.pk).values_list("state", "legacy_access")),
    )
    legacy_password = ["Et nytt langt passord 1"]
    return {
        "legacy login": (Form("/flytt/", {"username": [mover.username, "ukjent"], "password": [LEGACY_PASSWORD, "feil"]},
                              mover_state), Client()),
        "legacy reset": (Form("/flytt/glemt-passord/", {"username": [mover.username, "ukjent"]},
                              lambda: OutboundEmail.objects.count(),
                              refused=lambda r: b"Sjekk e-posten din" not in r.content), Client()),
        "legacy reset confirm": (Form(lambda: f"/flytt/glemt-passord/{legacy_reset_token(LegacyAccount.objects.get(pk=mover.pk))}/",
                                      {"password1": legacy_password, "password2": legacy_password}, mover_state),
                                 Client()),
        "aktiver": (Form("/flytt/aktiver/", {"email": ["venter@a.example", "ukjent@x.no"]},
                         lambda: OutboundEmail.objects.count(),
                         refused=lambda r: b"Sjekk e-posten din" not in r.content), Client()),
        "move form": (Form("/flytt/konto/", {"name": ["Ola"], "email": ["ola.ny@a.example", "flytter@a.example"],
                                             "phone": ["900 00 000"]}, mover_state, after=move_back), legacy_client),
        "utsett": (Form("/flytt/utsett/", {"x": ["1"]}, mover_state,
                        refused=lambda r: r.status_code != 302 or r["Location"] == "/flytt/konto/", after=move_back),
                   legacy_client),
        "meld interesse": (Form("/flytt/interesse/", {"message": ["Vi vil flytte"]},
                                lambda: (MoveInterest.objects.count(), OutboundEmail.objects.count()),
                                refused=lambda r: not success_message(r)), interest_client),
        "activation": (Form(lambda: f"/flytt/aktiver/{link_sign('activation', User.objects.get(pk=waiting_user.pk))}/",
                            {"new_password1": legacy_password, "new_password2": legacy_password}, waiting_state,
                            after=activation_back), activation_client),
    }


def forms(w) -> dict[str, tuple[Form, Client]]:
    if "legacy" not in w:
        w["legacy"] = _legacy_world(w)
    user, customer = w["user"], w["customer"]
    roles = [r.value for r in Role]
    cart_state = lambda: tuple(CartLine.objects.filter(cart__customer=customer).values_list("product_id", "quantity"))  # noqa: E731
    return {
        "login": (Form(reverse("account_login"), {"login": [user.email, "x@y.no"], "password": ["feil"], "remember": ["on"]},
                       _user_state(user)), w["anonymous"]),
        "reset": (Form(reverse("account_reset_password"), {"email": [user.email, "ukjent@x.no"]},
                       lambda: OutboundEmail.objects.count()), w["anonymous"]),
        "min konto": (Form(reverse("accounts:profile"), {"name": ["Ola"], "phone": ["+47 900 00 000"]},
                           _user_state(user)), w["client"]),
        "password change": (Form(reverse("account_change_password"),
                                 {"oldpassword": ["feil-passord"], "password1": ["Et nytt langt passord 1"],
                                  "password2": ["Et nytt langt passord 1"]}, _user_state(user)), w["client"]),
        "brukere add": (Form(reverse("accounts:user_add"), {"email": ["ny@a.example"], "name": ["Ny"], "role": roles},
                             lambda: (Membership.objects.count(), OutboundEmail.objects.count())), w["client"]),
        "brukere role": (Form(reverse("accounts:membership_role", kwargs={"pk": w["colleague"].pk}), {"role": roles},
                              lambda: Membership.objects.get(pk=w["colleague"].pk).role, refused=error_message),
                         w["client"]),
        "contact": (Form(reverse("contact:form"),
                         {"name": ["Ola"], "email": ["ola@x.no"], "phone": [""], "customer_number": [customer.number],
                          "branch": [str(customer.branch_id)], "topic": ["annet", "flytting"], "message": ["Hei"],
                          "website": [""]},
                         lambda: (SupportRequest.objects.count(), OutboundEmail.objects.count()),
                         refused=lambda r: r.status_code in (400, 429),
                         extra=lambda: {"started": form_started_token(seconds_ago=60)}), w["client"]),
        "search": (Form(reverse("shop:search"), {"q": ["kabel", "100001"], "side": ["2"], "sort": ["navn"],
                                                  "kategori": ["kabel"], "produsent": ["Elko"], "lager": ["on"]},
                        lambda: None, method="get"), w["client"]),
        "quick order": (Form(reverse("shop:quick_order"), {"lines": ["100001;2", "100001;x"], "file": []},
                             cart_state, refused=lambda r: r.status_code != 302 and b"lagt i handlekurven" not in r.content),
                        w["client"]),
        "cart add": (Form(reverse("shop:cart_add"), {"product": [str(w["product"].pk)], "quantity": ["1", "0"], "next": ["/"]},
                          cart_state, refused=lambda r: r.status_code >= 400 or error_message(r)), w["client"]),
        "cart update": (Form(reverse("shop:cart_line_update", kwargs={"pk": w["line"].pk}), {"quantity": ["3", "0"]},
                             cart_state, refused=error_message), w["client"]),
        "checkout": (Form(reverse("shop:checkout"),
                          {"token": [str(uuid.uuid4())], "cart_version": [""], "delivery_method": ["henting", "levering"],
                           "address": ["ny"], "new_name": ["Lager"], "new_street": ["Vei 1"], "new_postal_code": ["0150"],
                           "new_city": ["Oslo"], "pickup_branch": [str(customer.branch_id)], "reference": ["P1"],
                           "requested_date": ["2030-01-01"], "comment": ["x"]},
                          lambda: Order.objects.count(), refused=lambda r: r.status_code != 302 or "/ordre/" not in r["Location"]),
                     w["client"]),
        **w["legacy"],
    }


FORM_NAMES = list(BUDGET)


@pytest.mark.parametrize("name", FORM_NAMES)
def test_junk_never_gives_500_and_a_refused_form_changes_nothing(world, name):
    form, client = forms(world)[name]
    tried = 0

    @settings(max_examples=BUDGET[name], deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(data=form_data(form.fields))
    def run(data):
        nonlocal tried
        tried += 1
        data = {**form.extra(), **data} if form.extra() and "started" not in data else data
        before = form.state()
        with override_settings(**NO_RATE_LIMITS):
            if form.method == "get":
                response = client.get(form.target(), data)
            else:  # urlencoded: what a browser sends, and much faster to build than multipart
                response = client.post(form.target(), urlencode(data, doseq=True),
                                       content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, f"{name}: {response.status_code} for {data!r:.500}"
        if form.method == "post" and form.refused(response):
            assert form.state() == before, f"{name}: refused input changed state: {data!r:.500}"
        form.after(response)
        if name == "password change" and response.status_code == 302:
            client.force_login(world["user"])  # never happens with a wrong old password, but stay logged in

    started = time.monotonic()
    run()
    TRIED[name] = tried
    print(f"\n{name}: {tried} inputs in {time.monotonic() - started:.1f}s")
    assert tried >= BUDGET[name] * 0.9


# --- regressions hypothesis found -------------------------------------------------------------------


def test_quick_order_reads_a_lone_carriage_return_as_a_line_end(world):
    from shop.cart import quick_order_parse

    result = quick_order_parse("100001;2\r100001;3\rx" + "9" * 200_000 + ";1")
    assert [q for _, q in result.items] == [2, 3]
    assert len(result.problems) == 1


def test_cart_add_with_a_next_that_is_no_path_goes_to_the_cart_not_a_500(world):
    response = world["client"].post(
        reverse("shop:cart_add"), {"product": world["product"].pk, "quantity": "1", "next": "0"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:cart")
