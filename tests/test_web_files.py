"""End to end: the dashboard's downloads go through the same service as Telegram's /export and
/bundle: the queue's current filter as CSV, JSON and XLSX, a report's evidence as a ZIP, each on
the audit log with who took it and under which filters; a formula a reporter typed stays text."""

from __future__ import annotations

import io
import json
import zipfile

from tests.report_helpers import db_rows, finish_and_send, jpeg, up_to_evidence
from tests.test_dashboard import a_report, admin, base, client, link_for, settings, sign_in  # noqa: F401


async def test_the_current_filter_downloads_as_csv_json_xlsx_and_a_bundle_on_the_record(
        app, fake, user_factory, admin, data_dir):
    formula = user_factory("ru")
    await up_to_evidence(formula, "ru", "=HYPERLINK(\"http://evil\") раздавали деньги у входа на участок.")
    await formula.photo(jpeg())
    await formula.replies(1)
    with_photo = await finish_and_send(formula, "ru", contact=True)
    other = await a_report(user_factory("kk"))
    await admin.say("/start")
    async with client() as http:
        assert (await sign_in(http, await link_for(admin))).status == 303
        async with http.get(f"{base(app)}/queue?text=деньги") as page:
            html = await page.text()
        assert 'href="/queue/export?text=деньги&amp;format=xlsx"' in html

        async def fetch(path: str) -> tuple[str, bytes]:
            async with http.get(base(app) + path) as answer:
                assert answer.status == 200, path
                assert answer.headers["Content-Disposition"].startswith('attachment; filename="')
                return answer.content_type, await answer.read()

        kind, data = await fetch("/queue/export?text=деньги&format=csv")
        assert kind == "text/csv" and with_photo in data.decode("utf-8-sig") and other not in data.decode("utf-8-sig")
        assert "'=HYPERLINK" in data.decode("utf-8-sig")
        kind, data = await fetch("/queue/export?text=деньги&format=json")
        assert kind == "application/json" and [row["reference"] for row in json.loads(data)["reports"]] == [with_photo]
        kind, data = await fetch("/queue/export?format=xlsx&region=")
        assert kind.endswith("spreadsheetml.sheet")
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            strings = book.read("xl/sharedStrings.xml").decode()
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        assert with_photo in strings and other in strings and "<f>" not in sheet  # text, never a formula
        kind, data = await fetch(f"/report/{with_photo}/bundle")
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            manifest = json.loads(bundle.read("manifest.json"))
        assert kind == "application/zip" and manifest["evidence"][0]["matches"] is True
        async with http.get(f"{base(app)}/queue/export?format=html") as refused:
            assert refused.status == 400
    rows = db_rows(data_dir, "SELECT actor, action, note FROM audit_log WHERE action IN ('export', 'bundle') ORDER BY id")
    assert [(row["action"], row["note"]) for row in rows] == [
        ("export", "csv, 1 reports, text=деньги"), ("export", "json, 1 reports, text=деньги"),
        ("export", "xlsx, 2 reports, all"), ("bundle", "1 files")]
    assert len({row["actor"] for row in rows}) == 1
    assert fake.refused == []
