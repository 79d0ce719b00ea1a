"""A complaint about an escalated report, in Russian or Kazakh, for a lawyer to file: built once
as a list of blocks (heading, title, sections, numbered requests, attachments, signature) and
written as a Word document (services.complaint_docx) or as plain text (tests, search).

Nothing is HTML-escaped, the reporter's description is quoted verbatim, and every word of the
document itself comes from the catalogs (``complaint.*`` in documents.po). The law comes from
the legal table (domain.legal): the Election Law article breached, the Code's article and part,
who is responsible (the respondent), the procedure and the requests for the addressee; where
the table knows no number, the draft holds a marked blank («[статья: уточнить]»), never a guess.

One document per escalation target. Five are filed with an outside body (commission,
prosecutor, court, police, media); the sixth, ``legal``, is the internal memo for the
organization's lawyers. Only the memo carries the deadlines: told to the addressee, a lapsed
deadline is a ground to refuse, handed to them by the applicant. Every later draft lists the
filings before it ("previously filed with …, answered … / no answer").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

from babel.dates import format_date

from services.evidence_labels import numbered
from services.i18n import Translator, known_keys
from domain import legal
from domain.rules import DEFAULT_ESCALATION_TARGET
from storage.models import EvidenceRecord, Report
from storage.moderation import EscalationStep

MEMO_TARGET = "legal"  # the internal memo: the one text that is never filed
# The hash list that /bundle writes into its ZIP (services/exports.py, evidence_bundle):
# the attachment line names it so the addressee knows which file to check the hashes against.
MANIFEST_NAME = "manifest.json"
# What each addressee is sent: a complaint (an appeal of a commission's decision or action), an
# application (the prosecutor is asked for a check, the police to register and check), a letter,
# or the memo: it names the applicant (kk «Шағым беруші» in a ШАҒЫМ, «Өтініш беруші» in an ӨТІНІШ).
DOCUMENT_KIND = {"commission": "complaint", "court": "complaint", "prosecutor": "application",
                 "police": "application", "media": "letter", "legal": "memo"}
# Bodies a complaint is filed with: the memo is no filing and is never "previously filed".
FILED_WITH = ("commission", "prosecutor", "court", "police", "media")

Block = tuple[str, str]  # (kind, text); kinds: heading, title, subtitle, section, para, quote, hash, request,
#                           attachment, signature


@dataclass(frozen=True)
class Document:
    """The blocks of a draft, in order; the renderers lay them out."""
    lang: str
    blocks: list[Block]

    def text(self) -> str:
        """Plain text: a paragraph per line, requests and attachments numbered (never hard-wrapped)."""
        out: list[str] = []
        numbers = {"request": 0, "attachment": 0}
        for kind, text in self.blocks:
            if kind in numbers:
                numbers[kind] += 1
                text = f"{numbers[kind]}) {text}"
            elif kind == "section":
                numbers["request"] = numbers["attachment"] = 0
                out.append("")
            out.append(text)
        return "\n".join(out) + "\n"


def _label(text: str) -> str:
    """A catalog label without the emoji some menu labels start with (🌍 За рубежом)."""
    start = 0
    while start < len(text) and not unicodedata.category(text[start]).startswith(("L", "N")):
        start += 1
    return text[start:] or text


def _first_known(t: Translator, *keys: str) -> str:
    """The first of ``keys`` the catalogs have (so no raw key is ever printed); the last otherwise."""
    keys_of_language = known_keys(t.lang)
    return next((key for key in keys if key in keys_of_language), keys[-1])


def _moment(text: str) -> datetime:
    """An ISO timestamp as stored; a naive one is UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def long_date(t: Translator, day: date) -> str:
    """``1 декабря 2026 г.``, ``2026 жылғы 1 желтоқсан``, ``1 December 2026``: the pattern is in
    the catalog, because Babel's kk "long" format gives ``2026 ж. 1 желтоқсан``."""
    return format_date(day, t.text("complaint.date_pattern"), locale=t.locale)


def long_datetime(t: Translator, moment: datetime, tz: tzinfo) -> str:
    """``1 декабря 2026 г., 20:31`` in ``tz`` (minutes, no seconds: what a document states)."""
    local = moment.astimezone(tz)
    return t.text("complaint.date_time", date=long_date(t, local.date()), time=local.strftime("%H:%M"))


def _incident(t: Translator, occurred_at: str, tz: tzinfo) -> tuple[str, date | None]:
    """The incident's date (and time) as text, and its date in ``tz``."""
    try:
        if len(occurred_at) == 10:
            day = date.fromisoformat(occurred_at)
            return long_date(t, day), day
        moment = _moment(occurred_at)
        return long_datetime(t, moment, tz), moment.astimezone(tz).date()
    except ValueError:
        return occurred_at, None


def _offset(tz: tzinfo, at: datetime) -> str:
    """'+05:00' for Kazakhstan."""
    delta = at.astimezone(tz).utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# ---- the language a description is written in --------------------------------------------------

_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_WORDS = re.compile(r"[^\W\d_]{2,}")
_MIN_WORDS = 3          # fewer words: too short to tell, treated as the complaint's language
_DOMINANT = 0.7         # the share of words one script needs; below it the text is mixed
_KAZAKH_SHARE = 0.25    # Kazakh words nearly all hold a Kazakh letter; Russian ones only in names


def description_language(text: str) -> str | None:
    """"kk", "ru" or "en" by script, or None when the text is short or mixed (then no translation
    is asked for). Cyrillic words with Kazakh letters (ә ғ қ ң ө ұ ү һ і) in a quarter of them or
    more make Kazakh (a Russian text names a Kazakh place now and then, not every fourth word)."""
    words = _WORDS.findall(text)
    if len(words) < _MIN_WORDS:
        return None
    cyrillic = [word for word in words if all("\u0400" <= char <= "\u04ff" for char in word)]
    latin = [word for word in words if word.isascii()]
    if len(cyrillic) >= _DOMINANT * len(words):
        kazakh = sum(1 for word in cyrillic if _KAZAKH_LETTERS.intersection(word))
        return "kk" if kazakh >= _KAZAKH_SHARE * len(cyrillic) else "ru"
    if len(latin) >= _DOMINANT * len(words):
        return "en"
    return None


# ---- the parts of the document ------------------------------------------------------------------


def _evidence(t: Translator, number: int, name: str, record: EvidenceRecord, tz: tzinfo, *,
              memo: bool) -> list[Block]:
    size = str(t.plural("complaint.bytes", record.size)) if record.size is not None \
        else t.text("complaint.size_unknown")
    blocks = [("para", t.text("complaint.evidence_item", number=number, kind=t.text(f"complaint.kind.{record.kind}"),
                              size=size, received=long_datetime(t, _moment(record.received_at), tz)))]
    # The neutral name /bundle gives the file (never the sender's): the addressee finds it on the carrier.
    blocks.append(("hash", t.text("complaint.evidence_name", name=name)))
    if record.sha256:
        blocks.append(("hash", t.text("complaint.evidence_sha256", sha256=record.sha256)))
    elif record.too_big:
        blocks.append(("para", t.text("complaint.evidence_too_big")))
        if memo:
            blocks.append(("para", t.text("complaint.evidence_too_big_memo")))
    else:
        blocks.append(("para", t.text("complaint.evidence_no_hash")))
    return blocks


def _kind(t: Translator, report: Report) -> str:
    """The exact kind of violation in a complaint's words (``complaint.violation.<code>``, not the
    menu's labels ``category.*``/``group.*``): the category's, else its group's (a report with no
    subcategory), else "other violation"; never a raw key."""
    keys = [f"complaint.violation.{report.subcategory}"] if report.subcategory else []
    keys += [f"complaint.violation.{report.category}", "complaint.violation.other"]
    return t.text(_first_known(t, *keys))


def region_name(t: Translator, region: str) -> str:
    """The official name of a region or city (``Карагандинская область``, ``Астана қаласы``)."""
    key = _first_known(t, f"complaint.region.{region}", f"region.{region}")
    return _label(t.text(key)) if key in known_keys(t.lang) else region


def _lines(kind: str, text: str) -> list[Block]:
    """A catalog text of several lines as blocks of one kind (a heading, a blank with its hint)."""
    return [(kind, line) for line in text.split("\n")]


def _respondent(t: Translator, report: Report, target: str, item: legal.Entry, when: str) -> list[Block]:
    """Who is responsible, as the legal table says: the commission (whose decision or action is
    appealed), its members, a campaign, an employer or an official; their address and the date.
    What the bot does not know is a marked blank."""
    if target in ("commission", "court") and item.commission_act:
        heading = t.text(f"complaint.respondent.{target}")
    elif target in ("media", "legal"):
        heading = t.text(f"complaint.respondent.{target}")
    else:  # the prosecutor, the police, or a commission or court told of someone who is no commission
        heading = t.text("complaint.respondent.persons")
    blocks: list[Block] = [("section", heading)]
    if item.commission_act:
        region = region_name(t, report.region)
        if report.precinct:
            body = t.text("complaint.respondent_commission", number=report.precinct, region=region)
        else:
            body = t.text("complaint.respondent_commission_blank", region=region)
        blocks += _lines("para", body)
    blocks += _lines("para", t.text(f"complaint.respondent_actor.{item.responsible}"))
    blocks.append(("para", t.text("complaint.respondent_address")))
    blocks.append(("para", t.text("complaint.respondent_date", value=when)))
    return blocks


def _precinct_line(t: Translator, report: Report) -> str:
    if report.precinct:
        return t.text("complaint.precinct", number=report.precinct)
    kind = {"none": "complaint.precinct_away", "unknown": "complaint.precinct_unknown"}
    return t.text(kind.get(report.precinct_kind or "", "complaint.precinct_none"))


def _article(t: Translator, cite: legal.Cite) -> str:
    """An article with its part or clause, in the document's grammar; a marked blank for what
    the legal table does not know."""
    if cite.article is None:
        return t.text("complaint.art.blank")
    if cite.code == "election_law":
        key = "complaint.art.clause" if cite.part else "complaint.art.article"
    else:
        key = "complaint.art.part" if cite.part else "complaint.art.part_blank"
    return t.text(key, number=cite.article, part=cite.part or "", clause=cite.part or "")


def _grounds(t: Translator, target: str, item: legal.Entry) -> list[Block]:
    """The law: the Election Law (in full), the article breached, the offence, and the procedure
    the addressee takes it under."""
    blocks: list[Block] = [("para", t.text("complaint.election_law"))]
    for cite in item.cites:
        if target == "media" and cite.code != "election_law":
            continue  # an editor is told what rule was broken, not accused of anyone's offence
        blocks.append(("para", t.text(f"complaint.cite.{cite.code}", article=_article(t, cite))))
    if target == "commission":
        blocks.append(("para", t.text("complaint.basis.art20" if item.commission_act else "complaint.basis.commission_other")))
    elif target == "court":
        blocks.append(("para", t.text("complaint.basis.art20_49" if item.commission_act else "complaint.basis.art49")))
        blocks.append(("para", t.text("complaint.basis.court_procedure")))
    elif target == "prosecutor":
        blocks.append(("para", t.text("complaint.basis.prosecutor")))
    return blocks


def _step_day(t: Translator, text: str | None) -> str:
    try:
        return long_date(t, date.fromisoformat(text)) if text else t.text("complaint.previous.date_blank")
    except ValueError:
        return text or t.text("complaint.previous.date_blank")


def _previous(t: Translator, steps: list[EscalationStep]) -> list[Block]:
    """The filings before this one, each with its body, number, date and answer."""
    earlier = [step for step in steps if step.target in FILED_WITH]
    if not earlier:
        return [("para", t.text("complaint.previous.none"))]
    blocks: list[Block] = []
    for number, step in enumerate(earlier, start=1):
        if step.answer_kind:
            answer = t.text(f"complaint.previous.answer_{step.answer_kind}", date=_step_day(t, step.answer_date))
        else:
            answer = t.text("complaint.previous.answer_none")
        blocks.append(("para", t.text("complaint.previous.item", number=number,
                                      body=t.text(f"complaint.body.{step.target}"),
                                      ref=step.external_ref or t.text("complaint.previous.ref_blank"),
                                      date=_step_day(t, step.external_date), answer=answer)))
    return blocks


def _before_this(steps: list[EscalationStep], target: str) -> list[EscalationStep]:
    """The chain before the filing this draft is for: all steps but the last one to ``target``
    (the current step), or all when the draft is for a body not yet in the chain."""
    for index in range(len(steps) - 1, -1, -1):
        if steps[index].target == target:
            return steps[:index]
    return list(steps)


def build(report: Report, records: list[EvidenceRecord], lang: str, tz: tzinfo,
          steps: list[EscalationStep] | None = None) -> Document:
    """The draft for report.escalated_to in ``lang`` ("ru" or "kk"; "en" works too, anything
    else falls back to the bot's default language):

    heading (addressee; applicant with ИИН and standing), title, subject; 1. respondent (the
    legal table's), 2. facts, 3. place and time, 4. legal grounds (Election Law article, Code
    article and part or a marked blank, the procedure), 5. evidence with SHA-256, 6. earlier
    filings and their answers, 7. numbered requests for this addressee; attachments (the
    carrier, each file's hash, accreditation, earlier complaints and answers, copies for the
    other party); signature. The media letter leaves out the exact place, the coordinates and
    who the source is: the reporter is protected first.
    """
    t = Translator(lang, tz)
    target = report.escalated_to or DEFAULT_ESCALATION_TARGET
    memo = target == MEMO_TARGET
    media = target == "media"
    item = legal.entry(report.category, report.subcategory)
    applicant = t.text(f"complaint.applicant.{DOCUMENT_KIND.get(target, 'memo')}")
    submitted = _moment(report.submitted_at)
    when, day = _incident(t, report.occurred_at, tz)
    earlier = _before_this(list(steps or []), target)

    blocks: list[Block] = [*_lines("heading", t.text(f"complaint.header.{target}")), ("heading", "")]
    blocks += _lines("heading", t.text("complaint.from", applicant=applicant))
    if not memo:
        standing = "observer_accredited" if report.reporter_role == "observer" and report.accredited else "other"
        blocks += _lines("heading", t.text(f"complaint.standing.{standing}"))
    blocks += [*_lines("title", t.text(f"complaint.title.{target}")),
               *_lines("subtitle", t.text("complaint.subject", reference=report.reference))]
    blocks += _respondent(t, report, target, item, when)

    blocks += [("section", t.text("complaint.facts")),
               ("para", t.text("complaint.category", category=_kind(t, report)))]
    if media:
        blocks.append(("para", t.text("complaint.source_withheld")))
    else:
        role = report.reporter_role
        if role == "observer" and report.accredited:
            role = "observer_accredited"
        blocks.append(("para", t.text(f"complaint.source.{role}")))
    # The description is quoted exactly as the reporter wrote it: no wrapping, no escaping.
    blocks += [("para", t.text("complaint.description")), ("quote", report.description)]
    written_in = description_language(report.description)
    if written_in and written_in != t.lang:
        blocks.append(("para", t.text("complaint.translation", source=t.text(f"complaint.from_language.{written_in}"))))

    blocks += [("section", t.text("complaint.place_time")),
               ("para", t.text("complaint.region", region=region_name(t, report.region))),
               ("para", _precinct_line(t, report))]
    if report.place and not media:
        blocks.append(("para", t.text("complaint.place", place=report.place)))
    if report.latitude is not None and report.longitude is not None and not media:
        blocks.append(("para", t.text("complaint.coordinates", latitude=f"{report.latitude:.6f}",
                                      longitude=f"{report.longitude:.6f}")))
    blocks += [("para", t.text("complaint.when", value=when)),
               ("para", t.text("complaint.submitted", value=long_datetime(t, submitted, tz))),
               ("para", t.text("complaint.timezone", offset=_offset(tz, submitted)))]

    blocks.append(("section", t.text("complaint.law_memo" if memo else "complaint.law")))
    blocks += _grounds(t, target, item)
    if memo:
        blocks += _memo_lines(t, item, day)

    blocks.append(("section", t.text("complaint.evidence")))
    files = numbered(report.reference, records)
    if records:
        for number, (name, record) in enumerate(files, start=1):
            blocks += _evidence(t, number, name, record, tz, memo=memo)
        blocks.append(("para", t.text("complaint.evidence_note")))
    else:
        blocks.append(("para", t.text("complaint.evidence_none")))

    blocks.append(("section", t.text("complaint.previous")))
    blocks += _previous(t, earlier)

    blocks.append(("section", t.text("complaint.request")))
    precinct = report.precinct or t.text("complaint.precinct_blank")
    asked = [t.text(f"complaint.ask.{request}", precinct=precinct) for request in legal.requests(item, target)]
    # One sentence: each request but the last ends with ";", the last with ".".
    blocks += [("request", text + (";" if number < len(asked) else "."))
               for number, text in enumerate(asked, start=1)]

    blocks.append(("section", t.text("complaint.attachments")))
    if records:
        # A file too big for the bot to download is listed above but cannot be on the carrier.
        on_carrier = sum(1 for record in records if not record.too_big)
        blocks.append(("attachment", t.text("complaint.attachment", files=str(t.plural("complaint.files", on_carrier)),
                                            manifest=MANIFEST_NAME)))
        blocks += [("attachment", t.text("complaint.attach.file", name=name, sha256=record.sha256))
                   for name, record in files if record.sha256]
    if not memo and report.reporter_role == "observer" and report.accredited:
        blocks.append(("attachment", t.text("complaint.attach.accreditation")))
    if any(step.target in FILED_WITH for step in earlier):
        blocks.append(("attachment", t.text("complaint.attach.previous")))
    if target in ("court", "commission"):
        blocks.append(("attachment", t.text("complaint.attach.copies")))
    if not any(kind == "attachment" for kind, _ in blocks):
        blocks.append(("para", t.text("complaint.attach.none")))
    blocks += [("signature", ""), *_lines("signature", t.text("complaint.signature", applicant=applicant))]
    return Document(t.lang, blocks)


def _memo_lines(t: Translator, item: legal.Entry, day: date | None) -> list[Block]:
    """For the organization's lawyers: who is responsible, where it makes sense to file, and the
    deadlines (the 10-day appeal only for a commission's decision or action)."""
    bodies = ", ".join(t.text(f"complaint.body.{target}") for target in item.addressees if target in FILED_WITH)
    blocks: list[Block] = [
        ("para", t.text("complaint.memo.responsible", who=t.text(f"complaint.responsible.{item.responsible}"))),
        ("para", t.text("complaint.memo.addressees", bodies=bodies)),
    ]
    if item.commission_act:
        blocks.append(("para", t.text("complaint.deadline")))
        if day:
            blocks.append(("para", t.text("complaint.deadline_date",
                                          deadline=long_date(t, legal.appeal_deadline(day)))))
    else:
        blocks.append(("para", t.text("complaint.memo.no_appeal_window")))
    blocks += [("para", t.text("complaint.examination")), ("para", t.text("complaint.memo_note"))]
    return blocks


def complaint_text(report: Report, records: list[EvidenceRecord], lang: str, tz: tzinfo,
                   steps: list[EscalationStep] | None = None) -> str:
    """The draft as plain text (a paragraph per line): what the DOCX holds, for tests and search."""
    return build(report, records, lang, tz, steps).text()
