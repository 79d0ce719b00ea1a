"""Witnesses of one event, for both doors: a new report placed with the reports it corroborates
(never failing the filing: a report is stored whatever grouping does), and the line a card and
the report's page show of its group."""

from __future__ import annotations

import logging

from services.i18n import Html, Translator
from storage import witnesses
from storage.db import Database
from storage.witnesses import Group

log = logging.getLogger(__name__)
ACTIONS = ("group_confirm", "group_split")  # what a moderator does to a group, from a report in it


async def place(db: Database, report_id: int) -> Group | None:
    """Group a report just stored; its group, or None (alone, or grouping failed and is logged)."""
    try:
        anchor = await witnesses.place(db, report_id)
        return await witnesses.group_of(db, report_id) if anchor is not None else None
    except Exception:  # noqa: BLE001 - the report is stored; a missed suggestion is not a lost report
        log.exception("grouping a new report failed")
        return None


def line(t: Translator, group: Group | None, report_id: int) -> Html | None:
    """"👥 3 witnesses of one event: KZ-000001, KZ-000004 (same precinct…)" or None."""
    if group is None:
        return None
    others = [member for member in group.members if member.report_id != report_id]
    mine = next((member for member in group.members if member.report_id == report_id), None)
    reason = t(f"witness.reason.{mine.reason}") if mine else ""
    return t("witness.card", witnesses=t.plural("witness.count", group.witnesses),
             references=", ".join(member.reference for member in others), reason=reason,
             state=t("witness.state.confirmed" if group.confirmed else "witness.state.suggested"))
