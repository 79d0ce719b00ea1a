"""The layering holds: handlers → services → storage, domain rules below them all, SQL only in
storage/, and no module reaching for another module's private names."""

from __future__ import annotations

import ast
import re
import sys
import uuid
from pathlib import Path

import pytest

from tests.harness import PROJECT_ROOT

PACKAGES = ("bot", "domain", "handlers", "services", "storage", "locales", "web", "fake_telegram")
# What each layer may import from the project; anything else is an import that runs upward.
ALLOWED: dict[str, tuple[str, ...]] = {
    "domain": ("domain",),
    "storage": ("storage", "domain"),
    "locales": ("locales",),
    # The fake Bot API stands for Telegram itself: it knows nothing of the bot (the demo and tests use it).
    "fake_telegram": ("fake_telegram",),
    "services": ("services", "bot.settings", "domain", "storage", "locales"),
    "handlers": ("handlers", "services", "bot.settings", "domain", "storage"),
    "web": ("web", "services", "bot.settings", "domain", "storage"),  # beside handlers, never through them
    "bot": PACKAGES,  # the assembly: everything
}
# Text that is SQL: only storage/ may hold it (tests and the benchmark read the database as
# outsiders and are not part of the bot).
_SQL = re.compile(
    r"\bSELECT\b[\s\S]+\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|TRIGGER|VIEW)\b|\bPRAGMA\s+\w+"
)
_DATABASE_MODULES = ("sqlite3", "aiosqlite")


# The checks below plant modules in the tree to show they catch what they are for; other pytest
# workers scan the same tree at the same time, so planted modules are seen only by the test that
# planted them, each under a name of its own (it names them here, in its own process).
SEE_PLANTED: frozenset[str] = frozenset()


def modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if path.name.startswith("_planted") and path.name not in SEE_PLANTED:
                continue
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def layer_of(module: str) -> str:
    return "services" if module.startswith("services") else module.split(".")[0]


def imports(path: Path, module: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, [alias.name for alias in node.names], node.lineno))
    return found


def _in_project(name: str) -> bool:
    return name.split(".")[0] in PACKAGES


def _allowed(layer: str, target: str) -> bool:
    return any(target == prefix or target.startswith(prefix + ".") for prefix in ALLOWED[layer])


def upward_imports() -> list[str]:
    problems = []
    for module, path in modules():
        layer = layer_of(module)
        for target, names, line in imports(path, module):
            targets = [target] + [f"{target}.{name}" for name in names]
            if not _in_project(target):
                continue
            # `from services import media` imports services.media: judge the fullest name.
            if not any(_allowed(layer, candidate) for candidate in targets):
                problems.append(f"{path.relative_to(PROJECT_ROOT)}:{line} ({layer}) imports {target}")
    return problems


def private_imports() -> list[str]:
    problems = []
    for module, path in modules():
        for target, names, line in imports(path, module):
            if _in_project(target) and target != module:
                private = [name for name in names if name.startswith("_") and not name.startswith("__")]
                if private:
                    problems.append(f"{path.relative_to(PROJECT_ROOT)}:{line} takes {private} from {target}")
    return problems


def sql_outside_storage() -> list[str]:
    problems = []
    for module, path in modules():
        if layer_of(module) == "storage":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.search(node.value):
                problems.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} holds SQL")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(name.split(".")[0] in _DATABASE_MODULES for name in names):
                    problems.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} opens the database itself")
    return problems


def import_graph() -> dict[str, set[str]]:
    """Which project modules each module imports (wherever in the file: an import inside a
    function, made late to get round a circle, still counts)."""
    names = {name for name, _ in modules()}
    graph: dict[str, set[str]] = {}
    for module, path in modules():
        edges = set()
        for target, taken, _line in imports(path, module):
            if not _in_project(target):
                continue
            submodules = {f"{target}.{name}" for name in taken} & names
            edges |= submodules or ({target} & names)
        graph[module] = edges - {module}
    return graph


def circles() -> list[str]:
    """Groups of modules that import one another, directly or round a loop (Tarjan's strongly
    connected components of more than one module)."""
    graph, index, low, stack, on_stack, found = import_graph(), {}, {}, [], set(), []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(" ↔ ".join(sorted(group)))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_checks_see_the_whole_project():
    names = {name for name, _ in modules()}
    assert {"domain.rules", "storage.reports", "services.i18n", "handlers.report_wizard", "bot.app"} <= names


def test_no_layer_imports_upward():
    assert upward_imports() == []


def test_no_module_takes_another_modules_private_names():
    assert private_imports() == []


def test_sql_lives_only_in_storage():
    assert sql_outside_storage() == []


def test_no_modules_import_one_another_in_a_circle():
    """Cards and deliveries stand apart from the wizard; the wizard's parts never import the
    table that assembles them."""
    assert circles() == []


@pytest.mark.parametrize(("layer", "line", "caught"), [
    ("storage", "from services.i18n import Translator", upward_imports),
    ("storage", "from handlers import jobs", upward_imports),
    ("domain", "from storage import db", upward_imports),
    ("services", "from handlers.mod_cards import post_card", upward_imports),
    ("handlers", "from bot.app import build_application", upward_imports),
    ("handlers", "from storage.reports import _private", private_imports),
    ("handlers", 'QUERY = "SELECT id FROM reports"', sql_outside_storage),
    ("services", "import sqlite3", sql_outside_storage),
])
def test_the_checks_catch_what_they_are_for(layer, line, caught, monkeypatch):
    """A planted violation in each layer is reported (so a passing check means something)."""
    planted = PROJECT_ROOT / layer / f"_planted_for_test_{uuid.uuid4().hex[:12]}.py"
    monkeypatch.setattr(sys.modules[__name__], "SEE_PLANTED", frozenset({planted.name}))
    planted.write_text(f'"""Planted by tests/test_layers.py."""\n{line}\n', encoding="utf-8")
    try:
        assert any(planted.name in problem for problem in caught())
    finally:
        planted.unlink()


def test_the_summary_lines_are_the_wizards_steps_lines():
    """The card, the review and the reporter's summary read one list of lines, which follows the
    wizard's table (a step's line added to one and not the other fails here)."""
    from handlers import report_summary, report_wizard
    from storage.models import Draft

    violation = Draft(key="k", step="")  # an observer's counts have lines of their own (handlers.count_steps)
    assert [step.summary for step in report_wizard.STEPS.order if step.summary and step.asks(violation)] == \
        list(report_summary.LINES)


def test_the_circle_check_catches_a_circle(monkeypatch):
    """Two planted modules that import each other (one late, inside a function) are reported."""
    planted = [PROJECT_ROOT / "handlers" / f"_planted_circle_{n}.py" for n in "ab"]
    monkeypatch.setattr(sys.modules[__name__], "SEE_PLANTED", frozenset(path.name for path in planted))
    planted[0].write_text('"""Planted by tests/test_layers.py."""\nfrom handlers import _planted_circle_b\n',
                          encoding="utf-8")
    planted[1].write_text('"""Planted by tests/test_layers.py."""\n\n\ndef late():\n'
                          '    from handlers import _planted_circle_a\n', encoding="utf-8")
    try:
        assert any("_planted_circle_a" in circle and "_planted_circle_b" in circle for circle in circles())
    finally:
        for path in planted:
            path.unlink()
