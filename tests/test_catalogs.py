"""The catalogs: complete in kk, ru and en, same placeholders, valid HTML, CLDR plurals."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from services.i18n import Translator, pick_language, placeholders, read_catalog
from domain.rules import LANGUAGES
from tests.fake_telegram.html_check import EntityError, parse_html

CATALOGS = {lang: read_catalog(lang) for lang in LANGUAGES}
KEYS = sorted({m.id if isinstance(m.id, str) else m.id[0] for c in CATALOGS.values() for m in c if m.id})
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
CYRILLIC_WORD = re.compile(r"\b[а-яА-ЯёЁәғқңөұүһіӘҒҚҢӨҰҮҺІ]{3,}\b")


def forms(lang: str, key: str) -> list[str] | None:
    """Every form of a message (one, or one per plural form); None when it is missing."""
    message = CATALOGS[lang].get(key) or CATALOGS[lang].get((key, key))
    if message is None:
        return None
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def report(problems: list[str], what: str) -> None:
    assert not problems, f"{len(problems)} {what}:\n" + "\n".join(problems)


def test_every_message_is_complete_and_consistent():
    """Every key is in every language, no form is empty, and all forms of all languages have
    the same placeholders."""
    problems = []
    for key in KEYS:
        expected = None
        for lang in LANGUAGES:
            texts = forms(lang, key)
            if texts is None:
                problems.append(f"{key} missing in {lang}")
                continue
            if not all(text.strip() for text in texts):
                problems.append(f"{key} is empty in {lang}")
            for text in texts:
                names = placeholders(text)
                expected = names if expected is None else expected
                if names != expected:
                    problems.append(f"{key}: {lang} has {sorted(names)}, others {sorted(expected)}")
    report(problems, "incomplete or inconsistent messages")


def test_every_message_is_valid_telegram_html():
    problems = []
    for key in KEYS:
        for lang in LANGUAGES:
            for text in forms(lang, key) or []:
                filled = text.format(**{name: "x" for name in placeholders(text)})
                try:
                    parse_html(filled)
                except EntityError as error:
                    problems.append(f"{key} ({lang}): {error}")
    report(problems, "messages Telegram would refuse")


def test_kazakh_is_kazakh():
    """A Kazakh text of several Cyrillic words without a single Kazakh letter is Russian."""
    problems = []
    for key in KEYS:
        for kk, ru in zip(forms("kk", key) or [], forms("ru", key) or []):
            # Names and loanwords (Астана, фото, аудиофайл) are the same in both; sentences are not.
            if len(CYRILLIC_WORD.findall(kk)) >= 3:
                if not KAZAKH_LETTERS.search(kk):
                    problems.append(f"{key} in kk reads like Russian: {kk!r}")
                if kk == ru:
                    problems.append(f"{key}: kk copies ru")
    report(problems, "Kazakh messages that are not Kazakh")


def test_the_checks_see_every_message():
    assert len(KEYS) > 300
    assert all(forms(lang, "mod.refused") for lang in LANGUAGES)


def test_russian_plural_forms_follow_cldr():
    t = Translator("ru")
    assert t.plural("myreports.count", 1) == "1 сообщение"
    assert t.plural("myreports.count", 3) == "3 сообщения"
    assert t.plural("myreports.count", 5) == "5 сообщений"
    assert t.plural("myreports.count", 11) == "11 сообщений"
    assert t.plural("myreports.count", 21) == "21 сообщение"
    assert Translator("en").plural("myreports.count", 1) == "1 report"
    assert Translator("en").plural("myreports.count", 2) == "2 reports"
    assert Translator("kk").plural("myreports.count", 7) == "7 хабарлама"


def test_dates_and_numbers_per_locale():
    day = date(2026, 3, 1)
    assert "мар" in Translator("ru").date(day)
    assert "Mar" in Translator("en").date(day)
    assert "нау" in Translator("kk").date(day)
    assert Translator("ru").number(12345) == "12\xa0345"
    assert Translator("en").number(12345) == "12,345"
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    assert Translator("en").datetime(moment)


def test_user_text_is_escaped_in_messages():
    t = Translator("en")
    rendered = t.plural("myreports.count", 2)
    assert rendered == "2 reports"
    # Placeholders are escaped: a value with markup cannot break the parse mode.
    assert "&lt;b&gt;" in Translator("en").plural("myreports.count", 2, count="<b>")


@pytest.mark.parametrize(("code", "lang"), [("kk", "kk"), ("kk-KZ", "kk"), ("ru", "ru"),
                                            ("en-US", "en"), ("xx", "ru"), (None, "ru"), ("", "ru")])
def test_language_from_telegram_code(code, lang):
    assert pick_language(code) == lang


# A Kazakh noun after a number stays singular ("5 хабарлама", never "5 хабарламалар"); the plural
# suffix may only be followed by case and possessive endings, which are what this finds.
KAZAKH_PLURAL = re.compile(r"(лар|лер|дар|дер|тар|тер)[а-яәғқңөұүһі]{0,4}$")
NUMBER_THEN_WORD = re.compile(r"\{count\}\s+([а-яәғқңөұүһі-]+)", re.IGNORECASE)


def test_kazakh_nouns_after_a_count_are_singular():
    problems = []
    for message in CATALOGS["kk"]:
        if not isinstance(message.id, tuple):
            continue
        for text in message.string:
            for word in NUMBER_THEN_WORD.findall(text):
                if KAZAKH_PLURAL.search(word.lower()):
                    problems.append(f"{message.id[0]}: «{{count}} {word}»")
    report(problems, "Kazakh plurals after a number")
