"""Every message the code asks for exists in the catalogs, fixed keys and families alike."""

from __future__ import annotations

import re

import pytest

from domain.rules import CATEGORIES, CATEGORY_GROUPS, REGIONS, REPORTER_ROLES
from domain.rules import USER_COMMANDS
from bot.services.i18n import read_catalog
from domain.rules import LANGUAGES
from handlers.report_wizard import STEPS

SECTIONS = STEPS.sections
from tests.harness import PROJECT_ROOT

CATALOG_KEYS = {
    lang: {m.id if isinstance(m.id, str) else m.id[0] for m in read_catalog(lang) if m.id}
    for lang in LANGUAGES
}
_LITERAL = re.compile(r"""(?:\bt|\.plural|\btranslator\([^)]*\))\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
_QUOTED_KEY = re.compile(r"""["']((?:wizard|summary|delete|flood|common|myreports|menu|group)\.[a-z_.]+)["']""")
STATUSES = ("new", "in_review", "verified", "rejected", "duplicate", "escalated", "resolved")


def keys_in_code() -> set[str]:
    found: set[str] = set()
    for path in [*PROJECT_ROOT.glob("bot/*.py"), *PROJECT_ROOT.glob("handlers/*.py")]:
        text = path.read_text(encoding="utf-8")
        found |= set(_LITERAL.findall(text)) | set(_QUOTED_KEY.findall(text))
    return found


FAMILIES = (
    [f"category.{c}" for c in CATEGORIES] + [f"group.{g}" for g in CATEGORY_GROUPS]
    + [f"region.{r}" for r in REGIONS] + [f"role.{r}" for r in REPORTER_ROLES]
    + [f"status.{s}" for s in STATUSES] + [f"wizard.edit_{s}" for s in SECTIONS]
    + [f"command.{c}" for c in USER_COMMANDS]
    + [f"evidence.kind.{k}" for k in ("photo", "video", "document", "voice", "audio", "video_note")]
    + [f"summary.precinct_{k}" for k in ("none", "unknown")]
    + [f"wizard.time_{w}" for w in ("format", "future")]
    + [f"wizard.date_{w}" for w in ("format", "future", "too_old")]
)


def test_code_asks_for_messages():
    assert len(keys_in_code()) > 50  # the scan itself works


@pytest.mark.parametrize("key", sorted(keys_in_code() | set(FAMILIES)))
def test_message_exists_in_every_language(key):
    for lang in LANGUAGES:
        assert key in CATALOG_KEYS[lang], f"{key} missing in {lang}"
