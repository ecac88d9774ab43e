"""Product media: pictures (several per product, one main) and documents (datasheet, FDV, manual).

Files go through Django's storage API (`default_storage`: the file system by default, S3-compatible
storage when configured), so nothing here knows where they live. Thumbnails in the sizes the pages
use are generated once, when a picture is added or replaced (`shop.media`), and their names and
pixel sizes are kept on the row, so a page never opens an image file.
"""

import posixpath

from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .catalogue import Product


def media_folder(product: Product) -> str:
    """`produkter/<sku>`: one folder per product (a SKU may hold characters a path must not)."""
    return f"produkter/{slugify(product.sku) or product.pk}"


def _image_path(instance, filename):
    return posixpath.join(media_folder(instance.product), filename)


def _document_path(instance, filename):
    return posixpath.join(media_folder(instance.product), "dokumenter", filename)


class ProductImage(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("produkt"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("bilde"), upload_to=_image_path, width_field="width", height_field="height", max_length=255
    )
    width = models.PositiveIntegerField(_("bredde"), null=True, editable=False)
    height = models.PositiveIntegerField(_("høyde"), null=True, editable=False)
    is_main = models.BooleanField(_("hovedbilde"), default=False)
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)
    # The file name it was imported from (`ACC-3001_2.jpg`) and its content's SHA-256: running the
    # import again finds the row and leaves an unchanged file alone.
    source_name = models.CharField(_("filnavn"), max_length=255, blank=True, editable=False)
    checksum = models.CharField(max_length=64, blank=True, editable=False)
    # {"list": {"name": …, "width": …, "height": …}, "page": {…}, "gallery": {…}}: see shop.media.
    thumbnails = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("produktbilde")
        verbose_name_plural = _("produktbilder")
        ordering = ["-is_main", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=Q(is_main=True), name="product_image_one_main"),
        ]

    def __str__(self):
        return self.source_name or posixpath.basename(self.image.name)


class ProductDocument(models.Model):
    class Kind(models.TextChoices):
        DATASHEET = "datablad", _("Datablad")
        FDV = "fdv", _("FDV-dokumentasjon")
        MANUAL = "bruksanvisning", _("Bruksanvisning")

    product = models.ForeignKey(
        Product, verbose_name=_("produkt"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("fil"), upload_to=_document_path, max_length=255)
    size = models.PositiveIntegerField(_("størrelse"), default=0, editable=False)
    source_name = models.CharField(_("filnavn"), max_length=255, blank=True, editable=False)
    checksum = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("produktdokument")
        verbose_name_plural = _("produktdokumenter")
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "kind"], name="product_document_kind_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.product.sku}"

    @property
    def kind_label(self) -> str:
        return self.Kind(self.kind).label
