"""Product pictures and documents: adding them, thumbnails made once, and the folder import.

`manage.py import_product_media DIR`, the admin and the demo data all go through these services.
Files are written with Django's storage API (`default_storage`), so the same code stores on the
file system or in an S3-compatible bucket. Every add, replace or delete is a catalogue change (see
`shop.caching`): cached product pages and lists show the new picture at once.
"""

import hashlib
import io
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Product, ProductDocument, ProductImage

# The thumbnails the pages use: the longest side in pixels, made for screens with two pixels per CSS
# pixel and shown at half that (list row 80 px, the product page's gallery 96 px, its main picture
# up to 480 px).
THUMBNAILS = {"list": 160, "gallery": 192, "page": 960}
DISPLAY_SCALE = 2
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
DOCUMENT_SUFFIXES = {
    "": ProductDocument.Kind.DATASHEET,
    "datablad": ProductDocument.Kind.DATASHEET,
    "datasheet": ProductDocument.Kind.DATASHEET,
    "fdv": ProductDocument.Kind.FDV,
    "bruksanvisning": ProductDocument.Kind.MANUAL,
    "manual": ProductDocument.Kind.MANUAL,
}
# `ACC-3001.jpg`, `ACC-3001_2.jpg`, `1630552_fdv.pdf`: a varenummer or EL-nummer, optionally `_<suffix>`.
FILE_NAME = re.compile(r"^(?P<key>[^_\s][^_]*?)(?:_(?P<suffix>[^_]+))?$")
MAX_PIXELS = 40_000_000  # refuse decompression bombs well below Pillow's own warning


class MediaError(Exception):
    """A file cannot be used; the message is for the person importing or uploading it."""


def main_images_prefetch() -> Prefetch:
    """Prefetch for product lists: each product's main picture as `product.main_images` (one query)."""
    return Prefetch("images", queryset=ProductImage.objects.filter(is_main=True), to_attr="main_images")


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _open_image(content: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(content))
        if image.width * image.height > MAX_PIXELS:
            raise MediaError("Bildet er for stort (over 40 megapiksler).")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise MediaError("Filen er ikke et bilde som kan leses (JPEG, PNG eller WebP).") from error
    return ImageOps.exif_transpose(image)


def thumbnails_generate(image: ProductImage, *, force: bool = False) -> None:
    """Make the missing thumbnails of `image` (all of them with `force`, after a new file)."""
    wanted = {size: box for size, box in THUMBNAILS.items() if force or size not in image.thumbnails}
    if not wanted:
        return
    image.image.open("rb")
    try:
        picture = _open_image(image.image.read())
    finally:
        image.image.close()
    if picture.mode not in ("RGB", "L"):
        # JPEG has no transparency: a transparent product photo goes on white, as on the page.
        background = Image.new("RGB", picture.size, "white")
        background.paste(picture.convert("RGBA"), mask=picture.convert("RGBA").getchannel("A"))
        picture = background
    stem = posixpath.splitext(posixpath.basename(image.image.name))[0]
    thumbnails = {} if force else dict(image.thumbnails)
    for size, box in wanted.items():
        thumb = picture.copy()
        thumb.thumbnail((box, box), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        thumb.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
        name = default_storage.save(
            posixpath.join(posixpath.dirname(image.image.name), "miniatyrer", f"{stem}-{size}.jpg"),
            ContentFile(buffer.getvalue()),
        )
        old = image.thumbnails.get(size, {}).get("name")
        if force and old and old != name:
            default_storage.delete(old)
        thumbnails[size] = {"name": name, "width": thumb.width, "height": thumb.height}
    image.thumbnails = thumbnails
    image.save(update_fields=["thumbnails"])


def thumbnail(image: ProductImage | None, size: str) -> dict | None:
    """`{"url", "width", "height"}` of a thumbnail in CSS pixels, for an `<img>`; None without one."""
    if image is None:
        return None
    thumb = image.thumbnails.get(size)
    if not thumb:
        return None
    return {
        "url": default_storage.url(thumb["name"]),
        "width": max(1, thumb["width"] // DISPLAY_SCALE),
        "height": max(1, thumb["height"] // DISPLAY_SCALE),
    }


def product_images_ensure_main(product: Product) -> None:
    """A product with pictures has exactly one main picture: the first by position if none is."""
    images = list(ProductImage.objects.filter(product=product).order_by("position", "pk"))
    if images and not any(i.is_main for i in images):
        images[0].is_main = True
        images[0].save(update_fields=["is_main"])


def product_image_add(
    *, product: Product, content: bytes, filename: str, position: int = 0, is_main: bool = False, source_name: str = ""
) -> ProductImage:
    """Add a picture (thumbnails made at once). `is_main` moves the main mark to it."""
    _open_image(content)  # refuse what is no picture before anything is stored
    with transaction.atomic():
        if is_main:
            ProductImage.objects.filter(product=product, is_main=True).update(is_main=False)
        image = ProductImage(product=product, position=position, is_main=is_main, source_name=source_name)
        image.checksum = _digest(content)
        image.image.save(posixpath.basename(filename), ContentFile(content), save=False)
        image.save()
        thumbnails_generate(image, force=True)
        product_images_ensure_main(product)
        image.refresh_from_db(fields=["is_main"])
    return image


def product_image_replace(*, image: ProductImage, content: bytes) -> None:
    """A new file for an existing picture (the import found a changed file): new thumbnails."""
    _open_image(content)
    old = image.image.name
    image.image.save(posixpath.basename(old) if old else "bilde.jpg", ContentFile(content), save=False)
    image.checksum = _digest(content)
    image.save(update_fields=["image", "width", "height", "checksum"])
    if old and old != image.image.name:
        default_storage.delete(old)
    thumbnails_generate(image, force=True)


def product_image_delete_files(image: ProductImage) -> None:
    """Remove a picture's file and thumbnails from storage (the row is deleted by the caller)."""
    for name in [image.image.name, *(t.get("name") for t in image.thumbnails.values())]:
        if name:
            default_storage.delete(name)


def product_document_put(
    *, product: Product, kind: str, content: bytes, filename: str, source_name: str = ""
) -> tuple[ProductDocument, str]:
    """Store a product's document of `kind` (one per kind): "added", "updated" or "unchanged"."""
    if not content.startswith(b"%PDF-"):
        raise MediaError("Dokumenter må være PDF-filer.")
    digest = _digest(content)
    document = ProductDocument.objects.filter(product=product, kind=kind).first()
    if document is not None and document.checksum == digest:
        return document, "unchanged"
    status = "added" if document is None else "updated"
    document = document or ProductDocument(product=product, kind=kind)
    old = document.file.name if document.pk else ""
    document.file.save(posixpath.basename(filename), ContentFile(content), save=False)
    document.size, document.checksum, document.source_name = len(content), digest, source_name
    document.save()
    if old and old != document.file.name:
        default_storage.delete(old)
    return document, status


@dataclass
class MediaImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def _product_lookup(keys: set[str]) -> dict[str, Product]:
    """Products by varenummer (any case) or EL-nummer, in one query."""
    upper = {key.upper() for key in keys}
    numbers = {key for key in keys if key.isdigit() and len(key) == 7}
    found = {}
    for product in Product.objects.filter(Q(sku__in=upper | keys) | Q(el_number__in=numbers)):
        found[product.sku.upper()] = product
        if product.el_number:
            found[product.el_number] = product
    return found


def product_media_import(*, directory: Path, dry_run: bool = False) -> MediaImportReport:
    """Import the pictures and PDF documents in `directory` (not its subfolders), named by SKU or
    EL-nummer: `ACC-3001.jpg` (main picture), `ACC-3001_2.jpg` (picture 2), `1630552_fdv.pdf`
    (documents: no suffix or `_datablad` a datasheet, `_fdv`, `_bruksanvisning`/`_manual`).

    Idempotent: a file already imported with the same content is left alone, a changed one replaces
    the stored file. Names that fit no product or no pattern are reported; the rest still load.
    """
    report = MediaImportReport()
    files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    parsed = []
    for path in files:
        match = FILE_NAME.match(path.stem)
        extension = path.suffix.lower()
        if extension not in IMAGE_EXTENSIONS | {".pdf"} or match is None:
            report.problems.append(f"{path.name}: ukjent filtype eller navn (bruk VARENUMMER.jpg, VARENUMMER_2.jpg, VARENUMMER_fdv.pdf)")
            continue
        parsed.append((path, match["key"], (match["suffix"] or "").lower(), extension))
    products = _product_lookup({key for _path, key, _suffix, _ext in parsed})
    for path, key, suffix, extension in parsed:
        product = products.get(key.upper()) or products.get(key)
        if product is None:
            report.problems.append(f"{path.name}: ingen vare har varenummer eller EL-nummer «{key}»")
            continue
        try:
            status = _import_one(path, product, suffix, extension, dry_run=dry_run)
        except MediaError as error:
            report.problems.append(f"{path.name}: {error}")
            continue
        setattr(report, status, getattr(report, status) + 1)
    return report


def _import_one(path: Path, product: Product, suffix: str, extension: str, *, dry_run: bool) -> str:
    content = path.read_bytes()
    if extension == ".pdf":
        if suffix not in DOCUMENT_SUFFIXES:
            raise MediaError("ukjent dokumenttype (bruk _datablad, _fdv eller _bruksanvisning)")
        if dry_run:
            return "added"
        return product_document_put(
            product=product, kind=DOCUMENT_SUFFIXES[suffix], content=content, filename=path.name, source_name=path.name
        )[1]
    if suffix and not suffix.isdigit():
        raise MediaError("bildenummeret etter _ må være et tall (VARENUMMER_2.jpg)")
    position = int(suffix) if suffix else 1
    existing = ProductImage.objects.filter(product=product, source_name=path.name).first()
    if existing is not None and existing.checksum == _digest(content):
        return "unchanged"
    if dry_run:
        _open_image(content)
        return "added" if existing is None else "updated"
    if existing is not None:
        product_image_replace(image=existing, content=content)
        return "updated"
    product_image_add(
        product=product, content=content, filename=path.name, position=position, is_main=position == 1, source_name=path.name
    )
    return "added"


@receiver(post_delete, sender=ProductImage, dispatch_uid="shop_product_image_files")
def _image_deleted(sender, instance, **kwargs):
    # Files go only once the row's deletion is committed (a rolled-back delete keeps its picture).
    transaction.on_commit(lambda: product_image_delete_files(instance))


@receiver(post_delete, sender=ProductDocument, dispatch_uid="shop_product_document_file")
def _document_deleted(sender, instance, **kwargs):
    if instance.file.name:
        name = instance.file.name
        transaction.on_commit(lambda: default_storage.delete(name))
