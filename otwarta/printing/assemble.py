"""Assembling a print pack into a ``PrintDocument`` in one language (see ``document.py``).

The structure always comes from the Polish (source) pack: its items, in order. Each part takes its text from
the version in the PDF's language: the pack's own texts from the pack's translation, a page from its live,
public translation, a service from its translated row. Where there is none, the Polish text is used and a
``Fallback`` names the part, so the PDF says which parts are in Polish (nothing is mixed silently).

Parts that cannot be printed (a deleted or unpublished page, a section heading that is gone, a deleted
service, institution or register) are left out and reported as blocking ``Problem``s; a page without text
for children in the children's edition is a non-blocking problem (its summary is printed instead). Problem
messages are in the language that was active when ``build_document`` or ``pack_problems`` was called (the
editor's); everything printed is in the PDF's language (``translation.override``).

Body blocks become plain, semantic HTML for print (``printing/pdf/blocks/*.html``): service cards as text
with address, phones and opening hours, official forms as a title and an address, links with their address
printed. ``children`` blocks ("For children") are printed only in the children's edition, where a page
contributes nothing else.

Everything that shapes the HTML is read from the database with a fixed order, and ``valid_as_of`` is the
date (in Poland) of the newest change among the pack, its pages and its services, so the same content gives
the same ``content_hash``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Tag
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page
from wagtail.rich_text import expand_db_html

from otwarta.core.languages import direction, spoken_language_name

from .document import Fallback, PrintDocument, Problem, Section
from .models import ItemKind, PackItem, PackType, PrintPack
from .sections import BodyPart, body_parts, find_section_index, headings, matching_index, section_blocks

# Problems editors are told about (``%(part)s``: what the part refers to).
PAGE_DELETED = _("“%(part)s”: the page was deleted. Remove this part or choose another page.")
PAGE_UNPUBLISHED = _("“%(part)s”: the page is not published (or not public). Publish it or remove this part.")
SECTION_MISSING = _(
    "“%(part)s”: the page no longer has a section with the heading “%(heading)s”. Choose another section."
)
NO_CHILDREN_TEXT = _(
    "“%(part)s”: the page has no text for children; its summary is printed instead. "
    "Add a “For children” block to the page."
)
SERVICE_DELETED = _("“%(part)s”: the service was deleted from the directory. Remove this part.")
SERVICE_DEFUNCT = _("“%(part)s”: the service is no longer provided. Remove this part.")
INSTITUTION_DELETED = _("“%(part)s”: the institution was deleted. Remove this part.")
REGISTER_DELETED = _("“%(part)s”: the register was deleted. Remove this part.")

# --- rich text for print --------------------------------------------------------------------------------------
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "b", "em", "i", "h2", "h3", "h4", "h5", "h6",
                "span", "sub", "sup", "blockquote"}
DROPPED_TAGS = {"script", "style", "iframe", "object", "embed", "img", "svg", "video", "audio", "form",
                "input", "button", "select", "textarea", "template", "noscript"}
KEPT_ATTRIBUTES = {"lang", "dir"}
_HEADING = re.compile(r"^h([1-6])$")


def absolute_url(url: str) -> str:
    """``url`` made absolute on the portal's address (``settings.SITE_URL``) when it is a path."""
    url = (url or "").strip()
    if not url or urlsplit(url).scheme or url.startswith("//"):
        return url
    if url.startswith("#"):
        return ""
    return settings.SITE_URL + (url if url.startswith("/") else "/" + url)


def print_html(html: str, demote: int = 1) -> str:
    """Sanitised HTML for print: only plain semantic tags, no classes or styles, absolute link addresses,
    headings ``demote`` levels lower (the section title is the ``<h2>`` of the PDF)."""
    soup = BeautifulSoup(html or "", "html.parser")
    for tag in list(soup.find_all(True)):
        if not isinstance(tag, Tag) or tag.decomposed:
            continue
        name = (tag.name or "").lower()
        if name in DROPPED_TAGS:
            tag.decompose()
            continue
        if name not in ALLOWED_TAGS and not _HEADING.match(name):
            tag.unwrap()
            continue
        attributes = {key: value for key, value in tag.attrs.items() if key in KEPT_ATTRIBUTES}
        if name == "a":
            href = absolute_url(str(tag.get("href") or ""))
            if not href or urlsplit(href).scheme.lower() not in ("http", "https", "mailto", "tel"):
                tag.unwrap()
                continue
            attributes["href"] = href
        tag.attrs = attributes
        match = _HEADING.match(name)
        if match:
            tag.name = f"h{min(6, int(match.group(1)) + demote)}"
    return str(soup).strip()


def print_rich_text(value: Any, demote: int = 1) -> str:
    """A Wagtail rich-text value (or its database source) as print HTML."""
    source = str(getattr(value, "source", value) or "")
    return print_html(expand_db_html(source), demote=demote) if source.strip() else ""


# --- assembling ---------------------------------------------------------------------------------------------
@dataclass
class _Run:
    """What one assembling collects."""

    language: str
    locale: Locale | None
    pack_type: str
    editor_language: str
    today: dt.date
    fallbacks: list[Fallback] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: list[dt.datetime] = field(default_factory=list)

    @property
    def children_edition(self) -> bool:
        return self.pack_type == PackType.CHILDREN

    def fallback(self, part: str, language: str | None = None) -> None:
        entry = Fallback(part=str(part), language=language or settings.LANGUAGE_CODE)
        if language != self.language and entry not in self.fallbacks:
            self.fallbacks.append(entry)

    def problem(self, item: PackItem | None, message: Any, blocking: bool = True, **kwargs: Any) -> None:
        """``message`` (a lazy translation) in the editor's language, with ``kwargs`` filled in."""
        with translation.override(self.editor_language):
            text = str(message) % kwargs if kwargs else str(message)
        self.problems.append(Problem(item_id=item.pk if item is not None else None, message=text,
                                     blocking=blocking))

    def changed(self, moment: dt.datetime | None) -> None:
        if moment is not None:
            self.changes.append(moment)


def _locale(language: str) -> Locale | None:
    return Locale.objects.filter(language_code=language).first()


def _label(item: PackItem) -> str:
    if item.reference_label:
        return item.reference_label
    target = item.target()
    return str(getattr(target, "title", None) or target or item.get_kind_display())


def _polish_page(page: Page) -> Page:
    page = page.specific
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return page
    source = page.get_translation_or_none(Locale.objects.get(language_code=settings.LANGUAGE_CODE))
    return source.specific if source is not None else page


def _is_public(page: Page) -> bool:
    return bool(page.live) and not page.get_view_restrictions().exists()


def page_url(page: Page) -> str:
    """The absolute public address of ``page`` on the portal ("" when it has none)."""
    parts = page.get_url_parts()
    if not parts or parts[2] is None:
        return ""
    return settings.SITE_URL + parts[2]


def _reverse_in(language: str, name: str, **kwargs: Any) -> str:
    try:
        with translation.override(language):
            return settings.SITE_URL + reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


# --- body blocks ----------------------------------------------------------------------------------------------
def _pictogram_url(key: str) -> str:
    from otwarta.portal.models import TOPIC_ICONS

    keys = {code for code, _label in TOPIC_ICONS}
    key = key if key in keys else "help"
    return absolute_url(f"{settings.STATIC_URL}img/pictograms/{key}.svg")


def pictogram_label(key: str) -> str:
    from otwarta.portal.models import TOPIC_ICONS

    return str(dict(TOPIC_ICONS).get(key, "")) or gettext("Pictogram")


def _block(template: str, **context: Any) -> str:
    return render_to_string(f"printing/pdf/blocks/{template}.html", context).strip()


def _children_block(value: Any, show_heading: bool = True) -> str:
    key = str(value.get("pictogram") or "family")
    return _block("children", heading=value.get("heading") or "", show_heading=show_heading,
                  text=print_rich_text(value.get("text"), demote=2), pictogram=_pictogram_url(key),
                  pictogram_label=pictogram_label(key))


def _render_part(part: BodyPart, run: _Run, show_heading: bool) -> str:
    kind, value = part.block_type, part.block.value
    if kind == "text":
        source = part.rich_text if part.rich_text is not None else getattr(value, "source", value)
        html = print_rich_text(source)
        if not show_heading:  # the section's own heading is its title in the PDF
            soup = BeautifulSoup(html, "html.parser")
            first = soup.find("h3")
            if isinstance(first, Tag):
                first.decompose()
            html = str(soup).strip()
        return html
    if kind == "children":
        return _children_block(value, show_heading)
    if kind == "steps":
        steps = [{"title": step.get("title") or "", "text": print_rich_text(step.get("text"), demote=2)}
                 for step in value.get("steps") or []]
        return _block("steps", heading=value.get("heading") or "", show_heading=show_heading, steps=steps)
    if kind == "documents":
        return _block("documents", heading=value.get("heading") or "", show_heading=show_heading,
                      items=[str(item) for item in value.get("items") or []], note=value.get("note") or "")
    if kind == "questions":
        questions = [{"question": q.get("question") or "", "answer": print_rich_text(q.get("answer"), demote=2)}
                     for q in value.get("questions") or []]
        return _block("questions", heading=value.get("heading") or "", show_heading=show_heading,
                      questions=questions)
    if kind == "warning":
        return _block("warning", title=value.get("title") or "", text=print_rich_text(value.get("text"), demote=2))
    if kind == "link":
        language = str(value.get("language") or "")
        return _block("link", title=value.get("title") or "", url=str(value.get("url") or ""),
                      description=value.get("description") or "",
                      link_language=language if language and language != run.language else "",
                      link_language_name=spoken_language_name(language) if language and language != run.language
                      else "")
    if kind == "contact":
        institution = value.get("institution")
        if institution is None:
            return ""
        return _block("contact", card=institution_card(institution, run), note=value.get("note") or "")
    if kind == "service":
        service = value.get("service")
        if service is None:
            return ""
        card = service_card(service, run, record_fallback=False)
        if card is None:
            return ""
        return _block("service", card=card, note=value.get("note") or "")
    if kind == "official_form":
        form = value.get("form")
        if form is None:
            return ""
        return _form_block(form, value.get("note") or "", run)
    return ""


def _form_block(form: Any, note: str, run: _Run) -> str:
    from otwarta.forms_library.services import reader_version

    version = reader_version(form, run.locale) if run.locale is not None else None
    shown = version.shown if version is not None else form
    shown_language = shown.locale.language_code
    return _block("official_form", title=shown.title, url=absolute_url(form.get_url(run.language)),
                  title_language=shown_language if shown_language != run.language else "", note=note)


def render_parts(parts: Iterable[BodyPart], run: _Run, section_heading_first: bool = False) -> str:
    """Print HTML of body parts. ``children`` blocks only in the children's edition (or when the chosen
    section is headed by one). ``section_heading_first``: the first part starts with the section's heading,
    which is printed as the section title and so left out of the body."""
    html: list[str] = []
    for number, part in enumerate(parts):
        first = number == 0 and section_heading_first
        if part.block_type == "children" and not (run.children_edition or first):
            continue
        rendered = _render_part(part, run, show_heading=not first)
        if rendered:
            html.append(rendered)
    return "\n".join(html)


# --- directory services, institutions, registers ----------------------------------------------------------------
@dataclass
class Place:
    name: str
    name_language: str
    address: list[str]
    hours: list[tuple[str, str]]
    closed_on_public_holidays: bool
    phones: list[dict[str, str]]


@dataclass
class ServiceCard:
    name: str
    language: str  # the language of the service's own texts
    organization: str
    description: str
    alert: str
    eligibility: str
    application_process: str
    interpretation: str
    fees: str
    free_of_charge: bool
    inactive: bool
    places: list[Place]
    phones: list[dict[str, str]]
    email: str
    website: str
    languages_spoken: list[str]
    live_url: str


def _translated_row(model: Any, source: Any, language: str) -> Any:
    if language == settings.LANGUAGE_CODE:
        return None
    return model.objects.filter(translation_key=source.translation_key, locale__language_code=language).first()


def _text(source: Any, translated: Any, name: str) -> str:
    own = str(getattr(translated, name, "") or "") if translated is not None else ""
    return own or str(getattr(source, name, "") or "")


def _day_range(first: int, last: int) -> str:
    names = [str(WEEKDAY_NAMES[first]), str(WEEKDAY_NAMES[last])]
    return names[0] if first == last else f"{names[0]}–{names[1]}"


def weekly_hours(schedules: Iterable[Any], today: dt.date) -> list[tuple[str, str]]:
    """Regular opening hours as (days, hours) rows, consecutive days with the same hours together:
    [("Monday–Friday", "08:00–16:00"), ...]. Schedules no longer valid (or not yet valid) on ``today``
    are left out; weekday names are in the active language."""
    from otwarta.directory.hours import _merge
    from otwarta.directory.models import WEEKDAYS

    rows = [row for row in schedules
            if (row.valid_from is None or row.valid_from <= today) and (row.valid_to is None or row.valid_to >= today)]
    per_day: list[str] = []
    for code in WEEKDAYS:
        intervals = _merge((row.opens_at, row.closes_at) for row in rows if code in row.days)
        per_day.append(", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in intervals))
    result: list[tuple[str, str]] = []
    start = 0
    for day in range(1, 8):
        if day == 7 or per_day[day] != per_day[start]:
            if per_day[start]:
                result.append((_day_range(start, day - 1), per_day[start]))
            start = day
    return result


def _phone_lines(phones: Iterable[Any]) -> list[dict[str, str]]:
    lines = []
    for phone in sorted(phones, key=lambda p: (p.number, p.extension, str(p.pk))):
        languages = sorted(spoken_language_name(row.code) for row in phone.languages.all())
        lines.append({"number": phone.number, "extension": phone.extension, "kind": str(phone.get_type_display()),
                      "description": phone.description, "languages": ", ".join(languages)})
    return lines


def service_card(service: Any, run: _Run, record_fallback: bool = True) -> ServiceCard | None:
    """The service (any of its rows) in the run's language, None when it is no longer provided. When it has
    no row in that language its Polish texts are used (a Fallback when ``record_fallback``)."""
    from otwarta.directory import hours
    from otwarta.directory.models import Location, Organization, Service, ServiceStatus
    from otwarta.directory.search import service_url, spoken_languages

    source = service.source() if not service.is_source else service
    if source.status == ServiceStatus.DEFUNCT:
        return None
    translated = _translated_row(Service, source, run.language)
    language = run.language if translated is not None or run.language == settings.LANGUAGE_CODE \
        else settings.LANGUAGE_CODE
    if record_fallback and language != run.language:
        run.fallback(source.name)
    run.changed(source.last_modified)
    if translated is not None:
        run.changed(translated.last_modified)
    organization = source.organization
    org_row = _translated_row(Organization, organization, run.language)
    places = []
    links = sorted(source.service_at_locations.select_related("location"), key=lambda link: link.location.name)
    for link in links:
        location = link.location
        run.changed(location.last_modified)
        loc_row = _translated_row(Location, location, run.language)
        addresses = [" ".join(filter(None, [a.address_1, a.address_2 and f"({a.address_2})"])) + ", "
                     + " ".join(filter(None, [a.postal_code, a.city]))
                     for a in sorted(location.addresses.all(), key=lambda a: (a.address_1, str(a.pk)))]
        places.append(Place(
            name=_text(location, loc_row, "name"),
            name_language=language if loc_row is not None and loc_row.name else settings.LANGUAGE_CODE,
            address=addresses,
            hours=weekly_hours(hours.schedules_for(source, location), run.today),
            closed_on_public_holidays=location.closed_on_public_holidays,
            phones=_phone_lines(location.phones.all()),
        ))
    own_hours = [] if links else weekly_hours(hours.schedules_for(source), run.today)
    if own_hours:
        places.append(Place(name="", name_language=language, address=[], hours=own_hours,
                            closed_on_public_holidays=False, phones=[]))
    return ServiceCard(
        name=_text(source, translated, "name"), language=language,
        organization=_text(organization, org_row, "name"),
        description=_text(source, translated, "description"),
        alert=_text(source, translated, "alert"),
        eligibility=_text(source, translated, "eligibility_description"),
        application_process=_text(source, translated, "application_process"),
        interpretation=_text(source, translated, "interpretation_services"),
        fees=_text(source, translated, "fees_description"),
        free_of_charge=source.free_of_charge, inactive=source.status == ServiceStatus.INACTIVE,
        places=places, phones=_phone_lines(source.phones.all()), email=source.email, website=source.url,
        languages_spoken=[name for _code, name in spoken_languages(source)],
        live_url=_reverse_in(run.language, "directory:service", slug=source.slug) or absolute_url(
            service_url(source.slug)),
    )


@dataclass
class InstitutionCard:
    name: str
    address: str
    phone: str
    email: str
    website: str
    opening_hours: str
    live_url: str


def institution_card(institution: Any, run: _Run) -> InstitutionCard:
    """Contact details of an institution. Its name, address and opening hours are kept in Polish (the
    template marks them ``lang="pl"``)."""
    from otwarta.portal.models import InstitutionPage

    pages = InstitutionPage.objects.live().filter(institution=institution).select_related("locale")
    chosen = None
    for page in pages.order_by("pk"):
        if not _is_public(page):
            continue
        if page.locale.language_code == run.language:
            chosen = page
            break
        if chosen is None and page.locale.language_code == settings.LANGUAGE_CODE:
            chosen = page
    return InstitutionCard(
        name=institution.name, address=institution.address, phone=institution.phone, email=institution.email,
        website=institution.website, opening_hours=institution.opening_hours,
        live_url=page_url(chosen) if chosen is not None else institution.website,
    )


def _register_section(item: PackItem, register: Any, run: _Run) -> Section:
    hotlines = [{"number": line.number, "hours": line.hours,
                 "languages": ", ".join(spoken_language_name(code) for code in line.language_codes)}
                for line in register.hotlines.all().order_by("sort_order", "number", "pk")]
    html = _block("register", register=register, institution=register.institution, hotlines=hotlines)
    return Section(kind=ItemKind.REGISTER, title=str(register.get_kind_display()), html=html,
                   language=run.language, live_url=_reverse_in(run.language, "registers:register",
                                                               slug=register.slug), item_id=item.pk)


# --- pages ----------------------------------------------------------------------------------------------------
def _page_intro(page: Page) -> str:
    text = str(getattr(page, "summary", "") or getattr(page, "intro", "") or "")
    return _block("summary", text=text) if text.strip() else ""


def _topic_list(page: Page, run: _Run) -> str:
    articles = getattr(page, "articles", None)
    if not callable(articles):
        return ""
    rows = []
    for article in articles():
        if not _is_public(article):
            continue
        run.changed(article.last_published_at)
        rows.append({"title": article.title, "summary": article.summary, "url": page_url(article)})
    return _block("topic_list", articles=rows) if rows else ""


def _pathway_steps(page: Page, run: _Run) -> str:
    """A health pathway's steps, after its body: every step (on paper the reader's situation is not known),
    urgent ones first, each with the situation it applies to, its services, documents, cost and the
    addresses of the registers that give language help."""
    from otwarta.pathways.models import PathwayPage
    from otwarta.pathways.services import all_steps, order_and_number
    from otwarta.registers.models import Register, RegisterKind

    if not isinstance(page, PathwayPage):
        return ""
    steps = order_and_number(all_steps(page))
    registers = dict(Register.objects.values_list("kind", "slug"))
    rows = []
    for step in steps:
        cards = [service_card(value["service"], run, record_fallback=False)
                 if value.get("service") is not None else None for value in step.service_values]
        services = [_block("service", card=card, note=value.get("note") or "")
                    for card, value in zip(cards, step.service_values, strict=True) if card is not None]
        language_help = [{"label": str(RegisterKind(kind).label),
                          "url": _reverse_in(run.language, "registers:register", slug=registers[kind])}
                         for kind in step.help_kinds if kind in registers]
        rows.append({"step": step, "text": print_rich_text(step.text, demote=2), "services": services,
                     "help": language_help})
    if not rows:
        return ""
    return render_to_string("pathways/print_steps.html", {
        "steps": rows, "conditional": any(step.conditional for step in steps)}).strip()


def _children_only(parts: list[BodyPart]) -> list[BodyPart]:
    return [part for part in parts if part.block_type == "children"]


def _check_page(item: PackItem, run: _Run) -> tuple[Page | None, int | None]:
    """The Polish page of a PAGE or SECTION item and the index of its section, or (None, None) after
    reporting why the item cannot be printed."""
    label = _label(item)
    if item.page is None:
        run.problem(item, PAGE_DELETED, part=label)
        return None, None
    polish = _polish_page(item.page)
    if not _is_public(polish):
        run.problem(item, PAGE_UNPUBLISHED,
                    part=label)
        return None, None
    index = None
    if item.kind == ItemKind.SECTION:
        index = find_section_index(polish, item.section_heading)
        if index is None:
            run.problem(item, SECTION_MISSING, part=polish.title, heading=item.section_heading)
            return None, None
    return polish, index


def _page_content(page: Page, index: int | None) -> tuple[str, list[BodyPart], bool]:
    """(title, body parts, whether the first part starts with the section heading) of the whole ``page``
    (``index`` None) or of its section #``index``."""
    if index is None:
        return page.title, body_parts(page), False
    return headings(page)[index].text, section_blocks(page, index), True


def _page_section(item: PackItem, run: _Run) -> Section | None:
    polish, index = _check_page(item, run)
    if polish is None:
        return None
    run.changed(polish.last_published_at)
    shown, shown_index = polish, index
    if run.locale is not None and run.language != settings.LANGUAGE_CODE:
        candidate = polish.get_translation_or_none(run.locale)
        if candidate is not None and _is_public(candidate):
            candidate = candidate.specific
            candidate_index = matching_index(polish, candidate, index) if index is not None else None
            if index is None or candidate_index is not None:  # else it lacks the section: Polish, said so
                shown, shown_index = candidate, candidate_index
                run.changed(candidate.last_published_at)
    title, parts, heading_first = _page_content(shown, shown_index)

    if run.children_edition:
        children = _children_only(parts)
        if not children and shown is not polish:  # text for children only in Polish: that one, said so
            polish_title, polish_parts, polish_first = _page_content(polish, index)
            if _children_only(polish_parts):
                shown, title, parts, heading_first = polish, polish_title, polish_parts, polish_first
                children = _children_only(parts)
        if children:
            heading_first = heading_first and parts[0].block_type == "children"
            html = render_parts(children, run, section_heading_first=heading_first)
        else:
            run.problem(item, NO_CHILDREN_TEXT, blocking=False, part=polish.title)
            html = _page_intro(shown)
    else:
        intro = _page_intro(shown) if index is None else ""
        body = render_parts(parts, run, section_heading_first=heading_first)
        extra = [_pathway_steps(shown, run), _topic_list(shown, run)] if index is None else []
        html = "\n".join(filter(None, [intro, body, *extra]))
    language = shown.locale.language_code
    if language != run.language:
        run.fallback(title, language)
    return Section(kind=item.kind, title=title, html=html, language=language, live_url=page_url(shown),
                   item_id=item.pk)


def _service_section(item: PackItem, run: _Run) -> Section | None:
    if item.service is None:
        run.problem(item, SERVICE_DELETED,
                    part=_label(item))
        return None
    card = service_card(item.service, run)
    if card is None:
        run.problem(item, SERVICE_DEFUNCT, part=_label(item))
        return None
    return Section(kind=ItemKind.SERVICE, title=card.name, html=_block("service", card=card, as_section=True),
                   language=card.language, live_url=card.live_url, item_id=item.pk)


def _institution_section(item: PackItem, run: _Run) -> Section | None:
    if item.institution is None:
        run.problem(item, INSTITUTION_DELETED, part=_label(item))
        return None
    card = institution_card(item.institution, run)
    return Section(kind=ItemKind.INSTITUTION, title=card.name,
                   html=_block("contact", card=card, as_section=True), language=run.language,
                   live_url=card.live_url, item_id=item.pk)


def _item_section(item: PackItem, run: _Run) -> Section | None:
    if item.kind in (ItemKind.PAGE, ItemKind.SECTION):
        return _page_section(item, run)
    if item.kind == ItemKind.SERVICE:
        return _service_section(item, run)
    if item.kind == ItemKind.INSTITUTION:
        return _institution_section(item, run)
    if item.kind == ItemKind.REGISTER:
        if item.register is None:
            run.problem(item, REGISTER_DELETED, part=_label(item))
            return None
        return _register_section(item, item.register, run)
    return None


def _items(pack: PrintPack) -> list[PackItem]:
    source = pack.source_pack()
    return list(source.items.all().order_by("sort_order", "pk")
                .select_related("page", "service", "institution", "register"))


def _valid_as_of(run: _Run) -> dt.date:
    zone = ZoneInfo(settings.TIME_ZONE)
    newest = max(run.changes)
    return newest.astimezone(zone).date()


def build_document(pack: PrintPack, language: str, fmt: str) -> PrintDocument:
    """The content of ``pack``'s PDF in ``language`` and format ``fmt`` (a ``PackFormat`` value)."""
    from otwarta.directory.hours import local_today

    source = pack.source_pack()
    run = _Run(language=language, locale=_locale(language), pack_type=source.pack_type,
               editor_language=translation.get_language() or settings.LANGUAGE_CODE, today=local_today())
    with translation.override(language):
        texts = source.in_language(language) if language != settings.LANGUAGE_CODE else source
        if texts is None:
            texts = source
            run.fallback(source.title)
        run.changed(source.updated_at)
        run.changed(texts.updated_at)
        sections = []
        for item in _items(source):
            section = _item_section(item, run)
            if section is not None:
                sections.append(section)
        return PrintDocument(
            pack_key=str(source.translation_key), slug=source.slug, pack_type=source.pack_type,
            language=language, direction=direction(language), format=fmt, title=texts.title,
            subtitle=texts.subtitle, introduction_html=print_rich_text(texts.introduction),
            valid_as_of=_valid_as_of(run), sections=tuple(sections), fallbacks=tuple(run.fallbacks),
            problems=tuple(run.problems), cover_image=_cover_key(source),
        )


def _cover_key(pack: PrintPack) -> str:
    image = pack.cover_image
    return f"{image.pk}:{image.file_hash or image.file.name}" if image is not None else ""


def pack_problems(pack: PrintPack) -> list[Problem]:
    """What editors must fix in ``pack`` (whatever the language): parts that refer to a deleted or
    unpublished page, a missing section, a deleted service, institution or register (blocking), and pages
    without text for children in a children's edition (not blocking). Messages are in the active language."""
    from otwarta.directory.hours import local_today
    from otwarta.directory.models import ServiceStatus

    source = pack.source_pack()
    run = _Run(language=settings.LANGUAGE_CODE, locale=_locale(settings.LANGUAGE_CODE),
               pack_type=source.pack_type, editor_language=translation.get_language() or settings.LANGUAGE_CODE,
               today=local_today())
    for item in _items(source):
        label = _label(item)
        if item.kind in (ItemKind.PAGE, ItemKind.SECTION):
            polish, index = _check_page(item, run)
            if polish is not None and run.children_edition:
                parts = section_blocks(polish, index) if index is not None else body_parts(polish)
                if not _children_only(parts):
                    run.problem(item, NO_CHILDREN_TEXT, blocking=False, part=polish.title)
        elif item.kind == ItemKind.SERVICE:
            if item.service is None:
                run.problem(item, SERVICE_DELETED,
                            part=label)
            elif item.service.status == ServiceStatus.DEFUNCT:
                run.problem(item, SERVICE_DEFUNCT, part=label)
        elif item.kind == ItemKind.INSTITUTION and item.institution is None:
            run.problem(item, INSTITUTION_DELETED, part=label)
        elif item.kind == ItemKind.REGISTER and item.register is None:
            run.problem(item, REGISTER_DELETED, part=label)
    return run.problems
