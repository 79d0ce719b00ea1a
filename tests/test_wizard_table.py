"""The wizard's flow reads from its table: a step's function says NEXT, and the table (its order,
``next``, follow-up questions, what is passed over) says where that leads, so a step added to the
table is asked without touching the step before it."""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import replace

from handlers import report_wizard
from handlers.wizard import NEXT, REVIEW, Step, Steps
from storage.models import Draft


def names_returned(function) -> list[str]:
    """The step names a function returns literally (``return "when_time"``)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and node.value is not None:
            for value in ast.walk(node.value):
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value in \
                        report_wizard.STEPS.by_name:
                    found.append(value.value)
    return found


def test_no_step_names_the_step_that_follows_it():
    """A step's functions may name one of its follow-up questions, or a step before it (Change
    the role), never the next step of the flow: that is the table's to say."""
    steps = report_wizard.STEPS
    order = [step.name for step in steps.order]
    problems = []
    for step in steps.order:
        for function in (step.on_choice, step.on_input):
            if function is None or function.__module__ != report_wizard.__name__:
                continue
            for name in names_returned(function):
                target = steps[name]
                if not target.follow_up and order.index(name) > order.index(step.name):
                    problems.append(f"{function.__name__} (step {step.name}) returns {name!r}")
    assert not problems, problems


def test_a_step_added_to_the_table_is_next_without_touching_the_one_before():
    """A new step after "region" in the table is where choosing a region leads."""
    order = list(report_wizard.STEPS.order)
    at = [step.name for step in order].index("region") + 1
    added = Steps(*order[:at], Step("district", question="wizard.ask_where"), *order[at:])
    draft = Draft(key="k", step="region", region="astana")
    assert added.following("region", draft) == "district"
    assert added.following("district", draft) == "precinct"
    assert report_wizard.STEPS.following("region", draft) == "precinct"


def test_follow_ups_and_rules_of_the_table():
    """Follow-up questions are never reached by order; ``next`` and ``skip`` are the table's."""
    steps = report_wizard.STEPS
    draft = Draft(key="k", step="when")
    assert steps.following("when", draft) == "description"  # not its follow-ups, the time and the date
    assert steps.following("when_time", draft) == "description"
    assert steps.following("group", draft) == "region"  # the category is group's follow-up
    assert steps.following("description", draft) == REVIEW  # declared: files and contact come at the review
    assert steps.following("contact", draft) == REVIEW
    skipping = Steps(*(replace(step, skip=lambda d: True) if step.name == "precinct" else step
                       for step in steps.order))
    assert skipping.following("region", draft) == "when"
    assert NEXT not in steps.by_name


def test_a_steps_keyboard_made_once_still_follows_the_draft():
    """A step's keyboard is made once per language and buttons: Back only with somewhere to go
    back to, Keep only while a section is changed from the review, each language its own labels,
    whichever of them was made first."""
    from handlers.wizard import keyboard
    from services.i18n import Translator

    def labels(markup) -> list[str]:
        return [button.text for row in markup.inline_keyboard for button in row]

    en, kk = Translator("en"), Translator("kk")
    step = report_wizard.STEPS["region"]
    back, keep = en("wizard.back"), en("wizard.keep")
    drafts = [Draft(key="a", step="region", history=["group"]), Draft(key="a", step="region"),
              Draft(key="a", step="region", history=["review"], editing="where", region="abai")]
    for _ in range(2):  # made, then found again
        with_history, without, editing = (labels(keyboard(en, step, draft)) for draft in drafts)
        assert back in with_history and back not in without
        assert keep in editing and keep not in with_history
        in_kazakh = labels(keyboard(kk, step, drafts[0]))
        assert kk("wizard.back") in in_kazakh and back not in in_kazakh
