import pytest

from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_page_has_login_top_right_and_fits_a_phone(page):
    page.goto("/")
    login = page.get_by_role("link", name="Logg inn", exact=True)
    box = login.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] > width * 0.6, "«Logg inn» sits at the right"
    assert box["y"] < 120, "«Logg inn» sits at the top"
    assert_accessible(page, label="front page 1280")
    screenshot(page, "front-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")
    assert page.get_by_role("link", name="Logg inn", exact=True).is_visible()
    assert not has_horizontal_scroll(page), "no horizontal scroll at 375 px"
    assert_accessible(page, label="front page 375")
    screenshot(page, "front-375")


def test_error_page_is_accessible_and_offers_help_and_contact(page):
    page.goto("/finnes-ikke/")
    assert page.get_by_role("heading", name="Vi fant ikke siden du leter etter").is_visible()
    assert page.get_by_role("link", name="Kontakt brukerstøtten").is_visible()
    assert_accessible(page, label="404")


def test_everything_on_the_front_page_is_reachable_by_keyboard(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Hopp til innholdet"
    reached = set()
    for _ in range(15):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => (document.activeElement.textContent || '').trim()"))
    assert "Logg inn" in reached
