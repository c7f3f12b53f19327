"""Shared test fixtures: a minimal portal (site, home pages in every locale, institutions, articles)."""

from __future__ import annotations

import os

os.environ.setdefault("OTWARTA_TESTING", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _plain_test_settings(settings):  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = False
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def portal(db):  # type: ignore[no-untyped-def]
    """A small portal built through the same service functions the demo loader uses."""
    from otwarta.core.testing import build_test_portal

    return build_test_portal()
