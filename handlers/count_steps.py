"""The steps of an accredited observer's counts (domain.counts), rows of the report wizard's
table: a turnout count (the hour, whose figure, the number, a photo) and a copy of the results
protocol (what they got of it, its pages, its figures line by line, checked as they come)."""

from __future__ import annotations

from telegram.ext import filters

from domain.counts import (
    CANDIDATE_PREFIX, COPY_STATES, FIGURE_MAX, PROTOCOL_LINES, REFUSED_COPY_CATEGORY, TURNOUT_HOURS, TURNOUT_SOURCES,
    Mismatch, candidate_line, candidate_position, check,
)
from domain.rules import CATEGORIES, REGIONS
from services import protocol_entry
from services.i18n import Html, Translator
from handlers import filing, report_evidence
from handlers.report_summary import evidence_line, where_line
from handlers.precinct_input import precinct_number
from handlers.wizard import NEXT, REVIEW, Answered, Outcome, Retry, Step, Turn, View, advance, show
from storage import counts
from storage.counts import ProtocolFigures, TurnoutFigure
from storage.models import Draft, NewReport, new_report

TEXT = filters.TEXT & ~filters.COMMAND
TURNOUT, RESULTS = ("turnout",), ("results",)
COUNTS = ("turnout", "results")
FIGURES = "figures"
FIRST = "count_region"  # where a count starts
LABELS = "count"  # the buttons' labels: count.hour.<hour>, count.source.<source>, count.copy.<state>


# ---- the lines of this draft's protocol -----------------------------------------------------------

def lines_of(draft: Draft) -> list[str]:
    """The protocol's lines in its order: the fixed ones, then each candidate's votes."""
    return [*PROTOCOL_LINES, *(candidate_line(position) for position in range(1, len(draft.candidates) + 1))]


def label(t: Translator, draft: Draft, line: str) -> str:
    """A line's name as the person reads it (a candidate's, as the administrator wrote it)."""
    position = candidate_position(line)
    if position is not None:
        names = draft.candidates
        return names[position - 1] if position <= len(names) else line.removeprefix(CANDIDATE_PREFIX)
    return t.text(f"count.line.{line}")


def asked_index(draft: Draft) -> int:
    """The index of the first line not given yet (the number of lines when all are)."""
    lines = lines_of(draft)
    return next((i for i, line in enumerate(lines) if line not in draft.figures), len(lines))


def mismatches(draft: Draft) -> list[Mismatch]:
    return check(draft.figures, len(draft.candidates))


def finding(t: Translator, mismatch: Mismatch) -> Html:
    return t(f"count.check.{mismatch.check}", left=t.number(mismatch.left), right=t.number(mismatch.right))


def findings(t: Translator, draft: Draft) -> Html:
    """The protocol's rules its figures break so far, each a line under a heading (or nothing)."""
    found = mismatches(draft)
    if not found:
        return Html("")
    return Html("\n".join([t("count.findings"), *(f"⚠️ {finding(t, mismatch)}" for mismatch in found)]))


def figures_all_given(draft: Draft) -> bool:
    return all(line in draft.figures for line in lines_of(draft))


# ---- what each step does with its answer ----------------------------------------------------------

async def chose_region(turn: Turn, value: str) -> Outcome:
    turn.draft.region = value
    return NEXT


async def typed_precinct(turn: Turn) -> Outcome:
    """A count is of one precinct: its number, as people write it."""
    number = precinct_number(turn.update.effective_message.text.strip())
    if number is None:
        raise Retry("count.bad_precinct")
    turn.draft.precinct_kind, turn.draft.precinct = "number", number
    return NEXT


async def chose_hour(turn: Turn, value: str) -> Outcome:
    turn.draft.hour = value
    return NEXT


async def chose_source(turn: Turn, value: str) -> Outcome:
    turn.draft.source = value
    return NEXT


def _number(text: str) -> int:
    digits = "".join(text.split())
    if not digits.isdigit() or not digits.isascii():
        raise Retry("count.bad_number")
    value = int(digits)
    if value > FIGURE_MAX:
        raise Retry("count.figures_too_big", max=FIGURE_MAX)
    return value


async def typed_voters(turn: Turn) -> Outcome:
    turn.draft.voters = _number(turn.update.effective_message.text)
    return NEXT


async def photos_done(turn: Turn, value: str) -> Outcome:
    """Done with the photos (or none): on to what follows them."""
    return NEXT


async def chose_copy(turn: Turn, value: str) -> Outcome:
    """What the observer got of the protocol. A refusal is itself a violation of observers'
    rights: it is filed at once as one (once per draft), and the figures become optional."""
    draft = turn.draft
    if value != "refused" or draft.refused_reference is not None:
        draft.copy_state = value
        return NEXT
    if await filing.over_limit(turn.context):  # it counts in the reports of the hour, as any report
        raise Retry("flood.reports", max=filing.REPORTS_PER_HOUR)
    draft.copy_state = value
    draft.refused_reference = await file_refusal(turn)
    # Below the refusal's confirmation, what comes next (the figures, if they saw them).
    notice = turn.t("count.refused_filed", reference=draft.refused_reference)
    return Answered(await advance(turn, turn.steps.following(draft.step, draft), notice=notice))


async def file_refusal(turn: Turn) -> str:
    """The observer-rights report a refused copy files: accredited, the same precinct, now. Its
    reporter gets its confirmation and receipt as for any report; the count goes on."""
    context, draft = turn.context, turn.draft
    report = NewReport(
        reporter_role="observer", accredited=context.person.role == "observer",
        category=CATEGORIES[REFUSED_COPY_CATEGORY], subcategory=REFUSED_COPY_CATEGORY, region=draft.region,
        precinct=draft.precinct, precinct_kind="number",
        occurred_at=context.services.now().isoformat(timespec="minutes"),
        description=turn.t.text("count.refused_description", precinct=draft.precinct),
        contact_allowed=bool(draft.contact_allowed), submission_key=f"{draft.key}-refused")
    # Its own card and nothing of the draft's files (they belong to the count).
    stored, _ = await filing.file(context, report, [("card", {})], with_draft=False)
    return stored.reference


async def typed_figures(turn: Turn) -> Outcome:
    """One figure (the line asked), all of them one a line in the protocol's order, or
    ``name: number`` lines; whatever cannot be read is explained and nothing of it is taken.
    The step asks the next line until every line is given, saying what does not add up."""
    draft, t = turn.draft, turn.t
    lines = lines_of(draft)
    labels = {line: label(t, draft, line) for line in lines}
    try:
        found = protocol_entry.parse(turn.update.effective_message.text, lines, labels, asked_index(draft))
    except protocol_entry.BadFigures as bad:
        raise Retry(bad.key, **bad.params) from None
    draft.figures = {**draft.figures, **found}
    if figures_all_given(draft):
        return NEXT
    taken = t.plural("count.figures_taken", len(found))
    return Answered(await show(turn, FIGURES, notice=taken))


async def chose_figures(turn: Turn, value: str) -> Outcome:
    """No figures (a refused copy may have none), or the lines typed so far are all there is."""
    return NEXT


def figures_extras(draft: Draft) -> tuple[tuple[str, str], ...]:
    """A copy that was refused may go on without figures."""
    return (("none", "count.figures_none"),) if draft.copy_state == "refused" and not figures_all_given(draft) else ()


def figures_params(turn: Turn) -> dict:
    """The figures so far line by line (the one asked marked), what to type, and what does not add up."""
    t, draft = turn.t, turn.draft
    lines = lines_of(draft)
    asked = asked_index(draft)
    rows = []
    for i, line in enumerate(lines):
        value = t.number(draft.figures[line]) if line in draft.figures else "…"
        row = t("count.figure_row", n=i + 1, line=label(t, draft, line), value=value)
        rows.append(Html(f"▸ <b>{row}</b>") if i == asked else row)
    ask = (t("count.figures_next", line=label(t, draft, lines[asked])) if asked < len(lines)
           else t("count.figures_fix"))
    notes = [findings(t, draft)] if mismatches(draft) else []
    if not draft.candidates:
        notes.append(t("count.no_candidates"))
    return {"given": sum(line in draft.figures for line in lines), "total": len(lines),
            "figures": Html("\n".join(rows)), "ask": ask,
            "example": label(t, draft, lines[-1]), "notes": Html("".join(f"\n\n{note}" for note in notes))}


# ---- their lines on the review ----------------------------------------------------------------------

def turnout_line(t: Translator, draft: Draft, view: View) -> Html | None:
    if draft.hour is None:
        return None
    return t("count.summary_hour", hour=t(f"count.hour.{draft.hour}"))


def source_line(t: Translator, draft: Draft, view: View) -> Html | None:
    return t("count.summary_source", source=t(f"count.source.{draft.source}")) if draft.source else None


def voters_line(t: Translator, draft: Draft, view: View) -> Html | None:
    return t("count.summary_voters", voters=t.number(draft.voters)) if draft.voters is not None else None


def copy_line(t: Translator, draft: Draft, view: View) -> Html | None:
    if draft.copy_state is None:
        return None
    line = t("count.summary_copy", copy=t(f"count.copy.{draft.copy_state}"))
    if draft.refused_reference:
        line = Html(f"{line}\n{t('count.summary_refused_filed', reference=draft.refused_reference)}")
    return line


def figures_line(t: Translator, draft: Draft, view: View) -> Html:
    """Every line given, then what does not add up: shown before Send, since it is a finding."""
    given = [t("count.figure_row", n=i + 1, line=label(t, draft, line), value=t.number(draft.figures[line]))
             for i, line in enumerate(lines_of(draft)) if line in draft.figures]
    parts = [t("count.summary_figures"), *given] if given else [t("count.summary_no_figures")]
    if mismatches(draft):
        parts.append(findings(t, draft))
    return Html("\n".join(parts))


def figures_now(t: Translator, draft: Draft) -> Html:
    return t.plural("count.figures_given", len([line for line in lines_of(draft) if line in draft.figures]))


def description(t: Translator, draft: Draft) -> str:
    """What a count's report says in words, in its reporter's language (for /view and exports;
    its figures are stored beside it, storage.counts)."""
    if draft.kind == "turnout":
        return t.text("count.description_turnout", hour=t.text(f"count.hour.{draft.hour}"),
                      source=t.text(f"count.source.{draft.source}"), voters=draft.voters)
    rows = [t.text("count.description_results", copy=t.text(f"count.copy.{draft.copy_state}"))]
    rows += [f"{label(t, draft, line)}: {draft.figures[line]}" for line in lines_of(draft) if line in draft.figures]
    return "\n".join(rows)


# ---- the rows of the table ----------------------------------------------------------------------------

STEPS: tuple[Step, ...] = (
    Step(FIRST, question="count.ask_region", choices=REGIONS, labels="region", width=2, on_choice=chose_region,
         section="where", answered=lambda d: d.region, summary=where_line, then="count_precinct", kinds=COUNTS),
    Step("count_precinct", question="count.ask_precinct", accepts=TEXT, on_input=typed_precinct,
         hint="count.bad_precinct", section="where", answered=lambda d: d.precinct, kinds=COUNTS),
    # A turnout count: the hour, whose figure it is, the number, then a photo if there is one.
    Step("count_hour", question="count.ask_hour", choices=TURNOUT_HOURS, labels=f"{LABELS}.hour", width=3,
         on_choice=chose_hour, section="turnout", answered=lambda d: d.hour, summary=turnout_line, kinds=TURNOUT),
    Step("count_source", question="count.ask_source", choices=TURNOUT_SOURCES, labels=f"{LABELS}.source",
         on_choice=chose_source, section="turnout", answered=lambda d: d.source, summary=source_line, kinds=TURNOUT),
    Step("count_voters", question="count.ask_voters", accepts=TEXT, on_input=typed_voters, hint="count.bad_number",
         section="turnout", answered=lambda d: d.voters is not None, summary=voters_line, kinds=TURNOUT),
    Step("count_photo", question="count.ask_photo", extras=(("done", "count.photos_done"),), on_choice=photos_done,
         accepts=report_evidence.FILES, on_input=report_evidence.received, hint="count.bad_photo",
         again="count.photo_again", section="photo", summary=evidence_line, kinds=TURNOUT, next=REVIEW),
    # A copy of the results protocol: what they got, its pages, its figures.
    Step("copy_state", question="count.ask_copy", choices=COPY_STATES, labels=f"{LABELS}.copy", on_choice=chose_copy,
         section="copy", answered=lambda d: d.copy_state, summary=copy_line, kinds=RESULTS),
    Step("copy_photos", question="count.ask_copy_photos", extras=(("done", "count.photos_done"),),
         on_choice=photos_done, accepts=report_evidence.FILES, on_input=report_evidence.received,
         hint="count.bad_photo", again="count.copy_photos_again", section="copy_photos",
         summary=evidence_line, kinds=RESULTS, skip=lambda d: d.copy_state == "refused"),
    Step(FIGURES, question="count.ask_figures", params=figures_params, extras=figures_extras,
         on_choice=chose_figures, accepts=TEXT, on_input=typed_figures, hint="count.bad_figures_input",
         section="figures", answered=lambda d: d.copy_state == "refused" or figures_all_given(d),
         summary=figures_line, current=figures_now, kinds=RESULTS, next=REVIEW),
)


# ---- Send ------------------------------------------------------------------------------------------

def count_report(turn: Turn) -> tuple[NewReport, counts.Then]:
    """The report a complete count becomes (its kind is its category; it happened when sent),
    and what stores its figures with it: the protocol's broken rules go with a copy's figures."""
    context, draft = turn.context, turn.draft
    answered = draft.model_copy(update={
        "group": draft.kind, "category": None, "reporter_role": "observer",
        "occurred_at": context.services.now().isoformat(timespec="minutes"),
        "description": description(turn.t, draft)})
    report = new_report(answered, accredited=context.person.role == "observer")
    if draft.kind == "turnout":
        return report, counts.turnout(TurnoutFigure(hour=draft.hour, source=draft.source, voters=draft.voters))
    copy = ProtocolFigures(copy_state=draft.copy_state, figures=counts.protocol_lines_only(draft.figures),
                           mismatches=[mismatch.check for mismatch in mismatches(draft)])
    return report, counts.protocol(copy)
