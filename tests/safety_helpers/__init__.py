"""Scenes and helper processes for the data-safety tests (tests/test_safety_*.py)."""
