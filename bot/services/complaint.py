"""The text of a complaint about an escalated report, in Russian or Kazakh, for a lawyer to file.

Plain text for a .txt file: nothing is HTML-escaped, the reporter's description is quoted
verbatim, and every word of the document itself comes from the catalogs (``complaint.*`` in
``locales/<lang>/LC_MESSAGES/documents.po``).

One document per escalation target. Five are filed with an outside body (commission,
prosecutor, court, police, media); the sixth, ``legal``, is the internal memo for the
organization's lawyers. Only the memo carries the deadlines (10 days to appeal, the last day,
5 days to examine): told to the addressee, a lapsed deadline is a ground to refuse, handed to
them by the applicant. What the bot does not know (the applicant, who in the commission acted,
which court) is a blank to fill in by hand, never a guess.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo

from babel.dates import format_date

from bot.services.evidence_labels import numbered
from bot.services.i18n import Translator, known_keys
from domain.rules import APPEAL_DAYS, CATEGORIES, DEFAULT_ESCALATION_TARGET, LAW_ARTICLES
from storage.models import EvidenceRecord, Report

WIDTH = 100
INDENT = "   "

MEMO_TARGET = "legal"  # the internal memo: the one text that is never filed
# The hash list that /bundle writes into its ZIP (bot/services/exports.py, evidence_bundle):
# the attachment line names it so the addressee knows which file to check the hashes against.
MANIFEST_NAME = "manifest.json"
# The Election Law's own procedure a complaint is filed under, by target and by who acted: art. 20
# cl. 9 is the appeal of a commission's decision or action (to a higher commission or a court);
# art. 49 obliges courts and prosecutors to take complaints of any breach of the Election Law.
# A commission is not asked to judge a campaign or an employer under art. 20 cl. 9, and the
# police and the media have no such article: no line for them.
_BASIS: dict[tuple[str, bool], str] = {
    ("commission", True): "complaint.basis.art20",
    ("court", True): "complaint.basis.art20_49",
    ("court", False): "complaint.basis.art49",
    ("prosecutor", True): "complaint.basis.art49",
    ("prosecutor", False): "complaint.basis.art49",
}

# Who acts in a category's violation, by the category's group: members of the commission (at the
# station, at the count, against observers), or someone else (an employer, a university, a
# candidate's campaign, an official). Anything else: a blank line for the lawyer.
_ACTOR_BY_GROUP = {
    "station": "commission", "count": "commission", "observers": "commission",
    "pressure": "third_party", "campaign": "third_party",
}


def _wrap(text: str, indent: str = "") -> str:
    """Catalog text wrapped to WIDTH, line by line (a message's own line breaks are kept)."""
    return "\n".join(
        textwrap.fill(line, WIDTH, initial_indent=indent, subsequent_indent=indent,
                      break_long_words=False, break_on_hyphens=False) if line.strip() else ""
        for line in text.split("\n")
    )


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
              memo: bool) -> list[str]:
    size = str(t.plural("complaint.bytes", record.size)) if record.size is not None \
        else t.text("complaint.size_unknown")
    lines = [_wrap(t.text("complaint.evidence_item", number=number, kind=t.text(f"complaint.kind.{record.kind}"),
                          size=size, received=long_datetime(t, _moment(record.received_at), tz)))]
    # The neutral name /bundle gives the file (never the sender's): the addressee finds it on the carrier.
    lines.append(INDENT + t.text("complaint.evidence_name", name=name))
    if record.sha256:
        lines.append(INDENT + t.text("complaint.evidence_sha256", sha256=record.sha256))
    elif record.too_big:
        lines.append(_wrap(t.text("complaint.evidence_too_big"), INDENT))
        if memo:
            lines.append(_wrap(t.text("complaint.evidence_too_big_memo"), INDENT))
    else:
        lines.append(INDENT + t.text("complaint.evidence_no_hash"))
    return lines


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


def _actor(report: Report) -> str:
    group = CATEGORIES.get(report.subcategory or "", report.category)
    return _ACTOR_BY_GROUP.get(group, "unknown")


def _respondent(t: Translator, report: Report, target: str, when: str) -> list[str]:
    """Which body, whose decision or action, and when: what the bot knows, blanks for the rest."""
    region = region_name(t, report.region)
    if report.precinct:
        body = t.text("complaint.respondent_commission", number=report.precinct, region=region)
    else:
        body = t.text("complaint.respondent_commission_blank", region=region)
    return [
        t.text(f"complaint.respondent.{target}"),
        _wrap(body),
        _wrap(t.text(f"complaint.respondent_actor.{_actor(report)}")),
        _wrap(t.text("complaint.respondent_date", value=when)),
    ]


def _precinct_line(t: Translator, report: Report) -> str:
    if report.precinct:
        return t.text("complaint.precinct", number=report.precinct)
    kind = {"none": "complaint.precinct_away", "unknown": "complaint.precinct_unknown"}
    return t.text(kind.get(report.precinct_kind or "", "complaint.precinct_none"))


def complaint_text(report: Report, records: list[EvidenceRecord], lang: str, tz: tzinfo) -> str:
    """Plain text (not HTML) of a complaint in ``lang`` ("ru" or "kk"), addressed according to
    report.escalated_to:

    1. the respondent: the election commission (precinct commission No. N of the region, or
       blanks), whose decision or action (a blank line to complete), and its date;
    2. the facts: the exact kind of violation (its formal name), the source, the description verbatim, and a line
       for a translation when it is written in another language than the complaint;
    3. place and time (official region name, precinct, place, coordinates, long dates in ``tz``);
    4. legal grounds: the Election Law cited in full (short after), the Administrative Code
       article of the category where domain.rules.LAW_ARTICLES has one, the Election Law's
       procedure for commission, court and prosecutor (_BASIS); deadlines only in the memo;
    5. the evidence with kind, size, SHA-256 and receipt time of each file;
    6. the request; the attachment (an electronic carrier with the files and MANIFEST_NAME);
       blanks for the applicant's name, signature and date.

    The media letter leaves out the exact place, the coordinates and who the source is: the
    reporter is protected first. Files are named as /bundle names them, never by their senders.
    A report with no known ``escalated_to`` gets the internal memo. ``lang`` "en" works too (the
    catalogs are complete), anything else falls back to the bot's default language.
    """
    t = Translator(lang, tz)
    target = report.escalated_to or DEFAULT_ESCALATION_TARGET
    memo = target == MEMO_TARGET
    # The media letter: region and precinct stay (the commission is a public body, and an editor
    # must be able to check the story with it; a precinct has hundreds or thousands of voters),
    # but the free-text place (it may name the reporter's workplace, school or home), the
    # coordinates (where the reporter stood) and the kind of source (an accredited observer at
    # one precinct is one of a handful of people) do not.
    media = target == "media"
    submitted = _moment(report.submitted_at)
    when, day = _incident(t, report.occurred_at, tz)

    out: list[str] = [
        _wrap(t.text(f"complaint.header.{target}")),
        "",
        _wrap(t.text("complaint.from")),
        "",
        t.text(f"complaint.title.{target}"),
        t.text("complaint.subject", reference=report.reference),
        "",
        *_respondent(t, report, target, when),
        "",
        t.text("complaint.facts"),
        _wrap(t.text("complaint.category", category=_kind(t, report))),
    ]
    if media:
        out.append(t.text("complaint.source_withheld"))
    else:
        role = report.reporter_role
        if role == "observer" and report.accredited:
            role = "observer_accredited"
        out.append(t.text(f"complaint.source.{role}"))
    # The description is quoted exactly as the reporter wrote it: no wrapping, no escaping.
    out += [t.text("complaint.description"), report.description]
    written_in = description_language(report.description)
    if written_in and written_in != t.lang:
        out.append(_wrap(t.text("complaint.translation", source=t.text(f"complaint.from_language.{written_in}"))))
    out.append("")

    out += [
        t.text("complaint.place_time"),
        _wrap(t.text("complaint.region", region=region_name(t, report.region))),
        _precinct_line(t, report),
    ]
    if report.place and not media:
        out.append(t.text("complaint.place", place=report.place))
    if report.latitude is not None and report.longitude is not None and not media:
        out.append(t.text("complaint.coordinates", latitude=f"{report.latitude:.6f}",
                          longitude=f"{report.longitude:.6f}"))
    out += [
        t.text("complaint.when", value=when),
        t.text("complaint.submitted", value=long_datetime(t, submitted, tz)),
        t.text("complaint.timezone", offset=_offset(tz, submitted)),
        "",
        t.text("complaint.law_memo" if memo else "complaint.law"),
        _wrap(t.text("complaint.election_law")),
    ]
    article = LAW_ARTICLES.get(report.subcategory or "")
    if article:
        out.append(_wrap(t.text(f"complaint.law.{article}")))
    basis = _BASIS.get((target, _actor(report) == "commission"))
    if basis:
        out.append(_wrap(t.text(basis)))
    if memo:
        out.append(_wrap(t.text("complaint.deadline")))
        if day:
            out.append(t.text("complaint.deadline_date", deadline=long_date(t, day + timedelta(days=APPEAL_DAYS))))
        out += [_wrap(t.text("complaint.examination")), _wrap(t.text("complaint.memo_note"))]
    out += ["", t.text("complaint.evidence")]
    if records:
        for number, (name, record) in enumerate(numbered(report.reference, records), start=1):
            out += _evidence(t, number, name, record, tz, memo=memo)
        out += ["", _wrap(t.text("complaint.evidence_note"))]
    else:
        out.append(t.text("complaint.evidence_none"))

    out += [
        "",
        t.text("complaint.request"),
        _wrap(t.text(f"complaint.request.{target}")),
        "",
    ]
    if records:
        # A file too big for the bot to download is listed above but cannot be on the carrier.
        on_carrier = sum(1 for record in records if not record.too_big)
        files = str(t.plural("complaint.files", on_carrier))
        out += [_wrap(t.text("complaint.attachment", files=files, manifest=MANIFEST_NAME)), ""]
    out.append(_wrap(t.text("complaint.signature")))
    return "\n".join(out) + "\n"
