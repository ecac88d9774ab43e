"""«Hvordan gir jeg en kollega tilgang?» says what happens when the colleague already has a user.

Since «Legg til bruker» only offers the membership to a person who has a user (issue #15 item 2),
the help answer says so. Only an answer still as 0002 wrote it is changed; edits made in admin
are kept.
"""

import html

import nh3
from django.db import migrations


SLUG = "legge-til-bruker"
OLD_END = "Kommer invitasjonen ikke fram, kan du sende den på nytt fra «Brukere»."
OLD_END_EN = "If the invitation does not arrive, you can send it again from «Brukere»."
ADDED = (
    "<p>Har kollegaen allerede en bruker hos oss, for eksempel hos et annet firma, får hen i stedet "
    "en e-post om å bli med hos dere, og får tilgang først når hen har logget inn og valgt «Ta imot». Til da "
    "ser du bare e-postadressen og navnet du skrev selv.</p>\n"
)
ADDED_EN = (
    "<p>If your colleague already has a user with us, for example at another company, they get an "
    "email about joining you instead, and get access only once they have logged in and chosen "
    "«Ta imot» (accept). Until then you see only the email address and the name you typed yourself.</p>\n"
)


def _plain(value):
    return " ".join(html.unescape(nh3.clean(value, tags=set(), attributes={})).split())


def add_paragraph(apps, schema_editor):
    Question = apps.get_model("faq", "Question")
    question = Question.objects.filter(slug=SLUG).first()
    if question is None or OLD_END not in question.answer or "«Ta imot»" in question.answer:
        return
    last = question.answer.rfind("<p>")
    question.answer = question.answer[:last] + ADDED + question.answer[last:]
    question.search_text = _plain(question.answer)
    if OLD_END_EN in question.answer_en:
        last = question.answer_en.rfind("<p>")
        question.answer_en = question.answer_en[:last] + ADDED_EN + question.answer_en[last:]
        question.search_text_en = _plain(question.answer_en)
    question.save()


class Migration(migrations.Migration):
    dependencies = [("faq", "0002_initial_content")]
    operations = [migrations.RunPython(add_paragraph, migrations.RunPython.noop)]
