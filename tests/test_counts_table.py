"""An observer's counts are rows of the wizard's table (handlers.count_steps): each kind of report
walks its own steps in order, reviews its own sections, and a violation passes them all over."""

from __future__ import annotations

from handlers.report_wizard import STEPS
from handlers.wizard import REVIEW
from storage.models import Draft


def walk(draft: Draft, first: str) -> list[str]:
    names = [first]
    while names[-1] != REVIEW:
        names.append(STEPS.following(names[-1], draft))
    return names


def test_each_kind_walks_its_own_steps():
    assert walk(Draft(key="k", step="", kind="turnout"), "count_region") == [
        "count_region", "count_precinct", "count_hour", "count_source", "count_voters", "count_photo", REVIEW]
    assert walk(Draft(key="k", step="", kind="results"), "count_region") == [
        "count_region", "count_precinct", "copy_state", "copy_photos", "figures", REVIEW]
    # A refused copy has no pages to photograph: its figures (optional) come next.
    assert walk(Draft(key="k", step="", kind="results", copy_state="refused"), "copy_state") == [
        "copy_state", "figures", REVIEW]
    assert walk(Draft(key="k", step=""), "region") == ["region", "precinct", "when", "description", REVIEW]


def test_each_kind_reviews_its_own_sections_and_misses_only_its_own_answers():
    assert STEPS.sections_of(Draft(key="k", step="")) == (
        "role", "what", "where", "when", "description", "evidence", "contact")
    assert STEPS.sections_of(Draft(key="k", step="", kind="turnout")) == ("where", "turnout", "photo", "contact")
    assert STEPS.sections_of(Draft(key="k", step="", kind="results")) == (
        "where", "copy", "copy_photos", "figures", "contact")
    turnout = Draft(key="k", step="", kind="turnout", region="astana", precinct="12", hour="10", source="announced",
                    contact_allowed=True)
    assert STEPS.missing(turnout) == "count_voters"
    turnout.voters = 0
    assert STEPS.missing(turnout) is None  # no role, category, time or description asked of a count
    results = Draft(key="k", step="", kind="results", region="astana", precinct="12", copy_state="sealed",
                    contact_allowed=False, figures={"voters_listed": 10})
    assert STEPS.missing(results) == "figures"
    results.copy_state = "refused"  # figures are optional after a refusal
    assert STEPS.missing(results) is None
