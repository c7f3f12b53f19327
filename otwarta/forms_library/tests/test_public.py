"""The public forms library: list, search, filter and form pages in Polish and Ukrainian, the fallback to
the Polish record, and the "Official form" article block."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale

from otwarta.forms_library.models import OfficialForm
from otwarta.portal.models import ArticlePage
from otwarta.portal.services import publish

from .conftest import make_document


def get(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def test_list_in_polish(forms):
    html = get("/pl/formularze/")
    assert forms.permit.title in html and forms.grant.title in html
    assert 'href="/pl/formularze/wniosek-pobyt/"' in html
    assert "2 forms" in html or "2 formularze" in html


def test_list_in_ukrainian_uses_translations_and_marks_polish_ones(forms):
    html = get("/uk/formularze/")
    assert forms.permit_uk.title in html
    assert forms.permit.title not in html
    assert re.search(r'<a href="/uk/formularze/wniosek-stypendium/" lang="pl">Wniosek o stypendium fundacji</a>', html)
    assert html.count('lang="pl"') >= 2  # the untranslated title and its summary


def test_detail_in_polish(forms):
    html = get("/pl/formularze/wniosek-pobyt/")
    assert "<h1>Wniosek o udzielenie zezwolenia na pobyt czasowy</h1>" in html
    assert forms.permit.document.url in html
    assert 'href="https://urzad.example.org/formularze"' in html
    assert '<dt lang="pl">1. Nazwisko</dt>' in html
    assert "Nazwisko jak w paszporcie." in html
    assert 'class="notice"' not in html


def test_detail_in_ukrainian(forms):
    html = get("/uk/formularze/wniosek-pobyt/")
    assert f"<h1>{forms.permit_uk.title}</h1>" in html
    assert '<span lang="pl">Wniosek o udzielenie zezwolenia na pobyt czasowy</span>' in html  # official name
    assert '<dt lang="pl">1. Nazwisko</dt>' in html  # the label as printed, marked as Polish
    assert "Прізвище як у паспорті." in html
    assert '<h3>Особисті дані</h3>' in html
    assert forms.permit.document.url in html  # the Polish original
    assert 'class="notice"' not in html
    assert "The form in your language" not in html  # the translation has no PDF of its own


def test_detail_offers_the_translated_pdf_when_there_is_one(forms):
    forms.permit_uk.document = make_document("Zayava uk")
    forms.permit_uk.save()
    html = get("/uk/formularze/wniosek-pobyt/")
    assert forms.permit_uk.document.url in html and forms.permit.document.url in html
    assert 'hreflang="uk" type="application/pdf"' in html


def test_detail_falls_back_to_polish_with_a_notice(forms):
    html = get("/uk/formularze/wniosek-stypendium/")
    assert 'class="notice" role="note"' in html
    notice = "This form is not explained in your language yet. Below you find its description in Polish."
    with translation.override("uk"):
        assert gettext(notice) in html
    assert notice not in html  # translated for the reader
    assert '<h1 lang="pl">Wniosek o stypendium fundacji</h1>' in html
    assert '<span lang="pl">Nazwisko jak w paszporcie.</span>' in html
    assert forms.grant.document.url in html


def test_detail_falls_back_while_a_synced_translation_is_unfinished(forms):
    """A row that wagtail-localize created and filled with the Polish text is not shown as a translation."""
    from wagtail_localize.models import Translation, TranslationSource

    source, _created = TranslationSource.get_or_create_from_instance(forms.grant)
    translation = Translation.objects.create(source=source, target_locale=Locale.objects.get(language_code="uk"))
    translation.save_target()
    assert OfficialForm.objects.filter(translation_key=forms.grant.translation_key, locale__language_code="uk").exists()
    html = get("/uk/formularze/wniosek-stypendium/")
    assert 'class="notice" role="note"' in html


def test_unknown_form_is_404(forms):
    assert Client().get("/uk/formularze/nie-ma-takiego/").status_code == 404


@pytest.mark.parametrize(("path", "present", "absent"), [
    ("/pl/formularze/?q=pobyt", "wniosek-pobyt", "wniosek-stypendium"),
    ("/pl/formularze/?q=pobytu", "wniosek-pobyt", "wniosek-stypendium"),  # an inflected form
    ("/uk/formularze/?q=перебування", "wniosek-pobyt", "wniosek-stypendium"),
    ("/uk/formularze/?q=stypendium", "wniosek-stypendium", "wniosek-pobyt"),  # Polish words from a Ukrainian page
    ("/uk/formularze/?q=zezwolenia", "wniosek-pobyt", "wniosek-stypendium"),  # finds the Polish row, shows uk
    ("/pl/formularze/?institution=fundacja", "wniosek-stypendium", "wniosek-pobyt"),
])
def test_search_and_filter(forms, path, present, absent):
    html = get(path)
    assert f"/formularze/{present}/" in html
    assert f"/formularze/{absent}/" not in html


def test_search_without_results(forms):
    html = get("/pl/formularze/?q=xyzzy")
    assert "No form matches." in html or "Żaden formularz" in html
    assert "/formularze/wniosek-" not in html


def test_uk_search_shows_the_translated_title(forms):
    html = get("/uk/formularze/?q=zezwolenia")
    assert forms.permit_uk.title in html


def _add_block(page: ArticlePage, form: OfficialForm) -> None:
    page.body = [*[dict(b) for b in page.body.raw_data],  # type: ignore[assignment]
                 {"type": "official_form", "value": {"form": form.pk, "note": "Potrzebny przy wizycie."}}]
    page.save()
    publish(page)


def test_article_block_links_to_the_form_in_the_readers_language(forms):
    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    _add_block(article, forms.permit)
    html = get(article.url)
    assert 'href="/pl/formularze/wniosek-pobyt/"' in html
    assert forms.permit.title in html and forms.permit.document.url in html
    assert "Potrzebny przy wizycie." in html
    translated = article.get_translation(Locale.objects.get(language_code="uk"))
    _add_block(translated, forms.permit)  # the block names the Polish row; readers get their version
    html = get(translated.url)
    assert 'href="/uk/formularze/wniosek-pobyt/"' in html
    assert forms.permit_uk.title in html
    # and the form's page lists the article in the reader's language
    page = get("/uk/formularze/wniosek-pobyt/")
    assert f'href="{translated.url}"' in page


def test_article_block_falls_back_to_the_polish_form(forms):
    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="uk")
    _add_block(article, forms.grant)
    html = get(article.url)
    assert '<a href="/uk/formularze/wniosek-stypendium/" lang="pl">Wniosek o stypendium fundacji</a>' in html


def test_sitemap_lists_the_library(forms):
    xml = get("/sitemap.xml")
    assert "/pl/formularze/</loc>" in xml and "/uk/formularze/</loc>" in xml
    assert "/pl/formularze/wniosek-pobyt/</loc>" in xml
    assert "/uk/formularze/wniosek-pobyt/</loc>" in xml
    assert "/uk/formularze/wniosek-stypendium/</loc>" not in xml  # no Ukrainian version of that one
