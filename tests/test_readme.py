"""The README opens with the two commands, and CI runs exactly its test command."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    return [
        line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")
    ]


def test_readme_opens_with_the_run_and_test_commands() -> None:
    run, test = _readme_commands()[:2]
    assert "sotay demo" in run and "pip install" in run
    assert test.startswith("python3 -m venv .venv") and "pip install" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test = _readme_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line.strip() for line in ci.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert commands[-1] == test


#: What the README's test command must run, in this order, each the venv's own tool.
GATES = [
    "$(BIN)/ruff check .",
    "$(BIN)/ruff format --check .",
    "$(BIN)/mypy",
    "$(BIN)/lint-imports",
    "$(BIN)/python -m pytest",
]


def _make_recipes() -> dict[str, list[str]]:
    """Each Makefile target's prerequisites and recipe lines (a tiny parser: no includes)."""
    recipes: dict[str, list[str]] = {}
    target = ""
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("\t") and target:
            recipes[target].append(line.strip())
        elif ":" in line and not line.startswith((" ", "#", ".")) and "=" not in line:
            target, _, prereqs = line.partition(":")
            recipes[target] = prereqs.split()
    return recipes


def test_the_test_command_is_make_check_and_make_check_runs_every_gate() -> None:
    test = _readme_commands()[1]
    assert test.endswith("&& make check")
    recipes = _make_recipes()
    ran = [line for step in recipes["check"] for line in recipes[step]]
    assert ran == GATES


def test_mypy_is_strict_over_the_packages_and_the_tests() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert config["mypy"]["strict"] is True
    checked = {"domain", "sync", "server_stub", "documents", "tui", "tests"}
    assert set(config["mypy"]["packages"]) >= checked
    assert "E501" not in config["ruff"]["lint"]["ignore"]  # lines within line-length
