"""Callback data of inline buttons: one typed declaration per kind, written and read here only.

Each kind is a frozen dataclass declared with its template (``m:{action}:{report_id}``); the
type of each field says what its part may hold: a report's id or a page (an ``int``), one of a
closed set taken from the rules (an action, a language, a target), a short word. ``encode``
writes one (refusing what would not read back as itself, or is over Telegram's 64 bytes);
``parse`` reads a pressed button's data back into its object, or gives None for anything this
code did not write: the door (handlers.buttons) answers that as out of date, so no handler
sees a raw string. The strings are those the buttons have always carried, so cards and menus
posted before an upgrade still work.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, fields
from typing import Annotated, Any, Callable, Iterable, TypeVar, get_type_hints

from domain.counts import COUNT_KINDS
from domain.rules import ESCALATION_TARGETS, LANGUAGES, REGIONS, URGENT_CHOICES
from services import moderation as rulebook
from services import receipts
from services.search_query import Query, decode_query, encode_query

MAX_BYTES = 64  # Telegram's limit for callback_data


class TooLong(ValueError):
    """Callback data over Telegram's 64 bytes: the button cannot be made."""


@dataclass(frozen=True)
class Part:
    """How one field is written: the text it may be (a regular expression), and the two ways."""

    regex: str
    read: Callable[[str], Any] = str
    write: Callable[[Any], str] = str


def number() -> Part:
    """A positive whole number (an id, a page), written without leading zeros."""
    return Part(r"[1-9][0-9]{0,17}", int)


def one_of(values: Iterable[str]) -> Part:
    """One of a closed set (the rules' languages, the rulebook's actions)."""
    return Part("|".join(re.escape(value) for value in sorted(values, key=len, reverse=True)))


_WORD = r"[A-Za-z0-9_.\-]{1,40}"
Id = Annotated[int, number()]
Page = Annotated[int, number()]
Word = Annotated[str, Part(_WORD)]  # a wizard's step or value: the wizard's table knows which are live
YesNo = Annotated[str, one_of(("yes", "no"))]

# The card's buttons: the rulebook's actions (services.moderation) as the card names them.
CARD_ACTIONS: tuple[str, ...] = (*rulebook.STATUS_ACTIONS, "correct", *rulebook.GROUP_ACTIONS)
MENU_ITEMS = ("urgent", "report", *COUNT_KINDS, "mine", "rights", "language", "help")  # counts: observers'
PROMPT_CHOICES = ("cancel", "internal", "public")
SCREEN_BYTES = 8  # the urgent path's screen's random mark (handlers.urgent): 16 hex digits


class Button:
    """What every declared kind is: the data of one button, as its handler receives it."""


B = TypeVar("B", bound=Button)


@dataclass(frozen=True)
class _Kind:
    template: str
    regex: re.Pattern[str]
    parts: dict[str, Part]


_KINDS: dict[type, _Kind] = {}
_BY_PREFIX: dict[str, list[type]] = {}


def declare(template: str) -> Callable[[type[B]], type[B]]:
    """Register a kind under its template: literal text and each field once, as ``{name}``."""
    def register(cls: type[B]) -> type[B]:
        hints = get_type_hints(cls, include_extras=True)
        parts = {field.name: hints[field.name].__metadata__[0] for field in fields(cls)}
        pieces = re.split(r"\{(\w+)\}", template)
        named = pieces[1::2]
        if sorted(named) != sorted(parts) or any(not piece for piece in pieces[2:-1:2]):
            raise TypeError(f"{cls.__name__}: the template names each field once, apart: {template!r}")
        regex = "".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>{parts[piece].regex})"
                        for i, piece in enumerate(pieces))
        _KINDS[cls] = _Kind(template, re.compile(regex), parts)
        _BY_PREFIX.setdefault(template.partition(":")[0], []).append(cls)
        return cls
    return register


def kinds() -> tuple[type[Button], ...]:
    """Every declared kind, in the order declared."""
    return tuple(_KINDS)


def encode(button: Button) -> str:
    """The data a button carries; raises TooLong over 64 bytes, ValueError for a value its
    kind does not take (it would not read back as itself)."""
    kind = _KINDS[type(button)]
    data = kind.template.format(**{name: part.write(getattr(button, name)) for name, part in kind.parts.items()})
    if len(data.encode()) > MAX_BYTES:
        raise TooLong(f"callback data over {MAX_BYTES} bytes: {type(button).__name__}")
    if parse(data) != button:
        raise ValueError(f"{button!r} does not read back from {data!r}")
    return data


@functools.lru_cache(maxsize=512)  # the door reads a press, the handlers' patterns ask again
def parse(data: str | None) -> Button | None:
    """The button ``data`` came from; None for anything ``encode`` did not write."""
    if not isinstance(data, str) or not data or len(data.encode()) > MAX_BYTES:
        return None
    for cls in _BY_PREFIX.get(data.partition(":")[0], ()):
        kind = _KINDS[cls]
        match = kind.regex.fullmatch(data)
        if match is None:
            continue
        values = {name: kind.parts[name].read(text) for name, text in match.groupdict().items()}
        if None not in values.values():
            return cls(**values)
    return None


def pattern(kind: type[B] | tuple[type[B], ...], test: Callable[[B], bool] | None = None,
            **equal: object) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: buttons of ``kind`` whose fields are ``equal`` (and that
    pass ``test``)."""
    def matches(data: object) -> bool:
        button = parse(data) if isinstance(data, str) else None
        return (isinstance(button, kind) and all(getattr(button, name) == value for name, value in equal.items())
                and (test is None or test(button)))
    return matches


# ---- the kinds ---------------------------------------------------------------------------------

@declare("lang:{lang}")
@dataclass(frozen=True)
class Language(Button):
    """A language chosen (/language, or at the first /start)."""
    lang: Annotated[str, one_of(LANGUAGES)]


@declare("menu:{item}")
@dataclass(frozen=True)
class Menu(Button):
    """An item of the main menu."""
    item: Annotated[str, one_of(MENU_ITEMS)]


@declare("w:{step}:{value}")
@dataclass(frozen=True)
class Wizard(Button):
    """A button of the report wizard: its step and the value chosen (Back, Cancel and Keep too)."""
    step: Word
    value: Word


@declare("del:{answer}")
@dataclass(frozen=True)
class DeleteData(Button):
    """/deletemydata's confirmation."""
    answer: YesNo


@declare("story:{answer}")
@dataclass(frozen=True)
class Story(Button):
    """A story typed at the main menu: start a report with it, or not."""
    answer: YesNo


@declare("m:{action}:{report_id}")
@dataclass(frozen=True)
class CardAction(Button):
    """A moderator's action on a report, from its card."""
    action: Annotated[str, one_of(CARD_ACTIONS)]
    report_id: Id


@declare("esc:{report_id}:{target}")
@dataclass(frozen=True)
class EscalateTo(Button):
    """Where a report is escalated to."""
    report_id: Id
    target: Annotated[str, one_of(ESCALATION_TARGETS)]


@declare("escc:{report_id}:{target}")
@dataclass(frozen=True)
class CorrectTo(Button):
    """Where an escalated report really went (correcting its escalation)."""
    report_id: Id
    target: Annotated[str, one_of(ESCALATION_TARGETS)]


@declare("p:{choice}")
@dataclass(frozen=True)
class PromptChoice(Button):
    """A button under a question to a moderator: cancel it, or make its answer internal or public."""
    choice: Annotated[str, one_of(PROMPT_CHOICES)]


@declare("q:{page}")
@dataclass(frozen=True)
class QueuePage(Button):
    """A page of the moderators' /queue."""
    page: Page


def _query_part() -> Part:
    """A /find query as two parts (services.search_query writes and reads them)."""
    return Part(f"{_WORD}:{_WORD}", lambda text: decode_query(*text.split(":")),
                lambda query: ":".join(encode_query(query)))


@declare("fq:{page}:{query}")
@dataclass(frozen=True)
class FindPage(Button):
    """A page of /find's results: the query travels in the button itself."""
    page: Page
    query: Annotated[Query, _query_part()]


@declare("u:{choice}.{screen}")
@dataclass(frozen=True)
class UrgentChoice(Button):
    """What is happening, on the urgent path's screen (``screen``: its random mark, in hex)."""
    choice: Annotated[str, one_of(URGENT_CHOICES)]
    screen: Annotated[str, Part(f"[0-9a-f]{{{2 * SCREEN_BYTES}}}")]


@declare("u:cancel")
@dataclass(frozen=True)
class UrgentCancel(Button):
    """Cancel on the urgent path's screen: back to the main menu."""


@declare("u:where")
@dataclass(frozen=True)
class UrgentWhere(Button):
    """After an urgent report: say where it is happening."""


@declare("u:r.{region}")
@dataclass(frozen=True)
class UrgentRegion(Button):
    """The region of an urgent report."""
    region: Annotated[str, one_of(REGIONS)]


@declare("u:done")
@dataclass(frozen=True)
class UrgentDone(Button):
    """Nothing more to add to an urgent report."""


@declare("ans:{report_id}")
@dataclass(frozen=True)
class AnswerAbout(Button):
    """Which report a reporter's answer, sent without Reply, is about."""
    report_id: Id


@declare(receipts.CALLBACK + "{code}")
@dataclass(frozen=True)
class Receipt(Button):
    """A receipt's status button (services.feedback writes it: ``receipts.CALLBACK`` and the code)."""
    code: Annotated[str, Part(f"[{receipts.ALPHABET}]{{{receipts.LENGTH}}}")]
