"""The legal table, defined once: for each kind of violation who is usually responsible, which
articles may apply, which bodies it makes sense to file with and what to ask each of them; and
the deadlines the Election Law sets, by kind of violation and by addressee.

Every article here has its source in the comment beside it: the observers' assessment of the
2019 election (../shared/domain/election-assessment-2019.txt, "the assessment") or the domain
brief (../shared/domain/README.md). Where neither names an article, the entry holds ``None`` and
the draft prints a marked blank («[статья: уточнить]»); candidates we believe apply are listed
only in LEGAL.md, "to confirm", never in a draft. Every entry is for a lawyer to confirm on
adilet.zan.kz before a complaint is filed (LEGAL.md lists them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from domain.rules import CATEGORIES

# Who usually acts in a kind of violation: it decides the respondent of a draft.
Responsible = Literal["commission", "commission_member", "campaign", "employer", "official", "unknown"]
Code = Literal["election_law", "admin_code", "criminal_code"]


@dataclass(frozen=True)
class Cite:
    """An article that may apply. ``article`` None: the sources name none, the draft leaves a
    marked blank. ``part``/``clause`` None: a blank too (never a guessed part)."""
    code: Code
    article: int | None = None
    part: int | None = None  # a part of a Code's article, a clause (пункт) of the Election Law's
    source: str = "none"     # "assessment" or "domain_brief": where the number comes from


@dataclass(frozen=True)
class Entry:
    responsible: Responsible
    # The Election Law article breached, then the offence (Administrative or Criminal Code).
    cites: tuple[Cite, ...]
    # The bodies it makes sense to file with ("legal", the internal memo, always makes sense).
    addressees: tuple[str, ...]
    # What to ask each addressee (documents.po complaint.ask.<request>), in the order asked.
    requests: dict[str, tuple[str, ...]]

    @property
    def commission_act(self) -> bool:
        """A decision or action of an election commission (or of its member acting as one):
        what art. 20 cl. 9 lets a voter appeal within 10 days."""
        return self.responsible in ("commission", "commission_member")


def _law(article: int | None = None, clause: int | None = None) -> Cite:
    return Cite("election_law", article, clause, "assessment" if article else "none")


_LAW_BLANK = _law()
# Falsification of results / obstructing commissions, and obstructing voting rights: the
# assessment says the Criminal Code has "two articles criminalizing falsification of election
# results and obstructing the activities of election commissions", without their numbers.
_CRIMINAL_BLANK = Cite("criminal_code", source="assessment")
_ADMIN_BLANK = Cite("admin_code", source="assessment")  # "20 articles relating to ... electoral rights"

# Requests, by addressee, of the three usual shapes.
_COMMISSION_ACT = {
    "commission": ("recognise_unlawful", "remedy", "answer_in_writing"),
    "court": ("recognise_unlawful", "oblige_remedy"),
    "prosecutor": ("check", "respond_measures", "liability", "inform"),
    "police": ("register", "check", "liability", "inform"),
    "media": ("publish_check", "protect_source"),
    "legal": ("assess", "choose_body", "prepare_in_time"),
}
_COUNT = {  # a count or a protocol: the court and the higher commission may undo the precinct's result
    **_COMMISSION_ACT,
    "commission": ("recognise_unlawful", "invalidate_results", "recount", "answer_in_writing"),
    "court": ("recognise_unlawful", "invalidate_results", "recount"),
}
_THIRD_PARTY = {  # someone who is not a commission: a check and liability, not an appeal
    "commission": ("check_campaign", "answer_in_writing"),
    "prosecutor": ("check", "respond_measures", "liability", "inform"),
    "police": ("register", "check", "liability", "inform"),
    "media": ("publish_check", "protect_source"),
    "legal": ("assess", "choose_body", "prepare_in_time"),
}
_ALL = ("commission", "prosecutor", "court", "police", "media", "legal")
_NO_COURT = ("commission", "prosecutor", "police", "media", "legal")
_PRESSURE = ("prosecutor", "police", "media", "legal")

TABLE: dict[str, Entry] = {
    # ---- pressure on voters: an employer, a university, an official; a crime of obstruction
    # ("obstruction of voting rights ... is a crime", domain brief), article not named.
    "coercion_work": Entry("employer", (_LAW_BLANK, _CRIMINAL_BLANK), _PRESSURE, _THIRD_PARTY),
    "coercion_study": Entry("employer", (_LAW_BLANK, _CRIMINAL_BLANK), _PRESSURE, _THIRD_PARTY),
    "proof_demanded": Entry("employer", (_LAW_BLANK, _CRIMINAL_BLANK), _PRESSURE, _THIRD_PARTY),
    "signatures": Entry("employer", (_LAW_BLANK, _ADMIN_BLANK), _PRESSURE, _THIRD_PARTY),
    "threats": Entry("unknown", (_LAW_BLANK, _CRIMINAL_BLANK), _PRESSURE, _THIRD_PARTY),
    # Vote buying by a campaign: Election Law art. 27 cl. 9 (services free or on preferential
    # terms are improper campaigning; the assessment quotes the CEC), Administrative Code
    # art. 122 ("campaigning with goods or services", domain brief), its part not given: blank.
    "vote_buying": Entry("campaign", (_law(27, 9), Cite("admin_code", 122, None, "domain_brief")),
                         _NO_COURT, _THIRD_PARTY),
    # ---- at the station: the commission or its members.
    # Stuffing by a member is falsification (domain brief): Criminal Code, article not named.
    # Not Administrative Code art. 108: that fines a *voter* who votes more than once.
    "stuffing": Entry("commission_member", (_LAW_BLANK, _CRIMINAL_BLANK), _ALL, _COUNT),
    # Ballots issued so that people vote for others: Administrative Code art. 110 (the assessment:
    # 11 precinct members fined under it); its part not given.
    "issuance": Entry("commission_member", (_LAW_BLANK, Cite("admin_code", 110, None, "assessment")),
                      _ALL, _COMMISSION_ACT),
    "secrecy": Entry("commission", (_LAW_BLANK, _ADMIN_BLANK), _ALL, _COMMISSION_ACT),
    # Temporary registration: Election Law art. 25 cl. 1 (the assessment); appeal of
    # non-inclusion to a higher commission or a court (the assessment, no article).
    "voter_lists": Entry("commission", (_law(25, 1), _ADMIN_BLANK), _ALL, _COMMISSION_ACT),
    "outsiders": Entry("commission", (_LAW_BLANK, _ADMIN_BLANK), _ALL, _COMMISSION_ACT),
    "accessibility": Entry("official", (_LAW_BLANK,), ("commission", "prosecutor", "media", "legal"),
                           _COMMISSION_ACT),
    # ---- the count: art. 43 "on the counting of votes" (the assessment); a false count is
    # falsification (domain brief): Criminal Code, article not named.
    "counting": Entry("commission", (_law(43), _ADMIN_BLANK, _CRIMINAL_BLANK), _ALL, _COUNT),
    "protocol": Entry("commission", (_law(43), _CRIMINAL_BLANK), _ALL, _COUNT),
    # ---- observers' rights: administrative liability exists (the assessment), no number.
    "observer_denied": Entry("commission", (_LAW_BLANK, _ADMIN_BLANK), _ALL, _COMMISSION_ACT),
    "observer_removed": Entry("commission", (_LAW_BLANK, _ADMIN_BLANK), _ALL, _COMMISSION_ACT),
    "observer_restricted": Entry("commission", (_LAW_BLANK, _ADMIN_BLANK), _ALL, _COMMISSION_ACT),
    # Commissions make their decisions available to all: art. 20 cl. 6 (the assessment).
    "protocol_copy": Entry("commission", (_law(20, 6), _ADMIN_BLANK), _ALL, _COMMISSION_ACT),
    # ---- campaigning. Places for printed material: art. 28 cl. 4 (the assessment).
    "campaign_place": Entry("campaign", (_law(28, 4), _ADMIN_BLANK), _NO_COURT, _THIRD_PARTY),
    # Civil servants campaigning: "paragraph 4 of the article" (the assessment; number missing).
    "campaign_officials": Entry("official", (_LAW_BLANK, _ADMIN_BLANK), _NO_COURT, _THIRD_PARTY),
    "campaign_silence": Entry("campaign", (_LAW_BLANK, _ADMIN_BLANK), _NO_COURT, _THIRD_PARTY),
    "other": Entry("unknown", (_LAW_BLANK,), _ALL, _THIRD_PARTY),
}


def entry(category: str, subcategory: str | None) -> Entry:
    """The table's entry for a report: its exact category's, else its group's usual shape."""
    if subcategory in TABLE:
        return TABLE[subcategory]
    if category in TABLE:
        return TABLE[category]
    group = CATEGORIES.get(category, category)
    if group in ("station", "count", "observers"):
        return Entry("commission", (_LAW_BLANK,), _ALL, _COMMISSION_ACT)
    return TABLE["other"]


def requests(item: Entry, target: str) -> tuple[str, ...]:
    """What a draft to ``target`` asks: the table's requests, else the addressee's usual ones."""
    return item.requests.get(target) or _COMMISSION_ACT.get(target) or _THIRD_PARTY["legal"]


# ---- deadlines ---------------------------------------------------------------------------------

# Election Law art. 20 cl. 9 (the assessment, "Lawsuits and claims"): a decision or action
# (inaction) of an election commission may be appealed to a higher commission and (or) a court
# within ten days; later claims are not considered.
APPEAL_DAYS = 10
APPEAL_BODIES = ("commission", "court")
# Art. 49 (the assessment): courts and prosecutors examine claims within five days, those received
# on voting day at once. "In the last five days before voting day" is from the issue, not from
# our sources: LEGAL.md marks it for a lawyer to confirm.
ANSWER_DAYS = 5
ANSWER_BODIES = ("court", "prosecutor")
AT_ONCE_BEFORE = timedelta(days=5)


def appeal_deadline(start: date) -> date:
    """The last day to appeal a commission's decision or action of ``start`` (art. 20 cl. 9)."""
    return start + timedelta(days=APPEAL_DAYS)


def answer_deadline(target: str, filed_on: date, election_day: date | None) -> date | None:
    """The day by which ``target`` must answer a complaint filed on ``filed_on`` (art. 49), the
    filing day itself when it is "at once"; None when the law (in our sources) sets none."""
    if target not in ANSWER_BODIES:
        return None
    if election_day is not None and election_day - AT_ONCE_BEFORE <= filed_on <= election_day:
        return filed_on
    return filed_on + timedelta(days=ANSWER_DAYS)


# What became of a filing: the body answered (a decision on the merits) or refused to consider it.
ANSWER_KINDS: tuple[str, ...] = ("received", "refused")
