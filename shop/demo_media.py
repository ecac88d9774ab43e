"""Pictures and a datasheet for a few demo products, drawn at seed time (nothing is downloaded).

The pictures are simple drawings of a device in the product's category colour with its varenummer;
the datasheet is a one-page PDF rendered by WeasyPrint. Idempotent: products that already have
pictures are left alone.
"""

import io

from django.template.loader import render_to_string
from PIL import Image, ImageDraw, ImageFont

from .media import product_document_put, product_image_add
from .models import Product, ProductDocument

# A picture for the first products of these categories; the first of each also gets a datasheet.
DEMO_CATEGORIES = {
    "installasjonsmateriell-stikkontakter": (236, 238, 240),
    "installasjonsmateriell-brytere": (250, 250, 250),
    "kabel-installasjonskabel": (233, 240, 250),
}
PER_CATEGORY = 2


def _font(size: int):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:  # no DejaVu on this machine: Pillow's own font
        return ImageFont.load_default(size)


def demo_picture(product: Product, *, background=(240, 242, 245), variant: int = 0) -> bytes:
    image = Image.new("RGB", (1000, 750), background)
    draw = ImageDraw.Draw(image)
    inset = 40 * variant
    draw.rounded_rectangle((260 + inset, 140, 740 - inset, 560), radius=48, fill="white", outline=(120, 130, 140), width=8)
    draw.ellipse((400, 250, 600, 450), outline=(40, 90, 150), width=14)
    draw.line((500, 270, 500, 330), fill=(40, 90, 150), width=14)
    draw.text((500, 650), product.sku, fill=(60, 70, 80), font=_font(48), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def demo_datasheet(product: Product) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string("shop/demo_datasheet.html", {"product": product})).write_pdf()


def seed_media() -> int:
    """Add the demo pictures and datasheets; returns the number of products given media."""
    seeded = 0
    for slug, background in DEMO_CATEGORIES.items():
        products = list(Product.objects.filter(category__slug=slug, is_active=True).order_by("sku")[:PER_CATEGORY])
        for index, product in enumerate(products):
            if product.images.exists():
                continue
            for variant in range(2 if index == 0 else 1):
                product_image_add(
                    product=product,
                    content=demo_picture(product, background=background, variant=variant),
                    filename=f"{product.sku}{'_2' if variant else ''}.jpg",
                    position=variant + 1,
                    is_main=variant == 0,
                )
            if index == 0:
                product_document_put(
                    product=product,
                    kind=ProductDocument.Kind.DATASHEET,
                    content=demo_datasheet(product),
                    filename=f"{product.sku}_datablad.pdf",
                )
            seeded += 1
    return seeded
