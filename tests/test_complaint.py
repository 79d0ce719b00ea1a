"""The complaint text: plain text in ru or kk, addressed by target, with the facts quoted verbatim,
the deadline note, every piece of evidence with its hash, and blanks for the applicant."""

from __future__ import annotations

import re
from datetime import date, timedelta, timezone

import pytest

from bot.services.complaint import WIDTH, complaint_text
from domain.rules import CATEGORIES, ESCALATION_TARGETS as COMPLAINT_TARGETS
from bot.services.i18n import Translator
from storage.models import EvidenceRecord, Report

ALMATY = timezone(timedelta(hours=5))
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
DESCRIPTION = ("Член УИК выдал мне <b>три</b> бюллетеня & сказал: «{reference} — это пароль».\n"
               "Видел, как их бросали в урну пачкой.")
PHOTO_SHA = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"

# Written out here, independently of the catalogs: what a lawyer expects to read.
ADDRESSEE = {
    ("ru", "court"): "В ______________________________ суд",
    ("ru", "prosecutor"): "В прокуратуру",
    ("kk", "court"): "______________________________ сотына",
    ("kk", "prosecutor"): "______________________________ прокуратурасына",
}
TEN_DAYS = {"ru": ("в течение 10 дней", "ст. 20 п. 9"), "kk": ("10 күн ішінде", "20-бап 9-тармақ")}
FIVE_DAYS = {"ru": ("в течение 5 дней", "ст. 49"), "kk": ("5 күн ішінде", "49-бабы")}


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


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("target", ["court", "prosecutor"])
def test_complaint_holds_the_facts_the_evidence_and_the_deadline(lang, target):
    t = Translator(lang)
    text = complaint_text(make_report(escalated_to=target), make_records(), lang, ALMATY)

    assert "KZ-000042" in text
    assert DESCRIPTION in text  # verbatim: no escaping, no wrapping, no formatting of its braces
    assert "<b>три</b>" in text and "&amp;" not in text and "&lt;" not in text
    assert PHOTO_SHA in text
    assert "1234" in text
    assert t.text("region.karaganda") in text
    assert t.text("category.stuffing") in text
    assert "Школа № 12, ул. Ленина 5" in text

    # Addressee first, the right one for the target.
    assert text.splitlines()[0] == ADDRESSEE[lang, target]
    assert flat(t.text(f"complaint.request.{target}")) in flat(text)

    # Deadlines: 10 days to appeal (art. 20 cl. 9), last day counted from the incident; 5 days (art. 49).
    for phrase in TEN_DAYS[lang] + FIVE_DAYS[lang]:
        assert phrase in flat(text)
    assert t.date(date(2024, 3, 27)) in text

    # Evidence: kind, size, receipt time in the given zone (09:10 UTC is 14:10 in Almaty).
    assert t.text("complaint.kind.photo") in text and t.text("complaint.kind.video") in text
    assert str(t.plural("complaint.bytes", 2_345_678)) in text
    assert "14:10" in text
    assert "IMG_0042.jpg" in text
    assert flat(t.text("complaint.evidence_too_big")) in flat(text)
    assert "20 МБ" in text

    # Blanks for the applicant, and a signature line.
    assert "____" in text.rstrip().splitlines()[-1]
    assert t.text("complaint.signature").splitlines()[0] in text

    if lang == "kk":
        assert len(KAZAKH_LETTERS.findall(text.replace(DESCRIPTION, ""))) > 50
        assert "ШАҒЫМ" in text
    else:
        assert "ЖАЛОБА" in text
        assert "УИК № 1234" in text
        assert "статьёй 108" in text  # stuffing: one voter, one vote, one ballot


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
@pytest.mark.parametrize("target", COMPLAINT_TARGETS)
def test_every_target_renders_completely(lang, target):
    text = complaint_text(make_report(escalated_to=target), make_records(), lang, ALMATY)
    rest = text.replace(DESCRIPTION, "")
    assert "{" not in rest and "}" not in rest
    assert "complaint." not in rest  # no message id printed in place of a missing message
    assert flat(Translator(lang).text(f"complaint.header.{target}")) in flat(text)
    assert all(len(line) <= WIDTH for line in rest.splitlines())


def test_targets_have_distinct_addressees():
    for lang in ("ru", "kk"):
        firsts = {complaint_text(make_report(escalated_to=target), [], lang, ALMATY).splitlines()[0]
                  for target in COMPLAINT_TARGETS}
        assert len(firsts) == len(COMPLAINT_TARGETS)


def test_a_report_without_target_gets_the_internal_memo():
    memo = complaint_text(make_report(escalated_to="legal"), [], "ru", ALMATY)
    assert complaint_text(make_report(escalated_to=None), [], "ru", ALMATY) == memo
    assert "СЛУЖЕБНАЯ ЗАПИСКА" in memo


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_precinct_date_only_no_evidence_no_article(lang):
    t = Translator(lang)
    report = make_report(precinct=None, place=None, latitude=None, longitude=None,
                         occurred_at="2024-03-10", category="observers", subcategory="observer_denied", region="abroad",
                         escalated_to="commission")
    text = complaint_text(report, [], lang, ALMATY)
    assert t.text("complaint.precinct_none") in text
    assert t.text("complaint.evidence_none") in text
    assert t.date(date(2024, 3, 10)) in text
    assert t.date(date(2024, 3, 20)) in text  # the last day to appeal
    assert "🌍" not in text and t.text("region.abroad").lstrip("🌍 ") in text
    assert t.text("complaint.attachment", count=0) not in text
    for article in ("art108", "art110", "art122"):
        assert flat(t.text(f"complaint.law.{article}")) not in flat(text)


@pytest.mark.parametrize(("category", "article"), [
    ("stuffing", "art108"), ("issuance", "art110"), ("vote_buying", "art122"),
    ("campaign_silence", "art122"), ("counting", None), ("other", None),
])
def test_administrative_code_article_by_category(category, article):
    t = Translator("ru")
    text = flat(complaint_text(make_report(category=CATEGORIES[category], subcategory=category), [], "ru", ALMATY))
    for candidate in ("art108", "art110", "art122"):
        assert (flat(t.text(f"complaint.law.{candidate}")) in text) == (candidate == article)


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
