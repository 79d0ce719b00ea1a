"""Search finds a word in its other forms: Russian by Snowball's stem, Kazakh by its endings cut
off (unit tests of the prefixes, and the dashboard's search end to end)."""

from __future__ import annotations

import pytest

from services.word_forms import search_prefix
from tests.report_helpers import finish_and_send, up_to_evidence
from tests.test_dashboard import admin, base, client, link_for, settings, sign_in  # noqa: F401 - fixtures


@pytest.mark.parametrize(("word", "form"), [
    ("бюллетеней", "бюллетень"), ("бюллетени", "бюллетеня"), ("наборы", "набор"),
    ("мұғалімдерге", "мұғалімдерден"), ("бюллетеньдер", "бюллетеньнің"), ("сайлаушылардың", "сайлаушылар"),
])
def test_forms_of_a_word_share_the_prefix_searched_for(word, form):
    assert form.startswith(search_prefix(word)) and word.startswith(search_prefix(word))


def test_short_and_foreign_words_are_searched_as_written():
    assert [search_prefix(word) for word in ("урна", "photo", "12", "кто")] == ["урна", "photo", "12", "кто"]


async def test_the_dashboards_search_finds_russian_and_kazakh_forms(app, fake, user_factory, admin):
    russian, kazakh = user_factory("ru"), user_factory("kk")
    await up_to_evidence(russian, "ru", "Председатель выдал бюллетень человеку без паспорта.")
    first = await finish_and_send(russian, "ru", evidence=False)
    await up_to_evidence(kazakh, "kk", "Бастық барлық мұғалімдерден бюллетеньнің суретін талап етті.")
    second = await finish_and_send(kazakh, "kk", evidence=False)
    await admin.say("/start")
    async with client() as browser:
        assert (await sign_in(browser, await link_for(admin))).status == 303

        async def found(words: str) -> set[str]:
            async with browser.get(f"{base(app)}/queue/rows", params={"text": words}) as rows:
                html = await rows.text()
            return {reference for reference in (first, second) if f'href="/report/{reference}"' in html}

        assert await found("бюллетеней") == {first, second}
        assert await found("мұғалімдерге") == {second}
        assert await found("паспортов") == {first}
        assert await found("бюллетеней паспорта") == {first}
    assert fake.refused == []
