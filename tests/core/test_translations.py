from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_ui_string_has_an_english_translation():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_compiled_catalogue_is_committed_beside_the_source():
    assert CATALOGUE.with_suffix(".mo").exists()
