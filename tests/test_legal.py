"""The legal table as a lawyer reads it (issue 27): for ballot stuffing by a commission member,
vote buying by campaign staff and employer pressure, the basis, the respondent and the requests
of each draft in ru and kk, written out here independently of the catalogs; the deadlines per
kind of violation and per addressee over a whole chain of filings; the DOCX as Word opens it;
and LEGAL.md naming every article the table cites, with its source."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta, timezone

import pytest
from docx import Document as WordDocument

from services import deadlines
from services.complaint import build, complaint_text
from services.complaint_docx import to_docx
from domain import legal
from domain.rules import CATEGORIES
from storage.models import EvidenceRecord, Report
from storage.moderation import EscalationStep
from tests.harness import PROJECT_ROOT

ALMATY = timezone(timedelta(hours=5))
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def report(subcategory: str, target: str | None, **overrides) -> Report:
    fields = dict(
        id=7, reference="KZ-000007", reporter_id=3, status="escalated", submitted_at="2026-12-01T09:00:00+00:00",
        reporter_role="observer", accredited=True, category=CATEGORIES[subcategory], subcategory=subcategory,
        region="karaganda", precinct="512", place="Школа № 3", latitude=None, longitude=None,
        occurred_at="2026-12-01T12:00:00+05:00", description="Описание события на участке.", contact_allowed=False,
        submission_key="k", escalated_to=target, escalated_at="2026-12-02T10:00:00+00:00")
    return Report(**{**fields, **overrides})


def flat(text: str) -> str:
    return " ".join(text.split())


# ---- the three kinds of the issue, in ru and kk, as a lawyer expects them ------------------------

COMMISSION_512 = {"ru": "участковая избирательная комиссия № 512", "kk": "№ 512 учаскелік сайлау комиссиясы"}
CASES = {
    # Ballot stuffing by a commission member, to a court: the member is the respondent, the
    # Criminal Code (falsification) a blank, never art. 108; the precinct's results or a recount.
    ("stuffing", "court", "ru"): dict(
        respondent=["Член (члены) комиссии, совершившие действия", COMMISSION_512["ru"]],
        basis=["пунктом 9 статьи 20 и статьёй 49 Закона о выборах",
               "предусмотренного [статья: уточнить] Уголовного кодекса Республики Казахстан",
               "[процессуальный кодекс и вид производства: уточнить]"],
        requests=["признать незаконными обжалуемые решения", "признать недействительными итоги голосования на "
                  "избирательном участке № 512", "либо обязать провести повторный подсчёт голосов"],
        never=["108", "Кодекса Республики Казахстан об административных правонарушениях"]),
    ("stuffing", "court", "kk"): dict(
        respondent=["Әрекет жасаған комиссия мүшесі (мүшелері)", COMMISSION_512["kk"]],
        basis=["Қылмыстық кодексінің [бап: нақтылау керек] көзделген", "[іс жүргізу кодексі мен іс жүргізу түрі"],
        requests=["№ 512 сайлау учаскесіндегі дауыс беру қорытындыларын жарамсыз деп тану",
                  "дауыстарын қайта санауды міндеттеу"],
        never=["108"]),
    # Vote buying by campaign staff, to the prosecutor: an application for a check about the
    # campaign (not the commission), art. 27 cl. 9 and art. 122 with its part a blank.
    ("vote_buying", "prosecutor", "ru"): dict(
        respondent=["Кандидат, его доверенные лица или работники предвыборного штаба"],
        basis=["Нарушены требования пункта 9 статьи 27 Закона о выборах.",
               "предусмотренного частью [часть: уточнить] статьи 122 Кодекса Республики Казахстан об "
               "административных правонарушениях", "Заявление подаётся в соответствии со статьёй 49 Закона о выборах"],
        requests=["провести проверку изложенных фактов", "принять меры прокурорского реагирования",
                  "привлечь виновных лиц"],
        never=[COMMISSION_512["ru"], "ЖАЛОБА", "Обжалуемое", "пунктом 9 статьи 20"]),
    ("vote_buying", "prosecutor", "kk"): dict(
        respondent=["Кандидат, оның сенім білдірген адамдары немесе сайлау алдындағы штабының қызметкерлері"],
        basis=["Сайлау туралы заңның 27-бабының 9-тармағының талаптары бұзылды.",
               "кодексінің 122-бабының [бөлігі: нақтылау керек] көзделген", "Сайлау туралы заңның 49-бабына сәйкес"],
        requests=["баяндалған фактілер бойынша тексеру жүргізу", "прокурорлық ден қою шараларын қабылдау"],
        never=[COMMISSION_512["kk"], "ШАҒЫМ", "20-бабының 9-тармағы"]),
    # The commission version of vote buying has a basis line too (a blank), and no commission respondent.
    ("vote_buying", "commission", "ru"): dict(
        respondent=["Кандидат, его доверенные лица"],
        basis=["Обращение подаётся в избирательную комиссию в порядке, предусмотренном [статья Закона о выборах: уточнить]"],
        requests=["рассмотреть изложенные факты и принять меры в пределах полномочий избирательной комиссии"],
        never=[COMMISSION_512["ru"], "пунктом 9 статьи 20"]),
    # Employer pressure, to the prosecutor: the employer and its official; obstruction a crime, a blank.
    ("coercion_work", "prosecutor", "ru"): dict(
        respondent=["Работодатель (организация, учебное заведение) и его должностное лицо"],
        basis=["предусмотренного [статья: уточнить] Уголовного кодекса Республики Казахстан",
               "Заявление подаётся в соответствии со статьёй 49"],
        requests=["провести проверку изложенных фактов", "привлечь виновных лиц"],
        never=[COMMISSION_512["ru"], "пунктом 9 статьи 20", "ЖАЛОБА"]),
    ("coercion_work", "prosecutor", "kk"): dict(
        respondent=["Жұмыс беруші (ұйым, оқу орны) және оның лауазымды адамы"],
        basis=["Қылмыстық кодексінің [бап: нақтылау керек] көзделген", "49-бабына сәйкес"],
        requests=["баяндалған фактілер бойынша тексеру жүргізу", "кінәлі адамдарды заңда белгіленген жауапкершілікке тарту"],
        never=[COMMISSION_512["kk"], "20-бабының 9-тармағы", "ШАҒЫМ"]),
}


def part(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


@pytest.mark.parametrize(("category", "target", "lang"), CASES)
def test_each_kind_gets_the_basis_respondent_and_requests_of_the_table(category, target, lang):
    expected = CASES[category, target, lang]
    text = complaint_text(report(category, target), [], lang, ALMATY)
    heads = {"ru": ("1. ", "2. ", "4. ", "5. ", "7. ", "Приложения:"),
             "kk": ("1. ", "2. ", "4. ", "5. ", "7. ", "Қосымшалар:")}[lang]
    lines = text.split("\n")
    sections = {head: "\n".join(lines[next(i for i, line in enumerate(lines) if line.startswith(head)):])
                for head in heads}
    respondent = part(sections[heads[0]], heads[0], heads[1])
    grounds = part(sections[heads[2]], heads[2], heads[3])
    requests = part(sections[heads[4]], heads[4], heads[5])
    assert all(words in flat(respondent) for words in expected["respondent"]), respondent
    assert all(words in flat(grounds) for words in expected["basis"]), grounds
    assert all(words in flat(requests) for words in expected["requests"]), requests
    assert not [words for words in expected["never"] if words in text]
    # The requests are numbered, one sentence: ";" after each but the last.
    asked = [line for line in requests.split("\n")[1:] if line.strip()]
    assert [line[:3] for line in asked] == [f"{n}) " for n in range(1, len(asked) + 1)]
    assert all(line.endswith(";") for line in asked[:-1]) and asked[-1].endswith(".")


def test_the_prosecutor_gets_an_application_for_a_check():
    assert "ЗАЯВЛЕНИЕ\nо проведении проверки" in complaint_text(report("stuffing", "prosecutor"), [], "ru", ALMATY)
    assert "ТЕКСЕРУ ЖҮРГІЗУ ТУРАЛЫ\nӨТІНІШ" in complaint_text(report("stuffing", "prosecutor"), [], "kk", ALMATY)
    # kk: the one who files a ШАҒЫМ is «Шағым беруші», an ӨТІНІШ «Өтініш беруші».
    assert "Шағым беруші: ____" in complaint_text(report("stuffing", "commission"), [], "kk", ALMATY)
    assert "Өтініш беруші: ____" in complaint_text(report("stuffing", "prosecutor"), [], "kk", ALMATY)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_blanks_a_filing_needs_are_visible(lang):
    text = complaint_text(report("stuffing", "court"), [], lang, ALMATY)
    blanks = {"ru": ["ИИН: [ИИН: заполнить]", "аккредитованный [кем:", "удостоверение № [номер: уточнить]",
                     "Адрес: [адрес: уточнить]", "[статья: уточнить]", "Копии жалобы и приложений для [другой стороны",
                     "Копия удостоверения наблюдателя"],
              "kk": ["ЖСН: [ЖСН: толтыру керек]", "аккредиттеген [", "куәлік № [нөмірі: нақтылау керек]",
                     "Мекенжайы: [мекенжайы: нақтылау керек]", "[бап: нақтылау керек]", "көшірмелері"]}[lang]
    assert not [blank for blank in blanks if blank not in text]


@pytest.mark.parametrize(("category", "window"), [("issuance", True), ("vote_buying", False), ("coercion_work", False)])
def test_the_memo_names_the_ten_day_window_only_for_a_commissions_act(category, window):
    memo = complaint_text(report(category, "legal"), [], "ru", ALMATY)
    assert ("в течение 10 дней" in memo) == window
    assert ("11 декабря 2026 г." in memo) == window  # 1 December + 10 days
    assert ("к этому нарушению он не применяется" in memo) == (not window)


# ---- deadlines per kind and per addressee ----------------------------------------------------------

def step(target: str, filed: str | None, answer: tuple[str, str] | None = None, created: str = "2026-12-02") -> EscalationStep:
    return EscalationStep(target=target, external_ref="1", external_date=filed, created_at=f"{created}T10:00:00+00:00",
                          actor="moderator x", answer_kind=answer[0] if answer else None,
                          answer_date=answer[1] if answer else None)


def windows(category: str, steps, election_day=None, status="escalated") -> list[tuple]:
    found = deadlines.of_report(report(category, steps[-1].target if steps else None, status=status), ALMATY,
                                steps, election_day)
    return [(d.kind, d.target, d.day.isoformat(), d.met, d.at_once) for d in found]


def test_the_ten_day_window_is_for_a_commissions_act_only():
    assert windows("issuance", [], status="verified") == [("appeal", None, "2026-12-11", False, False)]
    assert windows("stuffing", [], status="verified")[0][0] == "appeal"
    assert windows("vote_buying", [], status="verified") == []
    assert windows("coercion_work", [], status="verified") == []


def test_art_49_five_days_for_courts_and_prosecutors_only():
    for target, expected in (("prosecutor", "2026-12-08"), ("court", "2026-12-08"), ("commission", None),
                             ("police", None), ("media", None)):
        answers = [w for w in windows("vote_buying", [step(target, "2026-12-03")]) if w[0] == "answer"]
        assert answers == ([("answer", target, expected, False, False)] if expected else []), target


@pytest.mark.parametrize(("filed", "due", "at_once"), [
    ("2026-12-20", "2026-12-20", True),   # voting day
    ("2026-12-15", "2026-12-15", True),   # the last five days before it
    ("2026-12-14", "2026-12-19", False),  # six days before: five days
    ("2026-12-21", "2026-12-26", False),  # after it
])
def test_a_complaint_near_or_on_voting_day_is_due_at_once(filed, due, at_once):
    found = windows("vote_buying", [step("prosecutor", filed)], election_day=date(2026, 12, 20))
    assert found == [("answer", "prosecutor", due, False, at_once)]
    # Without a voting day set, always five days.
    assert windows("vote_buying", [step("prosecutor", filed)])[0][2] == \
        (date.fromisoformat(filed) + timedelta(days=5)).isoformat()


def test_a_chain_of_three_filings_keeps_every_window():
    chain = [step("commission", "2026-12-01", ("received", "2026-12-03")),
             step("prosecutor", "2026-12-05", ("received", "2026-12-09")),
             step("court", "2026-12-10")]
    assert windows("stuffing", chain) == [
        ("appeal", None, "2026-12-11", True, False),                  # filed with the commission in time
        ("appeal_decision", "commission", "2026-12-13", True, False),  # its answer taken to a court in time
        ("answer", "prosecutor", "2026-12-10", True, False),           # the prosecutor's, answered
        ("answer", "court", "2026-12-15", False, False),               # the court's, running
    ]
    found = deadlines.of_report(report("stuffing", "court"), ALMATY, chain)
    today = date(2026, 12, 16)
    assert [d.state(today) for d in found] == ["filed", "filed", "answered", "overdue"]
    assert [d.kind for d in deadlines.running(report("stuffing", "court"), ALMATY, chain)] == ["answer"]


def test_a_missed_appeal_stays_flagged_after_going_to_the_prosecutor():
    chain = [step("prosecutor", "2026-12-05")]
    found = deadlines.of_report(report("stuffing", "prosecutor"), ALMATY, chain)
    assert [(d.kind, d.state(date(2026, 12, 12))) for d in found] == [("appeal", "missed"), ("answer", "overdue")]
    # Filed with a court after the 10 days: still missed.
    late = chain + [step("court", "2026-12-12")]
    assert deadlines.of_report(report("stuffing", "court"), ALMATY, late)[0].state(date(2026, 12, 12)) == "missed"


def test_filed_with_a_commission_the_court_stays_open_within_the_ten_days():
    """Art. 20 cl. 9: "to a higher commission and (or) a court": a filing with the commission
    meets the appeal, and the court's way is still watched until it is taken or lapses."""
    commission_only = [step("commission", "2026-12-02")]
    found = deadlines.of_report(report("issuance", "commission"), ALMATY, commission_only)
    assert [(d.kind, d.state(date(2026, 12, 10))) for d in found] == [("appeal", "filed"), ("appeal_court", "soon")]
    assert [(d.kind, d.state(date(2026, 12, 12))) for d in found] == [("appeal", "filed"), ("appeal_court", "missed")]
    with_court = commission_only + [step("court", "2026-12-09")]
    assert [d.kind for d in deadlines.of_report(report("issuance", "court"), ALMATY, with_court)] == ["appeal", "answer"]


def test_a_commission_refusal_opens_a_new_window_that_can_be_missed():
    chain = [step("commission", "2026-12-02", ("refused", "2026-12-04"))]
    found = deadlines.of_report(report("stuffing", "commission"), ALMATY, chain)
    decision = next(d for d in found if d.kind == "appeal_decision")
    assert decision.day == date(2026, 12, 14) and decision.state(date(2026, 12, 15)) == "missed"


# ---- the document -----------------------------------------------------------------------------------

def records() -> list[EvidenceRecord]:
    return [EvidenceRecord(id=1, kind="photo", file_id="f", file_unique_id="u", mime_type="image/jpeg", size=1000,
                           sha256=SHA, received_at="2026-12-01T07:00:00+00:00")]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_docx_opens_and_holds_the_sections_requests_and_hashes(lang):
    chain = [step("commission", "2026-12-01", ("refused", "2026-12-03")), step("prosecutor", "2026-12-05"),
             step("court", None)]
    draft = build(report("stuffing", "court"), records(), lang, ALMATY, chain)
    word = WordDocument(io.BytesIO(to_docx(draft)))
    paragraphs = word.paragraphs
    headings = [p.text for p in paragraphs if p.style.name.startswith("Heading")]
    assert [heading[:2] for heading in headings[:7]] == [f"{n}." for n in range(1, 8)]
    texts = [p.text for p in paragraphs]
    assert any(SHA in text for text in texts)  # in section 5 and in the attachments
    assert sum(SHA in text for text in texts) == 2
    title = next(p for p in paragraphs if p.text in ("ЖАЛОБА", "ШАҒЫМ"))
    assert title.runs[0].bold and title.alignment == 1  # centred
    requests = [text for text in texts if re.match(r"\d\) ", text)]
    assert len(requests) >= 3
    earlier = {"ru": ["избирательная комиссия: № 1, подано 1 декабря 2026 г.; в рассмотрении отказано 3 декабря 2026 г.",
                      "прокуратура: № 1, подано 5 декабря 2026 г.; ответ не получен"],
               "kk": ["сайлау комиссиясы: № 1, берілген күні 2026 жылғы 1 желтоқсан; 2026 жылғы 3 желтоқсан қараудан бас тартылды",
                      "прокуратура: № 1, берілген күні 2026 жылғы 5 желтоқсан; жауап алынған жоқ"]}[lang]
    assert all(any(line in text for text in texts) for line in earlier)
    # Paragraphs flow: nothing is hard-wrapped (the description is one paragraph).
    assert "Описание события на участке." in texts


# ---- LEGAL.md -------------------------------------------------------------------------------------

def test_legal_md_lists_every_article_of_the_table_with_its_source():
    text = (PROJECT_ROOT / "LEGAL.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in text.splitlines()
            if line.startswith("| `") and line.count("|") > 5}
    assert set(legal.TABLE) <= set(rows), set(legal.TABLE) - set(rows)
    for category, item in legal.TABLE.items():
        row = rows[category]
        for cite in item.cites:
            if cite.article is not None:
                assert f"art. {cite.article}" in row, (category, cite)
                assert {"assessment": "assessment", "domain_brief": "domain brief"}[cite.source] in row, (category, cite)
        assert "confirm" in row.lower()
