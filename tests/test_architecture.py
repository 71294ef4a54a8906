"""The apps' dependencies point one way: workspace and api → events → matching → ambassadors.

An import against that direction would make the registry of people depend on
what is built on it; the privacy parts (ambassadors.privacy.PersonPart) are how
ambassadors reaches the other apps' rows without one. Imports inside functions
count too: they are dependencies all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ambassadors.privacy import privacy_parts

ROOT = Path(__file__).resolve().parents[1]

# What each app must not import. Migrations are left out: they name other apps'
# migrations by label and Django runs them in their own order.
FORBIDDEN = {
    "ambassadors": {"matching", "events", "api", "workspace"},
    "matching": {"events", "api", "workspace"},
    "events": {"api", "workspace"},
    "api": {"workspace"},
    "workspace": {"api"},
}


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the module, nested ones included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def _modules(app: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


def _violations(modules: list[Path], forbidden: set[str]) -> list[str]:
    violations = []
    for path in modules:
        relative = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
        for line, package in _imported(tree):
            if package in forbidden:
                violations.append(f"{relative}:{line} imports {package}")
    return violations


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_imports_none_of_the_apps_built_on_it(app: str) -> None:
    modules = _modules(app)
    assert len(modules) > 3  # the app is where we look
    assert _violations(modules, FORBIDDEN[app]) == []


def test_the_check_finds_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "late.py"
    module.write_text(
        "def f() -> None:\n    from matching.models import Match\n    import events\n"
    )
    found = [line.split(":", 1)[1] for line in _violations([module], FORBIDDEN["ambassadors"])]
    assert found == ["2 imports matching", "3 imports events"]


def test_the_apps_privacy_parts_run_before_the_apps_they_depend_on() -> None:
    # Events' buddy meetings are found through matching's matches, so events go first.
    assert [part.label for part in privacy_parts()] == ["events", "matching"]
