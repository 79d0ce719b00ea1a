"""Every message the code asks for exists in every catalog: keys written in the code, and families
of keys built at run time from the domain's codes (``status.{code}``, ``mod.target.{code}``...)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

import pytest

from services.i18n import known_keys
from domain.rules import (
    ADMIN_COMMANDS, CATEGORIES, CATEGORY_GROUPS, ESCALATION_TARGETS, LANGUAGES,
    MODERATOR_COMMANDS, OBSERVER_COMMANDS, PRECINCT_KINDS, REGIONS, REPORTER_ROLES, STATUSES, USER_COMMANDS,
)
from services.moderation import STATUS_ACTIONS
from handlers.report_wizard import STEPS
from storage.models import EvidenceRecord
from tests.harness import PROJECT_ROOT
from services.deadlines import STAGES, STATES
from services.complaint import DOCUMENT_KIND, FILED_WITH
from domain import counts, legal
from handlers.mod_prompts import QUESTIONS
from handlers.mod_filings import FILING_FILES
from services.history import HISTORY_WITH_TEXT
from services.official import PROBLEMS as OFFICIAL_PROBLEMS
from domain.counts import CHECKS, COPY_STATES, COUNT_KINDS, PROTOCOL_LINES, TURNOUT_HOURS, TURNOUT_SOURCES

SCANNED = ("bot", "handlers", "services", "web")
_KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
CATALOG_KEYS = {lang: known_keys(lang) for lang in LANGUAGES}
# The first part of every key (``mod`` of ``mod.refused``): a string in the code that looks like
# a key and starts with one of these is a key (file names such as "stats.png" are not).
PREFIXES = {key.split(".")[0] for keys in CATALOG_KEYS.values() for key in keys}


def scanned_files() -> list[Path]:
    """Every module of bot/ (services/ included), handlers/ and web/, and the dashboard's
    templates, at any depth."""
    return sorted(path for package in SCANNED for pattern in ("*.py", "*.html")
                  for path in (PROJECT_ROOT / package).rglob(pattern)
                  # tests/test_layers.py plants modules for a moment, in other pytest workers too
                  if not path.name.startswith("_planted"))


# A key a template asks for: t("web.queue.title"), t.plural('web.queue.total', total).
_TEMPLATE_KEY = re.compile(r"""\bt(?:\.plural|\.text)?\(\s*["']([a-z][a-z0-9_.]*[a-z0-9_])["']""")


def keys_in(path: Path) -> set[str]:
    """String literals of a module that are message keys (not the fixed parts of f-strings,
    whose keys are checked as families below)."""
    if path.suffix == ".html":
        return set(_TEMPLATE_KEY.findall(path.read_text(encoding="utf-8")))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstrings
            and _KEY.match(node.value) and node.value.split(".")[0] in PREFIXES}


def keys_in_code() -> dict[str, set[str]]:
    """Each key and the modules that ask for it."""
    found: dict[str, set[str]] = {}
    for path in scanned_files():
        for key in keys_in(path):
            found.setdefault(key, set()).add(str(path.relative_to(PROJECT_ROOT)))
    return found


def card_actions() -> tuple[str, ...]:
    """The actions of a report card's buttons."""
    return STATUS_ACTIONS


EVIDENCE_KINDS = get_args(EvidenceRecord.model_fields["kind"].annotation)
STAFF_COMMANDS_WITHOUT_ARGUMENTS = ("queue", "stats", "dashboard")


FAMILIES: dict[str, list[str]] = {
    "category": [f"category.{c}" for c in CATEGORIES],
    "group": [f"group.{g}" for g in CATEGORY_GROUPS],
    "region": [f"region.{r}" for r in REGIONS],
    "role": [f"role.{r}" for r in REPORTER_ROLES],
    "status": [f"status.{s}" for s in STATUSES],
    # what a status means, told on receipts and in status messages: a new status needs its own
    "receipt.meaning": [f"receipt.meaning.{s}" for s in STATUSES],
    "mod.target": [f"mod.target.{t}" for t in ESCALATION_TARGETS],
    "command": [f"command.{c}" for c in (*USER_COMMANDS, *MODERATOR_COMMANDS, *ADMIN_COMMANDS, *OBSERVER_COMMANDS)],
    "mod.usage": [f"mod.usage.{c}" for c in MODERATOR_COMMANDS if c not in STAFF_COMMANDS_WITHOUT_ARGUMENTS],
    "mod.action": [f"mod.action.{a}" for a in card_actions()],
    "language.name": [f"language.name.{lang}" for lang in LANGUAGES],
    "wizard.edit": [f"wizard.edit_{section}" for section in STEPS.sections],
    "evidence.kind": [f"evidence.kind.{k}" for k in EVIDENCE_KINDS],
    "summary.precinct": [f"summary.precinct_{k}" for k in PRECINCT_KINDS if k != "number"],
    "wizard.time": [f"wizard.time_{why}" for why in ("format", "future")],
    "wizard.date": [f"wizard.date_{why}" for why in ("format", "future", "too_old")],
    "mod.history": [f"mod.history.{action}" for action in HISTORY_WITH_TEXT],
    "mod.deadline": [f"mod.deadline.{kind}.{stage}"
                     for kind in ("appeal", "appeal_court", "appeal_decision", "answer", "answer_estimated")
                     for stage in STAGES],
    "mod.deadline_state": [f"mod.deadline_state.{state}" for state in STATES],
    "mod.window": [f"mod.window.{kind}" for kind in ("appeal", "appeal_court", "appeal_decision", "answer",
                                                      "answer_at_once", "answer_estimated")],
    "mod.card.step": [f"mod.card.step_{kind}" for kind in (*legal.ANSWER_KINDS, "none")],
    "mod.filing_file": [f"mod.filing_file.{which}" for which in FILING_FILES],
    "mod.external_date": [f"mod.external_date.{why}" for why in ("format", "future", "too_old")],
    "status.escalated_to": [f"status.escalated_to.{t}" for t in ESCALATION_TARGETS],
    "mod.prompt.make": [f"mod.prompt.make_{choice}" for choice in ("internal", "public")],
    "feedback.status": [f"feedback.status_{status}" for status in ("rejected", "resolved", "duplicate")],
    "mod.question": [QUESTIONS[kind] for kind in QUESTIONS],
    "web.report.words": [f"web.report.{action}_words" for action in ("reject", "resolve")],
    "complaint.kind": [f"complaint.kind.{k}" for k in EVIDENCE_KINDS],
    "complaint.target": [f"complaint.{part}.{t}" for part in ("header", "title") for t in ESCALATION_TARGETS],
    "complaint.respondent": [f"complaint.respondent.{t}" for t in ("commission", "court", "media", "legal", "persons")],
    # the legal table: who is responsible, the codes cited, the requests to each addressee
    "complaint.responsible": [f"complaint.{part}.{entry.responsible}" for entry in legal.TABLE.values()
                              for part in ("responsible", "respondent_actor")],
    "complaint.cite": [f"complaint.cite.{cite.code}" for entry in legal.TABLE.values() for cite in entry.cites],
    "complaint.ask": [f"complaint.ask.{request}" for entry in legal.TABLE.values() for target in ESCALATION_TARGETS
                      for request in legal.requests(entry, target)],
    "complaint.applicant": [f"complaint.applicant.{kind}" for kind in set(DOCUMENT_KIND.values())],
    "complaint.body": [f"complaint.body.{target}" for target in FILED_WITH],
    "complaint.previous": [f"complaint.previous.answer_{kind}" for kind in (*legal.ANSWER_KINDS, "none")],
    "complaint.standing": [f"complaint.standing.{kind}" for kind in ("observer_accredited", "other")],
    "complaint.source": [f"complaint.source.{r}" for r in (*REPORTER_ROLES, "observer_accredited")],
    # an observer's counts (domain.counts): their kinds, hours, sources, copies, lines and checks
    "count.kind": [f"count.kind.{kind}" for kind in counts.COUNT_KINDS],
    "count.intro": [f"count.intro.{kind}" for kind in counts.COUNT_KINDS],
    "menu.count": [f"menu.{kind}" for kind in counts.COUNT_KINDS],
    "group.count": [f"group.{kind}" for kind in counts.COUNT_KINDS],  # a count's /view names its kind
    "count.hour": [f"count.hour.{hour}" for hour in counts.TURNOUT_HOURS],
    "count.source": [f"count.source.{source}" for source in counts.TURNOUT_SOURCES],
    "count.copy": [f"count.copy.{state}" for state in counts.COPY_STATES],
    "count.line": [f"count.line.{line}" for line in counts.PROTOCOL_LINES],
    "count.check": [f"count.check.{code}" for code, *_ in counts.CHECKS],
    # the tally (observers' counts against the official figures)
    "tally.line": [f"tally.line.{line}" for line in PROTOCOL_LINES],
    "tally.hour": [f"tally.hour.{hour}" for hour in TURNOUT_HOURS],
    "tally.copy": [f"tally.copy.{state}" for state in COPY_STATES],
    "tally.source": [f"tally.source.{source}" for source in TURNOUT_SOURCES],
    "tally.check": [f"tally.check.{code}" for code, *_ in CHECKS],
    "tally.report.title": [f"tally.report.title.{kind}" for kind in COUNT_KINDS],
    "tally.official.bad": [f"tally.official.bad.{problem}" for problem in OFFICIAL_PROBLEMS],
}


def missing(keys) -> list[str]:
    return [f"{key} ({lang})" for key in sorted(keys) for lang in LANGUAGES if key not in CATALOG_KEYS[lang]]


def test_the_scan_reads_every_module_and_finds_keys():
    files = {str(path.relative_to(PROJECT_ROOT)) for path in scanned_files()}
    assert {"services/feedback.py", "services/complaint.py", "handlers/moderation.py"} <= files
    found = keys_in_code()
    assert len(found) > 150
    assert {"feedback.reply", "complaint.signature", "mod.refused", "mod.card.contact_no"} <= set(found)
    assert "stats.png" not in found and "summary.precinct_" not in found  # a file name; part of an f-string


def test_every_key_in_the_code_is_in_every_catalog():
    found = keys_in_code()
    gaps = [f"{entry} asked for in {', '.join(sorted(found[entry.split(' ')[0]]))}" for entry in missing(found)]
    assert not gaps, "missing from the catalogs:\n" + "\n".join(gaps)


def test_families_follow_the_domain():
    """The families are as large as the domain's lists (a family left empty checks nothing)."""
    assert len(FAMILIES["status"]) == len(FAMILIES["receipt.meaning"]) == len(STATUSES)
    assert len(FAMILIES["command"]) == (len(USER_COMMANDS) + len(MODERATOR_COMMANDS) + len(ADMIN_COMMANDS)
                                        + len(OBSERVER_COMMANDS))
    assert len(FAMILIES["mod.usage"]) == len(MODERATOR_COMMANDS) - len(STAFF_COMMANDS_WITHOUT_ARGUMENTS)
    assert set(card_actions()) == {"take", "verify", "reject", "duplicate", "escalate", "resolve", "reopen"}
    assert all(FAMILIES.values())


@pytest.mark.parametrize("family", FAMILIES)
def test_every_key_of_a_family_is_in_every_catalog(family):
    gaps = missing(FAMILIES[family])
    assert not gaps, f"{family}.* missing from the catalogs: " + ", ".join(gaps)
