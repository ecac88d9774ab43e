"""«Ordregrense» and approval: an order over the limit waits until another Administrator decides."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from core.models import OutboundEmail
from shop.approval import ApprovalError, order_approve, order_reject
from shop.limits import approval_required
from shop.models import Cart, CartLine, Order
from tests.factories import MembershipFactory
from tests.fixtures.data import PASSWORD

from .conftest import place_order
from .factories import DiscountFactory, ProductFactory


@pytest.fixture
def limited_buyer(buyer_member):
    buyer_member.order_limit = Decimal("5000.00")
    buyer_member.save(update_fields=["order_limit"])
    return buyer_member


@pytest.fixture
def big_product(category):
    return ProductFactory(sku="900001", name="Sikringsskap 72 moduler", category=category, list_price="1000.00")


def _emails(kind):
    return list(OutboundEmail.objects.filter(kind=kind).order_by("pk"))


def test_order_over_the_limit_waits_and_every_administrator_gets_a_link(
    limited_buyer, admin_member, big_product, django_capture_on_commit_callbacks, mailoutbox
):
    second_admin = MembershipFactory(customer=limited_buyer.customer, role=Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(limited_buyer, [big_product], quantity=10)  # 10 000 kr
    assert order.status == Order.Status.PENDING
    assert order.status_label == "Venter på godkjenning"
    assert Cart.objects.get(pk=order.cart_id).status == Cart.Status.ORDERED
    assert _emails("shop.order_confirmation") == []
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([admin_member.user.email, second_admin.user.email])
    body = mailoutbox[0].body
    assert order.number in mailoutbox[0].subject and "venter på godkjenning" in mailoutbox[0].subject
    assert reverse("shop:order_approval", args=[order.pk]) in body
    assert "10\xa0000,00" in body  # the administrators may see prices


def test_order_at_or_under_the_limit_is_placed_at_once(limited_buyer, admin_member, big_product):
    order = place_order(limited_buyer, [big_product], quantity=5)  # exactly 5 000 kr
    assert order.status == Order.Status.RECEIVED
    assert [e.kind for e in OutboundEmail.objects.all()] == ["shop.order_confirmation"]


def test_no_limit_means_no_approval(buyer_member, admin_member, big_product):
    assert place_order(buyer_member, [big_product], quantity=50).status == Order.Status.RECEIVED


def test_the_only_administrators_own_orders_need_no_approval(admin_member, big_product):
    admin_member.order_limit = Decimal("100")
    admin_member.save(update_fields=["order_limit"])
    assert not approval_required(membership=admin_member, total_excl_vat=Decimal("10000"))
    assert place_order(admin_member, [big_product], quantity=10).status == Order.Status.RECEIVED


def test_an_administrator_with_a_limit_waits_for_another_administrator(admin_member, big_product):
    other = MembershipFactory(customer=admin_member.customer, role=Role.ADMINISTRATOR, user__password=PASSWORD)
    admin_member.order_limit = Decimal("100")
    admin_member.save(update_fields=["order_limit"])
    order = place_order(admin_member, [big_product], quantity=10)
    assert order.status == Order.Status.PENDING
    assert [e.to for e in OutboundEmail.objects.filter(kind="shop.order_approval_request")] == [other.user.email]
    with pytest.raises(ApprovalError, match="egen ordre"):
        order_approve(order=order, decided_by=admin_member.user)
    assert order_approve(order=order, decided_by=other.user).status == Order.Status.RECEIVED


def test_approve_re_prices_places_the_order_and_sends_the_buyer_the_confirmation(
    limited_buyer, admin_member, big_product, client, mailoutbox, django_capture_on_commit_callbacks
):
    order = place_order(limited_buyer, [big_product], quantity=10)
    DiscountFactory(customer=limited_buyer.customer, discount_group=big_product.discount_group, percent="10")
    client.force_login(admin_member.user)
    page = client.get(reverse("shop:order_approval", args=[order.pk])).content.decode()
    assert "9\xa0000,00 kr" in page and "Prisene er endret" in page  # today's prices
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shop:order_approval", args=[order.pk]), {"action": "approve"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.RECEIVED
    assert order.decided_by == admin_member.user and order.decided_at is not None
    assert order.total_excl_vat == Decimal("9000.00")
    assert order.lines.get().unit_price == Decimal("900.00")
    [mail] = [m for m in mailoutbox if m.to == [limited_buyer.user.email]]
    assert "Ordrebekreftelse" in mail.subject and "9\xa0000,00" in mail.body


def test_reject_needs_a_reason_shown_next_to_the_field_and_changes_nothing(
    limited_buyer, admin_member, big_product, client
):
    order = place_order(limited_buyer, [big_product], quantity=10)
    client.force_login(admin_member.user)
    response = client.post(reverse("shop:order_approval", args=[order.pk]), {"action": "reject", "reason": "  "})
    assert response.status_code == 400
    assert "Skriv en begrunnelse" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert not OutboundEmail.objects.filter(kind="shop.order_rejected").exists()


def test_rejected_order_tells_the_buyer_why_and_the_cart_can_be_restored(
    limited_buyer, admin_member, big_product, client, mailoutbox, django_capture_on_commit_callbacks
):
    order = place_order(limited_buyer, [big_product], quantity=10)
    client.force_login(admin_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("shop:order_approval", args=[order.pk]),
            {"action": "reject", "reason": "Bestill halvparten nå, resten i mars."},
        )
    order.refresh_from_db()
    assert order.status == Order.Status.REJECTED
    [mail] = [m for m in mailoutbox if m.to == [limited_buyer.user.email]]
    assert "avvist" in mail.subject and "Bestill halvparten nå" in mail.body
    assert reverse("shop:order_detail", args=[order.pk]) in mail.body

    client.force_login(limited_buyer.user)
    page = client.get(reverse("shop:order_detail", args=[order.pk])).content.decode()
    assert "Avvist" in page and "Bestill halvparten nå" in page and "Legg varene i handlekurven igjen" in page
    client.post(reverse("shop:order_reorder", args=[order.pk]))
    line = CartLine.objects.get(cart__user=limited_buyer.user, cart__status="open")
    assert (line.product, line.quantity) == (big_product, 10)


def test_a_decided_order_cannot_be_decided_again(limited_buyer, admin_member, big_product, client):
    order = place_order(limited_buyer, [big_product], quantity=10)
    order_reject(order=order, decided_by=admin_member.user, reason="Nei")
    with pytest.raises(ApprovalError):
        order_approve(order=order, decided_by=admin_member.user)
    client.force_login(admin_member.user)
    response = client.post(reverse("shop:order_approval", args=[order.pk]), {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == reverse("shop:order_detail", args=[order.pk])
    order.refresh_from_db()
    assert order.status == Order.Status.REJECTED


def test_buyers_cannot_open_the_approval_page(limited_buyer, big_product, client):
    order = place_order(limited_buyer, [big_product], quantity=10)
    client.force_login(limited_buyer.user)
    assert client.get(reverse("shop:order_approval", args=[order.pk])).status_code == 403
    assert client.post(reverse("shop:order_approval", args=[order.pk]), {"action": "approve"}).status_code == 403


def test_pending_orders_show_in_mine_ordre_for_the_buyer_and_as_a_to_do_for_administrators(
    limited_buyer, admin_member, big_product, client
):
    order = place_order(limited_buyer, [big_product], quantity=10)
    client.force_login(limited_buyer.user)
    html = client.get(reverse("shop:orders")).content.decode()
    assert "Venter på godkjenning" in html and "Venter på din godkjenning" not in html
    client.force_login(admin_member.user)
    html = client.get(reverse("shop:orders")).content.decode()
    assert "Venter på din godkjenning" in html and reverse("shop:order_approval", args=[order.pk]) in html


def test_approval_page_runs_a_constant_number_of_queries(
    limited_buyer, admin_member, category, client, django_assert_max_num_queries
):
    products = ProductFactory.create_batch(30, category=category, list_price="500.00")
    order = place_order(limited_buyer, products, quantity=1)
    client.force_login(admin_member.user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("shop:order_approval", args=[order.pk])).status_code == 200


def test_order_limit_is_set_in_brukere_and_bad_amounts_are_refused_next_to_the_field(
    admin_member, buyer_member, client
):
    client.force_login(admin_member.user)
    url = reverse("accounts:membership_buying", args=[buyer_member.pk])
    response = client.post(url, {"order_limit": "fem tusen", "can_see_prices": "on"})
    assert response.status_code == 400
    assert "Skriv et beløp i kroner" in response.content.decode()
    buyer_member.refresh_from_db()
    assert buyer_member.order_limit is None
    client.post(url, {"order_limit": "5 000,50", "can_see_prices": ""})
    buyer_member.refresh_from_db()
    assert buyer_member.order_limit == Decimal("5000.50") and buyer_member.can_see_prices is False
    html = client.get(reverse("accounts:users")).content.decode()
    assert "5\xa0000,50 kr" in html and "Ser ikke priser" in html
    client.post(url, {"order_limit": "", "can_see_prices": "on"})
    buyer_member.refresh_from_db()
    assert buyer_member.order_limit is None and buyer_member.can_see_prices is True


def test_invitation_sets_limit_and_price_right(admin_member, client):
    client.force_login(admin_member.user)
    client.post(
        reverse("accounts:user_add"),
        {"email": "laerling@firma.example", "name": "Lærling", "role": "innkjoper", "order_limit": "2000"},
    )
    member = admin_member.customer.memberships.get(user__email="laerling@firma.example")
    assert member.order_limit == Decimal("2000") and member.can_see_prices is False


def test_staff_see_order_lists_and_decisions_in_admin(client, staff_user, limited_buyer, admin_member, big_product):
    from shop.lists import order_list_create

    order = place_order(limited_buyer, [big_product], quantity=10)
    order_reject(order=order, decided_by=admin_member.user, reason="For dyrt")
    order_list = order_list_create(
        customer=limited_buyer.customer, owner=limited_buyer.user, name="Prosjekt X", items=[(big_product, 2)]
    )
    client.force_login(staff_user)
    assert "For dyrt" in client.get(reverse("admin:shop_order_change", args=[order.pk])).content.decode()
    assert "Prosjekt X" in client.get(reverse("admin:shop_orderlist_changelist")).content.decode()
    assert client.get(reverse("admin:shop_orderlist_change", args=[order_list.pk])).status_code == 200


def test_a_buyer_whose_only_administrator_has_no_password_yet_is_not_left_waiting(
    customer, limited_buyer, big_product
):
    pending_admin = MembershipFactory(customer=customer, role=Role.ADMINISTRATOR)
    pending_admin.user.set_unusable_password()
    pending_admin.user.save(update_fields=["password"])
    assert place_order(limited_buyer, [big_product], quantity=10).status == Order.Status.RECEIVED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_deciding_at_once_make_one_decision_and_one_email(
    limited_buyer, admin_member, big_product
):
    import threading

    other = MembershipFactory(customer=limited_buyer.customer, role=Role.ADMINISTRATOR, user__password=PASSWORD)
    order = place_order(limited_buyer, [big_product], quantity=10)
    barrier, outcomes = threading.Barrier(2), []

    def decide(action):
        from django.db import connections

        barrier.wait()
        try:
            action()
            outcomes.append("ok")
        except ApprovalError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(lambda: order_approve(order=order, decided_by=admin_member.user),)),
        threading.Thread(
            target=decide, args=(lambda: order_reject(order=order, decided_by=other.user, reason="Nei"),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["ok", "refused"]
    order.refresh_from_db()
    decided = {Order.Status.RECEIVED: "shop.order_confirmation", Order.Status.REJECTED: "shop.order_rejected"}
    assert order.status in decided
    assert [e.kind for e in OutboundEmail.objects.exclude(kind="shop.order_approval_request")] == [decided[order.status]]


XSS = "<script>alert('xss')</script>\"><img src=x onerror=alert(1)>"


def test_reasons_list_names_and_buyer_names_render_escaped_in_pages_and_emails(
    client, limited_buyer, admin_member, big_product
):
    from core.delivery import email_render
    from shop.lists import order_list_create

    limited_buyer.user.name = f"Lars {XSS}"
    limited_buyer.user.save(update_fields=["name"])
    order = place_order(limited_buyer, [big_product], quantity=10, reference=XSS[:100])
    order_reject(order=order, decided_by=admin_member.user, reason=f"Nei {XSS}")
    order_list = order_list_create(
        customer=limited_buyer.customer, owner=limited_buyer.user, name=XSS[:100], is_shared=True, items=[(big_product, 1)]
    )
    pages = [
        reverse("shop:order_detail", args=[order.pk]),
        reverse("shop:orders"),
        reverse("shop:order_lists"),
        reverse("shop:order_list", args=[order_list.pk]),
        reverse("shop:order_list_import", args=[order_list.pk]),
    ]
    client.force_login(admin_member.user)
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert(" not in html and "<img src=x onerror" not in html, url
    for row in OutboundEmail.objects.filter(kind__in=["shop.order_approval_request", "shop.order_rejected"]):
        for html, _mimetype in email_render(row).alternatives:
            assert "<script>alert(" not in html and "<img src=x onerror" not in html, row.kind


def test_an_approver_without_price_rights_gets_no_amount_in_the_request(limited_buyer, admin_member, big_product):
    admin_member.can_see_prices = False
    admin_member.save(update_fields=["can_see_prices"])
    order = place_order(limited_buyer, [big_product], quantity=10)
    [row] = OutboundEmail.objects.filter(kind="shop.order_approval_request")
    assert "total_excl_vat" not in row.context
    assert order.number in row.context["order_number"]


def test_checkout_says_before_sending_that_the_order_will_wait(limited_buyer, admin_member, big_product, client):
    from shop.cart import cart_add, cart_get_or_create

    cart = cart_get_or_create(customer=limited_buyer.customer, user=limited_buyer.user)
    cart_add(cart=cart, product=big_product, quantity=4)
    client.force_login(limited_buyer.user)
    assert "over ordregrensen" not in client.get(reverse("shop:checkout")).content.decode()
    cart_add(cart=cart, product=big_product, quantity=2)  # 6 000 kr
    html = client.get(reverse("shop:checkout")).content.decode()
    assert "over ordregrensen din på 5\xa0000,00 kr" in html


def test_mine_ordre_for_an_administrator_with_waiting_orders_runs_a_constant_number_of_queries(
    limited_buyer, admin_member, category, client, django_assert_max_num_queries
):
    product = ProductFactory(category=category, list_price="6000.00")
    for _ in range(30):
        place_order(limited_buyer, [product], quantity=1)
    client.force_login(admin_member.user)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("shop:orders"))
    assert len(response.context["awaiting"]) == 20
