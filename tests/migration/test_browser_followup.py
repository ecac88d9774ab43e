"""«Oppfølging» in a real browser: readable at 1280 and 375 px, «Ringt» with a note takes the row off."""

import pytest
from django.utils import timezone

from migration.models import EventKind, LegacyAccount
from migration.services import email_bounce_mark
from tests.factories import CustomerFactory, UserFactory
from tests.fixtures.browser import screenshot
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import give_totp

from .conftest import LegacyAccountFactory, default_deadline
from .test_browser_journey import admin_login, shoot


@pytest.mark.browser
def test_call_list_in_the_browser(page, live_server, branch):
    from migration.services import customer_flag_for_move

    staff = UserFactory(email="ansatt@grossist.example", is_staff=True, is_superuser=True, branch=branch,
                        password=PASSWORD)
    give_totp(staff)  # every staff user has a second factor; admin_login enters its code
    customer = CustomerFactory(branch=branch, name="Strøm & Lys AS")
    gone = LegacyAccountFactory(customer=customer, username="stromsjef", name="Kari Nordmann",
                                email="kari@strom.example", phone="911 22 333")
    LegacyAccountFactory(customer=customer, username="lager", name="Ola Lager", email="")
    customer_flag_for_move(customer=customer, deadline=default_deadline(14))
    email_bounce_mark(address=gone.email, kind="migration.invitation",
                      reason="550 5.1.1 <kari@strom.example>: Recipient address rejected: User unknown",
                      at=timezone.now())
    admin_login(page)
    page.goto("/admin/migration/legacyaccount/dashboard/")
    screenshot(page, "dashboard-with-bounced")
    page.click("text=Oppfølging")
    page.wait_for_url("**/oppfolging/")
    assert page.locator("#followup tbody tr").count() == 2
    shoot(page, "followup-list")
    row = page.locator(f"#followup-{gone.pk}")
    row.locator("button").click()
    assert "Skriv kort hva samtalen gjaldt." in page.locator(f"#followup-{gone.pk}").inner_text()
    page.locator(f"#followup-{gone.pk} input[name=note]").fill("Ny adresse kommer")
    page.locator(f"#followup-{gone.pk} button").click()
    page.wait_for_selector("text=«Ringt» er registrert for stromsjef.")
    assert page.locator(f"#followup-{gone.pk}").count() == 0
    assert LegacyAccount.objects.get(pk=gone.pk).events.filter(kind=EventKind.CALLED).exists()
    screenshot(page, "followup-after-call")
