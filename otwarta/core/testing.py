"""Test helpers shared by every app's tests."""

from __future__ import annotations

from pathlib import Path

from otwarta.demo.loader import DemoLoader, LoadReport

TEST_CONTENT = Path(__file__).resolve().parent.parent / "demo" / "tests" / "content"


def build_test_portal() -> LoadReport:
    """Load the small test content set (2 institutions, 1 topic, 2 articles, a few translations) with the
    real demo loader, accounts included (``urzad-editor``, ``urzad-moderator``, ``fundacja-editor``, …)."""
    return DemoLoader(content_dir=TEST_CONTENT).load(with_accounts=True)
