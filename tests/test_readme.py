"""The README's two commands are the ones CI runs."""

from __future__ import annotations

from tests.conftest import REPO

TEST_COMMAND = (
    'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/pytest -n 2'
)


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in readme
    assert TEST_COMMAND in ci
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/choreo" in readme
