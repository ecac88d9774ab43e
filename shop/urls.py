from django.urls import path

from .views import cart, catalogue, documents, orders

app_name = "shop"

urlpatterns = [
    path("", catalogue.home, name="home"),
    path("sok/", catalogue.search, name="search"),
    path("sortiment/", catalogue.catalogue, name="catalogue"),
    path("sortiment/<slug:slug>/", catalogue.category_detail, name="category"),
    path("produkt/<path:sku>/", catalogue.product_detail, name="product"),
    path("handlekurv/", cart.cart_detail, name="cart"),
    path("handlekurv/legg-til/", cart.cart_add_view, name="cart_add"),
    path("handlekurv/linje/<int:pk>/", cart.cart_line_update, name="cart_line_update"),
    path("handlekurv/tom/", cart.cart_empty, name="cart_empty"),
    path("handlekurv/linje/<int:pk>/fjern/", cart.cart_line_delete, name="cart_line_delete"),
    path("hurtigbestilling/", cart.quick_order, name="quick_order"),
    path("kassen/", orders.checkout, name="checkout"),
    path("ordre/", orders.order_list, name="orders"),
    path("ordre/eksport.csv", documents.orders_csv, name="orders_csv"),
    path("ordre/eksport.xlsx", documents.orders_xlsx, name="orders_xlsx"),
    path("ordre/<int:pk>/", orders.order_detail, name="order_detail"),
    path("ordre/<int:pk>/pdf/", documents.order_pdf_download, name="order_pdf"),
    path("ordre/<int:pk>/csv/", documents.order_csv, name="order_csv"),
    path("ordre/<int:pk>/xlsx/", documents.order_xlsx, name="order_xlsx"),
    path("ordre/<int:pk>/bekreftelse/", orders.order_confirmation, name="order_confirmation"),
    path("ordre/<int:pk>/bestill-igjen/", orders.order_reorder, name="order_reorder"),
    path("adresser/", orders.address_list, name="addresses"),
    path("adresser/<int:pk>/slett/", orders.address_delete, name="address_delete"),
]
