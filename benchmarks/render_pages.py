#!/usr/bin/env python
"""Page-rendering benchmark: how long the portal takes to render its public pages, how many SQL queries
each costs and how many bytes a reader downloads.

    .venv/bin/python benchmarks/render_pages.py                 # 30 repetitions, temporary SQLite demo
    .venv/bin/python benchmarks/render_pages.py -n 100 --languages pl,uk,en,ru
    .venv/bin/python benchmarks/render_pages.py --database-url postgres://…/otwarta_bench

Without ``--database-url`` it builds a throw-away SQLite database in a temporary directory
(``OTWARTA_VAR_DIR=<tmpdir>``: ``migrate`` + ``load_demo``) and deletes it afterwards; the shared
``var/db.sqlite3`` is never opened. With ``--database-url`` it migrates and loads the demo into that
database (idempotent), so give it a database of its own. See benchmarks/README.md.

Pages are rendered in-process through Django's test ``Client`` (no server, no network), with every
cache off (``DummyCache``) and ``DEBUG`` off. The baselines are measured in the same run through the
same client: a minimal view returning ``HttpResponse("ok")`` through the whole middleware stack, and
``/healthz`` (answered by the first middleware).
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PAGE_TYPES = ("home", "topic", "article", "search")
ASSET_PATTERN = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--repetitions", type=int, default=30, help="timed requests per URL (default 30)")
    parser.add_argument("--pages-per-type", type=int, default=3,
                        help="different pages (or queries) of each type per language (default 3)")
    parser.add_argument("--languages", default="pl,uk,en", help="comma-separated language codes (default pl,uk,en)")
    parser.add_argument("--database-url", default="",
                        help="benchmark this database instead of a temporary SQLite one (it is migrated and "
                             "the demo is loaded into it)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (its path is printed)")
    args = parser.parse_args(argv)
    if args.repetitions < 1 or args.pages_per_type < 1:
        parser.error("--repetitions and --pages-per-type must be at least 1")
    return args


def configure_environment(args: argparse.Namespace) -> Path:
    """Point the settings at a temporary directory (or the given database) before Django starts."""
    # Always a temporary OTWARTA_VAR_DIR (database, static and media roots), never the shared var/.
    tmp = Path(tempfile.mkdtemp(prefix="otwarta-bench-"))
    (tmp / "static").mkdir()  # STATIC_ROOT: WhiteNoise warns when it is missing
    os.environ["OTWARTA_VAR_DIR"] = str(tmp)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # never the shared or production database
    for name in ("OTWARTA_STATIC_ROOT", "OTWARTA_MEDIA_ROOT", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "otwarta.settings",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "0",
        "OTWARTA_TASKS_BACKEND": "immediate",  # index pages as they are published
        "LOG_LEVEL": "ERROR",
    })
    sys.path.insert(0, str(ROOT))
    return tmp


# --- set-up ---------------------------------------------------------------------------------------
def load_content(say: Callable[[str], None]) -> list[str]:
    """migrate + load_demo; with whatever demo files exist. Returns notes for the report."""
    from django.core.management import call_command

    from otwarta.portal.models import ArticlePage

    notes: list[str] = []
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    say(f"migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    try:
        call_command("load_demo", no_accounts=True, stdout=io.StringIO())
    except Exception as error:  # the demo files are being written while this runs: load what loads
        notes.append(f"load_demo failed ({type(error).__name__}: {error}); loaded the topic files one by one")
        notes.extend(load_topic_files_one_by_one())
    say(f"load_demo: {time.perf_counter() - started:.1f} s")
    if not ArticlePage.objects.live().exists():
        from otwarta.core.testing import build_test_portal

        build_test_portal()
        notes.append("the demo content has no articles yet: added the small test content set "
                     "(otwarta/demo/tests/content) so that topic, article and search pages exist")
    return notes


def load_topic_files_one_by_one() -> list[str]:
    from django.db import transaction

    from otwarta.demo.loader import CONTENT_DIR, DemoLoader, read_yaml

    notes = []
    loader = DemoLoader()
    with transaction.atomic():
        loader.load_institutions()
        home = loader.load_home()
        index = loader.load_institution_sections(home)
    for path in sorted((CONTENT_DIR / "topics").glob("*.yaml")):
        try:
            with transaction.atomic():
                loader.load_topic_file(home, index, read_yaml(path))
        except Exception as error:  # a file still being written: report it and go on
            notes.append(f"skipped {path.name}: {type(error).__name__}: {error}")
    return notes


@dataclass
class Target:
    kind: str
    language: str
    url: str


def pick_targets(languages: list[str], per_type: int) -> list[Target]:
    from wagtail.models import Locale

    from otwarta.portal.models import ArticlePage, HomePage, TopicPage

    targets: list[Target] = []
    for language in languages:
        locale = Locale.objects.filter(language_code=language).first()
        if locale is None:
            continue
        home = HomePage.objects.live().filter(locale=locale).first()
        if home is not None:
            targets.append(Target("home", language, home.get_url()))
        topics = list(TopicPage.objects.live().public().filter(locale=locale).order_by("path")[:per_type])
        targets += [Target("topic", language, page.get_url()) for page in topics]
        # Spread the articles over the tree rather than taking the first few of one topic.
        articles = list(ArticlePage.objects.live().public().filter(locale=locale).order_by("path"))
        step = max(1, len(articles) // per_type)
        chosen = articles[::step][:per_type]
        targets += [Target("article", language, page.get_url()) for page in chosen]
        used: set[str] = set()
        for page in chosen or topics:
            # The longest word of the title not used yet: a query with results, as readers' queries mostly are.
            candidates = sorted({w.lower() for w in re.findall(r"[^\W\d_]+", page.title)} - used, key=len)
            if candidates:
                used.add(candidates[-1])
                targets.append(Target("search", language, f"/{language}/search/?q={quote(candidates[-1])}"))
    return [t for t in targets if t.url]


# --- measuring ------------------------------------------------------------------------------------
@dataclass
class Sample:
    ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    raw: list[int] = field(default_factory=list)
    gz: list[int] = field(default_factory=list)
    with_assets: list[int] = field(default_factory=list)
    urls: set[str] = field(default_factory=set)


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))  # what Django's GZipMiddleware sends


class AssetSizes:
    """Compressed size of each stylesheet and script a page links to (read from the static files)."""

    def __init__(self) -> None:
        self.cache: dict[str, int] = {}

    def total(self, html: str) -> int:
        from django.conf import settings
        from django.contrib.staticfiles import finders

        size = 0
        for url in ASSET_PATTERN.findall(html):
            if url not in self.cache:
                path = url.split("?")[0].removeprefix(settings.STATIC_URL)
                found = finders.find(path)
                self.cache[url] = gzip_size(Path(found).read_bytes()) if found else 0
            size += self.cache[url]
        return size


def measure(client: Any, url: str, repetitions: int, sample: Sample, assets: AssetSizes | None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    warm = client.get(url)  # the first request fills Python's import and template caches
    if warm.status_code != 200:
        raise RuntimeError(f"{url} answered {warm.status_code}")
    html = warm.content
    sample.urls.add(url)
    for _ in range(repetitions):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        sample.ms.append(elapsed)
        sample.queries.append(len(queries))
        html = response.content
    sample.raw.append(len(html))
    sample.gz.append(gzip_size(html))
    if assets is not None:
        sample.with_assets.append(sample.gz[-1] + assets.total(html.decode()))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def minimal_view_urlconf() -> str:
    """The project's URLs plus ``/bench-minimal/``, a view that returns ``HttpResponse("ok")``."""
    from django.http import HttpResponse
    from django.urls import path

    import otwarta.urls as project_urls

    module = types.ModuleType("otwarta_bench_urls")
    handlers = {name: value for name, value in vars(project_urls).items() if name.startswith("handler")}
    module.__dict__.update(
        urlpatterns=[path("bench-minimal/", lambda request: HttpResponse("ok")), *project_urls.urlpatterns],
        **handlers,
    )
    sys.modules[module.__name__] = module
    return module.__name__


# --- report ---------------------------------------------------------------------------------------
def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def print_table(samples: dict[str, Sample], baseline_ms: float) -> None:
    header = ("page type", "pages", "median ms", "p95 ms", "× baseline", "SQL/page", "HTML", "HTML gzip",
              "gzip + CSS + JS")
    rows = []
    for kind in PAGE_TYPES:
        s = samples.get(kind)
        if s is None or not s.ms:
            rows.append((kind, "0", "–", "–", "–", "–", "–", "–", "–"))
            continue
        median = statistics.median(s.ms)
        rows.append((
            kind,
            str(len(s.urls)),
            f"{median:.1f}",
            f"{percentile(s.ms, 0.95):.1f}",
            f"{median / baseline_ms:.0f}×" if baseline_ms else "–",
            f"{statistics.median(s.queries):.0f}",
            kb(statistics.median(s.raw)),
            kb(statistics.median(s.gz)),
            kb(statistics.median(s.with_assets)) if s.with_assets else "–",
        ))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = configure_environment(args)

    def say(message: str) -> None:
        print(f"# {message}", file=sys.stderr, flush=True)

    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import override_settings
        from wagtail.models import Page

        say(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
        notes = load_content(say)
        overrides = override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
            STORAGES={**settings.STORAGES,
                      "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
            ROOT_URLCONF=minimal_view_urlconf(),
            AXES_ENABLED=False,
        )
        overrides.enable()
        languages = [code.strip() for code in args.languages.split(",") if code.strip()]
        targets = pick_targets(languages, args.pages_per_type)
        client = Client()

        baseline, healthz = Sample(), Sample()
        measure(client, "/bench-minimal/", args.repetitions * 3, baseline, None)
        measure(client, "/healthz", args.repetitions * 3, healthz, None)
        baseline_ms = statistics.median(baseline.ms)

        assets = AssetSizes()
        samples: dict[str, Sample] = {}
        started = time.perf_counter()
        for target in targets:
            measure(client, target.url, args.repetitions, samples.setdefault(target.kind, Sample()), assets)
        elapsed = time.perf_counter() - started

        # The same pages with a working cache (as in production with Redis): the per-process caches of
        # Wagtail (site root paths) are filled by the warm-up request, then one request is counted.
        from django.test.utils import CaptureQueriesContext

        warm_overrides = override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
        warm_overrides.enable()
        warm_queries: dict[str, list[int]] = {}
        for target in targets:
            client.get(target.url)
            with CaptureQueriesContext(connection) as captured:
                client.get(target.url)
            warm_queries.setdefault(target.kind, []).append(len(captured))
        warm_overrides.disable()

        import wagtail

        print(f"Małopolska otwarta – page rendering ({time.strftime('%Y-%m-%d %H:%M')})")
        print(f"Python {platform.python_version()}, Django {django.get_version()}, Wagtail {wagtail.__version__}, "
              f"{connection.vendor}; {os.cpu_count()} CPU; {Page.objects.live().count()} live pages; "
              f"languages {', '.join(languages)}; {args.repetitions} timed requests per URL "
              f"(after one warm-up); caches off, DEBUG off; Django test Client, no server.")
        for note in notes:
            print(f"Note: {note}")
        print()
        print_table(samples, baseline_ms)
        print()
        print(f"Baseline (same client, same run): minimal HttpResponse view through all middleware "
              f"{baseline_ms:.2f} ms median (p95 {percentile(baseline.ms, 0.95):.2f} ms, "
              f"{statistics.median(baseline.queries):.0f} SQL); /healthz {statistics.median(healthz.ms):.2f} ms "
              f"median ({statistics.median(healthz.queries):.0f} SQL).")
        print("× baseline = median render time ÷ the minimal view's median. Sizes are medians over the pages "
              "of each type; gzip at level 6 as the GZipMiddleware sends it; \"gzip + CSS + JS\" adds the "
              "compressed stylesheets and scripts the page links to (a first visit, nothing cached).")
        print("SQL per page view with the cache on (production profile; median over the same pages): "
              + ", ".join(f"{kind} {statistics.median(counts):.0f}" for kind, counts in warm_queries.items())
              + ".")
        print(f"{sum(len(s.ms) for s in samples.values())} timed page requests in {elapsed:.1f} s.")
        overrides.disable()
        return 0
    finally:
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
