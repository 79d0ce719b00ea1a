"""Search words as the prefixes their forms share: a Russian word cut to its Snowball stem
(``бюллетеней`` and ``бюллетень`` both begin ``бюллетен``), a Kazakh one with its case, plural
and possessive endings taken off (``мұғалімдерден`` begins like ``мұғалім``); the index is then
asked for words that begin with it."""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

_KAZAKH_LETTERS = frozenset("әғқңөұүһі")
# Kazakh endings (plural, then cases, possessive), longest first; each is cut while at least
# SHORTEST letters remain, so that short words are not cut to a prefix of hundreds of others.
_KAZAKH_ENDINGS = tuple(sorted({
    "лар", "лер", "дар", "дер", "тар", "тер",
    "ның", "нің", "дың", "дің", "тың", "тің",
    "ға", "ге", "қа", "ке", "на", "не", "нда", "нде", "да", "де", "та", "те",
    "дан", "ден", "тан", "тен", "нан", "нен",
    "ны", "ні", "ды", "ді", "ты", "ті", "мен", "бен", "пен",
    "ымыз", "іміз", "ыңыз", "іңіз", "сы", "сі",
}, key=len, reverse=True))
SHORTEST = 4
_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя") | _KAZAKH_LETTERS


@lru_cache(maxsize=1)
def _russian() -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer("russian")


def _kazakh(word: str) -> str:
    for _ in range(4):  # a stem takes a few endings at most (мұғалім-дер-ден)
        for ending in _KAZAKH_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= SHORTEST:
                word = word[:-len(ending)]
                break
        else:
            break
    return word


@lru_cache(maxsize=4096)
def search_prefix(word: str) -> str:
    """The prefix every form of ``word`` (case folded, ё as е) begins with, as far as we can
    tell; the word itself when it is not Cyrillic or too short to cut."""
    if len(word) <= SHORTEST or not set(word) <= _CYRILLIC:
        return word
    if set(word) & _KAZAKH_LETTERS:
        return _kazakh(word)
    stem = _russian().stemWord(word)
    if stem == word:  # no Russian ending: perhaps a Kazakh word in letters Russian shares
        stem = _kazakh(word)
    # Snowball only cuts endings, so its stem is a prefix of the word; never shorter than SHORTEST - 1.
    return stem if len(stem) >= SHORTEST - 1 and word.startswith(stem) else word
