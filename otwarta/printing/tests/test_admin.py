"""The print packs' admin through Wagtail's real snippet views, for the roles of the test portal: listings,
edit/delete rights, the institution choices, the validation of the parts, the problems and files shown to
editors, "Generate again" (queued and logged) and the report of packs to fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale, ModelLogEntry, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from otwarta.core.testing import signed_in_client
from otwarta.directory import testing as directory_factories
from otwarta.institutions.models import Institution
from otwarta.printing import admin_views, permissions
from otwarta.printing.models import FileStatus, ItemKind, PackFile, PackItem, PrintPack

ROLES = ["anonymous", "fundacja-editor", "urzad-editor", "urzad-moderator", "region", "admin"]
CHANGES = {"anonymous": set(), "fundacja-editor": {"fundacja"}, "urzad-editor": {"urzad"},
           "urzad-moderator": {"urzad"}, "region": {"urzad", "fundacja"}, "admin": {"urzad", "fundacja"}}
DELETES = {"region", "admin"}
KARTA = "/pl/instytucje/urzad/karta-pobytu/"
PESEL = "/pl/instytucje/fundacja/pesel/"
KARTA_HEADINGS = ["Krok po kroku", "Potrzebne dokumenty", "Pytania"]


@dataclass
class Packs:
    urzad: PrintPack
    fundacja: PrintPack


def page_at(url_path: str, language: str = "pl") -> Page:
    for page in Page.objects.filter(locale__language_code=language).specific():
        if page.url == url_path:
            return page
    raise LookupError(url_path)


def translation_of(page: Page, language: str) -> Page:
    return page.get_translation(Locale.objects.get(language_code=language))


def make_pack(institution: str, slug: str, title: str, pages: list[Page]) -> PrintPack:
    pack = PrintPack.objects.create(institution=Institution.objects.get(slug=institution), slug=slug, title=title,
                                    locale=Locale.get_default())
    for order, page in enumerate(pages):
        PackItem.objects.create(pack=pack, kind=ItemKind.PAGE, page=page, sort_order=order)
    return pack


@pytest.fixture
def packs(portal) -> Packs:  # type: ignore[no-untyped-def]
    # The regional administrators' model permissions (granted after every migrate once apps.py runs it;
    # granting again is harmless).
    permissions.grant_regional_admins()
    return Packs(urzad=make_pack("urzad", "pobyt-w-malopolsce", "Pobyt w Małopolsce", [page_at(KARTA)]),
                 fundacja=make_pack("fundacja", "pesel-ukr", "PESEL dla obywateli Ukrainy", [page_at(PESEL)]))


def client_for(role: str) -> Client:
    client: Client = signed_in_client(role)  # reads the admin in English
    return client


def url(action: str, pack: PrintPack | None = None) -> str:
    name = f"wagtailsnippets_printing_printpack:{action}"
    return reverse(name, args=[pack.pk]) if pack is not None else reverse(name)


def refused(response: Any) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"].split("?")[0] in ("/admin/", "/admin/login/")


def pack_data(pack: PrintPack | None, items: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """The edit form's POST data: the pack's fields and its parts (``items``: field → value)."""
    existing = list(pack.items.all()) if pack is not None else []
    rows = []
    for index, item in enumerate(items):
        row = {"id": existing[index].pk if index < len(existing) else "", "kind": ItemKind.PAGE, "page": "",
               "section_heading": "", "service": "", "institution": "", "register": ""}
        row.update(item)
        rows.append(row)
    for extra in existing[len(items):]:  # parts not given are deleted
        rows.append({"id": extra.pk, "kind": extra.kind, "DELETE": "1"})
    data = {
        "pack_type": pack.pack_type if pack else "topic", "title": pack.title if pack else "Nowy pakiet",
        "subtitle": "", "introduction": rich_text("<p>Wstęp.</p>"),
        "institution": pack.institution_id if pack else Institution.objects.get(slug="urzad").pk,
        "slug": pack.slug if pack else "nowy-pakiet", "cover_image": "", "listed": "on",
        "items": inline_formset(rows, initial=len(existing)),
    }
    data.update(fields)
    return nested_form_data(data)


def item_errors(response: Any) -> list[dict[str, list[str]]]:
    form = response.context["form"]
    with translation.override("en"):  # the messages are lazy: read them in the language the editor chose
        return [{name: [str(message) for message in messages] for name, messages in item_form.errors.items()}
                for item_form in form.formsets["items"].forms]


# --- listings and rights ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_listing_shows_only_own_institutions_packs(packs, role):
    response = client_for(role).get(url("list"))
    if role == "anonymous":
        assert refused(response)
        return
    assert response.status_code == 200, role
    content = response.content.decode()
    assert (packs.urzad.title in content) is ("urzad" in CHANGES[role]), role
    assert (packs.fundacja.title in content) is ("fundacja" in CHANGES[role]), role


@pytest.mark.parametrize("role", ROLES)
def test_edit_and_status_views_per_role(packs, role):
    client = client_for(role)
    for pack in (packs.urzad, packs.fundacja):
        for address in (url("edit", pack), admin_views.status_url(pack)):
            response = client.get(address)
            if pack.institution.slug in CHANGES[role]:
                assert response.status_code == 200, (role, pack, address)
            else:
                assert refused(response), (role, pack, address, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_only_regional_admins_delete(packs, role):
    client = client_for(role)
    response = client.get(url("delete", packs.urzad))
    if role in DELETES:
        assert response.status_code == 200
        assert client.post(url("delete", packs.urzad)).status_code == 302
        assert not PrintPack.objects.filter(pk=packs.urzad.pk).exists()
    else:
        assert refused(response)
        assert refused(client.post(url("delete", packs.urzad)))
        assert PrintPack.objects.filter(pk=packs.urzad.pk).exists()


def test_editor_cannot_post_changes_to_another_institutions_pack(packs):
    data = pack_data(packs.fundacja, [{"page": page_at(PESEL).pk}], title="Przejęty")
    assert refused(client_for("urzad-editor").post(url("edit", packs.fundacja), data))
    packs.fundacja.refresh_from_db()
    assert packs.fundacja.title == "PESEL dla obywateli Ukrainy"


def test_institution_choices_are_the_editors_own(packs):
    content = client_for("urzad-editor").get(url("add")).content.decode()
    select = content.split('name="institution"', 1)[1].split("</select>", 1)[0]
    assert "Urząd Testowy" in select and "Fundacja" not in select
    data = pack_data(None, [{"page": page_at(KARTA).pk}], institution=Institution.objects.get(slug="fundacja").pk)
    response = client_for("urzad-editor").post(url("add"), data)
    assert response.status_code == 200 and "institution" in response.context["form"].errors
    assert not PrintPack.objects.filter(slug="nowy-pakiet").exists()


def test_editor_creates_a_polish_pack_and_its_pdfs_are_queued(packs, django_capture_on_commit_callbacks):
    data = pack_data(None, [{"page": page_at(KARTA).pk},
                            {"kind": ItemKind.SECTION, "page": page_at(KARTA).pk, "section_heading": "pytania"}])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for("urzad-editor").post(url("add"), data)
    assert response.status_code == 302, item_errors(response) if response.context else response
    pack = PrintPack.objects.get(slug="nowy-pakiet")
    assert pack.locale.language_code == "pl" and pack.institution.slug == "urzad"
    section = pack.items.get(kind=ItemKind.SECTION)
    assert section.section_heading == "Pytania"  # as written on the page
    assert section.reference_label == "Karta pobytu czasowego › Pytania"
    files = PackFile.objects.filter(pack=pack)
    assert files.count() == 12 and {row.status for row in files} == {FileStatus.QUEUED}
    assert len(callbacks) == 1  # one batch, enqueued when the transaction commits


# --- validation of the parts ----------------------------------------------------------------------------
def test_each_kind_requires_its_own_field_and_clears_the_others(packs):
    karta = page_at(KARTA)
    data = pack_data(packs.urzad, [{"kind": ItemKind.SERVICE, "page": karta.pk},
                                   {"kind": ItemKind.REGISTER},
                                   {"kind": ItemKind.INSTITUTION}])
    response = client_for("urzad-editor").post(url("edit", packs.urzad), data)
    assert response.status_code == 200
    errors = item_errors(response)
    assert errors[0] == {"service": ["Choose the service for this part."]}
    assert errors[1] == {"register": ["Choose the register whose hotlines this part shows."]}
    assert errors[2] == {"institution": ["Choose the institution whose contact details this part shows."]}

    service = directory_factories.service(
        "Legalizacja pobytu", directory_factories.organization("Urząd Org", owner=packs.urzad.institution))
    fundacja = Institution.objects.get(slug="fundacja")
    data = pack_data(packs.urzad, [{"kind": ItemKind.SERVICE, "page": karta.pk, "service": service.pk,
                                    "section_heading": "Pytania", "institution": fundacja.pk}])
    response = client_for("urzad-editor").post(url("edit", packs.urzad), data)
    assert response.status_code == 302, item_errors(response)
    item = packs.urzad.items.get()
    assert (item.kind, item.service_id, item.page_id, item.institution_id, item.section_heading) == (
        ItemKind.SERVICE, service.pk, None, None, "")


def test_unknown_section_heading_lists_the_pages_headings(packs):
    data = pack_data(packs.urzad, [{"kind": ItemKind.SECTION, "page": page_at(KARTA).pk,
                                    "section_heading": "Opłaty"}])
    response = client_for("urzad-editor").post(url("edit", packs.urzad), data)
    assert response.status_code == 200
    message = item_errors(response)[0]["section_heading"][0]
    assert "“Opłaty”" in message
    for heading in KARTA_HEADINGS:
        assert f"“{heading}”" in message
    assert "Potrzebne dokumenty" in response.content.decode()
    # A page without section headings: choose the whole page instead.
    data = pack_data(packs.urzad, [{"kind": ItemKind.SECTION, "page": page_at(PESEL).pk,
                                    "section_heading": "Cokolwiek"}])
    errors = item_errors(client_for("urzad-editor").post(url("edit", packs.urzad), data))
    assert "has no section headings" in errors[0]["section_heading"][0]


def test_pages_must_be_polish(packs):
    english = translation_of(page_at(KARTA), "en")
    data = pack_data(packs.urzad, [{"kind": ItemKind.PAGE, "page": english.pk}])
    response = client_for("urzad-editor").post(url("edit", packs.urzad), data)
    assert response.status_code == 200
    assert "Choose the Polish page" in item_errors(response)[0]["page"][0]
    assert packs.urzad.items.get().page_id == page_at(KARTA).pk


def test_services_must_be_polish_records(packs):
    org = directory_factories.organization("Urząd Org", owner=packs.urzad.institution)
    service = directory_factories.service("Legalizacja pobytu", org)
    ukrainian = directory_factories.translate(service, "uk", name="Легалізація перебування")
    data = pack_data(packs.urzad, [{"kind": ItemKind.SERVICE, "service": ukrainian.pk}])
    errors = item_errors(client_for("urzad-editor").post(url("edit", packs.urzad), data))
    assert "Polish record of the service" in errors[0]["service"][0]
    # The pack's own service chooser lists Polish services of every institution.
    other = directory_factories.service(
        "Porady prawne", directory_factories.organization("Fundacja Org", owner=packs.fundacja.institution))
    html = client_for("urzad-editor").get(reverse("printing_service_chooser:choose")).json()["html"]
    assert service.name in html and other.name in html and ukrainian.name not in html


def test_a_translation_edits_only_its_texts(packs):
    english = packs.urzad.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Living in Małopolska"
    english.save()
    client = client_for("urzad-editor")
    content = client.get(url("edit", english)).content.decode()
    assert "Edit the Polish pack" in content and 'id="id_items-TOTAL_FORMS"' not in content
    data = nested_form_data({"pack_type": "topic", "title": "Life in Małopolska", "subtitle": "",
                             "introduction": rich_text(""), "cover_image": ""})
    response = client.post(url("edit", english), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    english.refresh_from_db()
    assert english.title == "Life in Małopolska" and english.slug == packs.urzad.slug
    assert packs.urzad.items.count() == 1


# --- problems and files -----------------------------------------------------------------------------
def test_problems_name_a_deleted_page_by_its_label(packs):
    pesel = page_at(PESEL)
    PackItem.objects.create(pack=packs.urzad, kind=ItemKind.PAGE, page=pesel, sort_order=5)
    pesel.delete()
    client = client_for("urzad-editor")
    for address in (url("edit", packs.urzad), admin_views.status_url(packs.urzad)):
        content = client.get(address).content.decode()
        assert "problem to fix" in content, address
        assert "Numer PESEL dla obywateli Ukrainy" in content, address
    report = client.get(reverse("printing_admin:to_fix")).content.decode()
    assert packs.urzad.title in report and "Numer PESEL dla obywateli Ukrainy" in report
    assert packs.urzad.title not in client_for("fundacja-editor").get(reverse("printing_admin:to_fix")).content.decode()
    assert client_for("anonymous").get(reverse("printing_admin:to_fix")).status_code == 302


def test_files_table_shows_each_language_and_format(packs):
    PackFile.objects.create(pack=packs.urzad, language="uk", format="a4", status=FileStatus.READY,
                            file="print/pobyt-uk-a4.pdf", size_bytes=123456, page_count=17,
                            valid_as_of=timezone.localdate(), generated_at=timezone.now(),
                            fallbacks=[{"part": "Karta pobytu czasowego", "language": "pl"}])
    PackFile.objects.create(pack=packs.urzad, language="ka", format="a5-booklet", status=FileStatus.FAILED,
                            error="ValueError: no font")
    content = client_for("urzad-editor").get(admin_views.status_url(packs.urzad)).content.decode()
    assert "Ukrainian" in content and "A4, for printing at home" in content and "120.6\xa0KB" in content
    assert "“Karta pobytu czasowego” in Polish" in content
    assert "ValueError: no font" in content and "Failed" in content
    link = admin_views.public_url(PackFile.objects.get(language="uk"))
    if link:  # the public views (otwarta/printing/urls.py) are installed
        assert link.startswith("/uk/") and f'href="{link}"' in content


def test_generate_again_enqueues_every_file_and_is_logged(packs, settings, django_capture_on_commit_callbacks):
    from django_tasks import default_task_backend

    backend: Any = default_task_backend  # the DummyBackend set below, which keeps what was enqueued
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    address = reverse("printing_admin:regenerate", args=[packs.urzad.pk])
    edit_page = client_for("urzad-editor").get(url("edit", packs.urzad)).content.decode()
    assert f'action="{address}"' in edit_page and "csrfmiddlewaretoken" in edit_page
    assert client_for("urzad-editor").get(address).status_code == 405
    assert refused(client_for("fundacja-editor").post(address))
    assert not PackFile.objects.filter(pack=packs.urzad).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("urzad-editor").post(address, {"next": url("edit", packs.urzad)})
    assert response.status_code == 302 and response["Location"] == url("edit", packs.urzad)
    queued = [result for result in backend.results
              if result.task.name == "generate_pack_file" and result.args[0] == packs.urzad.pk]
    assert len(queued) == 12 and all(result.args[3] is True for result in queued)  # forced
    assert {(row.language, row.format, row.status) for row in PackFile.objects.filter(pack=packs.urzad)} == {
        (language, fmt, FileStatus.QUEUED) for language in ("pl", "en", "uk", "ru", "be", "ka")
        for fmt in ("a4", "a5-booklet")}
    entry = ModelLogEntry.objects.get(action="printing.regenerate")
    assert entry.object_id == str(packs.urzad.pk) and entry.user.username == "urzad-editor"
    history = client_for("urzad-editor").get(url("history", packs.urzad)).content.decode()
    assert "Generate the PDFs again" in history or "PDFs queued to be generated again" in history


def test_translate_is_for_those_who_maintain_the_pack(packs):
    address = f"/admin/localize/submit/snippet/printing/printpack/{packs.urzad.pk}/"
    assert refused(client_for("fundacja-editor").get(address))  # editors hold wagtail-localize's permission
    assert client_for("urzad-editor").get(address).status_code == 200
    assert client_for("region").get(address).status_code == 200
