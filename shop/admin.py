from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .catalogue import search_documents_refresh
from .media import product_images_ensure_main, thumbnail, thumbnails_generate
from .models import (
    Address,
    Cart,
    CartLine,
    Category,
    CustomerDiscount,
    CustomerNetPrice,
    Order,
    OrderLine,
    Product,
    ProductDocument,
    ProductImage,
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


class ProductImageFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        main = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_main") and not form.cleaned_data.get("DELETE")
        ]
        if len(main) > 1:
            raise ValidationError(_("Bare ett bilde kan være hovedbilde."))


class ProductImageInline(admin.TabularInline):
    """Staff upload pictures here; thumbnails are made on save (ProductAdmin.save_formset)."""

    model = ProductImage
    formset = ProductImageFormSet
    extra = 1
    fields = ["preview", "image", "is_main", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("miniatyr"))
    def preview(self, obj):
        thumb = thumbnail(obj, "list") if obj.pk else None
        if not thumb:
            return "–"
        return format_html('<img src="{}" width="{}" height="{}" alt="">', thumb["url"], thumb["width"], thumb["height"])


class ProductDocumentInline(admin.TabularInline):
    model = ProductDocument
    extra = 1
    fields = ["kind", "file"]


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
    inlines = [StockInline, ProductImageInline, ProductDocumentInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is ProductImage:
            # One main picture: the one ticked (others lose the mark first), else the first by position.
            ticked = [f.instance for f in formset.forms if f.cleaned_data.get("is_main") and not f.cleaned_data.get("DELETE")]
            if ticked:
                ProductImage.objects.filter(product=form.instance, is_main=True).exclude(pk=ticked[0].pk).update(
                    is_main=False
                )
            changed = {f.instance.pk for f in formset.forms if "image" in f.changed_data}
            super().save_formset(request, form, formset, change)
            for image in formset.new_objects + [i for i in formset.changed_objects if i[0].pk in changed]:
                image = image[0] if isinstance(image, tuple) else image
                thumbnails_generate(image, force=True)
            product_images_ensure_main(form.instance)
            return
        if formset.model is ProductDocument:
            for document_form in formset.forms:
                upload = document_form.cleaned_data.get("file")
                if upload is not None and hasattr(upload, "size") and "file" in document_form.changed_data:
                    document_form.instance.size = upload.size
        super().save_formset(request, form, formset, change)

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
