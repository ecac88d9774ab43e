import pytest
from django.core import signing

from core.models import OutboundEmail
from faq.forms import SIGNER_SALT
from faq.models import SupportRequest
from tests.factories import BranchFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.SUPPORT_EMAIL = "kundeservice@grossist.example"


def post(client, data, **extra):
    return client.post("/kontakt/", data, **extra)


def test_contact_form_shows_all_fields_with_a_signed_start_time_and_a_hidden_honeypot(client):
    response = client.get("/kontakt/")
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("name", "email", "phone", "customer_number", "branch", "topic", "message"):
        assert f'name="{name}"' in body
    assert 'class="honeypot" aria-hidden="true"' in body
    started = response.context["form"].initial["started"]
    assert signing.Signer(salt=SIGNER_SALT).unsign(started)


def test_contact_form_is_prefilled_for_a_logged_in_customer_user(client, buyer_member):
    user = buyer_member.user
    user.phone = "41 23 45 67"
    user.save(update_fields=["phone"])
    client.force_login(user)
    form = client.get("/kontakt/").context["form"]
    assert form.initial["name"] == user.name
    assert form.initial["email"] == user.email
    assert form.initial["phone"] == "41 23 45 67"
    assert form.initial["customer_number"] == buyer_member.customer.number
    assert form.initial["branch"] == buyer_member.customer.branch


def test_topic_can_be_preselected_from_a_help_page_link(client):
    assert client.get("/kontakt/?emne=flytting").context["form"].initial["topic"] == "flytting"
    assert "topic" not in client.get("/kontakt/?emne=tull").context["form"].initial


def test_valid_request_is_saved_and_emails_the_branch_and_the_sender_after_commit(
    client, contact_data, customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, contact_data(customer_number=customer.number, topic="bestilling"))
    assert response.status_code == 302
    assert response["Location"] == "/kontakt/sendt/"
    request = SupportRequest.objects.get()
    assert request.customer == customer
    assert request.branch == customer.branch
    assert request.status == SupportRequest.Status.NEW
    assert request.ip_address == "127.0.0.1"
    assert len(mailoutbox) == 2
    to_branch = next(m for m in mailoutbox if m.to == [customer.branch.email])
    assert request.reference in to_branch.subject
    assert "Jeg kommer ikke inn i nettbutikken etter flyttingen." in to_branch.body
    assert to_branch.reply_to == ["ola@firma.example"]
    assert f"/admin/faq/supportrequest/{request.pk}/change/" in to_branch.body
    receipt = next(m for m in mailoutbox if m.to == ["ola@firma.example"])
    assert request.reference in receipt.subject
    assert "Bestilling" in receipt.body
    # The receipt repeats nothing the sender typed: no relay for someone else's text.
    assert "Jeg kommer ikke inn" not in receipt.body
    assert "Ola" not in receipt.body

    page = client.get("/kontakt/sendt/").content.decode()
    assert request.reference in page
    assert "ola@firma.example" in page


def test_emails_are_not_sent_when_the_transaction_is_not_committed(client, contact_data, mailoutbox):
    post(client, contact_data())
    assert SupportRequest.objects.count() == 1
    assert OutboundEmail.objects.count() == 2
    assert mailoutbox == []  # on_commit callbacks never ran in this test transaction


def test_chosen_branch_wins_over_the_customers_branch(
    client, contact_data, customer, mailoutbox, django_capture_on_commit_callbacks
):
    other = BranchFactory(email="bergen@grossist.example")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, contact_data(customer_number=customer.number, branch=str(other.pk)))
    assert SupportRequest.objects.get().branch == other
    assert {m.to[0] for m in mailoutbox} == {"bergen@grossist.example", "ola@firma.example"}


def test_without_branch_or_customer_the_request_goes_to_the_support_address(
    client, contact_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, contact_data())
    assert {m.to[0] for m in mailoutbox} == {"kundeservice@grossist.example", "ola@firma.example"}


def test_sent_page_without_a_sent_request_leads_to_the_form(client):
    response = client.get("/kontakt/sendt/")
    assert response.status_code == 302
    assert response["Location"] == "/kontakt/"


def test_logged_in_sender_is_linked_to_the_request(client, contact_data, buyer_member):
    client.force_login(buyer_member.user)
    post(client, contact_data())
    assert SupportRequest.objects.get().user == buyer_member.user


# --- Bad input: a message next to the field, nothing saved, no 500 ------------------------------


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Skriv navnet ditt."),
        ("email", "", "Skriv e-postadressen din"),
        ("email", "ikke-en-adresse", "Skriv en gyldig e-postadresse"),
        ("email", "ola@@firma", "Skriv en gyldig e-postadresse"),
        ("message", "", "Skriv hva vi kan hjelpe deg med."),
        ("message", "   ", "Skriv hva vi kan hjelpe deg med."),
        ("message", "x" * 5001, "Meldingen kan ha høyst 5000 tegn"),
        ("message", "Hei <script>alert(1)</script>", "uten HTML-koder"),
        ("name", "<img src=x onerror=alert(1)>", "uten HTML-koder"),
        ("name", "N" * 151, "Navnet kan ha høyst 150 tegn"),
        ("customer_number", "99999999", "Vi finner ikke kundenummeret 99999999"),
        ("customer_number", "1" * 21, "Kundenummeret er for langt"),
        ("phone", "ring meg", "Skriv telefonnummeret med sifre"),
        ("topic", "", "Velg hva henvendelsen gjelder."),
        ("topic", "hacking", "Velg et emne fra listen."),
        ("branch", "999999", "Velg en avdeling fra listen."),
        ("branch", "abc", "Velg en avdeling fra listen."),
    ],
)
def test_bad_input_gets_a_field_message_and_saves_nothing(client, contact_data, field, value, message):
    response = post(client, contact_data(**{field: value}))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert message.split("%")[0] in response.content.decode().replace("&lt;", "<").replace(
        "&gt;", ">"
    ).replace("&#x27;", "'").replace("&quot;", '"')
    assert SupportRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_script_in_a_rejected_message_is_shown_escaped(client, contact_data):
    body = post(client, contact_data(message="<script>alert('x')</script>")).content.decode()
    assert "<script>alert(" not in body


def test_garbage_post_gets_messages_not_a_500(client):
    response = client.post(
        "/kontakt/",
        {
            "branch": ["1", "2"],
            "topic": "\x00",
            "message": "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
        },
    )
    assert response.status_code == 400
    assert SupportRequest.objects.count() == 0


# --- Spam and flood protection ------------------------------------------------------------------


def test_filled_honeypot_is_rejected_with_a_message_and_saves_nothing(client, contact_data):
    response = post(client, contact_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "skjult felt" in response.content.decode()
    assert SupportRequest.objects.count() == 0


def test_form_sent_back_faster_than_a_person_can_fill_it_is_rejected(client, contact_data, started_long_ago):
    response = post(client, contact_data(started=started_long_ago(0)))
    assert response.status_code == 400
    assert "veldig raskt" in response.content.decode()
    assert SupportRequest.objects.count() == 0


@pytest.mark.parametrize("started", ["", "123", "1700000000:forged"])
def test_missing_or_forged_start_time_is_rejected_and_a_fresh_one_issued(client, contact_data, started):
    response = post(client, contact_data(started=started))
    assert response.status_code == 400
    assert "Se over feltene og send på nytt" in response.content.decode()
    fresh = response.context["form"].data["started"]
    assert signing.Signer(salt=SIGNER_SALT).unsign(fresh)
    assert SupportRequest.objects.count() == 0


def test_expired_form_is_rejected(client, contact_data, started_long_ago, settings):
    settings.CONTACT_FORM_MAX_AGE_SECONDS = 30
    response = post(client, contact_data(started=started_long_ago(60)))
    assert response.status_code == 400
    assert SupportRequest.objects.count() == 0


def test_too_many_requests_from_one_email_are_refused_with_a_message(client, contact_data, settings):
    settings.CONTACT_RATE_LIMIT_PER_EMAIL = 2
    for n in range(2):
        assert post(client, contact_data(message=f"Melding nummer {n}")).status_code == 302
    response = post(client, contact_data(message="Melding nummer 3", email="OLA@firma.example"))
    assert response.status_code == 429
    assert "Du har sendt mange meldinger på kort tid" in response.content.decode()
    assert SupportRequest.objects.count() == 2
    # Another sender is not affected.
    assert post(client, contact_data(email="kari@firma.example")).status_code == 302


def test_too_many_posts_from_one_ip_are_refused_even_with_different_emails(client, contact_data, settings):
    settings.CONTACT_RATE_LIMIT_PER_IP = 3
    for n in range(3):
        post(client, contact_data(email=f"person{n}@firma.example"))
    response = post(client, contact_data(email="ny@firma.example"))
    assert response.status_code == 429
    assert SupportRequest.objects.count() == 3
    # Another address is not affected.
    other = post(client, contact_data(email="annen@firma.example"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_invalid_posts_count_against_the_ip_limit(client, contact_data, settings):
    settings.CONTACT_RATE_LIMIT_PER_IP = 2
    post(client, contact_data(email="feil"))
    post(client, contact_data(email="feil"))
    assert post(client, contact_data()).status_code == 429
    assert SupportRequest.objects.count() == 0


# --- Staff side -----------------------------------------------------------------------------------


def test_move_interest_with_a_customer_number_is_listed_for_that_customer(client, contact_data, customer):
    other = CustomerFactory()
    post(client, contact_data(customer_number=customer.number, topic="flytting"))
    post(client, contact_data(customer_number=customer.number, topic="bestilling", email="b@firma.example"))
    post(client, contact_data(customer_number=other.number, topic="flytting", email="c@firma.example"))
    interest = SupportRequest.objects.move_interest_for(customer)
    assert [r.topic for r in interest] == ["flytting"]
    assert interest.get().customer == customer


def test_admin_lists_requests_with_filters_and_marks_them_solved(
    admin_client, contact_data, client, customer
):
    post(client, contact_data(customer_number=customer.number))
    request = SupportRequest.objects.get()
    changelist = admin_client.get(
        "/admin/faq/supportrequest/",
        {"status__exact": "ny", "topic__exact": "innlogging", "branch__id__exact": customer.branch.pk},
    )
    assert changelist.status_code == 200
    assert request.reference in changelist.content.decode()
    response = admin_client.post(
        "/admin/faq/supportrequest/",
        {"action": "mark_solved", "_selected_action": [request.pk]},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.SOLVED
    history = admin_client.get(f"/admin/faq/supportrequest/{request.pk}/history/").content.decode()
    assert "Status: Løst" in history
    detail = admin_client.get(f"/admin/faq/supportrequest/{request.pk}/change/")
    assert "Jeg kommer ikke inn i nettbutikken etter flyttingen." in detail.content.decode()


def test_move_interest_inline_shows_on_a_customer_admin_page(admin_client, client, contact_data, customer):
    from django.contrib import admin

    from accounts.models import Customer
    from faq.admin import MoveInterestInline

    post(
        client,
        contact_data(customer_number=customer.number, topic="flytting", message="Vi vil flytte nå, takk."),
    )
    model_admin = admin.site._registry[Customer]
    saved = model_admin.inlines
    model_admin.inlines = [*saved, MoveInterestInline]
    try:
        body = admin_client.get(f"/admin/accounts/customer/{customer.pk}/change/").content.decode()
    finally:
        model_admin.inlines = saved
    assert "Vi vil flytte nå, takk." in body


def test_field_errors_are_tied_to_their_fields_for_screen_readers(client, contact_data):
    body = post(client, contact_data(email="feil")).content.decode()
    assert 'aria-describedby="id_email_error id_email_helptext"' in body
    assert 'id="id_email_error"' in body
    assert 'aria-invalid="true"' in body


def test_rate_limited_response_says_when_to_try_again(client, contact_data, settings):
    settings.CONTACT_RATE_LIMIT_PER_IP = 0
    response = post(client, contact_data())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.CONTACT_RATE_LIMIT_WINDOW_SECONDS


@pytest.mark.parametrize(
    "url",
    [
        "/admin/faq/topic/",
        "/admin/faq/topic/add/",
        "/admin/faq/question/",
        "/admin/faq/question/add/",
        "/admin/faq/supportrequest/",
        "/admin/faq/supportrequest/?q=ola",
    ],
)
def test_faq_admin_pages_open(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_help_content_is_edited_in_admin(admin_client):
    from faq.models import Question, Topic

    topic = Topic.objects.get(slug="flytting")
    question = Question.objects.get(slug="utsette")
    assert admin_client.get(f"/admin/faq/topic/{topic.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/faq/question/{question.pk}/change/").status_code == 200


def test_demo_seed_is_idempotent(customer):
    from faq import demo

    assert demo.seed() == []
    assert demo.seed() == []
    assert SupportRequest.objects.count() == 3
    assert SupportRequest.objects.move_interest_for(customer).count() == 1
