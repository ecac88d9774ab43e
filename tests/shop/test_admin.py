from django.urls import reverse

from .conftest import place_order


def test_staff_see_orders_filtered_by_branch_status_and_date(
    client, staff_user, buyer_member, other_member, product
):
    mine = place_order(buyer_member, [product], reference="Ref en")
    place_order(other_member, [product], reference="Ref to")
    client.force_login(staff_user)
    url = reverse("admin:shop_order_changelist")
    html = client.get(url).content.decode()
    assert "Ref en" in html and "Ref to" in html
    html = client.get(url, {"branch__id__exact": buyer_member.customer.branch_id}).content.decode()
    assert "Ref en" in html and "Ref to" not in html
    html = client.get(url, {"status__exact": "sendt"}).content.decode()
    assert "Ref en" not in html
    html = client.get(url, {"q": mine.number}).content.decode()
    assert "Ref en" in html and "Ref to" not in html
    assert client.get(url, {"created_at__year": mine.created_at.year}).status_code == 200
    assert client.get(reverse("admin:shop_order_change", args=[mine.pk])).status_code == 200


def test_staff_admin_pages_for_catalogue_and_pricing_load(client, staff_user, product):
    client.force_login(staff_user)
    for name in ("product", "category", "customernetprice", "customerdiscount", "address", "cart"):
        assert client.get(reverse(f"admin:shop_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:shop_product_change", args=[product.pk])).status_code == 200


def test_renaming_a_category_in_admin_updates_product_search(client, staff_user, product):
    from shop.models import Category, Product

    parent = Category.objects.get(slug="kabel")
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:shop_category_change", args=[parent.pk]),
        {"name": "Kabler og ledninger", "slug": "kabel", "parent": "", "position": 0},
    )
    assert response.status_code == 302
    assert "kabler og ledninger" in Product.objects.get(pk=product.pk).search_document
