"""The demo service directory (otwarta/demo/content/directory.yaml) loads as real, translated records and
meets the issue's minimums. Loaded once for the module's checks (it takes a while: every text becomes a
wagtail-localize translation)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from wagtail.models import Locale

from otwarta.demo.loader import CONTENT_DIR, DemoLoader, read_yaml
from otwarta.directory.demo import counties_used, demo_key
from otwarta.directory.models import (
    Closure,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
    source_locale_id,
)

DATA = read_yaml(CONTENT_DIR / "directory.yaml")
TARGETS = ["en", "uk", "ru", "be", "ka"]
# Małopolska lies within about 49.17–50.53 N, 19.08–21.42 E.
LAT = (Decimal("49.15"), Decimal("50.55"))
LNG = (Decimal("19.05"), Decimal("21.45"))


def load() -> DemoLoader:
    loader = DemoLoader(content_dir=CONTENT_DIR)
    loader.load_institutions()
    from otwarta.directory.demo import load_directory

    load_directory(loader, DATA)
    return loader


def test_file_meets_the_minimums_without_loading():
    services = [s for org in DATA["organisations"] for s in org["services"]]
    assert len(DATA["organisations"]) >= 20
    assert len(services) >= 40
    assert len(counties_used(DATA)) >= 8
    assert len(DATA["terms"]) >= 12
    health = [s for s in services if "health" in DATA["service_types"][s["type"]]["terms"]
              and set(s.get("languages", [])) - {"pl"}]
    assert len(health) >= 8


def test_article_cards_name_existing_articles_and_services():
    services = {f"{org['key']}-{s['type']}" for org in DATA["organisations"] for s in org["services"]}
    articles = set()
    for path in sorted((CONTENT_DIR / "topics").glob("*.yaml")):
        topic = read_yaml(path)
        articles.update(article["slug"] for article in topic.get("articles", []))
    cards = DATA["article_cards"]
    assert len(cards) >= 5
    for article_slug, service_slugs in cards.items():
        assert article_slug in articles, article_slug
        assert set(service_slugs) <= services, service_slugs


@pytest.mark.django_db
def test_demo_directory_loads_translated_and_idempotent(portal):
    loader = load()
    source = source_locale_id()
    services = Service.objects.filter(locale_id=source)
    organisations = Organization.objects.filter(locale_id=source)
    assert services.count() >= 40
    assert organisations.count() >= 20
    counties = set(Location.objects.filter(locale_id=source).values_list("county__teryt", flat=True))
    assert len(counties) >= 8
    assert all(service.service_at_locations.exists() for service in services)

    # coordinates inside Małopolska
    for location in Location.objects.filter(locale_id=source):
        assert location.latitude is not None and LAT[0] <= location.latitude <= LAT[1], location
        assert location.longitude is not None and LNG[0] <= location.longitude <= LNG[1], location

    # every record has a translation in each demo language, made through wagtail-localize
    from wagtail_localize.models import StringTranslation, Translation

    for code in TARGETS:
        locale = Locale.objects.get(language_code=code)
        for model in (Service, Organization, Location, TaxonomyTerm):
            keys = set(model.objects.filter(locale_id=source).values_list("translation_key", flat=True))
            translated = set(model.objects.filter(locale=locale).values_list("translation_key", flat=True))
            assert keys <= translated, (model.__name__, code, len(keys - translated))
        assert Translation.objects.filter(target_locale=locale, enabled=True).count() >= services.count()
    gp = services.get(slug="centrum-medyczne-kazimierz-lekarz-rodzinny")
    uk = gp.get_translation(Locale.objects.get(language_code="uk"))
    assert uk.name == "Сімейний лікар (POZ) – Краків"
    assert uk.organization_id == gp.organization_id  # structure synchronised from the source
    assert "застраховані" in uk.eligibility_description
    assert [block.value["document"] for block in uk.required_documents][0].startswith("Паспорт")
    ka = gp.get_translation(Locale.objects.get(language_code="ka"))
    assert ka.description.startswith("ექიმის")
    assert StringTranslation.objects.filter(locale__language_code="be", data__contains="Сямейны лекар").exists()
    # … and the translation status shows them as translated
    from otwarta.translations.services import status_of

    for code in TARGETS:
        assert status_of(gp, Locale.objects.get(language_code=code)) == "translated", code

    # the structure the public pages need
    org = organisations.get(translation_key=demo_key("organisation", "centrum-medyczne-kazimierz"))
    en = org.get_translation(Locale.objects.get(language_code="en"))
    assert en.name == "Health clinic (Kraków)" and en.alternate_name == ""
    assert Language.objects.filter(service__in=services, code="ka").exists()
    assert Language.objects.filter(phone__isnull=False, code="uk").exists()
    assert Schedule.objects.filter(service=gp).count() == 3  # two intervals a day and a Saturday
    assert Schedule.objects.filter(service=gp, byday="SA").exists()
    assert Closure.objects.filter(opens_at__isnull=True).exists()  # a closure for the whole day …
    assert Closure.objects.filter(opens_at__isnull=False).exists()  # … and shortened hours
    assert Location.objects.filter(locale_id=source, closed_on_public_holidays=False).exists()
    assert services.filter(free_of_charge=True).exists() and services.filter(free_of_charge=False).exists()
    permit = services.get(slug="muw-cudzoziemcy-pobyt-wniosek")
    assert [block.value["amount"] for block in permit.cost_options] == [Decimal("440"), Decimal("100")]
    assert permit.service_areas.filter(teryt="12").exists()
    assert Phone.objects.filter(service__in=services).count() >= 30
    terms = TaxonomyTerm.objects.filter(locale_id=source, taxonomy__name="otwarta")
    assert terms.count() == 12 and all(term.services.exists() for term in terms)

    # a second run creates nothing
    before = {model: model.objects.count() for model in (Service, Organization, Location, TaxonomyTerm, Schedule,
                                                          Phone, Language, Closure)}
    again = load()
    assert [item for item in again.report.created if not item.startswith("institution")] == []
    assert {model: model.objects.count() for model in before} == before
    assert loader.report.created  # the first run did create


def test_test_portal_has_no_directory():
    """The small test portal stays small: its content set has no directory file."""
    from otwarta.core.testing import TEST_CONTENT

    assert not (TEST_CONTENT / "directory.yaml").exists()
    assert settings.LANGUAGE_CODE == "pl"
