"""Loads the demonstration content from ``content/`` (YAML). Idempotent: what exists is left as it is
(``update=True`` overwrites the demo pages with the files' text).

Files
-----
``home.yaml``
    ``title``/``intro`` per language; ``institutions_index``: ``slug`` and ``title``/``intro`` per
    language; ``institution_sections``: per institution slug, ``title``/``intro`` per language.
``institutions.yaml``
    a list of institutions (``slug``, ``name``, ``short_name``, ``kind``, ``website``, ``email``,
    ``phone``, ``address``, ``opening_hours``).
``topics/NN-slug.yaml``
    ``topic``: ``slug``, ``icon``, ``title``/``intro`` per language;
    ``articles``: a list of ``slug``, ``institution`` (slug), ``audiences``, ``residence_situations``
    (vocabulary codes), ``areas`` (TERYT codes), ``review_interval_days``, ``last_reviewed_days_ago``,
    and ``translations``: per language ``title``, ``summary``, ``body`` (a list of ``{type, value}``
    blocks as in ``otwarta.portal.blocks.ArticleBodyBlock``; ``contact`` blocks name the institution by
    slug). The ``pl`` translation is the source and is required.
``forms.yaml`` (optional)
    official forms for the forms library; format in ``otwarta.forms_library.demo``.
``directory.yaml``, ``registers.yaml`` (optional; only the full demo has them)
    the service directory and the registers of interpreters, assistants and mediators; formats in
    ``otwarta.directory.demo`` and ``otwarta.registers.demo``.
``pathways/NN-slug.yaml`` (optional)
    health pathways (``otwarta.pathways``), one a file; format in ``content/pathways/README.md`` and
    ``DemoLoader.load_pathways``. Loaded after the directory, whose services the steps name.
``guide.yaml`` (optional)
    the situation guide (``otwarta.guide``): one page under the home page; format in the file's header and
    ``DemoLoader.load_guide``. Loaded after the pathways and articles it recommends.
``print.yaml`` (optional; only the full demo has it)
    print packs (``otwarta.printing``); format in ``DemoLoader.load_print_packs``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from otwarta.institutions.models import Area, Institution
from otwarta.institutions.services import REGIONAL_ADMINS, regional_admins_group, setup_institution
from otwarta.portal.models import (
    ArticlePage,
    Audience,
    HomePage,
    InstitutionIndexPage,
    InstitutionPage,
    ResidenceSituation,
    TopicPage,
)
from otwarta.portal.services import ensure_home, ensure_locales, institution_section, publish, translate_page

CONTENT_DIR = Path(__file__).parent / "content"
DEMO_PASSWORD = "Otwarta-demo-2026"  # noqa: S105 - printed for the demo; refused in production
SOURCE = "pl"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.created)} created, {len(self.updated)} updated"


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class DemoLoader:
    def __init__(self, content_dir: Path = CONTENT_DIR, update: bool = False, languages: list[str] | None = None,
                 print_pdfs: bool = True):
        self.content_dir = content_dir
        self.update = update
        self.print_pdfs = print_pdfs
        self.languages = languages or [code for code, _ in settings.LANGUAGES]
        self.report = LoadReport()
        self.institutions: dict[str, Institution] = {}
        self.locales: dict[str, Locale] = {}

    # --- entry point ----------------------------------------------------------------------------
    @transaction.atomic
    def load(self, with_accounts: bool = True) -> LoadReport:
        self.locales = ensure_locales()
        regional_admins_group()
        self.load_institutions()
        home = self.load_home()
        index = self.load_institution_sections(home)
        for path in sorted((self.content_dir / "topics").glob("*.yaml")):
            self.load_topic_file(home, index, read_yaml(path))
        if (self.content_dir / "forms.yaml").exists():
            from otwarta.forms_library.demo import load_forms

            load_forms(self, read_yaml(self.content_dir / "forms.yaml"))
        if (self.content_dir / "directory.yaml").exists():
            from otwarta.directory.demo import load_directory

            load_directory(self, read_yaml(self.content_dir / "directory.yaml"))
        if (self.content_dir / "registers.yaml").exists():
            from otwarta.registers.demo import load_registers

            load_registers(self, read_yaml(self.content_dir / "registers.yaml"))
        if (self.content_dir / "pathways").is_dir():
            self.load_pathways()
        if (self.content_dir / "guide.yaml").exists():
            self.load_guide(read_yaml(self.content_dir / "guide.yaml"))
        if (self.content_dir / "print.yaml").exists():
            self.load_print_packs(read_yaml(self.content_dir / "print.yaml"))
        if with_accounts:
            self.load_accounts()
        return self.report

    # --- pieces ---------------------------------------------------------------------------------
    def load_institutions(self) -> None:
        for row in read_yaml(self.content_dir / "institutions.yaml"):
            values = {k: row.get(k, "") for k in ("name", "short_name", "kind", "website", "email", "phone",
                                                  "address", "opening_hours")}
            institution, created = Institution.objects.get_or_create(slug=row["slug"], defaults=values)
            if created:
                self.report.created.append(f"institution {row['slug']}")
            elif self.update:
                Institution.objects.filter(pk=institution.pk).update(**values)
                institution.refresh_from_db()
                self.report.updated.append(f"institution {row['slug']}")
            self.institutions[row["slug"]] = setup_institution(institution)

    def load_home(self) -> HomePage:
        data = read_yaml(self.content_dir / "home.yaml")
        existed = HomePage.objects.exists()
        home = ensure_home(data["title"][SOURCE], data.get("intro", {}).get(SOURCE, ""))
        if existed and self.update:
            home.title, home.intro = data["title"][SOURCE], data.get("intro", {}).get(SOURCE, "")
            publish(home)
        self._translations(home, {lang: {"title": data["title"][lang], "intro": data.get("intro", {}).get(lang, "")}
                                  for lang in data["title"]})
        return home

    def load_institution_sections(self, home: HomePage) -> InstitutionIndexPage:
        data = read_yaml(self.content_dir / "home.yaml")
        spec = data["institutions_index"]
        index = InstitutionIndexPage.objects.child_of(home).first()
        if index is None:
            index = InstitutionIndexPage(title=spec["title"][SOURCE], slug=spec["slug"],
                                         intro=spec.get("intro", {}).get(SOURCE, ""), locale=home.locale)
            home.add_child(instance=index)
            publish(index)
            self.report.created.append("institution index")
        self._translations(index, {lang: {"title": spec["title"][lang], "intro": spec.get("intro", {}).get(lang, "")}
                                   for lang in spec["title"]})
        sections = data.get("institution_sections", {})
        for slug, institution in self.institutions.items():
            texts = sections.get(slug, {})
            title = texts.get("title", {}).get(SOURCE, institution.name)
            page = institution_section(index, institution, title, texts.get("intro", {}).get(SOURCE, ""))
            languages = set(texts.get("title", {})) | {lang for lang in self.languages if lang in ("en", "uk", "ru")}
            self._translations(page, {
                lang: {"title": texts.get("title", {}).get(lang, institution.name),
                       "intro": texts.get("intro", {}).get(lang, "")}
                for lang in languages
            })
        return index

    def load_topic_file(self, home: HomePage, index: InstitutionIndexPage, data: dict[str, Any]) -> None:
        spec = data["topic"]
        topic = TopicPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if topic is None:
            topic = TopicPage(title=spec["title"][SOURCE], slug=spec["slug"], icon=spec.get("icon", "help"),
                              intro=spec.get("intro", {}).get(SOURCE, ""), locale=home.locale)
            home.add_child(instance=topic)
            publish(topic)
            self.report.created.append(f"topic {spec['slug']}")
        elif self.update:
            topic.title, topic.intro = spec["title"][SOURCE], spec.get("intro", {}).get(SOURCE, "")
            publish(topic)
        self._translations(topic, {lang: {"title": spec["title"][lang], "intro": spec.get("intro", {}).get(lang, "")}
                                   for lang in spec["title"]})
        for article in data.get("articles", []):
            self.load_article(index, topic, article)

    def load_article(self, index: InstitutionIndexPage, topic: TopicPage, spec: dict[str, Any]) -> ArticlePage:
        institution = self.institutions[spec["institution"]]
        section = InstitutionPage.objects.child_of(index).get(institution=institution)
        source_text = spec["translations"][SOURCE]
        page = ArticlePage.objects.child_of(section).filter(slug=spec["slug"]).first()
        reviewed = timezone.localdate() - dt.timedelta(days=int(spec.get("last_reviewed_days_ago", 10)))
        values = {
            "title": source_text["title"],
            "summary": source_text["summary"],
            "body": self._body(source_text["body"]),
            "topic": topic,
            "last_reviewed_at": reviewed,
            "review_interval_days": int(
                spec.get("review_interval_days", settings.OTWARTA_DEFAULT_REVIEW_INTERVAL_DAYS)
            ),
        }
        page = self._save_source_page(ArticlePage, page, section, spec, values, "article")
        self._translations(page, {
            lang: {"title": text["title"], "summary": text["summary"], "body": self._body(text["body"]),
                   "topic": topic.get_translation_or_none(self._locale(lang))}
            for lang, text in spec["translations"].items()
        })
        return page

    def _save_source_page(self, model: type[Any], page: Any, section: InstitutionPage, spec: dict[str, Any],
                          values: dict[str, Any], what: str) -> Any:
        """Create the Polish ``model`` page under ``section`` (or, with ``update``, overwrite ``page``), with
        whom and where it applies to, and publish it; an existing page is left as it is otherwise."""
        created = page is None
        if created:
            page = model(slug=spec["slug"], locale=section.locale, **values)
            section.add_child(instance=page)
        elif self.update:
            for key, value in values.items():
                setattr(page, key, value)
        if created or self.update:
            page.audiences.set(Audience.objects.filter(slug__in=spec.get("audiences", [])))
            page.residence_situations.set(ResidenceSituation.objects.filter(slug__in=spec.get("residence_situations",
                                                                                               [])))
            page.areas.set(Area.objects.filter(teryt__in=[str(a) for a in spec.get("areas", [])]))
            page.save()
            publish(page)
            (self.report.created if created else self.report.updated).append(f"{what} {spec['slug']}")
        return page

    def load_accounts(self) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise RuntimeError("Demo accounts are never created in production.")
        User = get_user_model()  # noqa: N806
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@example.org", "first_name": "Admin", "last_name": "Demo"}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.is_staff = admin.is_superuser = True
            admin.save()
        self.report.accounts.append(("admin", "superuser"))
        regional, created = User.objects.get_or_create(
            username="region", defaults={"email": "region@example.org", "first_name": "Zespół", "last_name": "Programu"}
        )
        if created:
            regional.set_password(DEMO_PASSWORD)
            regional.save()
        regional.groups.add(regional_admins_group())
        self.report.accounts.append(("region", REGIONAL_ADMINS))
        for slug, institution in self.institutions.items():
            for role, group in (("editor", institution.editors_group), ("moderator", institution.moderators_group)):
                user, created = User.objects.get_or_create(
                    username=f"{slug}-{role}",
                    defaults={"email": f"{slug}-{role}@example.org", "first_name": institution.short_name or slug,
                              "last_name": role},
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                if group is not None:
                    user.groups.add(group)
                self.report.accounts.append((user.username, str(group)))
        self.load_translator_accounts()

    def load_translator_accounts(self) -> None:
        """``translator-<code>`` in each target language's translator group (otwarta.review)."""
        from otwarta.review.roles import ensure_translator_role

        User = get_user_model()  # noqa: N806
        for code, locale in self.locales.items():
            if code == SOURCE:
                continue
            group = ensure_translator_role(locale).group
            user, created = User.objects.get_or_create(
                username=f"translator-{code}",
                defaults={"email": f"translator-{code}@example.org", "first_name": "Translator", "last_name": code},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(group)
            self.report.accounts.append((user.username, str(group)))

    def load_print_packs(self, data: dict[str, Any]) -> list[Any]:
        """Print packs (``otwarta.printing``) from ``print.yaml``; returns the Polish packs. Format::

            institution: umwm                  # the institution that maintains the packs (slug)
            packs:
              - slug: pakiet-powitalny         # the same in every language
                type: welcome                  # PackType value
                texts:                         # every language: title, subtitle, introduction
                  pl: {title: …, subtitle: …, introduction: [paragraph, …]}   # plain-text paragraphs
                items:                         # in order; one key each
                  - page: numer-alarmowy-112                                  # article slug
                  - {section: kryzys-i-przemoc, heading: "Telefony wsparcia (bezpłatne)"}
                  - service: punkt-integracyjny-krakow-tlumaczenia            # directory service slug
                  - institution: muw                                          # institution slug
                  - register: interpreter                                     # RegisterKind value

        The Polish pack holds the items; its translations are real wagtail-localize translations (as
        ``otwarta.directory.demo.localize`` makes them). Idempotent: an existing pack is left as it is
        unless ``update``. Then the PDFs are requested (``otwarta.printing.services.request_generation``)
        unless ``print_pdfs`` is off; with the immediate task backend they are rendered during the load.
        ``make run`` turns it off and runs ``generate_print_packs`` in the background instead (minutes)."""
        from otwarta.directory.demo import KEEP, localize
        from otwarta.printing.models import PrintPack

        source_locale = Locale.objects.get(language_code=SOURCE)
        owner = Institution.objects.get(slug=data["institution"])
        packs = []
        for spec in data["packs"]:
            texts = {lang: self._pack_texts(spec, lang) for lang in spec["texts"]}
            pack = PrintPack.objects.filter(slug=spec["slug"], locale=source_locale).first()
            created = pack is None
            if created or self.update:
                pack = pack or PrintPack(slug=spec["slug"], locale=source_locale)
                pack.institution, pack.pack_type = owner, spec["type"]
                pack.listed = bool(spec.get("listed", True))
                for name, value in texts[SOURCE].items():
                    setattr(pack, name, value)
                pack.items = self._pack_items(spec)  # type: ignore[assignment]
                pack.save()
                (self.report.created if created else self.report.updated).append(f"print pack {spec['slug']}")
            assert pack is not None
            todo: dict[Locale, dict[str, dict[str, str]]] = {}
            for lang, fields in texts.items():
                if lang == SOURCE or lang not in self.languages:
                    continue
                locale = Locale.objects.get(language_code=lang)
                if PrintPack.objects.filter(translation_key=pack.translation_key, locale=locale).exists() \
                        and not self.update:
                    continue
                mapping: dict[str, dict[str, str]] = {}
                for name in ("title", "subtitle"):
                    mapping[name] = {**KEEP, texts[SOURCE][name]: fields[name]}
                mapping["introduction"] = {**KEEP, **dict(zip(self._paragraphs(spec, SOURCE),
                                                             self._paragraphs(spec, lang), strict=True))}
                todo[locale] = mapping
            if todo:
                localize(pack, todo)
                self.report.created.extend(f"print pack {spec['slug']} [{locale.language_code}]" for locale in todo)
            packs.append(pack)
        if self.print_pdfs:
            from otwarta.printing.services import request_generation

            for pack in packs:  # rendered when the load's transaction commits (immediate backend: then)
                request_generation(pack)
                self.report.updated.append(f"print pack {pack.slug}: PDFs requested")
        return packs

    def load_pathways(self) -> list[Any]:
        """Health pathways (``otwarta.pathways.PathwayPage``) from ``pathways/*.yaml``, in file-name order;
        returns the Polish pages. Format (details in ``content/pathways/README.md``)::

            slug: ciaza-i-porod          # page slug
            institution: nfz             # owner; its InstitutionPage is the parent
            topic: zdrowie-i-nfz         # topic slug
            group: pregnancy             # PathwayGroup value
            translations:
              pl: {title, summary, body, situations: [{key, question, options: [{key, label}]}],
                   steps: [{title, text, services: [slug], documents, cost, language_help, language_note,
                            applies_when: [{question, answers}], urgent}]}
              en: {title, summary, body, situations: [{question, options: [{label}]}],
                   steps: [{title, text, documents, cost, language_note}]}   # texts only; the rest from pl

        Like the articles: idempotent (an existing page is left as it is unless ``update``), translations are
        wagtail-localize copies of the Polish page (``_translations``). Unknown institutions, topics and
        services, and translations whose structure differs from the Polish one, raise ``ValueError``."""
        return [self.load_pathway(read_yaml(path), f"pathways/{path.name}")
                for path in sorted((self.content_dir / "pathways").glob("*.yaml"))]

    def load_pathway(self, spec: dict[str, Any], label: str = "pathway") -> Any:
        from otwarta.directory.models import Service
        from otwarta.pathways.models import PathwayPage

        self.locales = self.locales or ensure_locales()
        source_locale = self._locale(SOURCE)
        institution = Institution.objects.filter(slug=spec["institution"]).first()
        if institution is None:
            raise ValueError(f"{label}: no institution {spec['institution']!r} (institutions.yaml)")
        section = InstitutionPage.objects.filter(institution=institution, locale=source_locale).first()
        if section is None:
            raise ValueError(f"{label}: institution {spec['institution']!r} has no page in the portal")
        topic = TopicPage.objects.filter(slug=spec["topic"], locale=source_locale).first()
        if topic is None:
            raise ValueError(f"{label}: no topic {spec['topic']!r} (topics/*.yaml)")
        services: dict[str, int] = {}
        for number, step in enumerate(spec["translations"][SOURCE]["steps"], start=1):
            for slug in step.get("services") or []:
                service = Service.objects.filter(slug=slug, locale_id=source_locale.pk).first()
                if service is None:
                    raise ValueError(f"{label}: step {number}: no service {slug!r} in the directory (directory.yaml)")
                services[slug] = service.pk
        texts = {lang: self._pathway_texts(spec, lang, label, services) for lang in spec["translations"]}

        taken = ArticlePage.objects.child_of(section).filter(slug=spec["slug"]).first()
        if taken is not None and not isinstance(taken.specific, PathwayPage):
            raise ValueError(f"{label}: slug {spec['slug']!r} is taken by an article of {spec['institution']!r}")
        page = PathwayPage.objects.child_of(section).filter(slug=spec["slug"]).first()
        reviewed = timezone.localdate() - dt.timedelta(days=int(spec.get("last_reviewed_days_ago", 10)))
        values = {
            **texts[SOURCE],
            "topic": topic,
            "group": spec["group"],
            "last_reviewed_at": reviewed,
            "review_interval_days": int(
                spec.get("review_interval_days", settings.OTWARTA_DEFAULT_REVIEW_INTERVAL_DAYS)
            ),
        }
        page = self._save_source_page(PathwayPage, page, section, spec, values, "pathway")
        self._translations(page, {
            lang: {**fields, "topic": topic.get_translation_or_none(self._locale(lang))}
            for lang, fields in texts.items() if lang in self.locales
        })
        return page

    def load_guide(self, data: dict[str, Any]) -> Any:
        """The situation guide (``otwarta.guide.SituationGuidePage``) from ``guide.yaml``; returns the Polish page.

        Every text is a mapping language → text (``pl`` required). The Polish page, a child of the Polish home
        page, gets the questions and rules with their keys, kinds, priorities, categories, registers and page
        references; the other languages are wagtail-localize translations of it (``StringTranslation`` rows
        for its segments, as ``otwarta.directory.demo.localize`` makes them), so the keys and references
        stay the Polish page's. A recommendation names an article by ``page: <slug>`` and a health pathway
        by ``pathway: <slug>`` (Polish pages). Idempotent: an existing page and existing translations are
        left as they are unless ``update``. Unknown pages raise ``ValueError``."""
        from otwarta.directory.demo import KEEP, localize
        from otwarta.guide.models import SituationGuidePage

        self.locales = self.locales or ensure_locales()
        source_locale = self._locale(SOURCE)
        home = HomePage.objects.filter(locale=source_locale).first()
        if home is None:
            raise ValueError("guide.yaml: there is no Polish home page")
        values = {
            "title": data["title"][SOURCE],
            "intro": data.get("intro", {}).get(SOURCE, ""),
            "thin_below": int(data.get("thin_below", 3)),
            "questions": [{"type": "question", "value": self._guide_question(question, SOURCE),
                           "id": self._guide_id("question", question["key"])} for question in data["questions"]],
            "rules": [{"type": "rule", "value": self._guide_rule(rule, SOURCE, source_locale, number),
                       "id": self._guide_id("rule", number)} for number, rule in enumerate(data["rules"])],
        }
        page = SituationGuidePage.objects.child_of(home).first()
        created = page is None
        if created:
            page = SituationGuidePage(slug=data["slug"], locale=source_locale, **values)
            home.add_child(instance=page)
        elif self.update:
            for name, value in values.items():
                setattr(page, name, value)
        if created or self.update:
            page.save()
            publish(page)
            (self.report.created if created else self.report.updated).append(f"guide {page.slug}")
        assert page is not None
        todo: dict[Locale, dict[str, dict[str, str]]] = {}
        for lang in data["title"]:
            if lang == SOURCE or lang not in self.languages:
                continue
            locale = self._locale(lang)
            if page.get_translation_or_none(locale) is not None and not self.update:
                continue
            mapping: dict[str, dict[str, str]] = {name: dict(KEEP) for name in ("questions", "rules")}
            mapping["title"] = {**KEEP, data["title"][SOURCE]: data["title"][lang]}
            mapping["intro"] = {**KEEP, values["intro"]: data.get("intro", {}).get(lang, "")}
            mapping["slug"] = {**KEEP, page.slug: page.slug}
            for question in data["questions"]:
                mapping["questions"].update(self._guide_pairs(question, lang))
            for rule in data["rules"]:
                mapping["rules"].update(self._guide_pairs(rule, lang))
            todo[locale] = mapping
        if todo:
            localize(page, todo)
            self.report.created.extend(f"guide {page.slug} [{locale.language_code}]" for locale in todo)
        return page

    @staticmethod
    def _guide_id(*parts: Any) -> str:
        """A stable block id (the same on every load, so that an update keeps the translations' segments)."""
        from otwarta.directory.demo import demo_key

        return str(demo_key("guide", ":".join(str(part) for part in parts)))

    @staticmethod
    def _guide_item(value: dict[str, Any], *parts: Any) -> dict[str, Any]:
        """A ListBlock item in Wagtail's block format (wagtail-localize extracts segments only from those)."""
        return {"type": "item", "value": value, "id": DemoLoader._guide_id(*parts)}

    @staticmethod
    def _guide_question(spec: dict[str, Any], lang: str) -> dict[str, Any]:
        return {
            "key": spec["key"],
            "question": spec["question"][lang],
            "help_text": (spec.get("help_text") or {}).get(lang, ""),
            "kind": spec.get("kind", "choice"),
            "multiple": bool(spec.get("multiple", False)),
            "options": [DemoLoader._guide_item({"key": option["key"], "label": option["label"][lang]},
                                               "option", spec["key"], option["key"])
                        for option in spec.get("options") or []],
        }

    def _guide_page(self, rule: dict[str, Any], recommendation: dict[str, Any], locale: Locale) -> int | None:
        """The id of the page a recommendation names: ``pathway: <slug>`` or ``page: <slug>`` (an article)."""
        from otwarta.pathways.models import PathwayPage

        if recommendation.get("pathway"):
            found = PathwayPage.objects.filter(slug=recommendation["pathway"], locale=locale).first()
            what = f"health pathway {recommendation['pathway']!r} (pathways/*.yaml)"
        elif recommendation.get("page"):
            found = ArticlePage.objects.exact_type(ArticlePage).filter(slug=recommendation["page"],
                                                                      locale=locale).first()
            what = f"article {recommendation['page']!r} (topics/*.yaml)"
        else:
            return None
        if found is None:
            raise ValueError(f"guide.yaml, rule {rule['name'][SOURCE]!r}: no {what}")
        return found.pk

    def _guide_rule(self, spec: dict[str, Any], lang: str, locale: Locale, number: int = 0) -> dict[str, Any]:
        def keys(value: Any) -> str:
            return ", ".join([value] if isinstance(value, str) else list(value or []))

        return {
            "name": spec["name"][lang],
            "when": [self._guide_item({"question": condition["question"], "answers": keys(condition["answers"])},
                                      "rule", number, "when", position)
                     for position, condition in enumerate(spec.get("when") or [])],
            "recommendations": [self._guide_item({
                "kind": recommendation["kind"],
                "priority": int(recommendation["priority"]),
                "text": (recommendation.get("text") or {}).get(lang, ""),
                "page": self._guide_page(spec, recommendation, locale),
                "categories": keys(recommendation.get("categories")),
                "register": recommendation.get("register", ""),
            }, "rule", number, "recommendation", position)
                for position, recommendation in enumerate(spec["recommendations"])],
        }

    @staticmethod
    def _guide_pairs(spec: Any, lang: str) -> dict[str, str]:
        """{Polish text: ``lang`` text} for every text (a mapping with a ``pl`` key) inside ``spec``."""
        pairs: dict[str, str] = {}
        if isinstance(spec, dict):
            if isinstance(spec.get(SOURCE), str):
                return {spec[SOURCE]: spec[lang]}
            for value in spec.values():
                pairs.update(DemoLoader._guide_pairs(value, lang))
        elif isinstance(spec, list):
            for value in spec:
                pairs.update(DemoLoader._guide_pairs(value, lang))
        return pairs

    # --- helpers --------------------------------------------------------------------------------
    def _pathway_texts(self, spec: dict[str, Any], lang: str, label: str, services: dict[str, int]) -> dict[str, Any]:
        """A pathway's page fields in ``lang``: the Polish structure (keys, services, conditions, language
        help, urgency) with that language's texts. StreamFields as JSON (``translate_page`` sets them as is)."""
        import json

        source, text = spec["translations"][SOURCE], spec["translations"][lang]
        where = f"{label} [{lang}]"

        def same_length(name: str, ours: list[Any], theirs: list[Any]) -> None:
            if len(ours) != len(theirs):
                raise ValueError(f"{where}: {len(theirs)} {name}, the Polish text has {len(ours)}")

        def optional(step: dict[str, Any], own: dict[str, Any], name: str, number: int) -> str:
            if bool(step.get(name)) != bool(own.get(name)):
                raise ValueError(f"{where}: step {number}: {name!r} must be given exactly when the Polish step has it")
            return str(own.get(name) or "")

        same_length("questions", source.get("situations") or [], text.get("situations") or [])
        situations = []
        for question, own in zip(source.get("situations") or [], text.get("situations") or [], strict=True):
            same_length(f"answers to {question['key']!r}", question["options"], own["options"])
            situations.append({"type": "question", "value": {
                "key": question["key"], "question": own["question"],
                "options": [{"key": option["key"], "label": mine["label"]}
                            for option, mine in zip(question["options"], own["options"], strict=True)],
            }})
        same_length("steps", source["steps"], text["steps"])
        steps = []
        for number, (step, own) in enumerate(zip(source["steps"], text["steps"], strict=True), start=1):
            documents = own.get("documents") or []
            same_length(f"documents in step {number}", step.get("documents") or [], documents)
            steps.append({"type": "step", "value": {
                "title": own["title"],
                "text": own["text"],
                "services": [{"service": services[slug], "note": ""} for slug in step.get("services") or []],
                "documents": list(documents),
                "cost": optional(step, own, "cost", number),
                "language_help": list(step.get("language_help") or []),
                "language_note": optional(step, own, "language_note", number),
                "applies_when": [{"question": c["question"], "answers": c["answers"]}
                                 for c in step.get("applies_when") or []],
                "urgent": bool(step.get("urgent", False)),
            }})
        same_length("body blocks", source["body"], text["body"])
        return {"title": text["title"], "summary": text["summary"], "body": self._body(text["body"]),
                "situations": json.dumps(situations), "steps": json.dumps(steps)}

    @staticmethod
    def _paragraphs(spec: dict[str, Any], lang: str) -> list[str]:
        paragraphs = spec["texts"][lang].get("introduction") or []
        return [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)

    def _pack_texts(self, spec: dict[str, Any], lang: str) -> dict[str, str]:
        from django.utils.html import escape

        text = spec["texts"][lang]
        return {"title": text["title"], "subtitle": text.get("subtitle", ""),
                "introduction": "".join(f"<p>{escape(p)}</p>" for p in self._paragraphs(spec, lang))}

    def _pack_items(self, spec: dict[str, Any]) -> list[Any]:
        """The pack's items, their references resolved (Polish pages and services)."""
        from otwarta.directory.models import Service, source_locale_id
        from otwarta.printing.models import ItemKind, PackItem
        from otwarta.registers.models import Register

        def article(slug: str) -> ArticlePage:
            page = ArticlePage.objects.filter(slug=slug, locale_id=source_locale_id()).first()
            if page is None:
                raise ValueError(f"print.yaml, pack {spec['slug']}: no article {slug!r}")
            return page

        items = []
        for order, ref in enumerate(spec["items"]):
            if "page" in ref:
                item = PackItem(kind=ItemKind.PAGE, page=article(ref["page"]))
            elif "section" in ref:
                item = PackItem(kind=ItemKind.SECTION, page=article(ref["section"]), section_heading=ref["heading"])
            elif "service" in ref:
                service = Service.objects.filter(slug=ref["service"], locale_id=source_locale_id()).first()
                if service is None:
                    raise ValueError(f"print.yaml, pack {spec['slug']}: no service {ref['service']!r}")
                item = PackItem(kind=ItemKind.SERVICE, service=service)
            elif "institution" in ref:
                item = PackItem(kind=ItemKind.INSTITUTION, institution=Institution.objects.get(slug=ref["institution"]))
            elif "register" in ref:
                item = PackItem(kind=ItemKind.REGISTER, register=Register.objects.get(kind=ref["register"]))
            else:
                raise ValueError(f"print.yaml, pack {spec['slug']}: unknown item {ref!r}")
            item.sort_order = order
            items.append(item)
        return items

    def _locale(self, code: str) -> Locale:
        return self.locales[code]

    def _translations(self, source: Any, per_language: dict[str, dict[str, Any]]) -> None:
        for lang, fields in per_language.items():
            if lang == SOURCE or lang not in self.languages:
                continue
            exists = source.get_translation_or_none(self._locale(lang)) is not None
            if exists and not self.update:
                continue
            fields = {k: v for k, v in fields.items() if v is not None}
            translate_page(source, lang, fields)
            (self.report.updated if exists else self.report.created).append(f"{source.slug} [{lang}]")

    def _body(self, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Turn the files' blocks into StreamField data (institution slugs become ids)."""
        out = []
        for block in blocks:
            value = block["value"]
            if block["type"] == "contact":
                value = {**value, "institution": self.institutions[value["institution"]].pk}
            out.append({"type": block["type"], "value": value})
        return out
