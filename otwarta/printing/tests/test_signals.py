"""What regenerates a pack's PDFs: publishing, unpublishing, deleting and moving a page it shows, saving a
service, an institution, a register or a hotline it shows; and what does not (anything else, in one query).
The immediate task backend (settings.TASKS in tests) runs the generations when the callbacks of the
test's transaction are executed."""

from __future__ import annotations

from typing import Any

import pytest
from wagtail.models import Page

from otwarta.institutions.models import Institution
from otwarta.portal.services import publish, translate_page
from otwarta.printing import signals
from otwarta.printing.models import FileStatus, ItemKind, PackFile, PackItem, PackType

from . import test_services as shared
from .test_services import LANGUAGES, Pipeline, article, make_pack

# the fixtures of test_services
enqueued, media, pipeline = shared.enqueued, shared.media, shared.pipeline

ALL_FILES = len(LANGUAGES) * 2


def generated(pack: Any) -> dict[tuple[str, str], Any]:
    return {(f.language, f.format): f for f in PackFile.objects.filter(pack=pack)}


def test_publishing_a_page_in_a_pack_regenerates_it(portal: Any, pipeline: Pipeline,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    pack = make_pack()
    assert not PackFile.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        publish(article())
    files = generated(pack)
    assert len(files) == ALL_FILES and {f.status for f in files.values()} == {FileStatus.READY}
    assert len(pipeline.rendered) == ALL_FILES
    first_hashes = {key: f.content_hash for key, f in files.items()}

    # Publishing the Ukrainian translation with a new title: every file is checked, only those whose
    # content changed (the Ukrainian ones) are rendered again.
    with django_capture_on_commit_callbacks(execute=True):
        translate_page(article("pl"), "uk", {"title": "Карта побуту (нова)"})
    assert len(pipeline.rendered) == ALL_FILES + 2
    assert sorted(pipeline.rendered[-2:]) == [("welcome", "uk", "a4"), ("welcome", "uk", "a5-booklet")]
    changed = {key for key, f in generated(pack).items() if f.content_hash != first_hashes[key]}
    assert changed == {("uk", "a4"), ("uk", "a5-booklet")}


def test_publishing_an_unrelated_page_touches_no_file(portal: Any, pipeline: Pipeline, enqueued: list[Any],
                                                      django_capture_on_commit_callbacks: Any,
                                                      django_assert_num_queries: Any) -> None:
    pack = make_pack()  # shows karta-pobytu only
    PackFile.objects.create(pack=pack, language="pl", format="a4", status=FileStatus.READY, content_hash="x")
    before = list(PackFile.objects.values())
    with django_capture_on_commit_callbacks(execute=True):
        publish(article(slug="pesel"))
    assert list(PackFile.objects.values()) == before
    assert enqueued == [] and pipeline.rendered == []
    pesel = article(slug="pesel")
    with django_assert_num_queries(1):
        signals.page_changed(sender=Page, instance=pesel)


def test_unpublishing_deleting_and_moving_pages(portal: Any, pipeline: Pipeline, enqueued: list[Any],
                                                django_capture_on_commit_callbacks: Any) -> None:
    pack = make_pack(pages=(article(), article(slug="pesel")))
    with django_capture_on_commit_callbacks(execute=True):
        article("uk").unpublish()
    assert len(enqueued) == ALL_FILES
    # The Ukrainian PDF now shows the Polish page, and says so.
    ukrainian = generated(pack)[("uk", "a4")]
    assert {"part": article("pl").title, "language": "pl"} in ukrainian.fallbacks

    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article(slug="pesel").delete()
    assert len(enqueued) == ALL_FILES
    assert PackItem.objects.filter(pack=pack, page__isnull=True).count() == 1  # the part is kept, emptied

    enqueued.clear()
    karta = article()
    target = Page.objects.get(slug="fundacja", locale__language_code="pl")
    with django_capture_on_commit_callbacks(execute=True):
        karta.move(target, pos="last-child")
    assert len(enqueued) == ALL_FILES


def test_moving_a_parent_regenerates_the_packs_of_pages_below(portal: Any, pipeline: Pipeline,
                                                             enqueued: list[Any],
                                                             django_capture_on_commit_callbacks: Any) -> None:
    make_pack()  # shows /instytucje/urzad/karta-pobytu/
    urzad = Page.objects.get(slug="urzad", locale__language_code="pl")
    with django_capture_on_commit_callbacks(execute=True):
        urzad.move(Page.objects.get(slug="fundacja", locale__language_code="pl"), pos="last-child")
    assert len(enqueued) == ALL_FILES


def test_directory_and_register_records(portal: Any, pipeline: Pipeline, enqueued: list[Any],
                                        django_capture_on_commit_callbacks: Any) -> None:
    from otwarta.directory import testing as directory
    from otwarta.registers import testing as registers

    service = directory.service("Poradnia dla cudzoziemców")
    other_service = directory.service("Inna poradnia")
    register = registers.register()
    pack = make_pack("contacts", pack_type=PackType.GROUP, pages=())
    PackItem.objects.create(pack=pack, kind=ItemKind.SERVICE, service=service, sort_order=1)
    PackItem.objects.create(pack=pack, kind=ItemKind.REGISTER, register=register, sort_order=2)
    PackItem.objects.create(pack=pack, kind=ItemKind.INSTITUTION, institution=Institution.objects.get(slug="urzad"),
                            sort_order=3)

    def enqueued_by(action: Any) -> int:
        enqueued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return len(enqueued)

    assert enqueued_by(lambda: directory.translate(service, "uk", name="Консультація")) == ALL_FILES
    assert enqueued_by(lambda: other_service.save()) == 0
    assert enqueued_by(lambda: registers.hotline(register)) == ALL_FILES
    assert enqueued_by(lambda: register.save()) == ALL_FILES
    assert enqueued_by(lambda: Institution.objects.get(slug="urzad").save()) == ALL_FILES
    assert enqueued_by(lambda: Institution.objects.get(slug="fundacja").save()) == 0
    assert enqueued_by(lambda: service.delete()) == ALL_FILES


@pytest.mark.parametrize("deleted", ["pack", "file"])
def test_deleting_a_pack_or_file_removes_the_pdf(deleted: str, portal: Any, pipeline: Pipeline, media: Any,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    from otwarta.printing import services

    pack = make_pack()
    packfile = services.generate(pack, "pl", "a4")
    path = media / packfile.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        (pack if deleted == "pack" else packfile).delete()
    assert not path.exists()
