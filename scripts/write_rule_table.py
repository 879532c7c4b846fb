"""Write the README's table of check rules from the registry, so the two cannot drift.

    .venv/bin/python scripts/write_rule_table.py

The table sits between two comment lines in README.md; everything else stays as it is.
``tests/test_readme.py`` fails when the README's table is not what this writes.
"""

from __future__ import annotations

from pathlib import Path

from choreo.checks import rule_table

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN = "<!-- rules: written by scripts/write_rule_table.py from choreo/checks/registry.py -->\n"
END = "<!-- end of rules -->\n"


def with_rule_table(readme: str) -> str:
    """The README with the registry's table between the markers."""
    before, found, rest = readme.partition(BEGIN)
    _, found_end, after = rest.partition(END)
    if not (found and found_end):
        raise SystemExit(f"README.md has no {BEGIN.strip()} … {END.strip()} lines")
    return f"{before}{BEGIN}\n{rule_table()}\n{END}{after}"  # blank lines: a table of its own


def main() -> None:
    text = README.read_text(encoding="utf-8")
    README.write_text(with_rule_table(text), encoding="utf-8")


if __name__ == "__main__":
    main()
