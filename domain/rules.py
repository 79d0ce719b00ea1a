"""The rules of the domain, each defined once: languages, who may do what, the finite choices
of a report, the life of a report (statuses, transitions, escalation) and its legal deadlines.

Every layer imports this module and nothing here imports the project: storage validates with
it, services compute with it, handlers build keyboards and menus from it, and the tests derive
their families from it. Codes are stored in the database and carried in callback data; their
labels live in the catalogs under ``<family>.<code>`` (``status.new``, ``region.astana``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

# ---- languages ------------------------------------------------------------------------------

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "ru"  # for anyone whose Telegram language is none of these
# The languages a filing to a Kazakh body is drafted in: Kazakh, the state language, and Russian,
# used officially on a par with it in state bodies (Constitution, art. 7): what /complaint offers.
DOCUMENT_LANGUAGES: tuple[str, ...] = ("ru", "kk")
Language = Literal[LANGUAGES]  # type: ignore[valid-type]  # Literal of the tuple's values

# ---- people and what they may do --------------------------------------------------------------

# A person's role in the bot. Observers are accredited (they redeemed an invite): their reports
# carry the mark, and they have no more powers than any reporter.
PERSON_ROLES: tuple[str, ...] = ("reporter", "observer", "moderator", "admin")
PersonRole = Literal[PERSON_ROLES]  # type: ignore[valid-type]
STAFF_ROLES: frozenset[str] = frozenset({"moderator", "admin"})  # may handle reports

# Commands by who may use them; menus, help and the guard of staff handlers derive from these.
USER_COMMANDS: tuple[str, ...] = (
    "start", "report", "myreports", "status", "rights", "language", "help", "privacy", "cancel", "deletemydata",
)
MODERATOR_COMMANDS: tuple[str, ...] = (
    "queue", "view", "take", "takeover", "verify", "reject", "dup", "escalate", "resolve", "reopen", "fixescalation",
    "answered", "filingfile", "note", "reply", "fix", "find", "stats", "export", "bundle", "complaint", "dashboard", "duty",
    "group",
)
ADMIN_COMMANDS: tuple[str, ...] = ("mods", "addmod", "delmod", "invite", "candidates", "official")
# An accredited observer's counts (domain.counts): in their own chat's menu only; anyone else who
# types one is told they are for observers.
OBSERVER_COMMANDS: tuple[str, ...] = ("turnout", "protocol")

# ---- the finite choices of a report (from the domain brief) -----------------------------------

REPORTER_ROLES: tuple[str, ...] = ("voter", "observer", "other")
ReporterRole = Literal[REPORTER_ROLES]  # type: ignore[valid-type]
# Most reporters are voters: a new report starts as a voter's (shown, changed in one tap), and a
# person is remembered only as another role, so a voter leaves no trace of having reported.
DEFAULT_REPORTER_ROLE = "voter"
# A report's description: long enough to say what happened, long enough for an observer's account.
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 10_000

# Category groups, each with its categories; a group with one category skips the second menu.
CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    "pressure": ("coercion_work", "coercion_study", "proof_demanded", "signatures", "vote_buying", "threats"),
    "station": ("stuffing", "issuance", "secrecy", "voter_lists", "outsiders", "accessibility"),
    "count": ("counting", "protocol"),
    "observers": ("observer_denied", "observer_removed", "observer_restricted", "protocol_copy"),
    "campaign": ("campaign_place", "campaign_officials", "campaign_silence"),
    "other": ("other",),
}
# The group whose categories a reporter in this role sees at once on the first screen, beside
# the other groups: what a voter usually reports is one tap away.
FIRST_GROUP: dict[str, str] = {"voter": "pressure"}
CATEGORIES: dict[str, str] = {
    category: group for group, categories in CATEGORY_GROUPS.items() for category in categories
}

# 17 regions, 3 cities of republican significance, and precincts abroad.
REGIONS: tuple[str, ...] = (
    "astana", "almaty_city", "shymkent",
    "abai", "akmola", "aktobe", "almaty_region", "atyrau", "east_kz", "jetisu", "karaganda",
    "kostanay", "kyzylorda", "mangystau", "north_kz", "pavlodar", "turkestan", "ulytau",
    "west_kz", "zhambyl",
    "abroad",
)
# Where an urgent report happened before its reporter says (it is filed in two taps): never a
# button of the wizard, so not in REGIONS; a location or words sent after it, or a moderator's
# /fix, tell where.
REGION_UNKNOWN = "unknown"
PRECINCT_KINDS: tuple[str, ...] = ("number", "none", "unknown")  # a number, not at a station, not known
PrecinctKind = Literal[PRECINCT_KINDS]  # type: ignore[valid-type]

# ---- the urgent path ("It is happening now / I am in danger") --------------------------------

# A report's priority: "urgent" is filed in two taps and reaches the moderators ahead of
# everything queued; open urgent reports come first in every queue order.
PRIORITIES: tuple[str, ...] = ("normal", "urgent")
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]
# What an urgent report may be about, offered at its second tap (each an exact category; its
# plain-words label is urgent.choice.<category>).
URGENT_CHOICES: tuple[str, ...] = ("threats", "stuffing", "observer_removed", "other")

# ---- the life of a report -------------------------------------------------------------------

STATUSES: tuple[str, ...] = ("new", "in_review", "verified", "rejected", "duplicate", "escalated", "resolved")
Status = Literal[STATUSES]  # type: ignore[valid-type]

# Moves a moderator may make from each status; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"in_review", "rejected", "duplicate"}),
    "in_review": frozenset({"verified", "rejected", "duplicate"}),
    "verified": frozenset({"escalated", "resolved", "in_review"}),
    "escalated": frozenset({"resolved", "escalated"}),  # escalated again: on to the next body
    "rejected": frozenset({"in_review"}),
    "duplicate": frozenset({"in_review"}),
    "resolved": frozenset(),
}
OPEN: tuple[str, ...] = ("new", "in_review", "verified", "escalated")  # statuses that still need someone

# How the dashboard's queue may be ordered: by arrival either way; "priority": accredited
# observers first, then the earliest incident (its appeal window closes first); "incident": the
# latest incident first.
QUEUE_ORDERS: tuple[str, ...] = ("newest", "oldest", "priority", "incident")

# Where a verified report may be taken; each has its complaint text (complaint.*.<target>).
ESCALATION_TARGETS: tuple[str, ...] = ("commission", "prosecutor", "court", "police", "media", "legal")
EscalationTarget = Literal[ESCALATION_TARGETS]  # type: ignore[valid-type]
DEFAULT_ESCALATION_TARGET = "legal"  # a report with no (or an unknown) target gets the internal memo

# ---- legal deadlines --------------------------------------------------------------------------

# The articles, the deadlines and who answers for what are in domain.legal (the legal table).
# A deadline is flagged this long before its day, and reminded of then.
REMIND_BEFORE = timedelta(days=2)


def allowed(current: str, target: str) -> bool:
    """Whether a moderator may move a report from ``current`` to ``target``."""
    return target in TRANSITIONS.get(current, frozenset())


def incident_date(occurred_at: str) -> date:
    return date.fromisoformat(occurred_at[:10])


# A moderator's answer to the bot's question (the reason for Reject…) is taken only within this.
PROMPT_TTL = timedelta(minutes=10)

# ---- witnesses of one event ---------------------------------------------------------------------

# Reports of the same precinct, or within WITNESS_DISTANCE_M of each other when both carry a
# location, received within WITNESS_WINDOW of each other are taken for one event; so are reports
# carrying the same file (by its SHA-256 or Telegram's file_unique_id), whenever they came.
WITNESS_WINDOW = timedelta(hours=3)
WITNESS_DISTANCE_M = 500
WITNESS_REASONS: tuple[str, ...] = ("evidence", "precinct", "place", "duplicate")
WITNESS_STATES: tuple[str, ...] = ("suggested", "confirmed", "split")
