"""Product pictures and documents: the folder import, thumbnails, the pages, admin upload, the cache."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from shop.media import THUMBNAILS, product_image_add, product_media_import
from shop.models import ProductDocument, ProductImage

from .factories import ProductFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def picture(width=1200, height=800, color=(200, 40, 40), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA" if fmt == "PNG" else "RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def breaker(category):
    return ProductFactory(sku="ACC-3001", el_number="1630552", name="Hager jordfeilbryter 2P 40A", category=category)


@pytest.fixture
def folder(tmp_path, breaker):
    (tmp_path / "ACC-3001.jpg").write_bytes(picture())
    (tmp_path / "ACC-3001_2.png").write_bytes(picture(600, 900, (0, 0, 255, 0), "PNG"))
    (tmp_path / "1630552_fdv.pdf").write_bytes(PDF)
    (tmp_path / "acc-3001_datablad.pdf").write_bytes(PDF + b"% datablad\n")
    (tmp_path / "UKJENT-999.jpg").write_bytes(picture())
    (tmp_path / "ACC-3001_forside.jpg").write_bytes(picture())
    (tmp_path / "ACC-3001_3.jpg").write_bytes(b"not a picture")
    (tmp_path / "ACC-3001.txt").write_text("notat")
    (tmp_path / "1630552_tegning.pdf").write_bytes(PDF)
    return tmp_path


def test_import_loads_good_names_reports_bad_ones_and_is_idempotent(folder, breaker, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("import_product_media", str(folder))
    assert exit_.value.code == 1
    out, err = capsys.readouterr()
    assert "Nye: 4, oppdaterte: 0, uendrede: 0, avvist: 5." in out
    assert "UKJENT-999.jpg: ingen vare har varenummer eller EL-nummer «UKJENT-999»" in err
    for name in ("ACC-3001_forside.jpg", "ACC-3001_3.jpg", "ACC-3001.txt", "1630552_tegning.pdf"):
        assert name in err

    images = list(breaker.images.order_by("position"))
    assert [(i.source_name, i.is_main, i.position) for i in images] == [
        ("ACC-3001.jpg", True, 1),
        ("ACC-3001_2.png", False, 2),
    ]
    main = images[0]
    assert (main.width, main.height) == (1200, 800)
    assert set(main.thumbnails) == set(THUMBNAILS)
    assert (main.thumbnails["list"]["width"], main.thumbnails["list"]["height"]) == (160, 107)
    for thumb in main.thumbnails.values():
        assert default_storage.exists(thumb["name"])
    assert {d.kind for d in breaker.documents.all()} == {ProductDocument.Kind.FDV, ProductDocument.Kind.DATASHEET}

    # Again: nothing new, nothing duplicated, unchanged files are not rewritten.
    with pytest.raises(SystemExit):
        call_command("import_product_media", str(folder))
    assert "Nye: 0, oppdaterte: 0, uendrede: 4, avvist: 5." in capsys.readouterr().out
    assert ProductImage.objects.count() == 2 and ProductDocument.objects.count() == 2

    # A changed file replaces the stored one and its thumbnails.
    (folder / "ACC-3001.jpg").write_bytes(picture(400, 400, (0, 200, 0)))
    report = product_media_import(directory=folder)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 3)
    main.refresh_from_db()
    assert (main.width, main.height) == (400, 400)


def test_dry_run_changes_nothing(folder):
    report = product_media_import(directory=folder, dry_run=True)
    assert report.added == 4 and len(report.problems) == 5
    assert ProductImage.objects.count() == 0 and ProductDocument.objects.count() == 0


def test_product_page_shows_its_picture_with_size_alt_text_and_a_document_link(client, folder, breaker):
    product_media_import(directory=folder)
    html = client.get(reverse("shop:product", args=[breaker.sku])).content.decode()
    main = breaker.images.get(is_main=True)
    page_thumb = default_storage.url(main.thumbnails["page"]["name"])
    assert f'src="{page_thumb}" width="480" height="320" alt="Hager jordfeilbryter 2P 40A" loading="lazy"' in html
    assert "Hager jordfeilbryter 2P 40A, bilde 2" in html
    fdv = breaker.documents.get(kind=ProductDocument.Kind.FDV)
    assert f'<a href="{fdv.file.url}">FDV-dokumentasjon</a>' in html
    assert ">Datablad</a>" in html
    # The file behind the link is served.
    response = client.get(fdv.file.url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_lists_show_the_main_picture_and_a_placeholder_without_one(client, category, breaker):
    plain = ProductFactory(name="Elko stikkontakt uten bilde", category=category)
    product_image_add(product=breaker, content=picture(), filename="ACC-3001.jpg", is_main=True)
    html = client.get(reverse("shop:category", args=[category.slug])).content.decode()
    thumb = default_storage.url(breaker.images.get().thumbnails["list"]["name"])
    assert f'src="{thumb}" width="80" height="53" alt="Hager jordfeilbryter 2P 40A" loading="lazy"' in html
    assert "product-placeholder.svg" in html
    assert plain.name in html


def test_a_new_picture_shows_at_once_on_a_cached_page(client, breaker):
    url = reverse("shop:product", args=[breaker.sku])
    assert "product-placeholder.svg" in client.get(url).content.decode()
    product_image_add(product=breaker, content=picture(), filename="ACC-3001.jpg")
    html = client.get(url).content.decode()
    assert "product-placeholder.svg" not in html and "miniatyrer/" in html


def test_one_main_picture_moves_when_another_is_made_main(breaker):
    first = product_image_add(product=breaker, content=picture(), filename="a.jpg")
    assert first.is_main  # the only one is the main picture
    second = product_image_add(product=breaker, content=picture(), filename="b.jpg", is_main=True)
    first.refresh_from_db()
    assert second.is_main and not first.is_main


def test_staff_upload_pictures_in_admin_and_get_thumbnails(client, staff_user, breaker):
    client.force_login(staff_user)
    url = reverse("admin:shop_product_change", args=[breaker.pk])
    page = client.get(url)
    assert page.status_code in (200, 302)
    if page.status_code == 302:  # the second factor is required before admin pages
        pytest.skip("admin requires a second factor in this configuration")
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"category": breaker.category_id, "is_active": "on"})
    for prefix in ("stock", "images", "documents"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-0-image": SimpleUploadedFile("bryter.jpg", picture(), content_type="image/jpeg"),
            "images-0-position": "1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    image = breaker.images.get()
    assert image.is_main and set(image.thumbnails) == set(THUMBNAILS)
