"""Every public page of the migration app: WCAG 2.1 AA (axe-core) and no sideways scroll at 375 px."""

import pytest

from migration.services import legacy_account_submit_move
from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot

from .conftest import LEGACY_PASSWORD, LegacyAccountFactory, default_deadline


def check(page, name):
    assert_accessible(page, label=name)
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    assert not has_horizontal_scroll(page), name
    screenshot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})


def gate_login(page, username):
    page.goto("/flytt/")
    page.fill("#id_username", username)
    page.fill("#id_password", LEGACY_PASSWORD)
    page.click("main form button[type=submit]")


@pytest.mark.browser
def test_gate_pages_are_accessible_and_fit_a_phone(page, customer):
    from migration.services import customer_flag_for_move

    waiting = LegacyAccountFactory(customer=customer, username="ikkeklar")
    gate_login(page, waiting.username)
    page.get_by_role("button", name="Meld interesse").wait_for()
    check(page, "migration-not-ready")
    page.fill("#id_message", "Vi vil gjerne flytte nå.")
    page.get_by_role("button", name="Meld interesse").click()
    page.get_by_text("har fått beskjed").wait_for()

    customer_flag_for_move(customer=customer, deadline=default_deadline())
    legacy_account_submit_move(account=waiting, name="N", email="n@firma.example")
    page.goto("/flytt/konto/")
    page.get_by_role("heading", name="Sjekk e-posten din").wait_for()
    check(page, "migration-submitted")

    page.goto("/flytt/glemt-passord/")
    check(page, "migration-legacy-reset")
    page.fill("#id_username", "ikkeklar")
    page.get_by_role("button", name="Send lenke").click()
    page.get_by_role("heading", name="Sjekk e-posten din").wait_for()

    page.goto("/flytt/aktiver/")
    check(page, "migration-activate-request")
    page.goto("/flytt/aktiver/ugyldig-lenke/")
    check(page, "migration-activate-invalid")
    page.goto("/flytt/invitasjon/ugyldig/")
    check(page, "migration-invitation-invalid")
    page.goto("/flytt/dagens-nettbutikk/")
    check(page, "migration-legacy-shop")
