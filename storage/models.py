"""pydantic models for what crosses the storage boundary."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, model_validator

from domain.counts import REPORT_KINDS
from domain.rules import (
    REGION_UNKNOWN, REGIONS, EscalationTarget, Language, PersonRole as Role, PrecinctKind, Priority, ReporterRole,
    Status,
)


ReportKind = Literal[REPORT_KINDS]  # type: ignore[valid-type]


class Person(BaseModel):
    """Someone who has written to the bot, known only by pseudonym."""

    model_config = ConfigDict(frozen=True)

    id: int
    pseudonym: str
    language: Language
    role: Role
    staff_name: str | None = None  # a moderator's own display name, never a reporter's
    staff_code: str | None = None  # staff only: random, what /mods and the history show of them
    reporter_role: ReporterRole | None = None  # the role their reports start in, when not a voter's

    @property
    def actor_code(self) -> str:
        """A staff member's code as the history shows it ("moderator 3FA2")."""
        return self.staff_code or "—"


class EvidenceRecord(BaseModel):
    """One file received as evidence: what it is, where it is kept, and its hash. Never the
    name its sender gave it (it may be theirs): files go by services.evidence_labels."""

    id: int | None = None
    kind: Literal["photo", "video", "document", "voice", "audio", "video_note"]
    file_id: str
    file_unique_id: str
    mime_type: str | None = None
    sender_named: bool = False  # Telegram holds a name for it: never re-sent by file_id
    size: int | None = None
    sha256: str | None = None
    received_at: str
    stored_path: str | None = None
    too_big: bool = False
    media_group_id: str | None = None
    captured_at: str | None = None
    camera_model: str | None = None
    had_gps: bool | None = None
    had_author: bool | None = None  # its own data names an author (the name is never kept)
    had_serial: bool | None = None  # its own data holds a device's serial number (never kept)
    # "read": every place its type keeps metadata was read, so the flags above can be trusted;
    # "unreadable" or "too_large" (past the image worker's budget); None: not read (never
    # downloaded, a type we do not read, or stored before metadata was judged)
    metadata: Literal["read", "unreadable", "too_large"] | None = None
    caption: str | None = None  # what the reporter wrote under the file, as they wrote it
    thumbnail_path: str | None = None  # made by earlier versions, no longer: kept, and removed with the rest
    preview_path: str | None = None
    pending: bool = False  # its reference is kept, its download still owed (storage.downloads)


class NewReport(BaseModel):
    """A report as the reporter sends it."""

    reporter_role: ReporterRole
    accredited: bool = False
    category: str
    subcategory: str | None = None
    region: str
    precinct: str | None = None
    precinct_kind: PrecinctKind | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    occurred_at: str
    description: str
    contact_allowed: bool = False
    submission_key: str
    priority: Priority = "normal"  # "urgent": filed in two taps, alerted ahead of everything
    kind: ReportKind = "violation"  # or one of an accredited observer's counts (domain.counts)

    @model_validator(mode="after")
    def _region_known(self) -> "NewReport":
        """A region of the wizard's list; "not stated yet" only for an urgent report, filed
        before its reporter says where (a moderator's /fix says it later)."""
        if self.region not in REGIONS and not (self.region == REGION_UNKNOWN and self.priority == "urgent"):
            raise ValueError(f"unknown region {self.region!r}")
        return self


class Report(NewReport):
    """A stored report."""

    id: int
    reference: str
    reporter_id: int | None
    status: Status
    submitted_at: str
    taken_by: int | None = None
    status_note: str | None = None
    duplicate_of: str | None = None
    escalated_to: EscalationTarget | None = None
    external_ref: str | None = None
    external_date: str | None = None
    escalated_at: str | None = None
    status_changed_at: str | None = None
    moderator_message_id: int | None = None
    alerted_at: str | None = None
    deadline_reminded: str | None = None
    receipt_hash: str | None = None  # of the code only the reporter's receipt holds
    public_note: str | None = None  # the reason or outcome as the reporter may read it


class DeadlineFacts(NamedTuple):
    """What a report's legal deadlines are reckoned from (services.deadlines), read without the
    rest of the report: the day over time reads thousands of open reports at once, and a whole
    validated Report each (its description, its notes) was most of that page's time (a tuple:
    made from a row several times faster than a model or a dataclass)."""

    id: int
    reference: str
    status: str
    category: str
    subcategory: str | None
    occurred_at: str
    escalated_to: str | None
    external_ref: str | None
    external_date: str | None
    escalated_at: str | None
    status_changed_at: str | None
    submitted_at: str


class AuditEntry(BaseModel):
    id: int
    report_id: int | None
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str | None
    created_at: str


class Draft(BaseModel):
    """A report being written: filled in step by step, stored at every step.

    Every answer is a field of the same name in NewReport, except the two the wizard asks as
    a group and then its exact category, which a report stores as category and subcategory."""

    key: str
    step: str
    history: list[str] = []
    editing: str | None = None
    prefilled: list[str] = []  # steps answered before the wizard reached them: passed over
    reporter_role: ReporterRole | None = None
    group: str | None = None
    category: str | None = None
    region: str | None = None
    precinct: str | None = None
    precinct_kind: PrecinctKind | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    occurred_at: str | None = None
    description: str | None = None
    contact_allowed: bool | None = None
    overflow: str | None = None  # a description over the limit, kept until cut or replaced
    continues_until: str | None = None  # a long description's next part (Telegram splits them) joins it until then
    # Which step each recent typed message answered (its id as text): an edit of one is taken
    # as a new answer to that step while it is open, or changes it from the review.
    typed: dict[str, str] = {}
    asked_date: str | None = None  # a day typed without a year that is still to come this year: last year's?
    replaced: str | None = None  # the description a changed one replaced, while its next part may come
    kind: ReportKind = "violation"  # or an accredited observer's count (domain.counts)
    # A count's answers (handlers.count_steps), stored beside its report by storage.counts:
    hour: str | None = None  # a turnout count's hour (TURNOUT_HOURS)
    source: str | None = None  # counted by the observer or announced by the commission
    voters: int | None = None
    copy_state: str | None = None  # what the observer got of the protocol (COPY_STATES)
    figures: dict[str, int] = {}  # the protocol's lines typed so far
    candidates: list[str] = []  # the candidates' names when the figures were first asked
    refused_reference: str | None = None  # the observer-rights report a refused copy filed

    def answers(self) -> dict[str, Any]:
        """The answers under the names a report stores them by."""
        fields = self.model_dump(exclude=_WIZARD_FIELDS)
        return {_REPORT_NAMES.get(name, name): value for name, value in fields.items()}

    @classmethod
    def of_report(cls, report: NewReport) -> "Draft":
        """A report's answers as a draft holds them, so both are shown by the same code."""
        return cls(key=report.submission_key, step="", **{
            name: getattr(report, _REPORT_NAMES.get(name, name))
            for name in cls.model_fields if name not in _WIZARD_FIELDS})


_WIZARD_FIELDS = {"key", "step", "history", "editing", "prefilled", "overflow", "continues_until", "typed",
                  "asked_date", "replaced", "hour", "source", "voters", "copy_state", "figures", "candidates",
                  "refused_reference"}
_REPORT_NAMES = {"group": "category", "category": "subcategory"}


def new_report(draft: Draft, **fields: Any) -> NewReport:
    """The report a complete draft becomes; ``fields`` are those the reporter did not answer."""
    answers = {name: value for name, value in draft.answers().items() if name in NewReport.model_fields}
    return NewReport(**answers, submission_key=draft.key, **fields)
