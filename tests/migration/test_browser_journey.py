"""The whole journey in a browser, against a live server, a real Celery worker and an SMTP sink."""

import re

import pytest
from django.core.management import call_command

from accounts.models import Branch
from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import give_totp, totp_code
from tests.fixtures.services import message_text

from .conftest import sha1_hash

NEW_PASSWORD = "en lang og god setning 2026"


def link_in(message, fragment):
    return re.search(rf"https?://\S+{re.escape(fragment)}\S+", message_text(message)).group(0)


def shoot(page, name):
    """Screenshots at 1280 and 375 px; the narrow one must not scroll sideways."""
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    assert not has_horizontal_scroll(page), name
    page.set_viewport_size({"width": 1280, "height": 900})


def admin_login(page):
    """Staff log in to admin through the shop's login page (allauth guards the admin login)."""
    page.goto("/admin/")
    page.fill("input[name=login]", "ansatt@grossist.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login-form button[type=submit]")
    # staff log in with a second factor: the code from their authenticator app
    page.fill("input[name=code]", totp_code())
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/admin/")


@pytest.mark.browser
@pytest.mark.worker
def test_full_migration_journey(page, browser, live_server, celery_worker, smtp_sink, settings, tmp_path):
    from tests.factories import UserFactory

    settings.SHOP_URL = live_server.url
    settings.LEGACY_SHOP_URL = f"{live_server.url}/flytt/dagens-nettbutikk/"
    give_totp(UserFactory(email="ansatt@grossist.example", is_staff=True, is_superuser=True, password=PASSWORD))
    Branch.objects.create(code="OSL", name="Oslo", email="oslo@grossist.example")
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "customer_number;name;branch_code;org_number;email;phone\n"
        "40001;Strømlinje AS;OSL;;post@stromlinje.example;\n",
        encoding="utf-8",
    )
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "username;customer_number;name;email;phone;password_hash;is_main_user;is_active\n"
        f"stromsjef;40001;Siv Strøm;siv@stromlinje.example;912 34 567;{sha1_hash('gammelt-passord')};1;1\n",
        encoding="utf-8",
    )
    call_command("import_legacy", str(customers), str(accounts), "--jobs", "1", verbosity=0)

    # Staff press the move button in admin.
    admin_login(page)
    page.goto("/admin/accounts/customer/")
    page.get_by_role("row", name=re.compile("40001")).locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "flag_for_move")
    page.click("button[name=index]")
    page.get_by_text("Frist for å flytte").wait_for()
    assert_accessible(page, label="admin move deadline page")
    screenshot(page, "migration-admin-deadline")
    page.click("input[type=submit][value='Flytt til ny nettbutikk']")
    page.get_by_text("1 kunder flyttes nå, 1 invitasjoner sendes i bakgrunnen").wait_for()

    invitation = smtp_sink.wait_for(1)[0]
    text = message_text(invitation)
    assert "stromsjef" in text and "40001" in text
    assert invitation["To"] == "siv@stromlinje.example"

    # The legacy user logs in at the gate and moves.
    user_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="nb-NO", bypass_csp=True
    )
    user = user_context.new_page()
    user.set_default_timeout(15_000)
    user.goto("/flytt/")
    assert_accessible(user, label="gate")
    shoot(user, "migration-gate")
    user.fill("#id_username", "stromsjef")
    user.fill("#id_password", "gammelt-passord")
    user.click("main form button[type=submit]")
    user.get_by_role("button", name="Flytt meg til ny nettbutikk").wait_for()
    assert user.input_value("#id_email") == "siv@stromlinje.example"
    assert_accessible(user, label="move form")
    shoot(user, "migration-move-form")
    user.get_by_role("button", name="Flytt meg til ny nettbutikk").click()
    user.get_by_role("heading", name="Sjekk e-posten din").wait_for()

    activation = smtp_sink.wait_for(2)[1]
    assert activation["To"] == "siv@stromlinje.example"
    user.goto(link_in(activation, "/flytt/aktiver/"))
    assert_accessible(user, label="activation")
    shoot(user, "migration-activation")
    user.fill("#id_new_password1", NEW_PASSWORD)
    user.fill("#id_new_password2", NEW_PASSWORD)
    user.get_by_role("button", name="Lagre passord og logg inn").click()
    user.get_by_text("Velkommen til den nye nettbutikken").wait_for()
    assert "Siv" in user.content()

    # The legacy login now says "moved".
    user.context.clear_cookies()
    user.goto("/flytt/")
    user.fill("#id_username", "stromsjef")
    user.fill("#id_password", "gammelt-passord")
    user.click("main form button[type=submit]")
    user.get_by_role("heading", name="Du har flyttet til den nye nettbutikken").wait_for()
    assert_accessible(user, label="moved")

    # Staff re-activate legacy access with a reason.
    page.goto("/admin/migration/legacyaccount/")
    page.get_by_role("row", name=re.compile("stromsjef")).locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "reactivate")
    page.click("button[name=index]")
    page.fill("#id_reason", "Trenger gamle fakturaer ut måneden")
    page.click("input[type=submit][value='Reaktiver i dagens nettbutikk']")
    # re-opening the old shop asks for the staff member's password again
    page.get_by_role("heading", name="Bekreft at det er deg").wait_for()
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsett").click()
    page.get_by_text("1 brukere har fått tilgang til dagens nettbutikk igjen").wait_for()

    # The legacy login works again.
    user.context.clear_cookies()
    user.goto("/flytt/")
    user.fill("#id_username", "stromsjef")
    user.fill("#id_password", "gammelt-passord")
    user.click("main form button[type=submit]")
    user.get_by_text("Du er logget inn i dagens nettbutikk som").wait_for()
    user_context.close()

    # The dashboard shows the activation.
    page.goto("/admin/migration/legacyaccount/dashboard/")
    assert page.locator("svg rect").count() == 30
    assert_accessible(page, label="dashboard")
    screenshot(page, "migration-admin-dashboard")
    page.goto("/admin/accounts/customer/")
    page.get_by_role("link", name="40001").click()
    screenshot(page, "migration-admin-customer")
