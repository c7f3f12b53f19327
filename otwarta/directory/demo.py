"""Demonstration service directory (``otwarta/demo/content/directory.yaml``), loaded by the demo loader
after the institutions (only when the content set has the file: the small test portal has none).

The file is compact: texts are written once per *kind* (a service type, an organisation type, a reusable
phrase such as an eligibility rule) in every demo language, and each organisation, location and service
picks kinds and a town. Format:

``taxonomy``
    ``name``, ``description``, ``version``.
``terms``
    list of ``code`` + ``name`` per language (their order is the display order).
``towns``
    key → ``teryt`` (county), ``municipality``, ``postal_code``, ``lat``, ``lng`` (the town centre),
    ``name`` per language, ``area_code`` (telephone).
``phrases``
    key → text per language (eligibility, how to apply, fees, waiting time, interpreting, documents,
    accessibility details, alerts).
``hours``
    key → list of ``[days, opens, closes]`` (days as ``MO,TU``; several rows give several intervals a day).
``location_kinds`` / ``org_types``
    key → ``name`` per language (``{town}`` is replaced by the town's name in that language) and, for
    organisation types, ``description`` per language.
``service_types``
    slug → ``name`` and ``description`` per language, ``terms``, ``eligibility``, ``apply``,
    ``documents`` (phrase keys), ``fees`` (phrase key), ``cost_options`` (list of ``option`` phrase key +
    ``amount``), ``free``, ``hours`` (key), ``wait_time``, ``minimum_age``/``maximum_age``.
``organisations``
    list of ``key``, ``type``, ``institution`` (slug), ``name`` (official Polish name),
    ``alternate_name``, ``legal_status``, ``phone``, ``locations`` (``key``, ``kind``, ``town``,
    ``street``, ``postal_code``, ``offset`` [lat, lng] from the town centre, ``accessible``,
    ``accessibility`` (feature[:phrase]), ``open_on_holidays``, ``closures`` (``from``/``to`` in days from
    today, optional ``opens``/``closes``, ``reason``)) and ``services`` (``type``, ``at``: location keys,
    ``languages``, ``phone``, ``phone_languages``, ``hours``, ``areas``: TERYT codes, ``alert``: phrase
    key, ``interpreting``: phrase key, ``free``).

Every translatable text becomes a real wagtail-localize translation: a ``TranslationSource`` of the Polish
record, the translated strings stored as ``StringTranslation`` rows and an enabled ``Translation`` whose
target is created by ``create_or_update_translation`` (exactly what saving a translation in
wagtail-localize's editor does), so translators can edit them and the status shows them as translated.

Idempotent: records have deterministic translation keys (organisations, locations) or slugs (services) or
codes (terms); what exists is left as it is, a missing translation is added. Coordinates are the real
centres of the towns with a small offset per location; addresses, phone numbers (``000`` exchange) and
e-mail addresses (``example.org``) are demonstration data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from wagtail.models import Locale

from otwarta.institutions.models import Area, Institution

from .models import (
    Address,
    Closure,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    source_locale_id,
)

KEY_NAMESPACE = uuid.UUID("6f1d7a52-4c1e-4d0c-9a43-0d3e2b1f7a10")
Texts = dict[str, str]  # language code → text
KEEP = {"": "", "PLN": "PLN"}  # strings a translation keeps as they are (empty texts, the currency code)


def demo_key(kind: str, key: str) -> uuid.UUID:
    """The stable translation key of a demo record (the same on every load)."""
    return uuid.uuid5(KEY_NAMESPACE, f"otwarta-demo:{kind}:{key}")


class MissingText(ValueError):
    pass


def localize(source: models.Model, texts: dict[Locale, dict[str, dict[str, str]]]) -> None:
    """Create (or update) translations of the Polish ``source`` through wagtail-localize, one per locale of
    ``texts``.

    ``texts[locale]`` maps a field name to {Polish string: translated string} for every string the field
    holds (a StreamField has several). Every translatable string of the source must have its translation:
    the strings are stored as wagtail-localize ``StringTranslation`` rows, the ``Translation`` is enabled
    and its target saved from them, as the translation editor does."""
    from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
    from wagtail_localize.strings import StringValue

    translation_source, _created = TranslationSource.update_or_create_from_instance(source)
    segments = list(StringSegment.objects.filter(source=translation_source).select_related("string", "context"))
    for locale, mapping in texts.items():
        for segment in segments:
            field = segment.context.path.split(".", 1)[0]
            polish = segment.string.as_value().render_text()
            try:
                text = mapping[field][polish]
            except KeyError:
                raise MissingText(f"{type(source).__name__} {source}: no {locale.language_code} text for "
                                  f"{field}: {polish!r}") from None
            StringTranslation.objects.update_or_create(
                translation_of=segment.string, locale=locale, context=segment.context,
                defaults={"data": StringValue.from_plaintext(text).data,
                          "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
            )
        translation, _created = Translation.objects.get_or_create(source=translation_source, target_locale=locale,
                                                                  defaults={"enabled": True})
        if not translation.enabled:
            translation.enabled = True
            translation.save(update_fields=["enabled"])
        translation_source.create_or_update_translation(locale, publish=True, fallback=False)


class DirectoryDemo:
    def __init__(self, loader: Any, data: dict[str, Any]) -> None:
        self.loader = loader
        self.data = data
        self.report = loader.report
        self.locales = {locale.language_code: locale for locale in Locale.objects.all()}
        self.source = settings.LANGUAGE_CODE
        self.targets = [code for code in loader.languages if code != self.source and code in self.locales]
        self.today = timezone.localdate()
        self.phrases: dict[str, Texts] = data.get("phrases", {})
        self.terms: dict[str, TaxonomyTerm] = {}

    # --- helpers ---------------------------------------------------------------------------------
    def phrase(self, key: str | None) -> Texts:
        if not key:
            return {}
        if key not in self.phrases:
            raise KeyError(f"directory.yaml: unknown phrase {key!r}")
        return self.phrases[key]

    def text(self, texts: Texts, lang: str, **values: str) -> str:
        if not texts:
            return ""
        if lang not in texts:
            raise MissingText(f"directory.yaml: no {lang} text in {texts.get(self.source)!r}")
        return texts[lang].format(**values) if values else texts[lang]

    def town(self, key: str) -> dict[str, Any]:
        return self.data["towns"][key]  # type: ignore[no-any-return]

    def town_names(self, key: str) -> Texts:
        return self.town(key)["name"]  # type: ignore[no-any-return]

    def per_language(self, build: Any) -> dict[str, dict[str, Any]]:
        """{language: {field: value}} for the source and every target language."""
        return {lang: build(lang) for lang in [self.source, *self.targets]}

    def translate(self, record: models.Model, fields: dict[str, dict[str, Any]], label: str) -> None:
        """Give ``record`` (Polish) its missing translations; ``fields`` = {language: {field: value}} with
        plain strings, or lists of strings for StreamFields (in the order of the Polish list)."""
        todo: dict[Locale, dict[str, dict[str, str]]] = {}
        for lang in self.targets:
            locale = self.locales[lang]
            if type(record)._default_manager.filter(  # type: ignore[attr-defined]
                translation_key=record.translation_key, locale=locale,  # type: ignore[attr-defined]
            ).exists() and not self.loader.update:
                continue
            mapping: dict[str, dict[str, str]] = {}
            for name, polish in fields[self.source].items():
                translated = fields[lang][name]
                pairs = zip(polish, translated, strict=True) if isinstance(polish, list) else [(polish, translated)]
                mapping[name] = {**KEEP, **{p: t for p, t in pairs if p}}
            todo[locale] = mapping
        if todo:
            localize(record, todo)
            self.report.created.extend(f"{label} [{locale.language_code}]" for locale in todo)

    # --- entry point -----------------------------------------------------------------------------
    @transaction.atomic
    def load(self) -> None:
        self.load_terms()
        for spec in self.data["organisations"]:
            self.load_organisation(spec)
        for article_slug, service_slugs in (self.data.get("article_cards") or {}).items():
            for service_slug in service_slugs:
                self.link_from_article(article_slug, service_slug)

    def link_from_article(self, article_slug: str, service_slug: str) -> None:
        """Append a "Service from the directory" block to the Polish article and its translations (once)."""
        from otwarta.portal.models import ArticlePage
        from otwarta.portal.services import publish

        service = Service.objects.filter(slug=service_slug, locale_id=source_locale_id()).first()
        source = ArticlePage.objects.filter(slug=article_slug, locale_id=source_locale_id()).first()
        if service is None:
            raise ValueError(f"article_cards: no service {service_slug!r}")
        if source is None:  # a content set without that article (the test portal)
            return
        pages = [source, *[p.specific for p in source.get_translations().order_by("locale__language_code")]]
        for page in pages:
            blocks = [dict(block) for block in page.body.raw_data]
            if any(b["type"] == "service" and b["value"].get("service") == service.pk for b in blocks):
                continue
            page.body = [*blocks, {"type": "service", "value": {"service": service.pk, "note": ""}}]  # type: ignore[assignment]
            page.save()
            publish(page)
            self.report.updated.append(f"article {article_slug} [{page.locale}]: service {service_slug}")

    def load_terms(self) -> None:
        spec = self.data["taxonomy"]
        taxonomy, created = Taxonomy.objects.get_or_create(
            name=spec["name"], defaults={"description": spec.get("description", ""),
                                         "version": str(spec.get("version", ""))},
        )
        if created:
            self.report.created.append(f"taxonomy {taxonomy.name}")
        for order, term_spec in enumerate(self.data["terms"], start=1):
            term = TaxonomyTerm.objects.filter(taxonomy=taxonomy, code=term_spec["code"],
                                               locale_id=source_locale_id()).first()
            if term is None:
                term = TaxonomyTerm.objects.create(
                    taxonomy=taxonomy, code=term_spec["code"], name=term_spec["name"][self.source],
                    sort_order=order, locale_id=source_locale_id(),
                    translation_key=demo_key("term", term_spec["code"]),
                )
                self.report.created.append(f"category {term.code}")
            self.translate(term, self.per_language(lambda lang, s=term_spec: {"name": self.text(s["name"], lang)}),
                           f"category {term.code}")
            self.terms[term.code] = term

    def load_organisation(self, spec: dict[str, Any]) -> None:
        institution = Institution.objects.get(slug=spec["institution"])
        org_type = self.data["org_types"][spec["type"]]
        first_town = spec["locations"][0]["town"]
        key = demo_key("organisation", spec["key"])
        organisation = Organization.objects.filter(translation_key=key, locale_id=source_locale_id()).first()
        if organisation is None:
            organisation = Organization.objects.create(
                translation_key=key, locale_id=source_locale_id(), institution=institution,
                name=spec["name"], alternate_name=spec.get("alternate_name", ""),
                description=self.text(org_type["description"], self.source),
                email=f"{spec['key']}@example.org", legal_status=spec.get("legal_status", ""),
                assured_date=self.today - dt.timedelta(days=int(spec.get("assured_days_ago", 20))),
                assurer_email=f"{institution.slug}-editor@example.org",
            )
            if spec.get("phone"):
                phone = Phone.objects.create(organization=organisation, number=spec["phone"],
                                             description="Sekretariat")
                Language.objects.create(phone=phone, code="pl")
            self.report.created.append(f"organisation {spec['key']}")

        def org_texts(lang: str) -> dict[str, Any]:
            towns = self.town_names(first_town)
            if lang == self.source:
                return {"name": spec["name"], "alternate_name": spec.get("alternate_name", ""),
                        "description": self.text(org_type["description"], lang)}
            # Elsewhere: the kind of organisation and the town in the reader's language; the official
            # Polish name (what is written on the door) as the other name.
            return {"name": self.text(org_type["name"], lang, town=self.text(towns, lang)),
                    "alternate_name": spec["name"] if spec.get("alternate_name") else "",
                    "description": self.text(org_type["description"], lang)}

        self.translate(organisation, self.per_language(org_texts), f"organisation {spec['key']}")
        locations = {loc["key"]: self.load_location(organisation, spec, loc) for loc in spec["locations"]}
        for service_spec in spec["services"]:
            self.load_service(organisation, spec, service_spec, locations)

    def load_location(self, organisation: Organization, org_spec: dict[str, Any],
                      spec: dict[str, Any]) -> Location:
        town = self.town(spec["town"])
        kind = self.data["location_kinds"][spec.get("kind", "main")]
        key = demo_key("location", f"{org_spec['key']}/{spec['key']}")
        features = [self._feature(item) for item in spec.get("accessibility", [])]
        location = Location.objects.filter(translation_key=key, locale_id=source_locale_id()).first()
        if location is None:
            lat_offset, lng_offset = spec.get("offset", [0, 0])
            location = Location.objects.create(
                translation_key=key, locale_id=source_locale_id(), organization=organisation,
                institution=organisation.institution, assured_date=organisation.assured_date,
                assurer_email=organisation.assurer_email,
                name=self._location_name(kind, spec, self.source),
                latitude=(Decimal(str(town["lat"])) + Decimal(str(lat_offset))).quantize(Decimal("0.000001")),
                longitude=(Decimal(str(town["lng"])) + Decimal(str(lng_offset))).quantize(Decimal("0.000001")),
                county=Area.objects.get(teryt=str(town["teryt"])), municipality=town["municipality"],
                wheelchair_accessible=bool(spec.get("accessible", False)),
                accessibility=[{"type": "accessibility",
                                "value": {"feature": feature, "details": self.text(self.phrase(detail), self.source),
                                          "url": ""}} for feature, detail in features],
                closed_on_public_holidays=not spec.get("open_on_holidays", False),
            )
            Address.objects.create(location=location, address_1=spec["street"], city=town["name"][self.source],
                                   region=self._county_name(str(town["teryt"])),
                                   postal_code=spec.get("postal_code", town["postal_code"]))
            for closure in spec.get("closures", []):
                Closure.objects.create(
                    location=location, starts_on=self.today + dt.timedelta(days=int(closure["from"])),
                    ends_on=self.today + dt.timedelta(days=int(closure["to"])),
                    opens_at=dt.time.fromisoformat(closure["opens"]) if closure.get("opens") else None,
                    closes_at=dt.time.fromisoformat(closure["closes"]) if closure.get("closes") else None,
                    reason=closure.get("reason", ""),
                )
            for code in spec.get("languages", []):
                Language.objects.create(location=location, code=code)
            for days, opens, closes in self.data["hours"][spec["hours"]] if spec.get("hours") else []:
                Schedule.objects.create(location=location, byday=days, opens_at=dt.time.fromisoformat(opens),
                                        closes_at=dt.time.fromisoformat(closes))
            self.report.created.append(f"location {org_spec['key']}/{spec['key']}")
        self.translate(location, self.per_language(lambda lang: {
            "name": self._location_name(kind, spec, lang),
            "accessibility": [self.text(self.phrase(detail), lang) for _feature, detail in features],
        }), f"location {org_spec['key']}/{spec['key']}")
        return location

    def load_service(self, organisation: Organization, org_spec: dict[str, Any], spec: dict[str, Any],
                     locations: dict[str, Location]) -> Service:
        service_type = self.data["service_types"][spec["type"]]
        slug = f"{org_spec['key']}-{spec['type']}"[:100]
        at_keys = spec.get("at") or list(locations)
        at = [locations[key] for key in at_keys]
        first_town = next(loc["town"] for loc in org_spec["locations"] if loc["key"] == at_keys[0])
        free = bool(spec.get("free", service_type.get("free", False)))
        fees_key = spec.get("fees", service_type.get("fees"))
        documents = spec.get("documents", service_type.get("documents", []))
        costs = [] if free else service_type.get("cost_options", [])

        def texts(lang: str) -> dict[str, Any]:
            town = self.text(self.town_names(first_town), lang)
            return {
                "name": f"{self.text(service_type['name'], lang)} – {town}",
                "description": self.text(service_type["description"], lang),
                "alert": self.text(self.phrase(spec.get("alert")), lang),
                "interpretation_services": self.text(self.phrase(spec.get("interpreting",
                                                                           service_type.get("interpreting"))), lang),
                "application_process": self.text(self.phrase(spec.get("apply", service_type.get("apply"))), lang),
                "eligibility_description": self.text(
                    self.phrase(spec.get("eligibility", service_type.get("eligibility"))), lang),
                "wait_time": self.text(self.phrase(spec.get("wait_time", service_type.get("wait_time"))), lang),
                "fees_description": self.text(self.phrase(fees_key), lang),
                "cost_options": [self.text(self.phrase(cost["option"]), lang) for cost in costs],
                "required_documents": [self.text(self.phrase(doc), lang) for doc in documents],
            }

        service = Service.objects.filter(slug=slug, locale_id=source_locale_id()).first()
        if service is None:
            polish = texts(self.source)
            service = Service.objects.create(
                slug=slug, locale_id=source_locale_id(), organization=organisation,
                institution=organisation.institution, assured_date=organisation.assured_date,
                assurer_email=organisation.assurer_email, email=organisation.email,
                name=polish["name"], description=polish["description"], alert=polish["alert"],
                interpretation_services=polish["interpretation_services"],
                application_process=polish["application_process"],
                eligibility_description=polish["eligibility_description"], wait_time=polish["wait_time"],
                free_of_charge=free, fees_description=polish["fees_description"],
                minimum_age=service_type.get("minimum_age"), maximum_age=service_type.get("maximum_age"),
                cost_options=[{"type": "cost", "value": {
                    "option": text, "amount": Decimal(str(cost["amount"])), "currency": "PLN",
                    "amount_description": ""}} for cost, text in zip(costs, polish["cost_options"], strict=True)],
                required_documents=[{"type": "document", "value": {"document": text, "uri": ""}}
                                    for text in polish["required_documents"]],
            )
            for location in at:
                ServiceAtLocation.objects.create(service=service, location=location)
            for days, opens, closes in self.data["hours"][spec.get("hours", service_type["hours"])]:
                Schedule.objects.create(service=service, byday=days, opens_at=dt.time.fromisoformat(opens),
                                        closes_at=dt.time.fromisoformat(closes))
            for code in spec.get("languages", ["pl"]):
                Language.objects.create(service=service, code=code)
            if spec.get("phone"):
                phone = Phone.objects.create(service=service, number=spec["phone"],
                                             type=spec.get("phone_type", "voice"))
                for code in spec.get("phone_languages", ["pl"]):
                    Language.objects.create(phone=phone, code=code)
            service.taxonomy_terms.set([self.terms[code] for code in spec.get("terms", service_type["terms"])])
            areas = spec.get("areas") or [str(self.town(first_town)["teryt"])]
            service.service_areas.set(Area.objects.filter(teryt__in=[str(code) for code in areas]))
            self.report.created.append(f"service {slug}")
        self.translate(service, self.per_language(texts), f"service {slug}")
        return service

    def _location_name(self, kind: dict[str, Any], spec: dict[str, Any], lang: str) -> str:
        town = self.text(self.town_names(spec["town"]), lang)
        return f"{self.text(kind['name'], lang, town=town)}, {spec['street']}"

    @staticmethod
    def _feature(item: str) -> tuple[str, str | None]:
        feature, _sep, detail = item.partition(":")
        return feature, detail or None

    @staticmethod
    def _county_name(teryt: str) -> str:
        area = Area.objects.filter(teryt=teryt).first()
        return area.name if area else ""


def load_directory(loader: Any, data: dict[str, Any]) -> None:
    DirectoryDemo(loader, data).load()


def counties_used(data: dict[str, Any]) -> set[str]:
    """TERYT codes of the counties the file's locations are in (for tests and reports)."""
    towns: dict[str, Any] = data["towns"]
    return {str(towns[loc["town"]]["teryt"]) for org in data["organisations"] for loc in org["locations"]}


def services_in(data: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for org in data["organisations"]:
        for service in org["services"]:
            yield org["key"], service
