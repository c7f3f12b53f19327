#!/usr/bin/env python
"""Translation dashboard benchmark: how long the translation status dashboard takes to answer with
5,000 Polish pages and 6 target locales (30,000 page × locale pairs), computed by database queries.

    .venv/bin/python benchmarks/translation_dashboard.py               # temporary SQLite database
    .venv/bin/python benchmarks/translation_dashboard.py -n 20 --pages 5000
    .venv/bin/python benchmarks/translation_dashboard.py --database-url postgres://postgres@127.0.0.1:5432/otwarta_bench

It builds a throw-away database (``migrate`` + the small test portal), then generates ``--pages`` Polish
pages under one institution's section and, for each of the 6 target locales (en, uk, ru, be, ka, ar),
a mix of translations in every state: missing, in progress (draft), machine-translated, translated,
reviewed and outdated. Pages and records are bulk-inserted (the generated pages are plain Wagtail pages:
the status queries read only the page table and the status records, whatever the page type).

Measured, through Django's test client as a regional administrator (``DEBUG`` off, no cache), each URL
once to warm up and then ``-n`` times: the dashboard (counts of every locale and state + the first 50 rows
of all 30,000), filtered by locale + state, filtered by institution; the status counts alone (the
service function, no HTTP); and as the baseline, Wagtail's own page explorer listing of the same 5,000
pages (``/admin/pages/<section>/``), the admin view an editor uses daily.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGETS = ["en", "uk", "ru", "be", "ka", "ar"]
# Share of (page, locale) pairs in each state.
MIX = [("missing", 0.25), ("in_progress", 0.10), ("machine", 0.15), ("translated", 0.20), ("reviewed", 0.15),
       ("outdated", 0.15)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--repetitions", type=int, default=15)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def generate(pages: int) -> tuple[int, int]:
    """Bulk-insert the pages and records; returns (section page id, regional admin user id)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from otwarta.portal.models import InstitutionPage
    from otwarta.translations.models import Origin, SourceVersion, TranslationRecord

    rng = random.Random(2026)
    now = timezone.now()
    page_ct = ContentType.objects.get_for_model(Page)
    section = InstitutionPage.objects.get(slug="urzad", locale__language_code="pl")
    locales = {code: Locale.objects.get(language_code=code) for code in TARGETS}
    sections = {"pl": section, **{code: section.get_translation_or_none(locale) or
                                  section.copy_for_translation(locale, copy_parents=True)
                                  for code, locale in locales.items()}}

    def children(parent: Page, rows: list[tuple[uuid.UUID, str, bool, dt.datetime]], locale: Locale) -> None:
        start = parent.numchild
        objects = []
        for index, (key, title, live, published) in enumerate(rows, start=start + 1):
            objects.append(Page(
                title=title, draft_title=title, slug=f"p{index}", content_type=page_ct, locale=locale,
                translation_key=key, live=live, has_unpublished_changes=not live,
                first_published_at=published if live else None, last_published_at=published if live else None,
                path=Page._get_path(parent.path, parent.depth + 1, index),
                depth=parent.depth + 1, numchild=0, url_path=f"{parent.url_path}p{index}/",
            ))
        Page.objects.bulk_create(objects, batch_size=500)
        Page.objects.filter(pk=parent.pk).update(numchild=start + len(rows))
        parent.numchild = start + len(rows)

    keys = [uuid.uuid4() for _ in range(pages)]
    published = now - dt.timedelta(days=30)
    children(section, [(key, f"Strona testowa {i:05d}", True, published) for i, key in enumerate(keys)],
             section.locale)
    versions, records = [], []
    states = [state for state, share in MIX for _ in range(int(share * 100))]
    for code, locale in locales.items():
        rows = []
        for i, key in enumerate(keys):
            state = rng.choice(states)
            if state == "missing":
                continue
            rows.append((key, f"Page {i:05d} [{code}]", state != "in_progress", published + dt.timedelta(days=1)))
            if state in ("machine", "translated", "reviewed", "outdated"):
                records.append(TranslationRecord(
                    content_type=page_ct, translation_key=key, locale=locale,
                    origin=Origin.MACHINE if state == "machine" else Origin.HUMAN,
                    synced_at=published + dt.timedelta(days=1),
                    reviewed_at=published + dt.timedelta(days=2) if state == "reviewed" else None,
                ))
            if state == "outdated":
                versions.append(SourceVersion(content_type=page_ct, translation_key=key,
                                              significant_change_at=published + dt.timedelta(days=5)))
        children(sections[code], rows, locale)
    # one source change may serve several locales' outdated translations
    unique_versions = {version.translation_key: version for version in versions}
    SourceVersion.objects.bulk_create(unique_versions.values(), batch_size=500, ignore_conflicts=True)
    TranslationRecord.objects.bulk_create(records, batch_size=500)
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would gather after a bulk insert
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin = get_user_model().objects.get(username="region")
    return section.pk, admin.pk


def median_ms(action, repetitions: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    action()  # warm-up
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def main() -> int:
    args = parse_args()
    from render_pages import configure_environment

    os.environ["OTWARTA_LANGUAGES"] = "pl,en,uk,ru,be,ka,ar"
    tmp = configure_environment(args)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from otwarta.core.testing import build_test_portal
    from otwarta.institutions.models import Institution
    from otwarta.translations import services

    override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
        ALLOWED_HOSTS=["*"],
        STORAGES={**settings.STORAGES,
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ).enable()
    setup_test_environment()
    try:
        call_command("migrate", interactive=False, verbosity=0)
        build_test_portal()
        started = time.perf_counter()
        section_id, admin_id = generate(args.pages)
        print(f"generated {args.pages} Polish pages × {len(TARGETS)} target locales "
              f"in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        from django.contrib.auth import get_user_model

        client = Client()
        client.force_login(get_user_model().objects.get(pk=admin_id))
        urzad = Institution.objects.get(slug="urzad")
        cases = [
            ("dashboard: all locales, counts + first 50 rows", "/admin/translations/"),
            ("dashboard: uk, outdated", "/admin/translations/?locale=uk&status=outdated"),
            ("dashboard: one institution", f"/admin/translations/?institution={urzad.pk}"),
            ("dashboard: page 40 of all rows", "/admin/translations/?p=40"),
        ]
        baseline_url = f"/admin/pages/{section_id}/"
        for _label, url in [*cases, ("", baseline_url)]:
            assert client.get(url).status_code == 200, url
        base_median, base_p95 = median_ms(lambda: client.get(baseline_url), args.repetitions)
        print(f"{'case':52} {'median ms':>10} {'p95 ms':>8} {'× baseline':>10} {'queries':>8}")
        for label, url in cases:
            queries: list[str] = []

            def count(execute, sql, *rest, queries=queries):  # type: ignore[no-untyped-def]
                queries.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                client.get(url)
            med, p95 = median_ms(lambda url=url: client.get(url), args.repetitions)
            print(f"{label:52} {med:10.1f} {p95:8.1f} {med / base_median:10.2f} {len(queries):8d}")
        locales = services.target_locales()
        med, p95 = median_ms(lambda: services.status_counts(locales), args.repetitions)
        print(f"{'status_counts() alone (6 locales × 6 states)':52} {med:10.1f} {p95:8.1f} {med / base_median:10.2f}")
        print(f"{'baseline: Wagtail explorer of the 5,000 pages':52} {base_median:10.1f} {base_p95:8.1f} {1:10.2f}")
        totals = services.status_counts(locales)
        pairs = sum(sum(per.values()) for per in totals.values())
        print(f"pairs counted: {pairs} (the generated pages and the test portal's, × {len(TARGETS)} locales); "
              f"uk: {dict(totals['uk'])}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
