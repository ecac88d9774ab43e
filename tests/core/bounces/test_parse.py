"""Reading bounce messages: RFC 3464 DSNs and the common non-standard formats."""

import pytest

from core.bounces import bounce_parse, verp_address, verp_parse

from .samples import GARBAGE, SPAM_REPLY, dsn, qmail


@pytest.fixture(autouse=True)
def _bounce_address(settings):
    settings.EMAIL_BOUNCE_ADDRESS = "retur@butikk.example"


def test_verp_round_trip_and_forged_ids_are_refused():
    address = verp_address(4711)
    assert address.startswith("retur+4711-") and address.endswith("@butikk.example")
    assert verp_parse(address) == 4711 and verp_parse(address.upper()) == 4711
    assert verp_parse(address.replace("4711-", "4712-")) is None
    assert verp_parse("retur@butikk.example") is None


def test_no_bounce_address_means_no_verp(settings):
    settings.EMAIL_BOUNCE_ADDRESS = ""
    assert verp_address(1) is None


def test_rfc3464_failed_is_permanent_with_the_diagnostic():
    bounce = bounce_parse(dsn(to=verp_address(7), recipient="kari@firma.example"))
    assert bounce.permanent and bounce.email_ids == [7]
    assert "User unknown" in bounce.reason and bounce.recipients == ["kari@firma.example"]


def test_rfc3464_delayed_is_temporary():
    bounce = bounce_parse(dsn(to=verp_address(7), recipient="k@f.example", action="delayed", status="4.4.7",
                              diagnostic="smtp; 421 4.4.7 deferred"))
    assert not bounce.permanent


def test_qmail_style_bounce_is_read_from_its_text():
    bounce = bounce_parse(qmail(to="retur@butikk.example", recipient="ola@firma.example", message_id="<abc@x>"))
    assert bounce.permanent and bounce.message_ids == ["<abc@x>"]


def test_exchange_style_ndr_and_a_temporary_text_bounce():
    exchange = (b"From: postmaster@firma.example\r\nTo: " + verp_address(9).encode() + b"\r\n"
                b"Subject: Undeliverable: Flytt til ny nettbutikk\r\n\r\n"
                b"Delivery has failed to these recipients or groups:\r\nola@firma.example\r\n"
                b"Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found'\r\n")
    bounce = bounce_parse(exchange)
    assert bounce.permanent and bounce.email_ids == [9] and "5.1.10" in bounce.reason
    later = (b"From: MAILER-DAEMON@x.example\r\nTo: retur@butikk.example\r\nSubject: Warning: message delayed\r\n\r\n"
             b"Your message has not yet been delivered. 451 4.3.0 Mail server temporarily rejected message.\r\n")
    assert not bounce_parse(later).permanent


def test_garbage_and_ordinary_replies_are_not_bounces():
    assert bounce_parse(GARBAGE) is None
    assert bounce_parse(SPAM_REPLY) is None
    assert bounce_parse(b"") is None
