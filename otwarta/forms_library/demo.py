"""Demonstration forms (``otwarta/demo/content/forms.yaml``), loaded by the demo loader after the articles.

File format::

    forms:
      - slug: wniosek-o-nadanie-numeru-pesel
        institution: umk                 # institution slug
        code: ""                         # official symbol, only when certain
        source_url: https://…            # the issuing authority's page
        last_checked_days_ago: 20
        linked_from: [pesel-dla-cudzoziemcow]   # article slugs (Polish) that get an "Official form" block
        translations:
          pl:
            title: …
            summary: …
            fields:                      # a part heading, or a field as printed on the Polish form
              - section: "Dane osobowe"
              - {number: "", label: "Nazwisko", explanation: "…", example: "Kowalenko"}
          en:                            # same order and length as pl; labels and examples stay Polish
            title: …
            summary: …
            fields:
              - section: "Personal data"
              - explanation: "…"

Idempotent: an existing form (by slug) is left as it is unless the loader runs with ``update=True``; a
missing translation is added; an article gets its block once. The PDF is a generated, clearly labelled
demonstration copy that sends the reader to the official page (no network).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale

from otwarta.institutions.models import Institution

from .models import OfficialForm
from .pdf import text_pdf, wrap


def demo_pdf(title: str, source_url: str, labels: list[str]) -> bytes:
    lines: list[tuple[str, int]] = [(line, 15) for line in wrap(title, 60)]
    lines += [
        ("DEMO COPY - NOT THE OFFICIAL FORM. Kopia demonstracyjna - to nie jest urzedowy formularz.", 10),
        ("Download the current form from / Aktualny formularz pobierz ze strony:", 10),
        (source_url, 10),
        ("", 10),
        ("Fields explained in the Malopolska otwarta forms library / Pola formularza:", 10),
    ]
    lines += [(f"- {label}", 10) for label in labels]
    return text_pdf(lines)


def _collection(institution: Institution) -> Collection:
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=institution.short_name or institution.name).first() or root


def _fields(source_fields: list[dict[str, Any]],
            translated: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """StreamField data; a translation takes the Polish labels, numbers and examples and its own texts."""
    if translated is not None and len(translated) != len(source_fields):
        raise ValueError("A translation of a form must list the same fields, in the same order, as the Polish one.")
    out = []
    for index, item in enumerate(source_fields):
        mine = translated[index] if translated is not None else item
        if "section" in item:
            out.append({"type": "section", "value": mine["section"]})
        else:
            out.append({"type": "field", "value": {
                "number": str(item.get("number", "") or ""), "label": item["label"],
                "explanation": mine["explanation"], "example": item.get("example", "") or "",
            }})
    return out


def load_forms(loader: Any, data: dict[str, Any]) -> None:
    """Create the demo forms, their translations and the article blocks that link to them."""
    report = loader.report
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    source_locale = locales[settings.LANGUAGE_CODE]
    for spec in data.get("forms", []):
        texts = spec["translations"]
        pl = texts[settings.LANGUAGE_CODE]
        institution = Institution.objects.get(slug=spec["institution"])
        values = {
            "title": pl["title"], "code": spec.get("code", "") or "", "institution": institution,
            "source_url": spec["source_url"], "summary": pl["summary"], "fields": _fields(pl["fields"]),
            "last_checked_at": timezone.localdate() - dt.timedelta(days=int(spec.get("last_checked_days_ago", 10))),
        }
        form = OfficialForm.objects.filter(locale=source_locale, slug=spec["slug"]).first()
        created = form is None
        if form is None:
            labels = [item["label"] for item in pl["fields"] if "label" in item]
            pdf = demo_pdf(pl["title"], spec["source_url"], labels)
            document = get_document_model().objects.create(
                title=f"{pl['title']} (kopia demonstracyjna)", collection=_collection(institution),
                file=ContentFile(pdf, name=f"{spec['slug']}-demo.pdf"), file_size=len(pdf),
            )
            form = OfficialForm(locale=source_locale, slug=spec["slug"], document=document, **values)
            form.full_clean()
            form.save()
        elif loader.update:
            for name, value in values.items():
                setattr(form, name, value)
            form.save()
        if created or loader.update:
            (report.created if created else report.updated).append(f"official form {spec['slug']}")
        for code, text in texts.items():
            if code == settings.LANGUAGE_CODE or code not in locales or code not in loader.languages:
                continue
            _translation(loader, form, locales[code], text, pl["fields"])
        for article_slug in spec.get("linked_from", []):
            _link_from_article(loader, form, article_slug)


def _translation(loader: Any, form: OfficialForm, locale: Locale, text: dict[str, Any],
                 source_fields: list[dict[str, Any]]) -> None:
    row = form.get_translation_or_none(locale)
    if row is not None and not loader.update:
        return
    created = row is None
    if row is None:
        row = form.copy_for_translation(locale)
    row.title, row.summary = text["title"], text["summary"]
    row.fields = _fields(source_fields, text["fields"])  # type: ignore[assignment]
    row.save()
    (loader.report.created if created else loader.report.updated).append(f"official form {form.slug} [{locale}]")


def _link_from_article(loader: Any, form: OfficialForm, article_slug: str) -> None:
    """Append an "Official form" block to the Polish article and its translations (once)."""
    from otwarta.portal.models import ArticlePage
    from otwarta.portal.services import publish

    source = ArticlePage.objects.filter(slug=article_slug, locale=form.locale).first()
    if source is None:
        return
    form_ids = set(OfficialForm.objects.filter(translation_key=form.translation_key).values_list("pk", flat=True))
    pages = [source, *[p.specific for p in source.get_translations().order_by("locale__language_code")]]
    for page in pages:
        blocks = [dict(block) for block in page.body.raw_data]
        if any(b["type"] == "official_form" and b["value"].get("form") in form_ids for b in blocks):
            continue
        row = form.get_translation_or_none(page.locale) or form
        page.body = [*blocks, {"type": "official_form", "value": {"form": row.pk, "note": ""}}]  # type: ignore[assignment]
        page.save()
        publish(page)
        loader.report.updated.append(f"article {article_slug} [{page.locale}]: official form {form.slug}")
