import time

import pytest
from django.core import signing

from faq.forms import SIGNER_SALT
from faq.models import Question, Topic


@pytest.fixture
def started_long_ago():
    """A form timestamp signed a minute ago, as if a person took their time filling it in."""

    def make(seconds_ago: int = 60) -> str:
        return signing.Signer(salt=SIGNER_SALT).sign(str(int((time.time() - seconds_ago) * 1000)))

    return make


@pytest.fixture
def contact_data(started_long_ago):
    def make(**overrides):
        data = {
            "name": "Ola Elektriker",
            "email": "ola@firma.example",
            "phone": "+47 900 00 000",
            "customer_number": "",
            "branch": "",
            "topic": "innlogging",
            "message": "Jeg kommer ikke inn i nettbutikken etter flyttingen.",
            "website": "",
            "started": started_long_ago(),
        }
        data.update(overrides)
        return data

    return make


@pytest.fixture
def topic(db):
    return Topic.objects.create(slug="testemne", title="Testemne", title_en="Test topic", order=99)


@pytest.fixture
def question(topic):
    return Question.objects.create(
        topic=topic,
        slug="testsvar",
        question="Hvordan tester jeg?",
        answer="<p>Med <strong>pytest</strong>.</p>",
        question_en="How do I test?",
        answer_en="<p>With <strong>pytest</strong>.</p>",
    )


@pytest.fixture
def faq_content(transactional_db):
    """The help content migration 0002 loads, back again for live-server tests: they run after other
    transactional tests, which flush every table. Idempotent."""
    import importlib

    from django.apps import apps

    importlib.import_module("faq.migrations.0002_initial_content").load_content(apps, None)
