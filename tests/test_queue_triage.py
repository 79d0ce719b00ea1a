"""End to end: the dashboard's queue carries what triage needs (the description's first words,
the incident's time, the next deadline's date), filters by ⚡ a deadline within two days and by
❌ overdue (each apart from 🆘 urgent), and reads From/To as the incident's days when asked."""

from __future__ import annotations

import re
from datetime import timedelta

from domain import legal
from tests.report_helpers import L, db_write
from tests.test_dashboard import a_report, admin, base, client, csrf_of, link_for, settings, sign_in  # noqa: F401


def shown(html: str) -> set[str]:
    return set(re.findall(r'href="/report/(KZ-\d+)"', html))


def filed_for(days_left: int, today) -> str:
    """A filing date whose answer (from the prosecutor) is due ``days_left`` days from today."""
    for back in range(0, 60):
        filed = today - timedelta(days=back)
        if legal.answer_deadline("prosecutor", filed, None) == today + timedelta(days=days_left):
            return filed.isoformat()
    raise AssertionError(f"no filing date gives {days_left} days")


async def test_rows_carry_the_triage_and_deadlines_and_incident_days_filter(app, fake, user_factory, admin, data_dir):
    references = [await a_report(user_factory("kk")) for _ in range(3)]
    late, soon, calm = references
    await db_write(data_dir, f"UPDATE reports SET occurred_at = '2026-11-25T09:00:00+05:00' WHERE reference = '{calm}'")
    await admin.say("/start")
    today = app.bot_data["services"].today()
    async with client() as http:
        assert (await sign_in(http, await link_for(admin))).status == 303

        async def escalate(reference: str, filed: str) -> None:
            for action, fields in (("take", {}), ("verify", {}), ("escalate", {"target": "prosecutor", "filed": filed})):
                async with http.get(f"{base(app)}/report/{reference}") as page:
                    csrf = csrf_of(await page.text())
                async with http.post(f"{base(app)}/report/{reference}", allow_redirects=False,
                                     data={"csrf": csrf, "action": action, **fields}) as done:
                    assert done.status == 303, action

        await escalate(late, filed_for(-3, today))
        await escalate(soon, filed_for(1, today))

        async def rows(**query: str) -> str:
            async with http.get(f"{base(app)}/queue/rows", params=query) as answer:
                assert answer.status == 200
                return await answer.text()

        html = await rows()
        assert "Бастық барлық мұғалімдерден бюллетеньнің суретін талап етті." in html  # the excerpt
        assert L("ru", "web.queue.urgent") in html and L("ru", "mod.deadline_state.overdue") in html
        assert shown(await rows(deadline="soon")) == {soon}
        assert shown(await rows(deadline="overdue")) == {late}
        assert shown(await rows(deadline="nonsense")) == set(references)
        # The incident of 25 November, received today: found by its incident's days, not by receipt.
        assert shown(await rows(since="2026-11-24", until="2026-11-30", dates="incident")) == {calm}
        assert shown(await rows(since="2026-11-26", until="2026-11-30", dates="incident")) == set()
        assert shown(await rows(since="2026-11-24", until="2026-11-30", dates="received")) == set()
        assert shown(await rows(since=today.isoformat(), dates="received")) == set(references)
        # The download of the current filter keeps to it, the deadline filter too.
        async with http.get(f"{base(app)}/queue/export", params={"deadline": "overdue", "format": "csv"}) as answer:
            exported = (await answer.read()).decode("utf-8-sig")
        assert late in exported and soon not in exported and calm not in exported
    assert fake.refused == []
