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


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test's database is rolled back, so what a test cached must go too."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Build the small test portal once per session, right after the test database is created: every
    test then runs inside a transaction that is rolled back, so each starts from this same portal."""
    from otwarta.core.testing import build_test_portal

    with django_db_blocker.unblock():
        build_test_portal()


@pytest.fixture
def portal(db):  # type: ignore[no-untyped-def]
    """The small test portal (see otwarta.core.testing), built once per session in ``django_db_setup``;
    each test sees it through its rolled-back transaction.

    ``db`` is a static dependency on purpose: pytest-django decides which test databases to create from
    the fixtures tests declare, so a dynamic request could reach the development database. Tests that need
    committed data (a live server) use the snapshot fixtures of ``tests/browser/conftest.py`` instead."""
    from otwarta.demo.loader import LoadReport

    return LoadReport()
