from decimal import Decimal

from django.core.management import call_command

from shop.models import Category, Product

HEADER = (
    "sku;el_number;ean;name;description;manufacturer;manufacturer_sku;unit;list_price;"
    "category_path;discount_group\n"
)
GOOD = (
    "200001;1200001;7000000000010;PFSP 3G1,5 installasjonskabel;Kabel for fast installasjon;"
    "Nexans;NEX-1;m;14,90;"
    "Kabel/Installasjonskabel;K10\n"
    "200002;;;Stikkontakt 2-veis hvit;;Elko;ELK-2;stk;89.00;Installasjonsmateriell/Stikkontakter;I20\n"
)


def write(tmp_path, body, name="katalog.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def run(path, capsys, *args):
    call_command("import_catalogue", path, *args)
    return capsys.readouterr()


def test_import_creates_products_and_category_tree(db, tmp_path, capsys):
    out = run(write(tmp_path, GOOD), capsys)
    assert "2 nye, 0 oppdatert, 0 uendret, 0 deaktivert, 0 feil" in out.out
    cable = Product.objects.get(sku="200001")
    assert cable.list_price == Decimal("14.90")
    assert cable.category.name == "Installasjonskabel"
    assert cable.category.parent.name == "Kabel"
    assert "kabel" in cable.search_document


def test_import_again_updates_and_never_duplicates(db, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    run(path, capsys)
    out = run(path, capsys)
    assert "0 nye, 0 oppdatert, 2 uendret" in out.out
    changed = write(tmp_path, GOOD.replace("14,90", "15,50"), name="ny.csv")
    out = run(changed, capsys)
    assert "0 nye, 1 oppdatert, 1 uendret" in out.out
    assert Product.objects.count() == 2
    assert Category.objects.filter(name="Kabel").count() == 1
    assert Product.objects.get(sku="200001").list_price == Decimal("15.50")


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_still_load(db, tmp_path, capsys):
    body = GOOD + (
        "200003;123;;For kort EL-nummer;;;;stk;10;Kabel;K10\n"
        "200004;;7000000000011;Feil kontrollsiffer;;;;stk;10;Kabel;K10\n"
        "200005;;;Uten pris;;;;stk;;Kabel;K10\n"
        "200006;;;Rar pris;;;;stk;ti kroner;Kabel;K10\n"
        "200007;1200001;;Stjålet EL-nummer;;;;stk;10;Kabel;K10\n"
        "200001;;;Dobbel;;;;stk;10;Kabel;K10\n"
    )
    out = run(write(tmp_path, body), capsys)
    assert "2 nye" in out.out and "6 feil" in out.out
    assert "linje 4: ugyldig EL-nummer «123»" in out.err
    assert "linje 5: ugyldig EAN «7000000000011»" in out.err
    assert "linje 6: list_price mangler" in out.err
    assert "linje 7: ugyldig pris «ti kroner»" in out.err
    assert "linje 8: EL-nummer 1200001 tilhører allerede vare 200001" in out.err
    assert "linje 9: varenummer 200001 står flere ganger i filen" in out.err
    assert set(Product.objects.values_list("sku", flat=True)) == {"200001", "200002"}


def test_missing_columns_are_reported_and_nothing_loads(db, tmp_path, capsys):
    path = tmp_path / "feil.csv"
    path.write_text("sku;name\n1;X\n", encoding="utf-8")
    out = run(str(path), capsys)
    assert "mangler kolonner" in out.err
    assert not Product.objects.exists()


def test_dry_run_changes_nothing(db, tmp_path, capsys):
    out = run(write(tmp_path, GOOD), capsys, "--dry-run")
    assert "Tørrkjøring" in out.out and "2 nye" in out.out
    assert not Product.objects.exists() and not Category.objects.exists()


def test_import_shows_progress_and_uses_bulk_writes(db, tmp_path, capsys, django_assert_max_num_queries):
    rows = "".join(f"{300000 + i};;;Vare {i};;Elko;;stk;{i},50;Belysning/Lyspærer;B40\n" for i in range(1200))
    path = write(tmp_path, rows)
    with django_assert_max_num_queries(60):  # 1200 rows: batches, never per row
        out = run(path, capsys)
    assert "1200 nye" in out.out
    assert "100%" in out.err and "1200/1200" in out.err
    assert Product.objects.count() == 1200


def test_deactivate_missing_stops_selling_products_not_in_the_file(db, tmp_path, capsys):
    run(write(tmp_path, GOOD), capsys)
    only_first = write(tmp_path, GOOD.splitlines(keepends=True)[0], "b.csv")
    out = run(only_first, capsys, "--deactivate-missing")
    assert "1 deaktivert" in out.out
    assert list(Product.objects.active().values_list("sku", flat=True)) == ["200001"]
    # Importing the product again puts it back on sale.
    run(write(tmp_path, GOOD, "c.csv"), capsys)
    assert Product.objects.active().count() == 2


def test_a_bad_row_never_deactivates_its_product(db, tmp_path, capsys):
    run(write(tmp_path, GOOD), capsys)
    body = (
        GOOD.splitlines(keepends=True)[0] + "200002;;;Stikkontakt;;;;stk;gratis;Installasjonsmateriell;I20\n"
    )
    out = run(write(tmp_path, body, "d.csv"), capsys, "--deactivate-missing")
    assert "0 deaktivert" in out.out and "1 feil" in out.out
    assert Product.objects.active().count() == 2


def test_long_category_names_are_not_duplicated_on_reimport(db, tmp_path, capsys):
    body = f"400001;;;Vare;;;;stk;1;{'Lang' * 40}/Under;K10\n"
    path = write(tmp_path, body)
    run(path, capsys)
    run(path, capsys)
    assert Category.objects.count() == 2
