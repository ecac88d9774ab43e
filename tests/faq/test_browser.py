import re

import pytest
from playwright.sync_api import expect

from faq.models import SupportRequest
from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import totp_code
from tests.fixtures.services import message_text

pytestmark = pytest.mark.browser


def test_help_from_footer_search_and_open_answer_by_its_link(page, faq_content):
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Hjelp").click()
    expect(page).to_have_url(re.compile(r"/hjelp/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hjelp og ofte stilte spørsmål")
    assert_accessible(page, label="help index")
    screenshot(page, "faq-index-1280")

    page.get_by_label("Søk i hjelpesidene").fill("søppelposten")
    page.get_by_role("button", name="Søk i hjelp").click()
    expect(page.locator(".faq-result-count")).to_contain_text("svar passer til «søppelposten»")
    assert_accessible(page, label="help search")
    page.get_by_role("link", name="Jeg har ikke fått e-posten fra den nye nettbutikken").click()

    expect(page).to_have_url(re.compile(r"/hjelp/flytting/\?open=epost-kommer-ikke#epost-kommer-ikke$"))
    # faq.js moves focus to the linked answer once loaded; let it finish before we move focus.
    page.wait_for_load_state("load")
    answer = page.locator("details#epost-kommer-ikke")
    expect(answer).to_have_attribute("open", "")
    expect(answer.get_by_text("Se i søppelposten")).to_be_visible()
    # The other answers stay closed until asked for, and open with the keyboard.
    other = page.locator("details#utsette")
    expect(other).not_to_have_attribute("open", "")
    other.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(other).to_have_attribute("open", "")
    assert_accessible(page, label="help topic")
    screenshot(page, "faq-topic-1280")

    # A bare #slug link (no ?open=) is opened by faq.js.
    page.goto("/hjelp/innlogging/#ett-passord")
    expect(page.locator("details#ett-passord")).to_have_attribute("open", "")
    expect(page.locator("details#feil-500")).not_to_have_attribute("open", "")

    # No hit says so and offers the contact form.
    page.goto("/hjelp/sok/?q=kvantedatamaskin")
    expect(page.get_by_role("heading", name="Ingen svar passer til «kvantedatamaskin»")).to_be_visible()
    page.locator(".faq-no-hits").get_by_role("link", name="Kontakt brukerstøtten").click()
    expect(page).to_have_url(re.compile(r"/kontakt/$"))


def test_contact_form_sends_both_emails_and_staff_see_the_request_in_admin(
    page, faq_content, smtp_sink, settings, customer, staff_user
):
    settings.CONTACT_MIN_FILL_SECONDS = 0
    page.goto("/hjelp/flytting/")
    page.get_by_role("link", name="Fant du ikke svaret? Kontakt brukerstøtten").click()
    expect(page).to_have_url(re.compile(r"/kontakt/\?emne=flytting$"))
    expect(page.get_by_label("Hva gjelder det?")).to_have_value("flytting")
    assert_accessible(page, label="contact form")
    screenshot(page, "faq-contact-1280")

    # A bad submission first: messages next to the fields, nothing saved.
    page.get_by_label("E-post").fill("ikke-en-adresse")
    page.get_by_role("button", name="Send melding").click()
    expect(page.get_by_text("Skriv en gyldig e-postadresse, for eksempel navn@firma.no.")).to_be_visible()
    expect(page.get_by_text("Skriv navnet ditt.")).to_be_visible()
    assert_accessible(page, label="contact form with errors")
    screenshot(page, "faq-contact-errors-1280")
    assert SupportRequest.objects.count() == 0

    page.get_by_label("Navn", exact=True).fill("Kari Nordmann")
    page.get_by_label("E-post").fill("kari@firma.example")
    page.get_by_label("Telefon (valgfritt)").fill("900 00 000")
    page.get_by_label("Kundenummer (valgfritt)").fill(customer.number)
    page.get_by_label("Melding").fill("Vi vil gjerne flytte til den nye nettbutikken nå.")
    page.get_by_role("button", name="Send melding").click()

    expect(page.get_by_role("heading", name="Takk, meldingen er sendt")).to_be_visible()
    request = SupportRequest.objects.get()
    expect(page.get_by_text(request.reference)).to_be_visible()
    assert_accessible(page, label="contact sent")

    smtp_sink.wait_for(2)
    to_branch = smtp_sink.to(customer.branch.email)
    receipt = smtp_sink.to("kari@firma.example")
    assert len(to_branch) == 1 and len(receipt) == 1
    assert "Vi vil gjerne flytte til den nye nettbutikken nå." in message_text(to_branch[0])
    assert request.reference in message_text(receipt[0])

    page.goto("/admin/login/?next=/admin/faq/supportrequest/")
    page.get_by_label("E-post").fill(staff_user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Logg inn", re.I)).click()
    # staff log in with a second factor: the code from their authenticator app
    page.get_by_label("Kode").fill(totp_code())
    page.get_by_role("button", name="Logg inn").click()
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text(request.reference)
    expect(row).to_contain_text("Kari Nordmann")
    expect(row).to_contain_text("Flytting til ny nettbutikk")
    expect(row).to_contain_text("Ny")
    screenshot(page, "faq-admin-requests-1280")
    row.get_by_role("link", name=request.reference).click()
    expect(page.get_by_text("Vi vil gjerne flytte til den nye nettbutikken nå.")).to_be_visible()
    screenshot(page, "faq-admin-request-1280")


@pytest.mark.parametrize(
    "path, name",
    [
        ("/hjelp/", "faq-index-375"),
        ("/hjelp/innlogging/?open=problemer-med-innlogging", "faq-topic-375"),
        ("/hjelp/sok/?q=passord", "faq-search-375"),
        ("/kontakt/", "faq-contact-375"),
    ],
)
def test_help_and_contact_pages_fit_a_phone_screen(page, faq_content, path, name):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(path)
    assert not has_horizontal_scroll(page)
    assert_accessible(page, label=name)
    screenshot(page, name)
