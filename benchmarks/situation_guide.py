#!/usr/bin/env python
"""Situation-guide benchmark: how long the demo guide takes to turn answers into a checklist (the engine
alone, the result page and its PDF), compared with an article page in the same run, and how well its rules
cover the answer combinations (how many give an empty or a thin checklist).

    .venv/bin/python benchmarks/situation_guide.py                 # temporary SQLite demo
    .venv/bin/python benchmarks/situation_guide.py --samples 500 -n 30 --pdf-repetitions 10 --languages pl,uk
    .venv/bin/python benchmarks/situation_guide.py --database-url postgres://postgres@127.0.0.1:5432/otwarta_bench

Without ``--database-url`` it builds a throw-away SQLite database in a temporary directory
(``OTWARTA_VAR_DIR=<tmpdir>``: ``migrate`` + ``load_demo --no-pdfs``, which loads the pathways and
``otwarta/demo/content/guide.yaml``) and deletes it afterwards; the shared ``var/`` is never opened. With
``--database-url`` the demo is loaded into that database (idempotent): give it a database of its own.

Measurements, per language of the guide (default ``pl,uk``), every Django cache a ``DummyCache``, ``DEBUG``
off, in-process (no server, no network):

1. ``engine.evaluate``: ``--samples`` (500) random answer combinations drawn with a fixed ``--seed`` (each
   question unanswered with probability 0.3, else one option, or one to three for a multiple-choice
   question; the place question takes a random county) plus the all-unanswered one; each evaluated once
   after a warm-up pass over the first 20, on a guide object whose blocks are already parsed (as within one
   request); also the parse itself (``engine.compile_guide``) and the SQL queries per checklist;
2. through Django's test ``Client``: the guide's result page (``wynik/?<answers>``) and its PDF
   (``wynik.pdf?<answers>``), each request with the next sample's answers (samples with no answer skipped,
   since those redirect to the questions), after one warm-up request; the questions page; and the baseline,
   an article page of the demo;
3. ``coverage.coverage_report``: the number of answer combinations (each question unanswered or one of its
   options), how many give an empty checklist and how many a thin one (fewer items than the page's
   ``thin_below``), and how long the report takes.

Output: Markdown tables (see benchmarks/README.md for figures and how to read them).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=500, help="random answer combinations (default 500)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random combinations (default 2026)")
    parser.add_argument("-n", "--repetitions", type=int, default=30,
                        help="timed requests of the result page, the questions and the article (default 30)")
    parser.add_argument("--pdf-repetitions", type=int, default=10, help="timed PDF requests (default 10)")
    parser.add_argument("--languages", default="pl,uk", help="languages of the guide (default pl,uk)")
    parser.add_argument("--database-url", default="",
                        help="benchmark this database instead of a temporary SQLite one (it is migrated and "
                             "the demo is loaded into it)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (its path is printed)")
    args = parser.parse_args(argv)
    if args.samples < 1 or args.repetitions < 1 or args.pdf_repetitions < 1:
        parser.error("--samples, --repetitions and --pdf-repetitions must be at least 1")
    return args


def say(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def configure_environment(args: argparse.Namespace) -> Path:
    """Point the settings at a temporary directory (or the given database) before Django starts."""
    tmp = Path(tempfile.mkdtemp(prefix="otwarta-bench-guide-"))
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
        "OTWARTA_TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "ERROR",
    })
    sys.path.insert(0, str(ROOT))
    return tmp


def load_demo() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    say(f"migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    call_command("load_demo", no_accounts=True, no_pdfs=True, stdout=io.StringIO())
    say(f"load_demo: {time.perf_counter() - started:.1f} s")


# --- answers ------------------------------------------------------------------------------------------------
def random_answers(guide: Any, count: int, seed: int) -> list[dict[str, tuple[str, ...]]]:
    """``count`` random combinations (fixed seed), then the all-unanswered one."""
    from otwarta.guide import engine

    compiled = engine.compiled(guide)
    rng = random.Random(seed)
    samples: list[dict[str, tuple[str, ...]]] = []
    for _ in range(count):
        answers: dict[str, tuple[str, ...]] = {}
        for question in compiled.questions:
            options = list(compiled.option_keys(question))
            if not options or rng.random() < 0.3:
                continue
            chosen = rng.sample(options, k=rng.randint(1, min(3, len(options)))) if question.multiple else \
                [rng.choice(options)]
            answers[question.key] = tuple(sorted(chosen))
        samples.append(answers)
    samples.append({})
    return samples


# --- measuring ----------------------------------------------------------------------------------------------
@dataclass
class Sample:
    ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)

    def row(self, label: str, baseline: float | None, what: str = "") -> tuple[str, ...]:
        median = statistics.median(self.ms)
        return (label, str(len(self.ms)), f"{median:.1f}", f"{percentile(self.ms, 0.95):.1f}",
                f"{median / baseline:.2f}×" if baseline else "–",
                f"{statistics.median(self.queries):.0f}" if self.queries else "–", what)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def timed(call: Callable[[], Any], sample: Sample) -> Any:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the query log keeps at most 9,000 entries: a full log would count nothing
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
    sample.ms.append(elapsed)
    sample.queries.append(len(queries))
    return result


def measure_engine(guide: Any, samples: list[dict[str, tuple[str, ...]]], language: str) -> tuple[Sample, Sample]:
    from otwarta.guide import engine

    for answers in samples[:WARM_UP]:
        engine.evaluate(guide, answers, language)
    evaluate = Sample()
    for answers in samples:
        checklist = timed(lambda answers=answers: engine.evaluate(guide, answers, language), evaluate)
        evaluate.items.append(checklist.size)
    parse = Sample()
    for _ in range(50):
        timed(lambda: engine.compile_guide(guide), parse)
    return evaluate, parse


def measure_requests(client: Any, urls: list[str], repetitions: int, content_type: str) -> Sample:
    """One warm-up request, then ``repetitions`` requests cycling through ``urls``."""
    warm = client.get(urls[0])
    if warm.status_code != 200 or not warm["Content-Type"].startswith(content_type):
        raise RuntimeError(f"{urls[0]} answered {warm.status_code} {warm['Content-Type']}")
    sample = Sample()
    for index in range(repetitions):
        url = urls[index % len(urls)]
        response = timed(lambda url=url: client.get(url), sample)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        sample.sizes.append(len(response.content))
    return sample


# --- report -------------------------------------------------------------------------------------------------
def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join("---" for _ in header) + " |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = configure_environment(args)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import override_settings
        from wagtail.models import Locale

        from otwarta.guide import coverage, engine
        from otwarta.guide.models import SituationGuidePage
        from otwarta.portal.models import ArticlePage

        say(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
        load_demo()
        overrides = override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
            STORAGES={**settings.STORAGES,
                      "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
            AXES_ENABLED=False,
        )
        overrides.enable()
        client = Client()
        languages = [code.strip() for code in args.languages.split(",") if code.strip()]
        timing_rows: list[tuple[str, ...]] = []
        coverage_rows: list[tuple[str, ...]] = []
        sizes: list[str] = []
        started = time.perf_counter()
        for language in languages:
            locale = Locale.objects.get(language_code=language)
            guide = SituationGuidePage.objects.live().filter(locale=locale).first()
            if guide is None:
                say(f"no live guide in {language}: skipped")
                continue
            samples = random_answers(guide, args.samples, args.seed)
            evaluate, parse = measure_engine(guide, samples, language)
            article = (ArticlePage.objects.live().public().exact_type(ArticlePage).filter(locale=locale)
                       .order_by("path").first())
            if article is None:
                raise RuntimeError(f"no live article in {language}")
            page_url = guide.get_url() or ""
            queries = [engine.query_string(answers) for answers in samples if answers]
            baseline = measure_requests(client, [article.get_url() or ""], args.repetitions, "text/html")
            form = measure_requests(client, [page_url], args.repetitions, "text/html")
            result = measure_requests(client, [f"{page_url}wynik/?{query}" for query in queries], args.repetitions,
                                      "text/html")
            pdf = measure_requests(client, [f"{page_url}wynik.pdf?{query}" for query in queries],
                                   args.pdf_repetitions, "application/pdf")
            base = statistics.median(baseline.ms)
            empty_samples = sum(1 for size in evaluate.items if size == 0)
            timing_rows += [
                evaluate.row(f"{language}: `engine.evaluate` ({len(samples)} combinations)", base,
                             f"{statistics.median(evaluate.items):.0f} items (min {min(evaluate.items)}, "
                             f"max {max(evaluate.items)}; {empty_samples} empty)"),
                parse.row(f"{language}: parsing the guide's blocks (`compile_guide`)", base, "once per request"),
                form.row(f"{language}: questions page", base, kb(statistics.median(form.sizes))),
                result.row(f"{language}: result page `wynik/`", base, kb(statistics.median(result.sizes))),
                pdf.row(f"{language}: PDF `wynik.pdf`", base, kb(statistics.median(pdf.sizes))),
                baseline.row(f"{language}: baseline, article page", base, kb(statistics.median(baseline.sizes))),
            ]
            report = coverage.coverage_report(guide, language)
            coverage_rows.append((
                language, f"{len(engine.compiled(guide).questions)}", f"{len(engine.compiled(guide).rules)}",
                f"{report.total:,}", f"{report.empty_count:,}", f"{report.thin_count:,} (< {report.thin_below})",
                f"{report.total - report.empty_count - report.thin_count:,}", f"{report.seconds * 1000:.0f} ms",
                str(len(report.rules_never_firing)), str(len(report.rules_without_items)),
            ))
            if report.thin_patterns:
                sizes.append(f"{language}: thin patterns: " + "; ".join(
                    f"{coverage.describe(guide, p.answers, language, alternatives=True)} → {p.size} "
                    f"({p.count:,})" for p in report.thin_patterns[:1]))
        elapsed = time.perf_counter() - started
        overrides.disable()

        import wagtail

        print(f"Małopolska otwarta – situation guide ({time.strftime('%Y-%m-%d %H:%M')})")
        print(f"Python {platform.python_version()}, Django {django.get_version()}, Wagtail {wagtail.__version__}, "
              f"{connection.vendor}; {os.cpu_count()} CPU; seed {args.seed}; caches off, DEBUG off; Django test "
              f"Client, no server; load average {os.getloadavg()[0]:.1f}.")
        print()
        table(("what", "runs", "median ms", "p95 ms", "× article", "SQL", "size / items"), timing_rows)
        print()
        table(("language", "questions", "rules", "combinations", "empty", "thin", "fuller", "report time",
               "rules never firing", "rules giving nothing"), coverage_rows)
        print()
        for line in sizes:
            print(line)
        print(f"Measured in {elapsed:.1f} s. × article = median ÷ the article page's median in the same run.")
        return 0
    finally:
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
