import logging

import pytest

pytestmark = pytest.mark.django_db


def test_front_page_shows_login_link_and_help_and_contact_in_footer(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Logg inn" in html
    assert 'href="/hjelp/"' in html
    assert 'href="/kontakt/"' in html


def test_unknown_page_gets_norwegian_404_with_a_way_forward(client):
    response = client.get("/finnes-ikke/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Vi fant ikke siden" in html
    assert "Kontakt brukerstøtten" in html


@pytest.mark.urls("tests.core.urls_boom")
def test_failing_view_renders_norwegian_500_page_without_traceback(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in html
    assert "Traceback" not in html and "simulated failure" not in html
    assert response["X-Request-ID"] in html


def test_every_response_carries_a_request_id_that_is_on_the_log_lines(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get("/finnes-ikke/")
    request_id = response["X-Request-ID"]
    assert len(request_id) >= 8
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.request_id == request_id for r in records)


def test_well_formed_request_id_from_the_proxy_is_kept(client):
    response = client.get("/", HTTP_X_REQUEST_ID="abc123def456")
    assert response["X-Request-ID"] == "abc123def456"


def test_english_is_available_through_the_language_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html


def test_pages_send_a_content_security_policy(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_an_english_browser_still_gets_norwegian_until_the_user_switches(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nb"' in html
    assert "Logg inn" in html


def test_seed_demo_runs_each_installed_apps_demo_module_in_app_order():
    """core names no app: each app contributes demo data through its own `demo` module."""
    from core.management.commands.seed_demo import demo_modules

    names = [module.__name__ for module in demo_modules()]
    assert names == ["accounts.demo", "migration.demo", "shop.demo", "faq.demo", "identity.demo"]
