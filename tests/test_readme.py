"""The README's two commands are the ones CI runs, and its rule table is the registry's."""

from __future__ import annotations

from choreo.checks import RULES
from scripts.write_rule_table import with_rule_table
from tests.conftest import REPO

TEST_COMMAND = (
    'python3 -m venv .venv && .venv/bin/pip install -e ".[test,audio]" '
    "&& .venv/bin/pip install --no-deps synctoolbox==1.4.2 libfmp==1.3.0 "
    "&& .venv/bin/pytest -n 2"
)


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in readme
    assert TEST_COMMAND in ci
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/choreo" in readme


def test_the_readme_lists_every_check_rule_as_the_registry_has_it() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert with_rule_table(readme) == readme, (
        "the README's rule table drifted: run .venv/bin/python scripts/write_rule_table.py"
    )
    for rule in RULES.values():  # the table is in the README, not only the markers
        assert f"| `{rule.code}` | {rule.severity} |" in readme
