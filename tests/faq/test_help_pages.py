import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from faq.models import Question, SupportRequest, Topic

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def test_migrate_loads_the_four_topics_with_answers():
    titles = list(Topic.objects.published().values_list("title", flat=True))
    assert titles[:4] == [
        "Flytting til ny nettbutikk",
        "Innlogging og passord",
        "Brukere og tilganger",
        "Bestilling",
    ]
    for topic in Topic.objects.all():
        assert topic.questions.count() >= 4, topic.slug
    assert not Question.objects.filter(question_en="").exists()
    assert not Question.objects.filter(answer_en="").exists()


@pytest.mark.parametrize(
    "slug, must_mention",
    [
        ("invitasjon", ["Flytt meg til ny nettbutikk", "Logg inn i dagens nettbutikk"]),
        ("hvor-er-skjemaet", ["/flytt/"]),
        ("brukernavn", ["brukernavn", "e-postadressen"]),
        ("skjema-vises-ikke", ["Meld interesse", "kontaktskjemaet"]),
        ("epost-kommer-ikke", ["søppelposten", "Aktiver", "Vent noen minutter"]),
        ("glemt-passord-dagens", ["Glemt passord?", "brukernavnet"]),
        ("glemt-passord-ny", ["Mistet passord?", "e-postadressen"]),
        ("legge-til-bruker", ["Brukere", "Legg til bruker"]),
        ("utsette", ["Utsett", "2–4 uker"]),
        ("etter-flyttingen", ["stenges", "åpne tilgangen"]),
        ("feil-500", ["Noe gikk galt hos oss", "Feilkode"]),
        ("ett-passord", ["backoffice", "mobilappene", "Min konto", "Lagre endringer"]),
    ],
)
def test_initial_answers_cover_what_movers_ask(slug, must_mention):
    question = Question.objects.get(slug=slug)
    text = f"{question.question} {question.answer}"
    for phrase in must_mention:
        assert phrase in text, f"{slug} should mention {phrase!r}"


def test_help_index_lists_every_topic_and_question(client):
    response = client.get("/hjelp/")
    assert response.status_code == 200
    body = response.content.decode()
    for topic in Topic.objects.published():
        assert topic.title in body
    assert "/hjelp/flytting/?open=invitasjon#invitasjon" in body
    assert "Fant du ikke svaret? Kontakt brukerstøtten" in body


def test_help_index_uses_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/hjelp/")


def test_topic_page_renders_each_answer_as_closed_details_with_its_anchor(client):
    response = client.get("/hjelp/innlogging/")
    body = response.content.decode()
    assert '<details class="faq" id="glemt-passord-ny">' in body
    assert "<summary>Jeg har glemt passordet til den nye nettbutikken</summary>" in body
    assert "Fant du ikke svaret? Kontakt brukerstøtten" in body
    assert 'href="/kontakt/?emne=innlogging"' in body


def test_linked_answer_is_rendered_open_without_javascript(client):
    body = client.get("/hjelp/innlogging/?open=glemt-passord-ny").content.decode()
    assert '<details class="faq" id="glemt-passord-ny" open>' in body
    assert '<details class="faq" id="ett-passord">' in body


def test_short_answer_link_redirects_to_the_open_answer(client):
    response = client.get("/hjelp/svar/utsette/")
    assert response.status_code == 302
    assert response["Location"] == "/hjelp/flytting/?open=utsette#utsette"


def test_unpublished_topic_and_question_are_not_shown(client, question):
    question.is_published = False
    question.save(update_fields=["is_published"])
    assert "Hvordan tester jeg?" not in client.get("/hjelp/testemne/").content.decode()
    assert client.get("/hjelp/svar/testsvar/").status_code == 404
    Topic.objects.filter(slug="testemne").update(is_published=False)
    assert client.get("/hjelp/testemne/").status_code == 404


def test_unknown_topic_is_404(client):
    assert client.get("/hjelp/finnes-ikke/").status_code == 404


def test_search_finds_questions_by_words_in_the_answer(client):
    response = client.get("/hjelp/sok/", {"q": "søppelposten"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Jeg har ikke fått e-posten fra den nye nettbutikken" in body
    assert "/hjelp/flytting/?open=epost-kommer-ikke#epost-kommer-ikke" in body


def test_search_needs_every_word_and_ignores_case(client):
    body = client.get("/hjelp/sok/", {"q": "GLEMT  dagens"}).content.decode()
    assert "Jeg har glemt passordet til dagens nettbutikk" in body
    assert "Jeg har glemt passordet til den nye nettbutikken" not in body


def test_search_without_hits_says_so_and_offers_the_contact_form(client):
    body = client.get("/hjelp/sok/", {"q": "kvantedatamaskin"}).content.decode()
    assert "Ingen svar passer til «kvantedatamaskin»" in body
    assert 'href="/kontakt/"' in body


def test_search_query_is_escaped_and_bounded(client):
    response = client.get("/hjelp/sok/", {"q": "<script>alert(1)</script>" + "x" * 5000})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)" in body


def test_english_visitors_see_the_english_text(client, question):
    client.cookies["django_language"] = "en"
    body = client.get("/hjelp/testemne/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How do I test?" in body
    assert "With <strong>pytest</strong>." in body
    with translation.override("en"):
        assert Question.objects.get(slug="ett-passord").display_question.startswith(
            "Is the password the same"
        )


def test_english_search_finds_english_words(client):
    body = client.get("/hjelp/sok/", {"q": "postpone"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "utsette" in body


# --- Stored XSS ---------------------------------------------------------------------------------

XSS_ANSWER = (
    '<p onclick="alert(1)">Hei</p><script>alert("x")</script>'
    '<a href="javascript:alert(2)">klikk</a><img src=x onerror="alert(3)">'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>'
    '<ul><li><a href="/hjelp/">trygg lenke</a></li></ul>'
)


def test_answers_from_admin_render_no_script_or_event_handlers(client, topic, admin_client):
    response = admin_client.post(
        reverse("admin:faq_question_add"),
        {
            "topic": topic.pk,
            "slug": "xss",
            "order": 1,
            "is_published": "on",
            "question": "<b>Farlig?</b>",
            "answer": XSS_ANSWER,
            "question_en": "",
            "answer_en": XSS_ANSWER,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Question.objects.get(slug="xss")
    assert "<script" not in stored.answer and "onclick" not in stored.answer
    body = client.get("/hjelp/testemne/?open=xss").content.decode()
    main = body.split('id="xss"', 1)[1].split("</details>", 1)[0]
    for forbidden in (
        "<script",
        "onclick",
        "onerror",
        "javascript:",
        "<iframe",
        "<img",
        "<style",
        "<b>Farlig",
    ):
        assert forbidden not in main, forbidden
    assert "&lt;b&gt;Farlig?&lt;/b&gt;" in main
    assert '<a href="/hjelp/" rel="noopener noreferrer">trygg lenke</a>' in main
    assert "<li>" in main and "<p>Hei</p>" in main


def test_rows_written_around_the_model_are_still_cleaned_on_render(client, question):
    Question.objects.filter(pk=question.pk).update(
        answer='<p>ok</p><script>alert(1)</script><a href="javascript:x">y</a>'
    )
    body = client.get("/hjelp/testemne/").content.decode()
    assert "<script>alert(1)" not in body
    assert "javascript:x" not in body


# --- Contextual help links ----------------------------------------------------------------------


def test_help_link_tag_links_to_the_open_answer():
    html = Template('{% load help %}{% help_link "problemer-med-innlogging" %}').render(Context())
    assert 'href="/hjelp/innlogging/?open=problemer-med-innlogging#problemer-med-innlogging"' in html
    assert "Problemer med å logge inn?" in html


def test_help_link_tag_takes_its_own_label_and_escapes_it():
    html = Template('{% load help %}{% help_link "utsette" label %}').render(
        Context({"label": "<Mer om utsettelse>"})
    )
    assert "&lt;Mer om utsettelse&gt;" in html
    assert "/hjelp/flytting/?open=utsette#utsette" in html


def test_help_link_to_a_missing_answer_falls_back_to_the_help_index():
    html = Template('{% load help %}{% help_link "finnes-ikke" %}').render(Context())
    assert 'href="/hjelp/"' in html


def test_every_documented_help_link_slug_exists():
    from faq.templatetags.help import DEFAULT_LABELS

    existing = set(Question.objects.published().values_list("slug", flat=True))
    assert set(DEFAULT_LABELS) <= existing


# --- Every label an answer names exists in the UI ---------------------------------------------

# Labels of screens other branches are building at the same time (accounts: login, «Min konto»,
# «Brukere»; migration: the legacy gate and move form; shop: cart, checkout, orders). They are not
# in this branch's templates yet. TODO(lead): delete this allow-list after merging those branches;
# the test must then pass on the real templates alone.
PENDING_LABELS: set[str] = set()  # every label the answers name exists in the UI now

# The FAQ content itself must not count as "the UI": its own migration and the tests are excluded.
EXCLUDED = ("faq/migrations/", "tests/", ".venv/", "node_modules/", "staticfiles/", "locale/")


def _ui_source_text() -> str:
    chunks = []
    for pattern in ("**/*.html", "**/*.txt", "**/*.py"):
        for path in ROOT.glob(pattern):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(EXCLUDED) or "/." in f"/{relative}":
                continue
            chunks.append(path.read_text(encoding="utf-8", errors="ignore"))
    return "\n".join(chunks)


def _label_in_ui(label: str, ui: str) -> bool:
    """A label "exists" when it stands alone as a string or element text: "…", '…', >…< or %}…{%."""
    return bool(re.search(rf"[\"'>}}]\s*{re.escape(label)}\s*[\"'<{{]", ui))


def _labels_in(text: str) -> set[str]:
    return set(re.findall(r"«([^«»]+)»", text))


def test_every_label_an_answer_names_exists_in_the_ui():
    ui = _ui_source_text()
    named = set()
    for question in Question.objects.all():
        named |= _labels_in(question.question + " " + question.answer)
        named |= _labels_in(question.question_en + " " + question.answer_en)
    assert named, "the answers should name the shop's labels in «»"
    missing = sorted(label for label in named if label not in PENDING_LABELS and not _label_in_ui(label, ui))
    assert not missing, f"labels named in FAQ answers but not found in any template or source file: {missing}"


def test_label_check_accepts_ui_strings_and_rejects_parts_of_words():
    ui = """{% translate 'Mistet passord?' %} %}Utsett{% <a>\n  Aktiver\n</a> "Aktiveringslenke" _("Bytt")"""
    assert _label_in_ui("Mistet passord?", ui)
    assert _label_in_ui("Utsett", ui)
    assert _label_in_ui("Aktiver", ui)
    assert _label_in_ui("Bytt", ui)
    assert not _label_in_ui("Aktiveringslenk", ui)
    assert not _label_in_ui("Meld interesse", ui)


def test_pending_label_allow_list_only_holds_labels_the_answers_use():
    named = set()
    for question in Question.objects.all():
        named |= _labels_in(question.answer) | _labels_in(question.question)
    assert named >= PENDING_LABELS


def test_contact_topic_choices_match_the_help_topics_they_share():
    assert SupportRequest.Topic.MOVE.label == Topic.objects.get(slug="flytting").title


def test_help_index_with_a_query_shows_search_results(client):
    body = client.get("/hjelp/", {"q": "utsette"}).content.decode()
    assert "svar passer til «utsette»" in body


def test_search_lists_hits_in_the_question_before_hits_in_the_answer(client):
    results = client.get("/hjelp/sok/", {"q": "brukernavnet"}).context["results"]
    assert results[0].slug == "brukernavn"
    assert len(results) > 1


def test_topic_page_with_a_query_opens_every_matching_answer(client):
    body = client.get("/hjelp/innlogging/", {"q": "Mistet passord"}).content.decode()
    assert '<details class="faq" id="glemt-passord-ny" open>' in body
    assert '<details class="faq" id="feil-500">' in body
