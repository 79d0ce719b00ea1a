"""The tally: observers' protocol copies merged into one record per precinct (a line where copies
differ is a conflict until a moderator confirms a figure by a copy's photo), beside the official
figures with the differences, summed per region and for the country, with turnout by the hour
and coverage. ``compute`` is pure (tested without a database); ``current`` reads what it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.counts import COUNT_KINDS, PROTOCOL_LINES, candidate_line, candidate_position
from storage import counts as count_store
from storage import tally as store
from storage.db import Database
from storage.tally import Confirmed, Copy, Count, Official, Precinct, figures_of

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


class PrecinctRecord:
    """One precinct: its copies, the official figures, moderators' confirmations and turnout by
    the hour (observers' latest count at each hour, and the official one). ``agreed`` (line →
    the observers' figure) and ``conflicting`` (lines whose copies differ, unconfirmed) are
    worked out at once, reading one copy's figures when all its copies carry the same; the
    figures line by line with each value's copies (``figures``) only when asked for."""

    __slots__ = ("region", "precinct", "copies", "official", "confirmed", "turnout", "turnout_official",
                 "in_official", "agreed", "conflicting", "_figures")

    def __init__(self, region: str, precinct: str) -> None:
        self.region, self.precinct = region, precinct
        self.copies: list[Copy] = []
        self.official: dict[str, int] = {}
        self.confirmed: dict[str, Confirmed] = {}
        self.turnout: dict[str, int] = {}
        self.turnout_official: dict[str, int] = {}
        self.in_official = False
        self.agreed: dict[str, int] = {}
        self.conflicting: set[str] = set()
        self._figures: dict[str, Figure] | None = None

    def settle(self) -> None:
        """Work out the observers' figures from the copies and confirmations."""
        self._figures = None
        texts = {copy.text for copy in self.copies}
        if len(texts) <= 1:
            agreed = figures_of(texts.pop()) if texts else {}
            conflicting: set[str] = set()
        else:
            agreed, conflicting = {}, set()
            for line, figure in self._merge().items():
                if len(figure.values) == 1:
                    agreed[line] = next(iter(figure.values))
                elif len(figure.values) > 1:
                    conflicting.add(line)
        for line, confirmation in self.confirmed.items():
            agreed[line] = confirmation.value
            conflicting.discard(line)
        self.agreed, self.conflicting = agreed, conflicting

    def _merge(self) -> dict[str, Figure]:
        figures: dict[str, Figure] = {}
        for copy in self.copies:
            for line, value in figures_of(copy.text).items():
                figure = figures.get(line)
                if figure is None:
                    figure = figures[line] = Figure(line)
                figure.values.setdefault(value, []).append(copy.reference)
        return figures

    @property
    def figures(self) -> dict[str, Figure]:
        """Each line the copies, a confirmation or the official file give."""
        if self._figures is None:
            figures = self._merge()
            for line, confirmation in self.confirmed.items():
                figures.setdefault(line, Figure(line)).confirmed = confirmation
            for line, value in self.official.items():
                figures.setdefault(line, Figure(line)).official = value
            self._figures = figures
        return self._figures

    @property
    def conflicts(self) -> list[Figure]:
        return [self.figures[line] for line in line_order(self.conflicting)]

    def beyond(self, threshold: int) -> list[Figure]:
        """The lines whose official figure differs from the observers' agreed one by more than
        ``threshold``."""
        lines = [line for line, value in self.official.items()
                 if (agreed := self.agreed.get(line)) is not None and abs(value - agreed) > threshold]
        return [self.figures[line] for line in line_order(set(lines))]


@dataclass(slots=True)
class Sums:
    """A region's (or the country's) figures: precincts counted, and per line the observers'
    and the official sums over the precincts that have both (so the two compare)."""

    official_precincts: int = 0
    observed_precincts: int = 0  # with at least one copy
    covered: int = 0  # with a copy and in the official file
    conflicts: int = 0  # precincts with a conflict
    discrepant: int = 0  # precincts with a difference beyond the threshold
    lines: dict[str, list[int]] = field(default_factory=dict)  # line → [observers', official, precincts]
    turnout: dict[str, list[int]] = field(default_factory=dict)  # hour → [observers', official, precincts]

    @property
    def coverage(self) -> float | None:
        """The share of the official file's precincts with an observers' copy."""
        return self.covered / self.official_precincts if self.official_precincts else None

    def copy(self) -> "Sums":
        return Sums(self.official_precincts, self.observed_precincts, self.covered, self.conflicts, self.discrepant,
                    {line: list(pair) for line, pair in self.lines.items()},
                    {hour: list(row) for hour, row in self.turnout.items()})


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
    for copy in copies:
        key = (copy.region, copy.precinct)
        record = precincts.get(key)
        if record is None:
            record = precincts[key] = PrecinctRecord(*key)
        record.copies.append(copy)
    for key, confirmed in confirmations.items():
        _record(precincts, key).confirmed = confirmed
    for key in official.precincts:
        _record(precincts, key).in_official = True
    for key, results in official.results.items():
        _record(precincts, key).official = results
    _add_counts(precincts, counts)
    for key, hours in official.turnout.items():
        _record(precincts, key).turnout_official = hours
    regions: dict[str, Sums] = {}
    lines: set[str] = set()
    for record in precincts.values():
        record.settle()
        lines.update(record.agreed, record.official, record.conflicting)
        _contribute(regions, record, threshold, 1)
    _country(regions)
    return Tally(precincts, regions, line_order(lines), threshold)


def _record(precincts: dict[Precinct, PrecinctRecord], key: Precinct) -> PrecinctRecord:
    record = precincts.get(key)
    if record is None:
        record = precincts[key] = PrecinctRecord(*key)
    return record


def _add_counts(precincts: dict[Precinct, PrecinctRecord], counts: list[Count]) -> None:
    for count in counts:  # oldest first: the latest count at an hour stands
        _record(precincts, (count.region, count.precinct)).turnout[count.hour] = count.voters


def _contribute(regions: dict[str, Sums], record: PrecinctRecord, threshold: int, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) what a precinct counts for in its region's sums (the
    country's are the regions' added up: ``_country``)."""
    sums = regions.get(record.region)
    if sums is None:
        sums = regions[record.region] = Sums()
    agreed, lines = record.agreed, sums.lines
    beyond = False
    for line, official_value in record.official.items():
        value = agreed.get(line)
        if value is not None:
            _accumulate(lines, line, sign * value, sign * official_value, sign)
            if abs(official_value - value) > threshold:
                beyond = True
    turnout_official = record.turnout_official
    for hour, voters in record.turnout.items():
        official_voters = turnout_official.get(hour)
        if official_voters is not None:
            _accumulate(sums.turnout, hour, sign * voters, sign * official_voters, sign)
    observed = bool(record.copies)
    sums.official_precincts += sign * record.in_official
    sums.observed_precincts += sign * observed
    sums.covered += sign * (observed and record.in_official)
    sums.conflicts += sign * bool(record.conflicting)
    sums.discrepant += sign * beyond


def _country(regions: dict[str, Sums]) -> None:
    """The country's sums: every region's added up."""
    country = regions[COUNTRY] = Sums()
    for code, sums in regions.items():
        if code == COUNTRY:
            continue
        country.official_precincts += sums.official_precincts
        country.observed_precincts += sums.observed_precincts
        country.covered += sums.covered
        country.conflicts += sums.conflicts
        country.discrepant += sums.discrepant
        for line, (observed, official_value, precincts) in sums.lines.items():
            _accumulate(country.lines, line, observed, official_value, precincts)
        for hour, (observed, official_value, precincts) in sums.turnout.items():
            _accumulate(country.turnout, hour, observed, official_value, precincts)


def _accumulate(rows: dict[str, list[int]], key: str, observed: int, official: int, precincts: int) -> None:
    row = rows.get(key)
    if row is None:
        rows[key] = [observed, official, precincts]
        return
    row[0] += observed
    row[1] += official
    row[2] += precincts
    if not row[2]:  # the last precinct it summed was taken away
        del rows[key]


@dataclass
class _Computed:
    """The last tally this process computed, and what it was computed from."""

    db: Database
    threshold: int
    head: tuple[int, int, int]
    last_report: int
    tally: Tally


_last: list[_Computed] = []  # one entry at most: the bot has one database
INCREMENTAL = ("submitted", "figure_confirmed")  # changes to a count's or copy's report read alone


async def current(db: Database, threshold: int) -> Tally:
    """The tally as the database stands. The whole country is read once; after that only what
    changed since (new counts and copies, confirmed figures) is read and the precincts it
    touches worked out again, unless the change is of another kind (an official load, a copy
    rejected or moved), which reads everything again."""
    head = await store.head(db)
    last = _last[0] if _last and _last[0].db is db and _last[0].threshold == threshold else None
    if last is not None and last.head == head:
        return last.tally
    if last is not None and head[0] >= last.head[0]:
        changes = await store.changes_since(db, last.head[0])
        if all(change.kind == "violation" or (change.report_id is None and change.action != "official_loaded")
               or (change.kind in COUNT_KINDS and change.action in INCREMENTAL) for change in changes):
            touched = {tuple(change.note.split()[:2]) for change in changes
                       if change.action == "figure_confirmed" and change.note}
            found, last_report = await _update(db, last, touched)
            _last[:] = [_Computed(db, threshold, head, last_report, found)]
            return found
    copies, counts = await store.copies(db), await store.counts(db)
    found = compute(copies, counts, await store.official(db), await store.confirmations(db), threshold)
    last_report = max((item.report_id for item in (*copies, *counts)), default=0)
    _last[:] = [_Computed(db, threshold, head, last_report, found)]
    return found


async def _update(db: Database, last: _Computed, touched: set) -> tuple[Tally, int]:
    """The last tally with the new counts and copies and the confirmed figures since: a new
    tally (the last one stays as it was for whoever is reading it), sharing the precincts
    nothing touched."""
    old = last.tally
    copies, counts = await store.copies(db, after=last.last_report), await store.counts(db, after=last.last_report)
    touched = set(touched) | {(item.region, item.precinct) for item in (*copies, *counts)}
    precincts = dict(old.precincts)
    regions = {code: sums.copy() for code, sums in old.regions.items() if code != COUNTRY}
    lines = set(old.lines)
    for key in touched:
        before = old.precincts.get(key)
        record = PrecinctRecord(*key)
        if before is not None:
            _contribute(regions, before, old.threshold, -1)
            record.copies, record.official, record.turnout = list(before.copies), before.official, dict(before.turnout)
            record.turnout_official, record.in_official = before.turnout_official, before.in_official
        else:
            official = await store.official(db, key)
            record.official = official.results.get(key, {})
            record.turnout_official = official.turnout.get(key, {})
            record.in_official = key in official.precincts
        record.copies += [copy for copy in copies if (copy.region, copy.precinct) == key]
        record.confirmed = (await store.confirmations(db, key)).get(key, {})
        _add_counts({key: record}, [count for count in counts if (count.region, count.precinct) == key])
        record.settle()
        lines.update(record.agreed, record.official, record.conflicting)
        precincts[key] = record
        _contribute(regions, record, old.threshold, 1)
    _country(regions)
    last_report = max((item.report_id for item in (*copies, *counts)), default=last.last_report)
    return Tally(precincts, regions, line_order(lines), old.threshold), last_report


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
