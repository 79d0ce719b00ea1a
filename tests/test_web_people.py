"""End to end: administrators see the moderators and the accredited observers on the dashboard,
make an observer's invitation there (the same service as /invite: its link works once) and
revoke an unused one (its link then refused); a moderator gets 403; each on the record."""

from __future__ import annotations

import html as html_module
import re

from tests.fake_telegram import FakeUser
from tests.report_helpers import L, db_rows
from tests.test_dashboard import MODERATOR, admin, base, client, csrf_of, link_for, settings, sign_in  # noqa: F401


async def test_administrators_manage_invitations_and_see_people_on_the_web(app, fake, user_factory, admin, data_dir):
    await admin.say("/start")
    moderator = FakeUser(fake, MODERATOR, language_code="kk", first_name="Дана")
    await moderator.say("/start")
    await admin.say(f"/addmod {MODERATOR}")
    async with client() as mine, client() as theirs:
        assert (await sign_in(mine, await link_for(admin))).status == 303
        assert (await sign_in(theirs, await link_for(moderator))).status == 303
        async with theirs.get(f"{base(app)}/people") as refused:
            assert refused.status == 403 and L("kk", "web.error.403") in await refused.text()
        async with theirs.get(f"{base(app)}/queue") as queue:
            assert 'href="/people"' not in await queue.text()
            csrf = csrf_of(await queue.text())
        async with theirs.post(f"{base(app)}/people/invite", data={"csrf": csrf}) as refused:
            assert refused.status == 403

        async with mine.get(f"{base(app)}/people") as page:
            html = await page.text()
        assert page.status == 200 and L("ru", "web.people.moderators", count=1) in html

        async def make() -> str:
            async with mine.post(f"{base(app)}/people/invite", data={"csrf": csrf_of(html)}) as made:
                text = html_module.unescape(await made.text())
            assert made.status == 200 and L("ru", "web.people.new_invite") in text
            return re.search(r"\?start=([\w-]+)", text).group(1)

        first, second = await make(), await make()
        observer = user_factory("ru")
        (accepted, _menu) = await observer.say(f"/start {first}", n=2)
        assert accepted.message["text"] == L("ru", "invite.accepted")
        async with mine.get(f"{base(app)}/people") as page:
            html = await page.text()
        assert L("ru", "web.people.observers", count=1) in html
        (number,) = re.findall(r'action="/people/invite/(\d+)/revoke"', html)  # the first is used up
        async with mine.post(f"{base(app)}/people/invite/{number}/revoke", data={"csrf": csrf_of(html)},
                             allow_redirects=False) as revoked:
            assert revoked.status == 303 and revoked.headers["Location"] == "/people?done=web.people.revoked"
        async with mine.post(f"{base(app)}/people/invite/{number}/revoke", data={"csrf": csrf_of(html)}) as again:
            assert L("ru", "web.people.not_revoked") in await again.text()
        late = user_factory("ru")
        (refused, _menu) = await late.say(f"/start {second}", n=2)
        assert refused.message["text"] == L("ru", "invite.invalid")
    rows = db_rows(data_dir, "SELECT action, actor FROM audit_log WHERE action LIKE 'invite%' ORDER BY id")
    assert [row["action"] for row in rows] == ["invite_created", "invite_created", "invite_revoked"]
    assert all(row["actor"].startswith("admin ") for row in rows)
    assert fake.refused == []
