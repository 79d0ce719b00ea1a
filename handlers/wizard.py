"""The machinery of a wizard declared as a table of steps.

A ``Step`` says everything about one question: its prompt, its buttons, what it takes typed or
sent, the hint for anything else, its section on the review, whether it must be answered, its
line in a summary, and the functions that take its answers. ``Steps`` derives the rest from the
table: the ConversationHandler's states, which button values are valid, the review's sections
and what is still missing. A step's name is its state and the first part of its buttons'
callback data (``w:<step>:<value>``), so a button from another step never matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Awaitable, Callable, Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from services.i18n import Html, Translator
from handlers import callback_data as cb
from handlers import keyboards
from handlers import live_keyboard
from handlers.context import BotContext
from storage import drafts
from storage.models import Draft, EvidenceRecord

END = ConversationHandler.END
BACK, CANCEL_VALUE = "back", "cancel"  # values every step's navigation row carries
KEEP = "keep"  # a step changed from the review: leave its answer as it is
# The review and the confirmation of Cancel are the two steps the machinery itself goes to.
REVIEW, CANCEL = "review", "cancel"
NEXT = "next"  # what a step's function returns to go where the table says it leads (Step.next)


class Retry(Exception):
    """Input a step cannot take: the step is asked again with this notice (a catalog key)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params

    def said(self, t: Translator) -> Html:
        """The notice in the person's language; with a ``count``, in the catalog's plural forms."""
        params = dict(self.params)
        if "count" in params:
            return t.plural(self.key, int(params.pop("count")), **params)
        return t(self.key, **params)


@dataclass(frozen=True)
class Answered:
    """The step answered the person itself; the conversation is now at ``state``."""

    state: str | int


Outcome = str | Answered  # the name of the step to go on to, or what the step did itself


@dataclass
class Turn:
    """One update's work on a draft: what a step's functions get."""

    update: Update
    context: BotContext
    draft: Draft
    steps: "Steps"

    @property
    def t(self) -> Translator:
        return self.context.t


@dataclass(frozen=True)
class View:
    """What a summary line may need besides the answers: the files, and whether moderators read it."""

    records: list[EvidenceRecord] = field(default_factory=list)
    for_moderators: bool = False
    reporter: Html | None = None  # the card's line about who reported (moderators only)
    received_at: str | None = None  # when the report came in (moderators only)


Question = tuple[Html, InlineKeyboardMarkup]
Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Step:
    """One question of the wizard, declared once."""

    name: str
    question: str = ""  # catalog key of the prompt
    params: Callable[[Turn], dict] | None = None  # values for the prompt's placeholders
    choices: Callable[[Draft], Sequence[str]] | Sequence[str] = ()  # button values, labelled "<labels>.<value>"
    labels: str = ""
    width: int = 1
    extras: Callable[[Draft], Pairs] | Pairs = ()  # further buttons: (value, label key), one a row
    lead: Callable[[Draft], Pairs] | Pairs = ()  # buttons above the choices: (value, label key), one a row
    nav: bool = True  # Back (when there is a way back) and Cancel under the buttons
    on_choice: Callable[[Turn, str], Awaitable[Outcome]] | None = None
    accepts: filters.BaseFilter | None = None  # what it takes typed or sent
    on_input: Callable[[Turn], Awaitable[Outcome]] | None = None
    hint: str = "wizard.use_buttons"  # said to anything else it is sent
    section: str | None = None  # the part of the review that changes it
    answered: Callable[[Draft], object] | None = None  # when it must be answered: whether it is
    summary: Callable[[Translator, Draft, View], Html | None] | None = None  # its line in a summary
    render: Callable[[Turn], Awaitable[Question]] | None = None  # a question built otherwise
    # Changed from the review: what the answer is now (its summary line by default), and where
    # "Keep" leaves it for (a step name, or by default the review).
    current: Callable[[Translator, Draft], Html | None] | None = None
    then: Callable[[Draft], str] | str | None = None
    # Where the wizard goes once the step is answered (its function returns NEXT): a step's name,
    # or a rule choosing it from the draft; by default the next step of the table that is not a
    # follow-up question. A follow-up (``follow_up``: a time or a date after "when") is asked only
    # when a step's function names it, and is never reached by order.
    next: Callable[[Draft], str] | str | None = None
    follow_up: bool = False
    skip: Callable[[Draft], bool] | None = None  # passed over by order while this says so
    # Said in place of the question when it is asked again after a file came to the step (a
    # long prompt is not sent again after every file): a catalog key, with the question's params.
    again: str = ""
    # The kinds of report (domain.counts.REPORT_KINDS) that ask it: a violation's steps by
    # default; the steps of an observer's counts, and those every kind shares, say so.
    kinds: tuple[str, ...] = ("violation",)

    def asks(self, draft: Draft) -> bool:
        """Whether this step belongs to the draft's kind of report."""
        return draft.kind in self.kinds

    def values(self, draft: Draft) -> tuple[str, ...]:
        """What a button of this step may carry; anything else is forged or from an old version."""
        keep = (KEEP,) if self.keeps(draft) else ()
        return (*(value for value, _ in _pairs(self.lead, draft)), *_choices(self, draft),
                *(value for value, _ in _extras(self, draft)), *keep)

    def buttons(self, draft: Draft) -> Pairs:
        """Every button of the step but Keep and the navigation row: (value, label key)."""
        chosen = tuple((value, f"{self.labels}.{value}") for value in _choices(self, draft))
        return (*_pairs(self.lead, draft), *chosen, *_extras(self, draft))

    def keeps(self, draft: Draft) -> bool:
        """Whether the step offers "Keep": it is being changed from the review and is answered."""
        return (draft.editing is not None and self.section == draft.editing and self.render is None
                and self.answered is not None and bool(self.answered(draft)))

    def now(self, t: Translator, draft: Draft) -> Html | None:
        """The step's answer as its summary says it."""
        if self.current is not None:
            return self.current(t, draft)
        return self.summary(t, draft, View()) if self.summary is not None else None

    def kept(self, draft: Draft) -> str:
        """Where "Keep" goes."""
        if callable(self.then):
            return self.then(draft)
        return self.then or REVIEW


class Steps:
    """The table of steps, in the order the wizard asks them, and what is derived from it."""

    def following(self, name: str, draft: Draft) -> str:
        """The step after ``name`` once it is answered: its own ``next``, or the next step of the
        table that is no follow-up and is not passed over for this draft."""
        step = self.by_name[name]
        if step.next is not None:
            return step.next(draft) if callable(step.next) else step.next
        names = [candidate.name for candidate in self.order]
        for candidate in self.order[names.index(name) + 1:]:
            if candidate.asks(draft) and not candidate.follow_up and not (candidate.skip and candidate.skip(draft)):
                return candidate.name
        return REVIEW

    def __init__(self, *steps: Step, renamed: dict[str, str] | None = None) -> None:
        self.order = steps
        self.by_name = {step.name: step for step in steps}
        # Steps of an earlier version, merged into others: drafts stored at them go on there.
        self.renamed = renamed or {}
        sections: dict[str, list[str]] = {}
        for step in steps:
            if step.section:
                sections.setdefault(step.section, []).append(step.name)
        # What "Change" on the review re-opens; editing ends when a step outside it is next.
        self.sections: dict[str, tuple[str, ...]] = {name: tuple(names) for name, names in sections.items()}

    def __getitem__(self, name: str) -> Step:
        return self.by_name[name]

    def missing(self, draft: Draft) -> str | None:
        """The first required step whose answer is missing or no longer fits the others."""
        return next((step.name for step in self.order
                     if step.asks(draft) and step.answered and not step.answered(draft)), None)

    def to_ask(self, draft: Draft, name: str) -> str:
        """``name``, or where it leads while its answer came before the wizard asked for it (the
        role a report starts in, a story typed at the main menu as its description): those are
        passed over."""
        step = self.by_name[name]
        while step.name in draft.prefilled and step.answered is not None and step.answered(draft):
            step = self.by_name[step.kept(draft)]
        return step.name

    def upgrade(self, draft: Draft) -> Draft:
        """A draft stored by an earlier version, at (or back through) a step that is now another."""
        draft.step = self.renamed.get(draft.step, draft.step)
        history = [self.renamed.get(name, name) for name in draft.history]
        draft.history = [name for i, name in enumerate(history) if i == 0 or name != history[i - 1]]
        return draft

    def sections_of(self, draft: Draft) -> tuple[str, ...]:
        """The sections the review of this kind of report offers to change."""
        return tuple(name for name, steps in self.sections.items()
                     if any(self.by_name[step].asks(draft) for step in steps))

    def section_of(self, step: str) -> str:
        return next(name for name, steps in self.sections.items() if step in steps)

    def summary(self, t: Translator, draft: Draft, view: View) -> list[Html]:
        """Each step's line, in the order of the steps."""
        lines = (step.summary(t, draft, view) for step in self.order if step.summary and step.asks(draft))
        return [line for line in lines if line is not None]

    def states(self, on_button: Callable, on_input: Callable[[Step], Callable],
               wrong_input: Callable, on_edit: Callable) -> dict[str, list[BaseHandler]]:
        """The ConversationHandler's state table: each step's buttons, what it takes, a
        catch-all that says what it needs, and edits of earlier messages (whose update has no
        ``message``: they never reach a step's own handlers)."""
        new = filters.UpdateType.MESSAGE
        states = {
            step.name: [
                CallbackQueryHandler(on_button, pattern=cb.pattern(cb.Wizard, step=step.name)),
                *([MessageHandler(new & step.accepts, on_input(step))] if step.accepts is not None else []),
                MessageHandler(new & ~filters.COMMAND, wrong_input),
                MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit),
            ]
            for step in self.order
        }
        # A conversation restored at an old step's name is handled as the step it became.
        return states | {old: states[new] for old, new in self.renamed.items()}


# ---- keyboards ------------------------------------------------------------------------------

def wbutton(t: Translator, step: str, value: str, label_key: str, **params: object) -> InlineKeyboardButton:
    """A step's button; without parameters the same button again is the same object (its label
    depends only on the language), not built, translated and checked again for every keyboard."""
    def make() -> InlineKeyboardButton:
        return InlineKeyboardButton(t(label_key, **params), callback_data=cb.encode(cb.Wizard(step, value)))

    return make() if params else keyboards.made_once(_BUTTONS, (t.lang, step, value, label_key), make, KEPT)


KEPT = 5_000  # buttons, and keyboards: three languages' steps with their grids are about 600 each
_BUTTONS: dict[tuple, InlineKeyboardButton] = {}


HALF_WIDTH = 18  # characters a button half a phone's width shows before its label is cut


def grid(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    """``width`` buttons a row; one whose label would be cut at that width takes a row of its own."""
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for button in buttons:
        if width > 1 and len(button.text) > HALF_WIDTH:
            rows += [row] if row else []
            rows.append([button])
            row = []
            continue
        row.append(button)
        if len(row) == width:
            rows.append(row)
            row = []
    return rows + ([row] if row else [])


def nav_row(t: Translator, step: str, draft: Draft) -> list[InlineKeyboardButton]:
    row = [wbutton(t, step, BACK, "wizard.back")] if draft.history else []
    return row + [wbutton(t, step, CANCEL_VALUE, "wizard.cancel")]


def _choices(step: Step, draft: Draft) -> Sequence[str]:
    return step.choices(draft) if callable(step.choices) else step.choices


def _extras(step: Step, draft: Draft) -> Pairs:
    return _pairs(step.extras, draft)


def _pairs(pairs: Callable[[Draft], Pairs] | Pairs, draft: Draft) -> Pairs:
    return pairs(draft) if callable(pairs) else pairs


def keyboard(t: Translator, step: Step, draft: Draft, extras: Iterable[tuple[str, str]] | None = None,
             ) -> InlineKeyboardMarkup:
    """The step's leading buttons a row each, its choices in a grid, its extra buttons a row
    each (or ``extras`` instead), Keep when it is changed from the review, then Back and Cancel.
    The same keyboard again (the same step, language and buttons) is the same object, not built
    again: a region's grid is twenty buttons."""
    lead = tuple((value, label) for value, label in _pairs(step.lead, draft))
    choices = tuple(_choices(step, draft))
    more = tuple((value, label) for value, label in (_extras(step, draft) if extras is None else extras))
    keeps, back = step.keeps(draft), step.nav and bool(draft.history)
    key = (t.lang, step.name, step.labels, step.width, step.nav, lead, choices, more, keeps, back)

    def make() -> InlineKeyboardMarkup:
        rows = [[wbutton(t, step.name, value, label)] for value, label in lead]
        rows += grid([wbutton(t, step.name, value, f"{step.labels}.{value}") for value in choices], step.width)
        rows += [[wbutton(t, step.name, value, label)] for value, label in more]
        if keeps:
            rows.append([wbutton(t, step.name, KEEP, "wizard.keep")])
        if step.nav:
            rows.append(nav_row(t, step.name, draft))
        return keyboards.markup(rows)

    return keyboards.made_once(_KEYBOARDS, key, make, KEPT)


_KEYBOARDS: dict[tuple, InlineKeyboardMarkup] = {}


async def question(turn: Turn, step: Step, again: bool = False) -> Question:
    """The prompt of a step and its keyboard (``again``: its short form, after a file came)."""
    if step.render is not None:
        return await step.render(turn)
    params = step.params(turn) if step.params else {}
    text = turn.t(step.again if again and step.again else step.question, **params)
    if step.keeps(turn.draft):  # changed from the review: what it says now, above the question
        text = Html(f"{turn.t('wizard.current', value=step.now(turn.t, turn.draft))}\n\n{text}")
    return text, keyboard(turn.t, step, turn.draft)


# ---- moving through the steps ---------------------------------------------------------------

async def load(context: BotContext, steps: "Steps | None" = None) -> Draft | None:
    draft = await drafts.get(await context.services.db(), context.person.id)
    return steps.upgrade(draft) if steps is not None and draft is not None else draft


async def store(context: BotContext, draft: Draft) -> None:
    chat, keys = context.private_chat, context.services.keys
    sealed = (lambda: keys.seal(str(chat))) if chat is not None else None
    await drafts.save(await context.services.db(), context.person.id, draft, sealed)


async def show(turn: Turn, name: str, notice: str | None = None) -> str:
    """Store the draft at step ``name`` and ask its question. Returns the state."""
    turn.draft.step = name
    await store(turn.context, turn.draft)
    return await ask(turn, name, await question(turn, turn.steps[name]), notice)


async def ask(turn: Turn, name: str, asked: Question, notice: str | None = None) -> str:
    """Ask a question of a draft already stored at step ``name``: in place of the pressed
    message when a button led here, as a new message otherwise (the old one's buttons are taken
    off). Returns the state."""
    text, markup = asked
    if notice:
        text = Html(f"{notice}\n\n{text}")
    query = turn.update.callback_query
    if query is not None and not notice:
        await query.edit_message_text(text, reply_markup=markup)
        message_id = query.message.message_id
    else:
        message_id = (await turn.update.effective_chat.send_message(text, reply_markup=markup)).message_id
    # After the answer, so the person never waits for it: the previous prompt's (or the main
    # menu's) buttons come off, and this one is the chat's only live keyboard.
    await live_keyboard.shown(turn.context, turn.update.effective_chat.id, message_id)
    return name


async def advance(turn: Turn, next_step: str, notice: str | None = None) -> str:
    """Go forward; while one section is being changed from the review, return to the review
    after it. A ``notice`` goes above the next question (in a new message)."""
    draft = turn.draft
    if draft.editing and next_step not in turn.steps.sections[draft.editing]:
        draft.editing = None
        draft.history = []
        next_step = REVIEW
    else:
        draft.history.append(draft.step)
        next_step = turn.steps.to_ask(draft, next_step)
    return await show(turn, next_step, notice)


async def back(turn: Turn) -> str:
    draft = turn.draft
    previous = draft.history.pop() if draft.history else draft.step
    if previous == REVIEW:
        draft.editing = None
    return await show(turn, previous)


async def go(turn: Turn, outcome: Outcome) -> str | int:
    """Where a step's function said to go (NEXT: where the table says the step leads)."""
    if isinstance(outcome, Answered):
        return outcome.state
    if outcome == NEXT:
        outcome = turn.steps.following(turn.draft.step, turn.draft)
    return await advance(turn, outcome)
