"""The tally: observers' protocol copies merged into one record per precinct (a line where copies
differ is a conflict until a moderator confirms a figure by a copy's photo), beside the official
figures with the differences, summed per region and for the country, with turnout by the hour
and coverage. ``compute`` is pure (tested without a database); ``current`` reads what it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.counts import PROTOCOL_LINES, candidate_line, candidate_position
from storage import counts as count_store
from storage import tally as store
from storage.db import Database
from storage.tally import Confirmed, Copy, Count, Official, Precinct

COUNTRY = "country"  # the key of the whole country's sums


@dataclass(slots=True)
class Figure:
    """One line of a precinct's record: each value the copies give with the copies giving it, a
    moderator's confirmation if any, and the official figure."""

    line: str
    values: dict[int, list[str]] = field(default_factory=dict)  # value → references of its copies
    confirmed: Confirmed | None = None
    official: int | None = None

    @property
    def agreed(self) -> int | None:
        """The observers' figure: the confirmed one, or the one every copy gives; None while
        copies differ (a conflict) or none gives the line."""
        if self.confirmed is not None:
            return self.confirmed.value
        if len(self.values) == 1:
            return next(iter(self.values))
        return None

    @property
    def conflict(self) -> bool:
        return len(self.values) > 1 and self.confirmed is None

    @property
    def difference(self) -> int | None:
        """Official minus observers' (positive: the official figure is higher)."""
        agreed = self.agreed
        return None if agreed is None or self.official is None else self.official - agreed


@dataclass(slots=True)
class PrecinctRecord:
    """One precinct: its copies, its figures line by line, and its turnout by the hour
    (observers' latest count at each hour, and the official one)."""

    region: str
    precinct: str
    copies: list[Copy] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    turnout: dict[str, int] = field(default_factory=dict)
    turnout_official: dict[str, int] = field(default_factory=dict)
    in_official: bool = False

    @property
    def conflicts(self) -> list[Figure]:
        return [figure for figure in self.figures.values() if figure.conflict]

    def beyond(self, threshold: int) -> list[Figure]:
        """The lines whose official figure differs from the observers' agreed one by more than
        ``threshold``."""
        return [figure for figure in self.figures.values()
                if figure.difference is not None and abs(figure.difference) > threshold]


@dataclass(slots=True)
class Sums:
    """A region's (or the country's) figures: precincts counted, and per line the observers'
    and the official sums over the precincts that have both (so the two compare)."""

    official_precincts: int = 0
    observed_precincts: int = 0  # with at least one copy
    covered: int = 0  # with a copy and in the official file
    conflicts: int = 0  # precincts with a conflict
    discrepant: int = 0  # precincts with a difference beyond the threshold
    lines: dict[str, list[int]] = field(default_factory=dict)  # line → [observers', official]
    turnout: dict[str, list[int]] = field(default_factory=dict)  # hour → [observers', official, precincts]

    @property
    def coverage(self) -> float | None:
        """The share of the official file's precincts with an observers' copy."""
        return self.covered / self.official_precincts if self.official_precincts else None


@dataclass(slots=True)
class Tally:
    precincts: dict[Precinct, PrecinctRecord]
    regions: dict[str, Sums]
    lines: list[str]  # the protocol's lines, then the candidates seen, in order
    threshold: int


def line_order(lines: set[str]) -> list[str]:
    candidates = sorted((position, line) for line in lines if (position := candidate_position(line)) is not None)
    return [line for line in PROTOCOL_LINES if line in lines] + [line for _, line in candidates]


def compute(copies: list[Copy], counts: list[Count], official: Official,
            confirmations: dict[Precinct, dict[str, Confirmed]], threshold: int) -> Tally:
    """Merge the copies per precinct, set the official figures beside them and sum it all per
    region and for the country."""
    precincts: dict[Precinct, PrecinctRecord] = {}

    def record(key: Precinct) -> PrecinctRecord:
        found = precincts.get(key)
        if found is None:
            found = precincts[key] = PrecinctRecord(key[0], key[1])
        return found

    seen_lines: set[str] = set()
    for copy in copies:
        merged = record((copy.region, copy.precinct))
        merged.copies.append(copy)
        figures = merged.figures
        for line, value in copy.figures.items():
            figure = figures.get(line)
            if figure is None:
                figure = figures[line] = Figure(line)
            references = figure.values.get(value)
            if references is None:
                figure.values[value] = [copy.reference]
            else:
                references.append(copy.reference)
    for key, confirmed in confirmations.items():
        figures = record(key).figures
        for line, confirmation in confirmed.items():
            figure = figures.get(line)
            if figure is None:
                figure = figures[line] = Figure(line)
            figure.confirmed = confirmation
    for key in official.precincts:
        record(key).in_official = True
    for key, results in official.results.items():
        figures = record(key).figures
        for line, value in results.items():
            figure = figures.get(line)
            if figure is None:
                figure = figures[line] = Figure(line)
            figure.official = value
    for count in counts:  # oldest first: the latest count at an hour stands
        record((count.region, count.precinct)).turnout[count.hour] = count.voters
    for key, hours in official.turnout.items():
        record(key).turnout_official = hours
    for merged in precincts.values():
        seen_lines.update(merged.figures)
    return Tally(precincts, _sums(precincts, threshold), line_order(seen_lines), threshold)


def _sums(precincts: dict[Precinct, PrecinctRecord], threshold: int) -> dict[str, Sums]:
    regions: dict[str, Sums] = {COUNTRY: Sums()}
    for merged in precincts.values():
        sums = regions.get(merged.region)
        if sums is None:
            sums = regions[merged.region] = Sums()
        for target in (sums, regions[COUNTRY]):
            target.official_precincts += merged.in_official
            target.observed_precincts += bool(merged.copies)
            target.covered += bool(merged.copies) and merged.in_official
        has_conflict = has_beyond = False
        for figure in merged.figures.values():
            if figure.conflict:
                has_conflict = True
            agreed, official = figure.agreed, figure.official
            if agreed is None or official is None:
                continue
            if abs(official - agreed) > threshold:
                has_beyond = True
            for target in (sums, regions[COUNTRY]):
                pair = target.lines.get(figure.line)
                if pair is None:
                    target.lines[figure.line] = [agreed, official]
                else:
                    pair[0] += agreed
                    pair[1] += official
        for target in (sums, regions[COUNTRY]):
            target.conflicts += has_conflict
            target.discrepant += has_beyond
        for hour, voters in merged.turnout.items():
            official_voters = merged.turnout_official.get(hour)
            if official_voters is None:
                continue
            for target in (sums, regions[COUNTRY]):
                row = target.turnout.get(hour)
                if row is None:
                    target.turnout[hour] = [voters, official_voters, 1]
                else:
                    row[0] += voters
                    row[1] += official_voters
                    row[2] += 1
    return regions


async def current(db: Database, threshold: int) -> Tally:
    """The tally as the database stands."""
    return compute(await store.copies(db), await store.counts(db), await store.official(db),
                   await store.confirmations(db), threshold)


async def of_precinct(db: Database, precinct: Precinct, threshold: int) -> PrecinctRecord | None:
    """One precinct's record, reading only its own rows (a report's page)."""
    found = compute(await store.copies(db, precinct), await store.counts(db, precinct),
                    await store.official(db, precinct), await store.confirmations(db, precinct), threshold)
    return found.precincts.get(precinct)


async def line_names(db: Database) -> dict[str, str]:
    """The candidates' names by their lines (``candidate:1`` → the name an administrator set)."""
    return {candidate_line(candidate.position): candidate.name for candidate in await count_store.candidates(db)}



@dataclass(slots=True)
class CountLine:
    """One figure of a count's or copy's report page: what it says, what the precinct's other
    copies say instead, the official figure and the difference."""

    line: str
    value: int
    others: dict[int, list[str]]
    official: int | None
    beyond: bool

    @property
    def difference(self) -> int | None:
        return None if self.official is None else self.official - self.value


@dataclass(slots=True)
class ReportCount:
    """A turnout count's or protocol copy's figures as its report page shows them."""

    kind: str  # "turnout" or "results"
    state: str  # the copy's state, or the count's hour
    source: str | None  # the count's source (counted, announced)
    lines: list[CountLine]
    mismatches: list[str]  # the protocol's own rules broken when it was sent (domain.counts.CHECKS)


async def of_report(db: Database, report_id: int, region: str, precinct: str | None, threshold: int) -> ReportCount | None:
    """The figures a count or copy carries, beside the precinct's other copies and the official
    figures (None for a violation report)."""
    key = (region, store.number(precinct)) if precinct else None
    count = await store.count_of(db, report_id)
    if count is not None:
        hour, source, voters = count
        official = (await store.official(db, key)).turnout.get(key, {}).get(hour) if key else None
        beyond = official is not None and abs(official - voters) > threshold
        return ReportCount("turnout", hour, source, [CountLine("voters", voters, {}, official, beyond)], [])
    copy = await store.copy_of(db, report_id)
    if copy is None:
        return None
    state, figures, mismatches = copy
    record = await of_precinct(db, key, threshold) if key else None
    lines = []
    for line in line_order(set(figures)):
        merged = record.figures.get(line) if record else None
        value = figures[line]
        others = {other: refs for other, refs in merged.values.items() if other != value} if merged else {}
        official = merged.official if merged else None
        lines.append(CountLine(line, value, others, official, official is not None and abs(official - value) > threshold))
    return ReportCount("results", state, None, lines, mismatches)
