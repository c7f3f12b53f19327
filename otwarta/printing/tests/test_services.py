"""Delivery: generating PDFs cached by content hash, keeping the last good file after a failure, queueing one
task per language × format, finding the packs that show an object, and the management command.

Most tests replace the assembling and rendering (``assemble.build_document``, ``render.pdf``) with a small
recording pipeline, so that they count renderings and can make one fail; ``test_real_pipeline_end_to_end``
runs the real ones (WeasyPrint) from a pack to the PDF served by the print section."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from wagtail.models import Locale, Page

from otwarta.institutions.models import Institution
from otwarta.printing import services
from otwarta.printing.document import Fallback, PrintDocument, RenderedPdf, Section
from otwarta.printing.models import FileStatus, ItemKind, PackFile, PackFormat, PackItem, PackType, PrintPack

ARTICLE_URL_PATH = "/home/instytucje/urzad/karta-pobytu/"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


# --- helpers shared with test_views and test_signals ---------------------------------------------------
def article(language: str = "pl", slug: str = "karta-pobytu") -> Page:
    return Page.objects.get(slug=slug, locale__language_code=language).specific


def make_pack(slug: str = "welcome", *, pack_type: str = PackType.WELCOME, title: str = "Witamy w Małopolsce",
              pages: tuple[Page, ...] | None = None, listed: bool = True) -> PrintPack:
    pack = PrintPack.objects.create(
        institution=Institution.objects.get(slug="urzad"), pack_type=pack_type, slug=slug, title=title,
        subtitle="Pierwsze kroki", listed=listed, locale=Locale.get_default(),
    )
    for order, page in enumerate(pages if pages is not None else (article(),)):
        PackItem.objects.create(pack=pack, sort_order=order, kind=ItemKind.PAGE, page=page)
    return pack


def translate_pack(pack: PrintPack, language: str, title: str) -> PrintPack:
    copy = pack.copy_for_translation(Locale.objects.get(language_code=language))
    copy.title = title
    copy.save()
    return copy


@dataclass
class Pipeline:
    """Stands in for ``assemble.build_document`` and ``render.render_pdf``: a document made of the live
    translations of the pack's pages (falling back to Polish), and a tiny PDF; it records every rendering
    and fails while ``fail`` is set."""

    rendered: list[tuple[str, str, str]] = field(default_factory=list)
    fail: str = ""

    def build_document(self, pack: PrintPack, language: str, fmt: str) -> PrintDocument:
        sections, fallbacks = [], []
        for item in pack.items.all():
            page = item.page
            if page is None:
                continue
            shown = next((p for p in Page.objects.filter(translation_key=page.translation_key).live()
                          if p.locale.language_code == language), None) or page
            code = shown.locale.language_code
            if code != language:
                fallbacks.append(Fallback(part=shown.title, language=code))
            sections.append(Section(kind=item.kind, title=shown.title, html=f"<p>{shown.title}</p>",
                                    language=code, live_url="", item_id=item.pk))
        own = pack.in_language(language) or pack
        return PrintDocument(
            pack_key=str(pack.translation_key), slug=pack.slug, pack_type=pack.pack_type, language=language,
            direction="ltr", format=fmt, title=own.title, subtitle=own.subtitle, introduction_html="",
            valid_as_of=dt.date(2026, 3, 1), sections=tuple(sections), fallbacks=tuple(fallbacks))

    def render_pdf(self, document: PrintDocument) -> RenderedPdf:
        if self.fail:
            raise RuntimeError(self.fail)
        self.rendered.append((document.slug, document.language, document.format))
        body = f"%PDF-1.7\n% {document.title} {document.language} {document.format}\n%%EOF\n".encode()
        return RenderedPdf(data=body, page_count=len(document.sections) + 2)


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def pipeline(monkeypatch: pytest.MonkeyPatch, media: Any) -> Iterator[Pipeline]:
    import importlib
    import sys
    import types

    import otwarta.printing

    modules = []
    for name in ("assemble", "render"):
        try:
            module = importlib.import_module(f"otwarta.printing.{name}")
        except ModuleNotFoundError:  # written by another contributor: not there yet
            module = types.ModuleType(f"otwarta.printing.{name}")
            monkeypatch.setitem(sys.modules, module.__name__, module)
            monkeypatch.setattr(otwarta.printing, name, module, raising=False)
        modules.append(module)
    assemble, render = modules
    fake = Pipeline()
    monkeypatch.setattr(assemble, "build_document", fake.build_document, raising=False)
    monkeypatch.setattr(render, "render_pdf", fake.render_pdf, raising=False)
    yield fake


# --- generate: cache by content hash --------------------------------------------------------------------
def test_generate_caches_by_content_hash(portal: Any, pipeline: Pipeline, media: Any) -> None:
    pack = make_pack()
    first = services.generate(pack, "uk", PackFormat.A4)
    assert first.status == FileStatus.READY and first.error == ""
    assert pipeline.rendered == [("welcome", "uk", "a4")]
    assert first.file.name == f"print/welcome/welcome-uk-a4-{first.content_hash[:12]}.pdf"
    assert (media / first.file.name).read_bytes().startswith(b"%PDF")
    assert first.size_bytes == (media / first.file.name).stat().st_size
    assert first.page_count == 3 and first.valid_as_of == dt.date(2026, 3, 1)
    assert first.generated_at is not None and first.fallbacks == []

    # Same content: nothing is rendered; a queued row becomes ready again with the same file.
    PackFile.objects.filter(pk=first.pk).update(status=FileStatus.QUEUED)
    second = services.generate(pack, "uk", PackFormat.A4)
    assert pipeline.rendered == [("welcome", "uk", "a4")]
    assert second.status == FileStatus.READY and second.file.name == first.file.name
    assert second.generated_at == first.generated_at

    # force renders again
    services.generate(pack, "uk", PackFormat.A4, force=True)
    assert len(pipeline.rendered) == 2

    # changed content renders again under a new name; the old file goes
    pack.title = "Witamy w Krakowie"
    pack.save()
    third = services.generate(pack, "uk", PackFormat.A4)
    assert len(pipeline.rendered) == 3
    assert third.content_hash != first.content_hash and third.file.name != first.file.name
    assert (media / third.file.name).exists()
    assert not (media / first.file.name).exists()
    assert [p.name for p in (media / "print" / "welcome").iterdir()] == [str(third.file.name).rsplit("/", 1)[1]]
    assert PackFile.objects.filter(pack=pack).count() == 1


def test_generate_renders_again_when_the_file_is_missing(portal: Any, pipeline: Pipeline, media: Any) -> None:
    pack = make_pack()
    packfile = services.generate(pack, "pl", PackFormat.A5_BOOKLET)
    (media / packfile.file.name).unlink()
    again = services.generate(pack, "pl", PackFormat.A5_BOOKLET)
    assert len(pipeline.rendered) == 2 and (media / again.file.name).exists()


def test_generate_records_fallbacks_from_the_document(portal: Any, pipeline: Pipeline) -> None:
    pack = make_pack(pages=(article(), article(slug="pesel")))  # pesel exists in Polish only
    packfile = services.generate(pack, "uk", PackFormat.A4)
    assert packfile.fallbacks == [{"part": article(slug="pesel").title, "language": "pl"}]
    assert services.generate(pack, "pl", PackFormat.A4).fallbacks == []


def test_translated_pack_generates_the_source_row(portal: Any, pipeline: Pipeline) -> None:
    pack = make_pack()
    ukrainian = translate_pack(pack, "uk", "Ласкаво просимо")
    packfile = services.generate(ukrainian, "uk", PackFormat.A4)
    assert packfile.pack_id == pack.pk  # files belong to the source row


def test_failed_render_keeps_the_previous_file(portal: Any, pipeline: Pipeline, media: Any,
                                               caplog: pytest.LogCaptureFixture) -> None:
    pack = make_pack()
    good = services.generate(pack, "uk", PackFormat.A4)
    pack.title = "Nowy tytuł"
    pack.save()
    pipeline.fail = "Pango is missing"
    failed = services.generate(pack, "uk", PackFormat.A4)
    assert failed.status == FileStatus.FAILED
    assert failed.error == "RuntimeError: Pango is missing"
    # readers still get the last good PDF, described as it was
    assert failed.file.name == good.file.name and (media / good.file.name).exists()
    assert failed.content_hash == good.content_hash and failed.size_bytes == good.size_bytes
    assert failed.generated_at == good.generated_at
    assert "Could not generate the print file welcome [uk, a4]" in caplog.text
    assert sorted(p.name for p in (media / "print" / "welcome").iterdir()) == [str(good.file.name).rsplit("/", 1)[1]]

    # the next successful generation clears the error
    pipeline.fail = ""
    fixed = services.generate(pack, "uk", PackFormat.A4)
    assert fixed.status == FileStatus.READY and fixed.error == "" and fixed.content_hash != good.content_hash


def test_failure_without_a_previous_file(portal: Any, pipeline: Pipeline) -> None:
    pipeline.fail = "boom"
    packfile = services.generate(make_pack(), "ka", PackFormat.A5_BOOKLET)
    assert packfile.status == FileStatus.FAILED and not packfile.available and packfile.error == "RuntimeError: boom"


# --- request_generation ---------------------------------------------------------------------------------
@pytest.fixture
def enqueued() -> Iterator[list[tuple[Any, ...]]]:
    """The arguments of every generate_pack_file task enqueued (django-tasks' task_enqueued signal)."""
    from django_tasks.signals import task_enqueued

    seen: list[tuple[Any, ...]] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        if task_result.task.name == "generate_pack_file":
            seen.append(tuple(task_result.args))

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def test_request_generation_enqueues_every_language_and_format(
        portal: Any, pipeline: Pipeline, enqueued: list[tuple[Any, ...]],
        django_capture_on_commit_callbacks: Any) -> None:
    pack = make_pack()
    ukrainian = translate_pack(pack, "uk", "Ласкаво просимо")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = services.request_generation(ukrainian)
        services.request_generation(pack, languages=["uk"], formats=[PackFormat.A4])  # the same file again
        assert enqueued == []  # nothing before the commit
        assert {r.status for r in PackFile.objects.all()} == {FileStatus.QUEUED}
        assert all(r.requested_at is not None for r in PackFile.objects.all())
    assert len(callbacks) == 1
    expected = {(pack.pk, code, fmt, False) for code in LANGUAGES for fmt in PackFormat.values}
    assert len(rows) == len(LANGUAGES) * 2 and set(enqueued) == expected and len(enqueued) == len(expected)
    assert {(r.language, r.format, r.status) for r in PackFile.objects.filter(pack=pack)} == {
        (code, fmt, FileStatus.READY) for code in LANGUAGES for fmt in PackFormat.values}
    assert len(pipeline.rendered) == len(expected)


def test_request_generation_limits_and_force(portal: Any, pipeline: Pipeline,
                                             django_capture_on_commit_callbacks: Any) -> None:
    pack = make_pack()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_generation(pack, languages=["pl", "en"], formats=[PackFormat.A4])
    assert sorted(pipeline.rendered) == [("welcome", "en", "a4"), ("welcome", "pl", "a4")]
    with django_capture_on_commit_callbacks(execute=True):
        services.request_generation(pack, languages=["pl"], formats=[PackFormat.A4])
    assert len(pipeline.rendered) == 2  # unchanged content
    with django_capture_on_commit_callbacks(execute=True):
        services.request_generation(pack, languages=["pl"], formats=[PackFormat.A4])
        services.request_generation(pack, languages=["pl"], formats=[PackFormat.A4], force=True)
    assert len(pipeline.rendered) == 3  # forced once, although asked twice
    # A request in a transaction that is rolled back enqueues nothing, and does not hold back the next one.
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.request_generation(pack, languages=["en"], formats=[PackFormat.A4], force=True)
            raise RuntimeError("rolled back")
        assert len(pipeline.rendered) == 3
        services.request_generation(pack, languages=["en"], formats=[PackFormat.A4], force=True)
    assert len(pipeline.rendered) == 4


def test_task_for_a_deleted_pack_does_nothing(portal: Any, pipeline: Pipeline) -> None:
    from otwarta.printing.tasks import generate_pack_file

    result = generate_pack_file.enqueue(987654, "pl", "a4", False)
    assert result.return_value == {"pack": 987654, "language": "pl", "format": "a4", "status": "missing"}
    assert pipeline.rendered == []


# --- packs_showing --------------------------------------------------------------------------------------
def test_packs_showing(portal: Any) -> None:
    from otwarta.directory import testing as directory
    from otwarta.registers import testing as registers

    service = directory.service("Poradnia dla cudzoziemców")
    service_uk = directory.translate(service, "uk", name="Консультація")
    register = registers.register()
    urzad = Institution.objects.get(slug="urzad")
    welcome = make_pack("welcome")
    health = make_pack("health", pack_type=PackType.TOPIC, pages=(article(slug="pesel"),))
    PackItem.objects.create(pack=health, kind=ItemKind.SERVICE, service=service, sort_order=5)
    PackItem.objects.create(pack=health, kind=ItemKind.INSTITUTION, institution=urzad, sort_order=6)
    PackItem.objects.create(pack=welcome, kind=ItemKind.REGISTER, register=register, sort_order=7)
    PackItem.objects.create(pack=welcome, kind=ItemKind.SECTION, page=article(), section_heading="X", sort_order=8)
    translate_pack(welcome, "uk", "Ласкаво просимо")  # translations of packs are never returned

    assert list(services.packs_showing(page=article("uk"))) == [welcome]
    assert list(services.packs_showing(page=article("pl", "pesel"))) == [health]
    assert list(services.packs_showing(service=service_uk)) == [health]
    assert list(services.packs_showing(institution=urzad)) == [health]
    assert list(services.packs_showing(register=register)) == [welcome]
    assert list(services.packs_showing(page=Page.objects.get(depth=2, locale__language_code="pl"))) == []
    assert list(services.packs_showing()) == []
    home = Page.objects.get(depth=2, locale__language_code="pl")
    assert set(services.packs_showing_pages_under(home)) == {welcome, health}


# --- the command ----------------------------------------------------------------------------------------
def test_command_generates_and_reports(portal: Any, pipeline: Pipeline) -> None:
    make_pack()
    make_pack("other", pack_type=PackType.TOPIC)
    out = io.StringIO()
    call_command("generate_print_packs", "--pack", "welcome", "--language", "uk", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("welcome uk a4: rendered, ") and ", 3 pages, " in lines[0]
    assert lines[1].startswith("welcome uk a5-booklet: rendered, ")
    assert lines[-1] == "2 files, 0 failed."
    out = io.StringIO()
    call_command("generate_print_packs", "--pack", "welcome", "--language", "uk", "--format", "a4", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("welcome uk a4: unchanged, ")
    call_command("generate_print_packs", "--pack", "welcome", "--language", "uk", "--format", "a4", "--force",
                 stdout=io.StringIO())
    assert len(pipeline.rendered) == 3
    pipeline.fail = "no fonts"
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 files"):
        call_command("generate_print_packs", "--pack", "other", "--language", "pl", "--format", "a4", stdout=out)
    assert "other pl a4: FAILED (RuntimeError: no fonts), no file" in out.getvalue()
    with pytest.raises(CommandError, match="No pack"):
        call_command("generate_print_packs", "--pack", "nope", stdout=io.StringIO())
