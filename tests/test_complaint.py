"""The complaint's draft (its plain-text form; the DOCX holds the same blocks, tests/test_legal.py):
in ru or kk, addressed by target, with the respondent and the law of the legal table, the facts
quoted verbatim, the law cited in full, every piece of evidence with its hash, and blanks for the
applicant; deadlines only in the internal memo, never in a text that is filed."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta, timezone

import pytest

from services.complaint import MANIFEST_NAME, MEMO_TARGET, complaint_text, description_language
from services.exports import evidence_bundle
from services.i18n import Translator, known_keys
from domain import legal
from domain.rules import CATEGORIES, CATEGORY_GROUPS, ESCALATION_TARGETS as COMPLAINT_TARGETS, REGIONS
from storage.models import EvidenceRecord, Report

ALMATY = timezone(timedelta(hours=5))
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
DESCRIPTION = ("Член УИК выдал мне <b>три</b> бюллетеня & сказал: «{reference} — это пароль».\n"
               "Видел, как их бросали в урну пачкой.")
KAZAKH_DESCRIPTION = "Сайлау учаскесінде комиссия мүшесі маған үш бюллетень берді, оларды жәшікке салуды сұрады."
PHOTO_SHA = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"
FILED = tuple(target for target in COMPLAINT_TARGETS if target != MEMO_TARGET)
CATALOG_KEY_PARTS = ("complaint.", "category.", "region.", "group.", "{", "}")

# Written out here, independently of the catalogs: what a lawyer expects to read.
ADDRESSEE = {
    ("ru", "court"): "В [наименование суда: уточнить]",
    ("ru", "prosecutor"): "В прокуратуру",
    ("kk", "court"): "[Соттың атауы: нақтылау керек] сотына",
    ("kk", "prosecutor"): "______________________________ прокуратурасына",
}
ELECTION_LAW = {
    "ru": "Конституционного закона Республики Казахстан от 28 сентября 1995 года № 2464 "
          "«О выборах в Республике Казахстан» (далее — Закон о выборах)",
    "kk": "«Қазақстан Республикасындағы сайлау туралы» Қазақстан Республикасының 1995 жылғы 28 қыркүйектегі "
          "№ 2464 Конституциялық заңының (бұдан әрі — Сайлау туралы заң)",
}
LAW_TITLE = {"ru": "«О выборах в Республике Казахстан»", "kk": "«Қазақстан Республикасындағы сайлау туралы»"}
LAW_SHORT = {"ru": "Закона о выборах", "kk": "Сайлау туралы заң"}
CODE = {
    "ru": "Кодекса Республики Казахстан об административных правонарушениях от 5 июля 2014 года № 235-V",
    "kk": "Әкімшілік құқық бұзушылық туралы Қазақстан Республикасының 2014 жылғы 5 шілдедегі № 235-V Кодексінің",
}
# The legal table's articles, written out: Election Law clause, the Code's article with a blank part.
BLANK = {"ru": "[статья: уточнить]", "kk": "[бап: нақтылау керек]"}
CRIMINAL = {"ru": "предусмотренного [статья: уточнить] Уголовного кодекса Республики Казахстан",
            "kk": "Қылмыстық кодексінің [бап: нақтылау керек] көзделген"}
ADMIN_ARTICLE = {"ru": "частью [часть: уточнить] статьи {}", "kk": "{}-бабының [бөлігі: нақтылау керек]"}
# A deadline told to the addressee is a ground to refuse handed to them: none of this in a filed text.
DEADLINE_WORDS = {
    "ru": ("10 дней", "5 дней", "последний день", "не рассматриваются", "срок обжалования", "истечени"),
    "kk": ("10 күн", "5 күн", "соңғы күн", "қаралмайды", "шағымдану мерзімі", "мерзім өткен"),
}
MEMO_DEADLINES = {
    "ru": ("в течение 10 дней", "пункт 9 статьи 20 Закона о выборах", "в течение 5 дней", "статья 49 Закона о выборах",
           "Последний день срока обжалования", "27 марта 2024 г."),
    "kk": ("10 күн ішінде", "Сайлау туралы заңның 20-бабының 9-тармағы", "5 күн ішінде", "Сайлау туралы заңның 49-бабы",
           "Шағымдану мерзімінің соңғы күні", "2024 жылғы 27 наурыз"),
}
REGION_NAMES = {
    "karaganda": ("Карагандинская область", "Қарағанды облысы"),
    "astana": ("город Астана", "Астана қаласы"),
    "almaty_city": ("город Алматы", "Алматы қаласы"),
    "abai": ("область Абай", "Абай облысы"),
    "jetisu": ("область Жетісу", "Жетісу облысы"),
    "ulytau": ("область Ұлытау", "Ұлытау облысы"),
    "east_kz": ("Восточно-Казахстанская область", "Шығыс Қазақстан облысы"),
}


def make_report(**overrides) -> Report:
    fields = dict(
        id=42, reference="KZ-000042", reporter_id=7, status="escalated",
        submitted_at="2024-03-17T09:15:00+00:00", reporter_role="observer", accredited=True,
        category="station", subcategory="stuffing", region="karaganda", precinct="1234", place="Школа № 12, ул. Ленина 5",
        latitude=49.806406, longitude=73.085485, occurred_at="2024-03-17T13:50:00+05:00",
        description=DESCRIPTION, contact_allowed=False, submission_key="secret",
        escalated_to="court", escalated_at="2024-03-18T10:00:00+00:00",
    )
    return Report(**{**fields, **overrides})


def make_records() -> list[EvidenceRecord]:
    return [
        EvidenceRecord(id=1, kind="photo", file_id="AgAD-photo", file_unique_id="uniq-photo",
                       mime_type="image/jpeg", file_name="IMG_0042.jpg", size=2_345_678,
                       sha256=PHOTO_SHA, received_at="2024-03-17T09:10:00+00:00"),
        EvidenceRecord(id=2, kind="video", file_id="BAAD-video", file_unique_id="uniq-video",
                       mime_type="video/mp4", size=73_400_320, sha256=None, too_big=True,
                       received_at="2024-03-17T09:11:00+00:00"),
    ]


def flat(text: str) -> str:
    """Whitespace-insensitive form, so a wrapped paragraph can be compared with its message."""
    return " ".join(text.split())


def section(text: str, number: int) -> str:
    """Section ``number`` of a document: from its heading ("2. ...") to the next heading."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{number}. "))
    end = next((i for i, line in enumerate(lines[start + 1:], start + 1) if re.match(r"\d\. ", line)), len(lines))
    return "\n".join(lines[start:end])


def every_report() -> list[Report]:
    """A report of every category, and one of every group without a category."""
    reports = [make_report(category=group, subcategory=category, description="Вброс бюллетеней на участке.")
               for category, group in CATEGORIES.items()]
    reports += [make_report(category=group, subcategory=None, description="Вброс бюллетеней на участке.")
                for group in CATEGORY_GROUPS]
    return reports


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("target", ["court", "prosecutor"])
def test_complaint_holds_the_facts_and_the_evidence(lang, target):
    t = Translator(lang)
    text = complaint_text(make_report(escalated_to=target), make_records(), lang, ALMATY)

    assert "KZ-000042" in text
    assert DESCRIPTION in text  # verbatim: no escaping, no wrapping, no formatting of its braces
    assert "<b>три</b>" in text and "&amp;" not in text and "&lt;" not in text
    assert PHOTO_SHA in text
    assert "1234" in text
    assert REGION_NAMES["karaganda"][lang == "kk"] in text
    assert t.text("complaint.violation.stuffing") in text
    assert "Школа № 12, ул. Ленина 5" in text and "49.806406, 73.085485" in text

    # Addressee first, the right one for the target.
    assert text.splitlines()[0] == ADDRESSEE[lang, target]
    for request in legal.requests(legal.TABLE["stuffing"], target):
        assert t.text(f"complaint.ask.{request}", precinct="1234") in text

    # Evidence: kind, size, receipt time in the given zone (09:10 UTC is 14:10 in Almaty).
    assert t.text("complaint.kind.photo") in text and t.text("complaint.kind.video") in text
    assert str(t.plural("complaint.bytes", 2_345_678)) in text
    assert ("17 марта 2024 г., 14:10" if lang == "ru" else "2024 жылғы 17 наурыз, 14:10") in text
    # Each file by the neutral name /bundle gives it, never the one its sender chose.
    assert t.text("complaint.evidence_name", name="KZ-000042-1.jpg") in text and "IMG_0042.jpg" not in text
    assert flat(t.text("complaint.evidence_too_big")) in flat(text)
    assert "20 МБ" in text

    # Blanks for the applicant, and a signature line.
    assert "____" in text.rstrip().splitlines()[-1]
    applicant = {("ru", "court"): "Заявитель", ("ru", "prosecutor"): "Заявитель",
                 ("kk", "court"): "Шағым беруші", ("kk", "prosecutor"): "Өтініш беруші"}[lang, target]
    assert f"{applicant}: ____" in text.split("\n")[3] or f"{applicant}: ____" in text
    assert text.count(f"{applicant}: ____") == 2  # the heading and the signature

    if lang == "kk":
        assert len(KAZAKH_LETTERS.findall(text.replace(DESCRIPTION, ""))) > 50
    title = {("ru", "court"): "ЖАЛОБА", ("kk", "court"): "ШАҒЫМ",
             ("ru", "prosecutor"): "ЗАЯВЛЕНИЕ\nо проведении проверки", ("kk", "prosecutor"): "ТЕКСЕРУ ЖҮРГІЗУ ТУРАЛЫ\nӨТІНІШ"}
    assert title[lang, target] in text
    if target == "prosecutor":
        assert "ЖАЛОБА" not in text and "ШАҒЫМ" not in text and "Обжалуемое" not in text
    # Stuffing by a commission member is falsification: the Criminal Code, its article a blank;
    # never the Administrative Code's art. 108 (a voter who votes twice).
    assert CRIMINAL[lang] in flat(text)
    assert "108" not in text


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
@pytest.mark.parametrize("target", COMPLAINT_TARGETS)
def test_every_target_renders_completely(lang, target):
    text = complaint_text(make_report(escalated_to=target), make_records(), lang, ALMATY)
    rest = text.replace(DESCRIPTION, "")
    assert not [part for part in CATALOG_KEY_PARTS if part in rest]  # no message id printed, nothing unformatted
    assert flat(Translator(lang).text(f"complaint.header.{target}")) in flat(text)


def expected_article(t: Translator, cite: legal.Cite) -> str:
    """The article as the draft must print it, written from the table independently of the code."""
    if cite.article is None:
        return t.text("complaint.art.blank")
    if cite.code == "election_law":
        return t.text("complaint.art.clause" if cite.part else "complaint.art.article", number=cite.article,
                      clause=cite.part or "", part="")
    return t.text("complaint.art.part" if cite.part else "complaint.art.part_blank", number=cite.article,
                  part=cite.part or "", clause="")


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("target", COMPLAINT_TARGETS)
def test_every_category_names_the_violation_and_cites_its_article(lang, target):
    """Every category (and a report with none) for every target: the kind of violation in words,
    no catalog key, and each article of the legal table (a marked blank where it has none)."""
    t = Translator(lang)
    for report in every_report():
        report = report.model_copy(update={"escalated_to": target})
        text = complaint_text(report, make_records(), lang, ALMATY)
        found = [part for part in CATALOG_KEY_PARTS if part in text]
        assert not found, f"{report.subcategory}: {found}"
        kind = t.text(f"complaint.violation.{report.subcategory or report.category}")
        assert t.text("complaint.category", category=kind) in flat(text)
        for cite in legal.entry(report.category, report.subcategory).cites:
            line = t.text(f"complaint.cite.{cite.code}", article=expected_article(t, cite))
            shown = target != "media" or cite.code == "election_law"
            assert (line in text) == shown, (report.subcategory, cite)


def violation_codes() -> list[str]:
    """Every exact category, and every group (a report with no exact category); "other" is both."""
    return list(dict.fromkeys([*CATEGORIES, *CATEGORY_GROUPS]))


def menu_label(t: Translator, report: Report) -> str:
    """The menu's label of a report's category (or group), without the emoji a button may start with."""
    label = t.text(f"category.{report.subcategory}" if report.subcategory else f"group.{report.category}")
    return re.sub(r"^\W+", "", label)


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_category_and_group_has_a_formal_name(lang):
    """A complaint names the violation in its own words (complaint.violation.<code>), in every
    language, for every category and every group: never left to the menu's informal labels."""
    keys = known_keys(lang)
    codes = violation_codes()
    assert len(codes) == len(CATEGORIES) + len(CATEGORY_GROUPS) - 1  # "other" is a group and a category
    missing = [code for code in codes if f"complaint.violation.{code}" not in keys]
    assert not missing, f"complaint.violation.* missing in {lang}: {missing}"
    t = Translator(lang)
    names = {code: t.text(f"complaint.violation.{code}") for code in codes}
    assert all(name.strip() and name == name.strip() for name in names.values())
    assert all(name[0].islower() for name in names.values())  # it follows "Вид нарушения:"
    assert len(set(names.values())) == len(names)  # no two kinds of violation share a name


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_complaint_uses_the_formal_name_not_the_menu_label(lang):
    """Every report (each category, each group without a category) names its violation with
    complaint.violation.<code> and nowhere with the menu's label (the two always differ)."""
    t = Translator(lang)
    for report in every_report():
        code = report.subcategory or report.category
        formal = t.text(f"complaint.violation.{code}")
        label = menu_label(t, report)
        text = complaint_text(report, make_records(), lang, ALMATY).replace(report.description, "")
        line = next(line for line in text.splitlines()
                    if line.startswith(t.text("complaint.category", category="").strip()))
        assert flat(section(text, 2)).count(formal) == 1, code
        assert t.text("complaint.category", category=formal) in flat(text), code
        assert formal != label, code
        assert label not in text, f"{code}: the menu label {label!r} in {line!r}"


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("target", FILED)
def test_a_filed_text_holds_no_deadline(lang, target):
    """The addressee is never told that a late complaint is not considered, nor which day is the
    last: for every category, with and without evidence."""
    for report in every_report():
        text = complaint_text(report.model_copy(update={"escalated_to": target}), make_records(), lang, ALMATY)
        words = flat(text).lower()
        found = [word for word in DEADLINE_WORDS[lang] if word.lower() in words]
        assert not found, f"{target}, {report.subcategory}: {found}"
        assert MEMO_DEADLINES[lang][-1] not in text  # the last day (17 March + 10 days)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_memo_holds_the_deadlines(lang):
    memo = flat(complaint_text(make_report(escalated_to=MEMO_TARGET), make_records(), lang, ALMATY))
    for phrase in MEMO_DEADLINES[lang]:
        assert phrase in memo
    assert flat(Translator(lang).text("complaint.evidence_too_big_memo")) in memo


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", "1 декабря 2026 г., 20:31"), ("kk", "2026 жылғы 1 желтоқсан, 20:31"), ("en", "1 December 2026, 20:31"),
])
def test_long_dates_in_the_document_language(lang, expected):
    # 15:31 UTC is 20:31 in Almaty: times are shown in the zone passed in.
    report = make_report(occurred_at="2026-12-01T15:31:00+00:00", submitted_at="2026-12-01T15:40:00+00:00")
    text = complaint_text(report, [], lang, ALMATY)
    assert f"{Translator(lang).text('complaint.when', value=expected)}\n" in text
    assert expected.replace("20:31", "20:40") in text
    assert "20:31:00" not in text and "дек." not in text and "2026 ж." not in text  # Babel's short forms

    day_only = complaint_text(make_report(occurred_at="2026-12-01"), [], lang, ALMATY)
    assert Translator(lang).text("complaint.when", value=expected.removesuffix(", 20:31")) in day_only


@pytest.mark.parametrize("region", sorted(REGION_NAMES))
def test_official_region_names(region):
    for lang, name in zip(("ru", "kk"), REGION_NAMES[region]):
        text = complaint_text(make_report(region=region), [], lang, ALMATY)
        assert Translator(lang).text("complaint.region", region=name) in text
        assert f"({name})" in text  # in the respondent block too


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_region_has_an_official_name(lang):
    t = Translator(lang)
    for region in REGIONS:
        name = t.text(f"complaint.region.{region}")
        text = complaint_text(make_report(region=region), [], lang, ALMATY)
        assert name in text and "region." not in text
        # The menu's short label; Russian menus and cards name a region in full, with «область»
        # ("Карагандинская область", "область Абай"); the cities and "abroad" stay short there.
        cities = ("astana", "almaty_city", "shymkent", "abroad")
        official_in_menu = ("almaty_region",) + (tuple(set(REGIONS) - set(cities)) if lang == "ru" else ())
        assert name != t.text(f"region.{region}") or region in official_in_menu
        if lang == "ru" and region not in cities:
            assert "область" in t.text(f"region.{region}")


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("target", COMPLAINT_TARGETS)
def test_the_election_law_is_cited_in_full_once(lang, target):
    text = flat(complaint_text(make_report(escalated_to=target, subcategory="vote_buying", category="pressure"),
                               make_records(), lang, ALMATY))
    assert text.count(ELECTION_LAW[lang]) == 1
    assert text.count(LAW_TITLE[lang]) == 1  # never cited in full a second time
    defined_at = text.find(ELECTION_LAW[lang])
    shorts = [match.start() for match in re.finditer(re.escape(LAW_SHORT[lang]), text.replace(ELECTION_LAW[lang], ""))]
    assert all(at >= defined_at for at in shorts)  # the short name only after it is defined


@pytest.mark.parametrize(("target", "category", "basis"), [
    # a commission's action appealed (art. 20 cl. 9)
    ("commission", "stuffing", "Жалоба подаётся в порядке, предусмотренном пунктом 9 статьи 20 Закона о выборах."),
    # a campaign's: not art. 20 cl. 9, and the basis a marked blank
    ("commission", "vote_buying", "Обращение подаётся в избирательную комиссию в порядке, предусмотренном "
                                  "[статья Закона о выборах: уточнить]."),
    ("court", "counting", "Жалоба подаётся в порядке, предусмотренном пунктом 9 статьи 20 и статьёй 49 Закона о выборах."),
    ("court", "coercion_work", "Жалоба подаётся в соответствии со статьёй 49 Закона о выборах."),
    ("prosecutor", "vote_buying", "Заявление подаётся в соответствии со статьёй 49 Закона о выборах"),
    ("police", "stuffing", None), ("media", "stuffing", None),
])
def test_the_election_law_procedure_fits_the_target_and_the_actor(target, category, basis):
    report = make_report(escalated_to=target, category=CATEGORIES[category], subcategory=category)
    grounds = flat(section(complaint_text(report, [], "ru", ALMATY), 4))
    if basis:
        assert basis in grounds
    else:
        assert "подаётся" not in grounds and "статьи 20" not in grounds
    # A court's draft names its procedure and its court, both blanks for a lawyer.
    assert ("[процессуальный кодекс и вид производства: уточнить]" in grounds) == (target == "court")


@pytest.mark.parametrize(("lang", "body", "date_line"), [
    ("ru", "Избирательная комиссия: участковая избирательная комиссия № 1234 (Карагандинская область)",
     "Дата решения или действия: 17 марта 2024 г., 13:50"),
    ("kk", "Сайлау комиссиясы: № 1234 учаскелік сайлау комиссиясы (Қарағанды облысы)",
     "Шешім қабылданған немесе әрекет жасалған күн: 2024 жылғы 17 наурыз, 13:50"),
])
def test_the_respondent_block(lang, body, date_line):
    for target in COMPLAINT_TARGETS:
        text = complaint_text(make_report(escalated_to=target), [], lang, ALMATY)
        block = section(text, 1)
        assert body in block and date_line in block
        assert text.index(block) < text.index(section(text, 2))

    # Whose action: the commission's members at the station; someone else for vote buying.
    t = Translator(lang)
    station = section(complaint_text(make_report(), [], lang, ALMATY), 1)
    buying = section(complaint_text(make_report(category="pressure", subcategory="vote_buying"), [], lang, ALMATY), 1)
    assert flat(t.text("complaint.respondent_actor.commission_member")) in flat(station)
    assert flat(t.text("complaint.respondent_actor.campaign")) in flat(buying)
    assert "1234" in station and "1234" not in buying  # campaign staff, not the commission
    assert t.text("complaint.respondent_address") in station and t.text("complaint.respondent_address") in buying


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_respondent_is_a_blank_when_the_precinct_is_not_known(lang):
    text = complaint_text(make_report(precinct=None, precinct_kind="unknown"), [], lang, ALMATY)
    block = section(text, 1)
    assert "№ ______" in block and "1234" not in text
    assert REGION_NAMES["karaganda"][lang == "kk"] in block


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_media_letter_does_not_give_the_source_away(lang):
    t = Translator(lang)
    media = complaint_text(make_report(escalated_to="media"), make_records(), lang, ALMATY)
    for secret in ("Школа № 12", "Ленина", "49.806406", "73.085485", "IMG_0042.jpg",
                   t.text("complaint.source.observer_accredited")):
        assert secret not in media
    assert t.text("complaint.coordinates", latitude="", longitude="").split(":")[0] not in media
    assert t.text("complaint.source_withheld") in media
    assert "1234" in media and REGION_NAMES["karaganda"][lang == "kk"] in media  # region and precinct stay
    for target in set(COMPLAINT_TARGETS) - {"media"}:
        other = complaint_text(make_report(escalated_to=target), make_records(), lang, ALMATY)
        assert "Школа № 12" in other and "49.806406" in other


def test_a_translation_is_asked_for_when_the_description_is_in_another_language():
    kazakh_in_ru = complaint_text(make_report(description=KAZAKH_DESCRIPTION), [], "ru", ALMATY)
    assert f"{KAZAKH_DESCRIPTION}\n[Перевод на русский язык с казахского языка: ____" in kazakh_in_ru
    russian_in_ru = complaint_text(make_report(), [], "ru", ALMATY)
    assert "[Перевод" not in russian_in_ru

    russian_in_kk = complaint_text(make_report(), [], "kk", ALMATY)
    assert f"{DESCRIPTION}\n[Орыс тілінен қазақ тіліне аудармасы: ____" in russian_in_kk
    kazakh_in_kk = complaint_text(make_report(description=KAZAKH_DESCRIPTION), [], "kk", ALMATY)
    assert "аудармасы" not in kazakh_in_kk


@pytest.mark.parametrize(("description", "language"), [
    (KAZAKH_DESCRIPTION, "kk"),
    (DESCRIPTION, "ru"),
    ("На участке в Қарағанды и в Өскемен выдавали бюллетени без документов, я это снял.", "ru"),
    ("The commission refused to give me a copy of the protocol.", "en"),
    ("Ок", None),                                   # too short to tell
    ("Вброс", None),
    ("Видел карусель voting возле школы number five", None),  # mixed scripts
])
def test_the_language_of_a_description(description, language):
    assert description_language(description) == language


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_attachment_names_the_carrier_and_the_manifest(lang):
    text = flat(complaint_text(make_report(), make_records(), lang, ALMATY))
    attachment = text[text.index(Translator(lang).text("complaint.attachments")):]
    assert "USB" in attachment and "CD/DVD" in attachment and attachment.count("☐") == 2
    assert MANIFEST_NAME in attachment and "SHA-256" in attachment
    # Two files listed; the one over 20 MB was never downloaded, so one is on the carrier.
    assert ("1 файл-доказательство" if lang == "ru" else "1 дәлел файлы") in attachment

    # The name is the one /bundle writes.
    bundle = evidence_bundle(make_report(), make_records(), lambda path: b"", exported_at="2024-03-18T10:00:00+00:00")
    assert MANIFEST_NAME in zipfile.ZipFile(io.BytesIO(bundle)).namelist()


def test_targets_have_distinct_addressees():
    for lang in ("ru", "kk"):
        firsts = {complaint_text(make_report(escalated_to=target), [], lang, ALMATY).splitlines()[0]
                  for target in COMPLAINT_TARGETS}
        assert len(firsts) == len(COMPLAINT_TARGETS)


def test_a_report_without_target_gets_the_internal_memo():
    memo = complaint_text(make_report(escalated_to=MEMO_TARGET), [], "ru", ALMATY)
    assert complaint_text(make_report(escalated_to=None), [], "ru", ALMATY) == memo
    assert "СЛУЖЕБНАЯ ЗАПИСКА" in memo


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_precinct_date_only_no_evidence_and_the_article_a_blank(lang):
    t = Translator(lang)
    report = make_report(precinct=None, place=None, latitude=None, longitude=None,
                         occurred_at="2024-03-10", category="observers", subcategory="observer_denied", region="abroad",
                         escalated_to="commission")
    text = complaint_text(report, [], lang, ALMATY)
    assert t.text("complaint.precinct_none") in text
    assert t.text("complaint.evidence_none") in text
    assert ("10 марта 2024 г." if lang == "ru" else "2024 жылғы 10 наурыз") in text
    assert "🌍" not in text and t.text("complaint.region.abroad") in text
    assert MANIFEST_NAME not in text  # nothing to attach
    # Observers' rights: the Code holds an article (the assessment), its number not named: a blank.
    assert t.text("complaint.cite.admin_code", article=BLANK[lang]) in text


@pytest.mark.parametrize(("category", "present", "absent"), [
    ("stuffing", [CRIMINAL["ru"]], ["статьи 108", "статьёй 108"]),
    ("issuance", [ADMIN_ARTICLE["ru"].format(110)], ["108"]),
    ("vote_buying", [ADMIN_ARTICLE["ru"].format(122), "Нарушены требования пункта 9 статьи 27 Закона о выборах."],
     ["108", "110"]),
    ("counting", ["Нарушены требования статьи 43 Закона о выборах.", CRIMINAL["ru"]], ["108", "122"]),
    ("other", ["Нарушены требования [статья: уточнить] Закона о выборах."], ["Кодекса", "кодекса"]),
])
def test_articles_by_category(category, present, absent):
    text = flat(complaint_text(make_report(category=CATEGORIES[category], subcategory=category), [], "ru", ALMATY))
    assert all(part in text for part in present), category
    assert not any(part in text for part in absent), category


def test_source_of_the_information():
    t = Translator("ru")
    accredited = complaint_text(make_report(), [], "ru", ALMATY)
    voter = complaint_text(make_report(reporter_role="voter", accredited=False), [], "ru", ALMATY)
    assert t.text("complaint.source.observer_accredited") in accredited
    assert t.text("complaint.source.voter") in voter


def test_hash_missing_without_too_big_is_said_so():
    record = make_records()[0].model_copy(update={"sha256": None, "size": None})
    text = complaint_text(make_report(), [record], "kk", ALMATY)
    t = Translator("kk")
    assert t.text("complaint.evidence_no_hash") in text
    assert t.text("complaint.size_unknown") in text
