from django.contrib import admin
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .catalogue import search_documents_refresh
from .models import (
    Address,
    Cart,
    CartLine,
    Category,
    CustomerDiscount,
    CustomerNetPrice,
    Order,
    OrderLine,
    OrderList,
    OrderListLine,
    Product,
    Stock,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "parent"} & set(form.changed_data):
            # Category names are part of every product's search text below this category.
            search_documents_refresh(obj)


class StockInline(admin.TabularInline):
    model = Stock
    extra = 0
    autocomplete_fields = ["branch"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "sku",
        "el_number",
        "name",
        "manufacturer",
        "list_price",
        "discount_group",
        "category",
        "is_active",
        "stock_total",
    ]
    list_filter = ["is_active", "discount_group", "category"]
    search_fields = ["sku", "el_number", "ean", "name", "manufacturer", "manufacturer_sku"]
    autocomplete_fields = ["category"]
    inlines = [StockInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(stock_sum=Sum("stock__quantity"))
        )

    @admin.display(description=_("lager totalt"), ordering="stock_sum")
    def stock_total(self, obj):
        return obj.stock_sum or 0


@admin.register(CustomerNetPrice)
class CustomerNetPriceAdmin(admin.ModelAdmin):
    list_display = ["customer", "product", "price"]
    list_select_related = ["customer", "product"]
    search_fields = ["customer__number", "customer__name", "product__sku", "product__name"]
    autocomplete_fields = ["customer", "product"]


@admin.register(CustomerDiscount)
class CustomerDiscountAdmin(admin.ModelAdmin):
    list_display = ["customer", "discount_group", "percent"]
    list_select_related = ["customer"]
    list_filter = ["discount_group"]
    search_fields = ["customer__number", "customer__name", "discount_group"]
    autocomplete_fields = ["customer"]


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["customer", "name", "street", "postal_code", "city", "is_active"]
    list_select_related = ["customer"]
    list_filter = ["is_active"]
    search_fields = ["customer__number", "customer__name", "name", "street", "city"]
    autocomplete_fields = ["customer"]


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["customer", "user", "status", "line_count", "updated_at"]
    list_filter = ["status"]
    search_fields = ["customer__number", "customer__name", "user__email"]
    raw_id_fields = ["customer", "user"]
    inlines = [CartLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer", "user").annotate(n=Count("lines"))

    @admin.display(description=_("linjer"), ordering="n")
    def line_count(self, obj):
        return obj.n


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["sku", "name", "quantity", "unit", "list_price", "unit_price", "line_total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "customer",
        "branch",
        "status",
        "delivery_method",
        "reference",
        "total_excl_vat",
        "user",
    ]
    list_filter = ["status", "branch", "delivery_method", ("created_at", admin.DateFieldListFilter)]
    date_hierarchy = "created_at"
    search_fields = ["customer__number", "customer__name", "reference", "user__email"]
    list_select_related = ["customer", "branch", "user"]
    readonly_fields = [
        "number",
        "customer",
        "branch",
        "user",
        "cart",
        "idempotency_token",
        "created_at",
        "delivery_method",
        "address",
        "delivery_name",
        "delivery_street",
        "delivery_postal_code",
        "delivery_city",
        "pickup_branch",
        "reference",
        "requested_date",
        "comment",
        "total_excl_vat",
        "vat",
        "total_incl_vat",
        "decided_by",
        "decided_at",
        "rejection_reason",
    ]
    fields = ["number", "status", *readonly_fields[1:]]
    inlines = [OrderLineInline]

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        """Staff search by the order number the customer quotes (pk + 100000)."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isdigit() and int(term) > 100000:
            queryset |= self.model.objects.filter(pk=int(term) - 100000)
        return queryset, may_have_duplicates

    @admin.display(description=_("ordrenummer"), ordering="pk")
    def number(self, obj):
        return obj.number


class OrderListLineInline(admin.TabularInline):
    model = OrderListLine
    extra = 0
    fields = ["sku", "name", "product", "quantity", "position"]
    raw_id_fields = ["product"]


@admin.register(OrderList)
class OrderListAdmin(admin.ModelAdmin):
    """«Bestillingslister», for answering a customer's question about one; customers manage them."""

    list_display = ["name", "customer", "owner", "is_shared", "line_count", "updated_at"]
    list_filter = ["is_shared"]
    search_fields = ["name", "customer__number", "customer__name", "owner__email"]
    list_select_related = ["customer", "owner"]
    raw_id_fields = ["customer", "owner"]
    inlines = [OrderListLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_total=Count("lines"))

    @admin.display(description=_("varelinjer"), ordering="line_total")
    def line_count(self, obj):
        return obj.line_total
