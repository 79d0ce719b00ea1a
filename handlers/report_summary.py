"""Rendering the answers of a draft or a report as text in a person's language (escaped, valid
HTML): the line of each step, for the reporter's review and the moderators' card."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from services.i18n import Html, Translator
from services import capture_time, evidence_posting
from handlers.wizard import View
from storage.models import Draft, EvidenceRecord


def when_text(t: Translator, occurred_at: str | None) -> str:
    if not occurred_at:
        return "—"
    if len(occurred_at) == 10:
        return t.date(date.fromisoformat(occurred_at))
    return t.datetime(datetime.fromisoformat(occurred_at))


def where_text(t: Translator, region: str | None, precinct_kind: str | None, precinct: str | None) -> str:
    parts = [t(f"region.{region}")] if region else []
    if precinct_kind == "number":
        parts.append(t("summary.precinct", number=precinct))
    elif precinct_kind:
        parts.append(t(f"summary.precinct_{precinct_kind}"))
    return ", ".join(parts) or "—"


def evidence_text(t: Translator, records: list[EvidenceRecord]) -> str:
    if not records:
        return t("summary.no_evidence")
    kinds = Counter(record.kind for record in records)
    detail = ", ".join(t.plural(f"evidence.kind.{kind}", n) for kind, n in sorted(kinds.items()))
    return f"{t.plural('summary.files', len(records))} ({detail})"


# ---- each step's line: the reporter's review and the moderators' card ------------------------

def role_line(t: Translator, draft: Draft, view: View) -> Html:
    if view.for_moderators and view.reporter is not None:
        return view.reporter  # who reported, as far as moderators may know
    return t("summary.role", value=t(f"role.{draft.reporter_role}") if draft.reporter_role else "—")


def what_line(t: Translator, draft: Draft, view: View) -> Html:
    what = t(f"category.{draft.category}") if draft.category else "—"
    if view.for_moderators and draft.group:
        return t("mod.card.what", value=Html(f"{t(f'group.{draft.group}')} — {what}"))
    return t("summary.what", value=Html(what))


def where_line(t: Translator, draft: Draft, view: View) -> Html:
    kind = draft.precinct_kind
    if view.for_moderators and kind is None:  # reports from before the kind was stored
        kind = "number" if draft.precinct else "unknown"
    where = Html(where_text(t, draft.region, kind, draft.precinct))
    return t("mod.card.where" if view.for_moderators else "summary.where", value=where)


def place_line(t: Translator, draft: Draft, view: View) -> Html | None:
    return t("summary.place", value=draft.place) if draft.place else None


# Decimals of a location shown in Telegram (the group, /view): three are about 100 m, what a
# moderator needs to find the polling station; the exact point is on the dashboard's page.
CHAT_DECIMALS = 3


def location_line(t: Translator, draft: Draft, view: View) -> Html | None:
    if draft.latitude is None or draft.longitude is None:
        return None
    if view.for_moderators:
        return t("mod.card.location", lat=f"{draft.latitude:.{CHAT_DECIMALS}f}",
                 lon=f"{draft.longitude:.{CHAT_DECIMALS}f}")
    return t("summary.location")


def spot_lines(t: Translator, draft: Draft, view: View) -> Html | None:
    """The place and the location, the lines under "where" (the precinct is on it)."""
    lines = [line for line in (place_line(t, draft, view), location_line(t, draft, view)) if line is not None]
    return Html("\n".join(lines)) if lines else None


def spot_now(t: Translator, draft: Draft) -> Html:
    """Where exactly, as given so far: the precinct (or that there is none), the place, the location."""
    kind = draft.precinct_kind
    precinct = t("summary.precinct", number=draft.precinct) if kind == "number" else t(f"summary.precinct_{kind}")
    first = precinct[:1].upper() + precinct[1:]  # a line of its own here, not after the region
    return Html("\n".join([first, *filter(None, [spot_lines(t, draft, View())])]))


def what_now(t: Translator, draft: Draft) -> Html:
    return what_line(t, draft, View())


def when_line(t: Translator, draft: Draft, view: View) -> Html:
    if view.for_moderators and view.received_at:
        return t("mod.card.when", value=when_text(t, draft.occurred_at),
                 received=t.datetime(datetime.fromisoformat(view.received_at)))
    return t("summary.when", value=when_text(t, draft.occurred_at))


DESCRIPTION_SHOWN = 1_500  # of a long description in a summary (review, card): one message holds it


def description_line(t: Translator, draft: Draft, view: View) -> Html:
    """The description, or its beginning when long (the whole is in /view's follow-up, the
    exports and the dashboard): a summary must fit one Telegram message."""
    text = draft.description or "—"
    if len(text) <= DESCRIPTION_SHOWN:
        return t("summary.description", value=text)
    shown = text[:DESCRIPTION_SHOWN].rstrip() + "…"
    more = "summary.description_more" if view.for_moderators else "summary.description_kept"
    return Html(f'{t("summary.description", value=shown)}\n{t.plural(more, len(text))}')


def evidence_line(t: Translator, draft: Draft, view: View) -> Html:
    line = t("summary.evidence", value=Html(evidence_text(t, view.records)))
    if not view.for_moderators:
        return line
    # What a moderator checks before trusting a file: where it says it was taken, and when.
    with_gps = sum(1 for record in view.records if record.had_gps)
    off_day = sum(1 for record in view.records if capture_time.off_day(record.captured_at, draft.occurred_at))
    # And a file whose own data could not be read (damaged, past the image worker's budget, too
    # large to download): what it may give away is not known, so it is not posted as received.
    unread = sum(1 for record in view.records if evidence_posting.unread_and_withheld(record))
    flags = [t.plural("mod.card.flag_gps", with_gps)] if with_gps else []
    flags += [t.plural("mod.card.flag_time", off_day)] if off_day else []
    flags += [t.plural("mod.card.flag_unread", unread)] if unread else []
    return Html("\n".join([line, *flags]))


def contact_line(t: Translator, draft: Draft, view: View) -> Html | None:
    if view.for_moderators:
        return None  # the reporter line says it
    return t("summary.contact", value=t("summary.contact_allowed" if draft.contact_allowed else "summary.contact_anonymous"))


# Every line of a report's summary, in order: the review, the reporter's summary and the
# moderators' card all read it (a new step with a summary line adds it here and to its Step).
LINES: tuple[Callable[[Translator, Draft, View], Html | None], ...] = (
    role_line, what_line, where_line, spot_lines, when_line, description_line, evidence_line, contact_line,
)


def summary(t: Translator, draft: Draft, view: View) -> list[Html]:
    """The report's summary lines, those with something to say."""
    lines = (line(t, draft, view) for line in LINES)
    return [line for line in lines if line is not None]
