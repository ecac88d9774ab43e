"""`manage.py import_legacy_history`: good rows load, bad rows are reported, orders load whole."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from migration.models import LegacyAccount, LegacyFavourite, LegacyOrder, LegacyOrderLine
from shop.models import OrderList
from tests.factories import CustomerFactory, UserFactory
from tests.shop.factories import ProductFactory

from .conftest import LegacyAccountFactory

ORDERS = "order_number;customer_number;username;ordered_at;reference;status;total_excl_vat\n"
LINES = "order_number;line_number;sku;el_number;name;quantity;unit;unit_price\n"
FAVOURITES = "username;customer_number;sku;el_number;quantity\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*paths, dry_run=False):
    out, err = StringIO(), StringIO()
    args = [*paths, "--dry-run"] if dry_run else list(paths)
    call_command("import_legacy_history", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def history(tmp_path, db):
    customer = CustomerFactory(number="30001")
    CustomerFactory(number="30002")
    orders = write(
        tmp_path,
        "orders.csv",
        ORDERS
        + "L-1001;30001;lysverket;2025-03-14;Hytta Geilo;Levert;1234,50\n"
        + "L-1002;30001;lysverket;14.03.2024;;Levert;99.00\n"
        + "L-1003;99999;ukjent;2025-01-01;;Levert;10\n"  # unknown customer number
        + "L-1004;30001;lysverket;31.02.2025;;Levert;10\n"  # no such date
        + "L-1005;30002;kraft;2025-02-01;Lager;Levert;\n"  # one bad line: skipped whole
        + "L-1001;30001;lysverket;2025-03-14;;Levert;1\n",  # twice in the file
    )
    lines = write(
        tmp_path,
        "lines.csv",
        LINES
        + "L-1001;1;ABC-1;;Kabel PFSP 3x1,5;100;m;12,50\n"
        + "L-1001;2;;1234567;Stikkontakt utgått;2;stk;45.00\n"
        + "L-1002;1;ABC-1;;Kabel;1,5;m;\n"
        + "L-1003;1;ABC-1;;Kabel;1;m;1\n"  # belongs to the refused order
        + "L-1005;1;ABC-1;;Kabel;1;m;1\n"
        + "L-1005;2;ABC-2;;Bryter;mange;stk;1\n"  # bad quantity
        + "L-9999;1;ABC-1;;Kabel;1;m;1\n",  # no such order
    )
    return customer, orders, lines


def test_good_rows_load_bad_rows_are_reported_with_file_and_line(history):
    customer, orders, lines = history
    out, err = run(orders, lines)

    assert set(LegacyOrder.objects.values_list("number", flat=True)) == {"L-1001", "L-1002"}
    order = LegacyOrder.objects.get(number="L-1001")
    assert order.customer == customer
    assert order.reference == "Hytta Geilo"
    assert order.total_excl_vat == Decimal("1234.50")
    assert str(LegacyOrder.objects.get(number="L-1002").ordered_at) == "2024-03-14"
    assert list(order.lines.values_list("line_number", "name", "quantity", "unit_price")) == [
        (1, "Kabel PFSP 3x1,5", Decimal("100.000"), Decimal("12.50")),
        (2, "Stikkontakt utgått", Decimal("2.000"), Decimal("45.00")),
    ]
    # Nothing half-loaded: the order with a bad line is not there, nor any of its lines.
    assert not LegacyOrderLine.objects.filter(order__number="L-1005").exists()
    assert LegacyOrderLine.objects.count() == 3

    assert "orders.csv:4: FEIL: Ukjent kundenummer '99999'" in err
    assert "orders.csv:5: FEIL: Ugyldig ordredato '31.02.2025'" in err
    assert "orders.csv:7: FEIL: Ordre L-1001 står flere ganger i filen." in err
    assert "lines.csv:5: FEIL: Linjene til ordre L-1003 er hoppet over" in err
    assert "lines.csv:7: FEIL: Ugyldig antall 'mange'." in err
    assert "lines.csv:7: FEIL: Ordre L-1005 er hoppet over fordi en av linjene har feil." in err
    assert "lines.csv:8: FEIL: Ukjent ordrenummer 'L-9999'." in err
    assert "Ordrer: 2 nye, 0 endret, 0 uendret, 3 hoppet over." in out
    assert "Ordrelinjer: 3 nye, 0 endret, 0 uendret." in out


def test_running_it_again_changes_nothing_and_a_change_is_an_update(history, tmp_path):
    _customer, orders, lines = history
    run(orders, lines)
    out, _err = run(orders, lines)
    assert "Ordrer: 0 nye, 0 endret, 2 uendret" in out
    assert "Ordrelinjer: 0 nye, 0 endret, 3 uendret." in out

    changed = write(
        tmp_path, "orders2.csv", ORDERS + "L-1002;30001;lysverket;2024-03-14;Ny ref;Levert;99.00\n"
    )
    out, _err = run(changed, write(tmp_path, "lines2.csv", LINES))
    assert "Ordrer: 0 nye, 1 endret, 0 uendret" in out
    assert LegacyOrder.objects.get(number="L-1002").reference == "Ny ref"
    assert LegacyOrder.objects.count() == 2


def test_dry_run_reports_the_same_and_changes_nothing(history):
    _customer, orders, lines = history
    out, err = run(orders, lines, dry_run=True)
    assert out.count("TØRRKJØRING") == 1
    assert "Ordrer: 2 nye" in out
    assert "Ukjent kundenummer" in err
    assert not LegacyOrder.objects.exists()
    assert not LegacyOrderLine.objects.exists()


def test_missing_columns_load_nothing(history, tmp_path):
    _customer, _orders, lines = history
    bad = write(tmp_path, "bad.csv", "order_number;customer_number\nL-1;30001\n")
    _out, err = run(bad, lines)
    assert "bad.csv:1: FEIL: Mangler kolonner" in err
    assert not LegacyOrder.objects.exists()


def test_favourites_of_a_user_who_moved_become_their_order_list_at_import(history, tmp_path):
    customer, orders, lines = history
    cable = ProductFactory(sku="ABC-1", el_number="1000001")
    socket = ProductFactory(sku="NY-77", el_number="1234567")
    user = UserFactory()
    LegacyAccountFactory(
        username="lysverket", customer=customer, user=user, state=LegacyAccount.State.ACTIVATED
    )
    waiting = LegacyAccountFactory(username="kollega", customer=customer)
    favourites = write(
        tmp_path,
        "fav.csv",
        FAVOURITES
        + "lysverket;30001;abc-1;;25\n"  # varenummer in another case
        + "lysverket;30001;;1234567;2\n"  # by EL-nummer
        + "lysverket;30001;GONE-1;;1\n"  # no longer sold: left out of the list
        + "kollega;30001;ABC-1;;3\n"
        + "kollega;30002;ABC-1;;3\n"  # wrong customer number
        + "ingen;30001;ABC-1;;3\n",
    )
    out, err = run(orders, lines, favourites)

    assert "fav.csv:6: FEIL: Brukeren kollega hører ikke til kundenummer '30002'." in err
    assert "fav.csv:7: FEIL: Ukjent brukernavn 'ingen'." in err
    assert "Favoritter: 4 nye" in out
    assert "Favorittlister opprettet: 1." in out
    order_list = OrderList.objects.get(owner=user)
    assert order_list.name == "Favoritter fra dagens nettbutikk"
    assert order_list.customer == customer
    assert {(line.product, line.quantity) for line in order_list.lines.all()} == {(cable, 25), (socket, 2)}
    assert LegacyFavourite.objects.filter(account=waiting).count() == 1
    assert OrderList.objects.count() == 1  # the user who has not moved gets theirs at activation

    out, _err = run(orders, lines, favourites)
    assert "Favoritter: 0 nye, 0 endret, 4 uendret. Favorittlister opprettet: 0." in out
    assert OrderList.objects.count() == 1
