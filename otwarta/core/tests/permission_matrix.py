"""Support for ``test_permission_matrix.py``: enumerate every URL pattern, build a concrete URL for each from
objects of the test portal, request it as every role and classify the answer.

The policy (which roles may reach which pattern) lives in the test module; this module only knows how to
walk the resolver, fill URL arguments and classify responses."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db import models, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

# --- Roles, weakest first ----------------------------------------------------------------------------
ANONYMOUS = "anonymous"
NO_GROUP = "no-group"
OTHER_EDITOR = "fundacja-editor"  # an editor of an institution the objects below do not belong to
EDITOR = "urzad-editor"
MODERATOR = "urzad-moderator"
REGION = "region"
SUPERUSER = "admin"
ROLES = (ANONYMOUS, NO_GROUP, OTHER_EDITOR, EDITOR, MODERATOR, REGION, SUPERUSER)
NO_GROUP_USERNAME = "matrix-no-group"
# Patterns that end the session they are requested with: the clients are signed in again after them.
SESSION_ENDING = frozenset({"wagtailadmin_logout"})

# --- Outcomes -------------------------------------------------------------------------------------------
OK = "ok"  # 2xx, 3xx elsewhere than the login or the dashboard, 400 (the view ran and refused the input)
LOGIN = "login"  # redirected to a login (or the two-factor prompt)
DENIED = "denied"  # 403, or Wagtail's "permission denied" redirect to the dashboard
MISSING = "missing"  # 404
METHOD = "method"  # 405
ERROR = "error"  # 5xx
REFUSED = frozenset({LOGIN, DENIED, MISSING, METHOD})

LOGIN_PATHS = ("/admin/login/", "/admin/2fa/", "/pl/_util/login/", "/_util/login/")
LANGUAGE_CODES = frozenset({"pl", "en", "uk", "ru", "be", "ka"})


def exception_name(response: HttpResponse) -> str:
    """The class of the exception behind a 500 ("" when none was raised)."""
    exc_info = getattr(response, "exc_info", None)
    return type(exc_info[1]).__name__ if exc_info else ""


def classify(response: HttpResponse) -> str:
    status = response.status_code
    if status >= 500:
        return ERROR
    if status in (301, 302, 303, 307, 308):
        path = urlsplit(response.get("Location", "")).path
        if path.startswith(LOGIN_PATHS):
            return LOGIN
        requested = response.wsgi_request.path if hasattr(response, "wsgi_request") else ""
        if requested and path.endswith(requested) and path != requested and path.count("/") > 2 and (
                path[: len(path) - len(requested)].strip("/") in LANGUAGE_CODES):
            # LocaleMiddleware answers a 404 outside i18n_patterns with a redirect to /<language>/<path>
            return MISSING
        if path == "/admin/":
            return DENIED
        return OK
    if status == 403:
        return DENIED
    if status == 404:
        return MISSING
    if status == 405:
        return METHOD
    return OK


# --- Walking the resolver ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, prefixes joined (``admin/pages/<int:page_id>/edit/``)
    name: str | None  # namespaced URL name, or None
    callback: Callable[..., Any]
    kwarg_names: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def model(self) -> type[models.Model] | None:
        initkwargs = getattr(self.callback, "view_initkwargs", None) or {}
        model = initkwargs.get("model") or getattr(getattr(self.callback, "view_class", None), "model", None)
        return model if isinstance(model, type) and issubclass(model, models.Model) else None


def _route_text(pattern: Any) -> str:
    return str(pattern.pattern)


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str | None = None) -> Iterator[Pattern]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + _route_text(entry), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            kwargs = tuple(entry.pattern.regex.groupindex)
            yield Pattern(prefix + _route_text(entry), name, entry.callback, kwargs)


def all_patterns() -> list[Pattern]:
    """Every URL pattern once (the i18n copies are one pattern: the resolver walks them for ``pl``)."""
    seen: set[tuple[str, str | None]] = set()
    result = []
    for pattern in walk():
        route = pattern.route.replace("^", "").replace("$", "")
        if (route, pattern.name) in seen:
            continue
        seen.add((route, pattern.name))
        result.append(pattern)
    return result


# --- Objects to fill URLs with ----------------------------------------------------------------------------
@dataclass
class Fixtures:
    """Real objects of the test portal (and a few created here) that URL arguments point at."""

    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _png() -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def build_fixtures() -> Fixtures:  # noqa: C901 - a list of objects, one after the other
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.admin.models import EditingSession
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import (
        Collection,
        Locale,
        Page,
        PageViewRestriction,
        Site,
        Task,
        UploadedFile,
        Workflow,
    )
    from wagtail_localize.models import OverridableSegment, StringSegment, Translation, TranslationSource

    from otwarta.institutions.models import Institution
    from otwarta.portal.models import ArticlePage, InstitutionPage

    users = get_user_model().objects
    no_group, _ = users.get_or_create(username=NO_GROUP_USERNAME, defaults={"email": "nogroup@example.org"})
    no_group.groups.clear()
    urzad = Institution.objects.get(slug="urzad")
    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    section = InstitutionPage.objects.ancestor_of(article).get()
    editor = users.get(username=EDITOR)
    moderator = users.get(username=MODERATOR)
    revision = article.save_revision(user=editor)
    workflow = article.get_workflow()
    workflow_state = workflow.start(article, editor) if workflow else None
    task = workflow_state.current_task_state.task if workflow_state else Task.objects.first()
    collection = Collection.objects.filter(name__icontains="Urząd").first() or Collection.get_first_root_node()
    image = get_image_model().objects.create(
        title="Matrix image", file=ContentFile(_png(), name="matrix.png"), collection=collection
    )
    document = get_document_model().objects.create(
        title="Matrix document", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="matrix.pdf"), collection=collection
    )
    uploaded = UploadedFile.objects.create(file=ContentFile(_png(), name="matrix-upload.png"), uploaded_by_user=editor)
    restriction = PageViewRestriction.objects.create(page=article, restriction_type="password", password="x")
    redirect = Redirect.objects.create(old_path="/matrix-old", redirect_link="/pl/")
    device = TOTPDevice.objects.create(user=moderator, name="matrix", confirmed=False)
    session = EditingSession.objects.create(user=editor, content_object=article, last_seen_at=timezone.now())
    source, _created = TranslationSource.update_or_create_from_instance(article)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=Locale.objects.get(language_code="en"), defaults={"enabled": True}
    )
    objects: dict[str, Any] = {**_records(urzad, editor, article, document)}
    objects.update({
        "article": article,
        "section": section,
        "institution": urzad,
        "revision": revision,
        "workflow": workflow or Workflow.objects.first(),
        "workflow_state": workflow_state,
        "task": task,
        "task_state": workflow_state.current_task_state if workflow_state else None,
        "image": image,
        "document": document,
        "uploaded": uploaded,
        "restriction": restriction,
        "redirect": redirect,
        "device": device,
        "session": session,
        "translation": translation,
        "source": source,
        "string_segment": StringSegment.objects.filter(source=source).first() if source else None,
        "overridable_segment": OverridableSegment.objects.filter(source=source).first() if source else None,
        "collection": collection,
        "user": editor,
        "no_group": no_group,
        "group": Group.objects.filter(name__icontains="Urząd").first() or Group.objects.first(),
        "locale": Locale.objects.get(language_code="en"),
        "site": Site.objects.first(),
        "root": Page.objects.get(depth=1),
    })
    return Fixtures(objects)


def _records(institution: Any, editor: Any, article: Any, document: Any) -> dict[str, Any]:
    """One record of each app's snippet models (the test portal has none), owned by ``institution``."""
    from wagtail.models import Locale

    from otwarta.assistance.services import create_request
    from otwarta.directory import testing as directory
    from otwarta.forms_library.models import OfficialForm
    from otwarta.machine_translation.models import BulkTranslationJob, GlossaryTerm, MachineTranslationBudget
    from otwarta.printing.models import PrintPack
    from otwarta.registers import testing as registers

    pl = Locale.objects.get(language_code="pl")
    term = directory.term()
    organization = directory.organization(owner=institution)
    service = directory.service(org=organization, terms=(term,))
    register = registers.register(institution=institution.slug)
    person = registers.person(register)
    request, token = create_request(
        register=register, language="uk", description="Wizyta w urzędzie.", starts_at=timezone.now(),
        duration_minutes=60, requester_type="person", requester_name="Matrix", email="matrix@example.org",
        message_language="pl",
    )
    from otwarta.guide.tests.test_engine import make_guide, rec, rule

    return {
        "guide": make_guide([rule("Wszyscy", [], [rec("do", 90, "Zapisz numer 112.")])]),
        "term": term, "taxonomy": term.taxonomy, "organization": organization, "service": service,
        "location": service.service_at_locations.first().location if hasattr(service, "service_at_locations")
        else None,
        "register": register, "hotline": registers.hotline(register), "person": person,
        "assistance_request": request, "assistance_token": token,
        "official_form": OfficialForm.objects.create(
            locale=pl, slug="matrix-form", title="Matrix form", institution=institution,
            source_url="https://urzad.example.org/f", document=document, summary="Matrix."),
        "print_pack": PrintPack.objects.create(locale=pl, institution=institution, slug="matrix-pack",
                                               title="Matrix pack"),
        "budget": MachineTranslationBudget.objects.get_or_create(institution=institution)[0],
        "glossary_term": GlossaryTerm.objects.first(),
        "job": BulkTranslationJob.objects.create(root_page=article, root_title=article.title, locales=["en"],
                                                 requested_by=editor),
    }


def _pk_of(fixtures: Fixtures, model: type[models.Model] | None) -> Any:
    """The pk of the fixture object of ``model`` (or of the model's first row)."""
    if model is None:
        return None
    for value in fixtures.objects.values():
        if isinstance(value, models.Model) and isinstance(value, model):
            return value.pk
    instance = model._default_manager.order_by("pk").first()
    return instance.pk if instance is not None else None


def _model_from_name(name: str | None) -> type[models.Model] | None:
    """``wagtailsnippets_directory_service:edit`` → Service."""
    from django.apps import apps

    if not name:
        return None
    namespace = name.split(":")[0]
    for prefix in ("wagtailsnippets_", "wagtailsnippetchoosers_"):
        if namespace.startswith(prefix):
            rest = namespace[len(prefix):]
            for config in apps.get_app_configs():
                if rest.startswith(config.label + "_"):
                    try:
                        return config.get_model(rest[len(config.label) + 1:])
                    except LookupError:
                        return None
    return None


def fill_kwargs(fixtures: Fixtures, pattern: Pattern) -> dict[str, Any] | None:  # noqa: C901
    """Concrete values for the pattern's named arguments, or None when an argument has no known value."""
    f = fixtures
    model = _model_from_name(pattern.name) or pattern.model
    article_type = ("portal", "articlepage")
    values: dict[str, Any] = {}
    for kwarg in pattern.kwarg_names:
        value: Any
        if kwarg in ("page_id", "parent_page_id", "page_to_move_id", "page_pk"):
            value = f.article.pk if kwarg != "parent_page_id" else f.section.pk
        elif kwarg == "destination_id":
            value = f.section.pk
        elif kwarg == "pk":
            value = _pk_of(f, model)
            if "device" in (pattern.name or ""):
                value = f.device.pk
        elif kwarg == "object_id":
            value = str(f.article.pk)
        elif kwarg in ("content_type_app_name", "app_label", "app_name"):
            value = model._meta.app_label if model is not None and "snippet" in (pattern.name or "") else (
                article_type[0])
        elif kwarg in ("content_type_model_name", "model_name"):
            value = model._meta.model_name if model is not None and "snippet" in (pattern.name or "") else (
                article_type[1])
        elif kwarg == "revision_id":
            value = f.revision.pk
        elif kwarg == "workflow_state_id":
            value = f.workflow_state.pk
        elif kwarg == "task_state_id":
            value = f.task_state.pk
        elif kwarg in ("task_id",):
            value = f.task.pk
        elif kwarg == "workflow_pk":
            value = f.workflow.pk
        elif kwarg == "action_name":
            value = "approve"
        elif kwarg == "action":
            value = "delete"
        elif kwarg in ("image_id",):
            value = f.image.pk
        elif kwarg in ("document_id", "doc_id"):
            value = f.document.pk
        elif kwarg == "uploaded_file_id":
            value = f.uploaded.pk
        elif kwarg == "filter_spec":
            value = "original"
        elif kwarg == "translation_id":
            value = f.translation.pk
        elif kwarg == "translation_source_id":
            value = f.source.pk
        elif kwarg == "string_segment_id":
            value = f.string_segment.pk if f.string_segment else 1
        elif kwarg == "overridable_segment_id":
            value = f.overridable_segment.pk if f.overridable_segment else 1
        elif kwarg == "mode":
            value = "default"
        elif kwarg == "session_id":
            value = f.session.pk
        elif kwarg == "collection_id":
            value = f.collection.pk
        elif kwarg in ("user_id",):
            value = f.user.pk
        elif kwarg == "redirect_id":
            value = f.redirect.pk
        elif kwarg in ("restriction_id", "page_view_restriction_id"):
            value = f.restriction.pk
        else:
            return None
        if value is None:
            return None
        values[kwarg] = value
    return values


def build_url(fixtures: Fixtures, pattern: Pattern,
              overrides: dict[str, Callable[[Fixtures], str | None]]) -> str | None:
    if pattern.key in overrides:
        return overrides[pattern.key](fixtures)
    if not pattern.name:
        return None
    kwargs = fill_kwargs(fixtures, pattern)
    if kwargs is None:
        return None
    if isinstance(kwargs.get("pk"), uuid.UUID):
        kwargs["pk"] = str(kwargs["pk"])
    try:
        return reverse(pattern.name, kwargs=kwargs)
    except Exception:  # noqa: BLE001 - an unbuildable URL is reported as unfilled
        return None


# --- Requests -------------------------------------------------------------------------------------------
def clients() -> dict[str, Client]:
    from otwarta.core.testing import signed_in_client

    result = {role: signed_in_client(role) for role in ROLES if role not in (ANONYMOUS, NO_GROUP)}
    result[ANONYMOUS] = signed_in_client("anonymous")
    result[NO_GROUP] = signed_in_client(NO_GROUP_USERNAME)
    for client in result.values():
        client.raise_request_exception = False  # a 500 is an outcome to report, not a crash of the walk
    return result


def request(client: Client, method: str, url: str) -> HttpResponse:
    """One request whose database changes are rolled back (an empty POST to a delete view deletes)."""
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    return response


def _settings_url(fixtures: Fixtures, with_pk: bool, suffix: str = "") -> str | None:
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.contrib.settings.registry import registry

    if not list(registry):
        return None  # no setting model is registered: nothing to fill the URL with
    model = list(registry)[0]
    url = f"/admin/settings/{model._meta.app_label}/{model._meta.model_name}/"
    if with_pk:
        pk = fixtures.site.pk if issubclass(model, BaseSiteSetting) else model.load().pk
        url += f"{pk}/{suffix}"
    return url


def _hsds(kind: str) -> Callable[[Fixtures], str]:
    return lambda f: f"/api/hsds/{kind}/{{}}/".format(
        {"services": f.service, "organizations": f.organization, "taxonomies": f.taxonomy,
         "taxonomy_terms": f.term, "service_at_locations": f.service.service_at_locations.first()}[kind].pk)


# Patterns whose arguments are not plain object ids (or which have no name): how to build their URL.
URL_OVERRIDES: dict[str, Callable[[Fixtures], str | None]] = {
    "admin/test404/": lambda f: "/admin/test404/",
    "admin/^.*/$": lambda f: "/admin/no-such-view/",
    "wagtailadmin_api:pages:detail": lambda f: f"/admin/api/main/pages/{f.article.pk}/",
    "wagtailadmin_api:pages:action": lambda f: f"/admin/api/main/pages/{f.article.pk}/action/copy/",
    "wagtailadmin_api:documents:detail": lambda f: f"/admin/api/main/documents/{f.document.pk}/",
    "wagtailadmin_api:images:detail": lambda f: f"/admin/api/main/images/{f.image.pk}/",
    "wagtailadmin_pages:revisions_compare":
        lambda f: f"/admin/pages/{f.article.pk}/revisions/compare/earliest...latest/",
    "wagtailadmin_workflows:enable": lambda f: reverse("wagtailadmin_workflows:enable", args=[f.workflow.pk]),
    "wagtailadmin_workflows:edit_task": lambda f: reverse("wagtailadmin_workflows:edit_task", args=[f.task.pk]),
    "wagtailadmin_workflows:enable_task":
        lambda f: reverse("wagtailadmin_workflows:enable_task", args=[f.task.pk]),
    "otwarta_machine_translation:job": lambda f: reverse("otwarta_machine_translation:job", args=[f.job.pk]),
    "printing_submit_translation": lambda f: reverse("printing_submit_translation", args=[f.print_pack.pk]),
    "directory_submit_translation":
        lambda f: reverse("directory_submit_translation", args=["service", f.service.pk]),
    "wagtail_localize:submit_snippet_translation":
        lambda f: reverse("wagtail_localize:submit_snippet_translation", args=["directory", "service", f.service.pk]),
    "wagtail_localize:snippets_api_detail":
        lambda f: reverse("wagtail_localize:snippets_api_detail", args=["directory", "service", f.service.pk]),
    "wagtail_localize:snippets_api_listing":
        lambda f: reverse("wagtail_localize:snippets_api_listing", args=["directory", "service"]),
    "directory_admin:details": lambda f: reverse("directory_admin:details", args=["service", f.service.pk]),
    "directory_admin:assure": lambda f: reverse("directory_admin:assure", args=["service", f.service.pk]),
    "otwarta_assistance:detail": lambda f: reverse("otwarta_assistance:detail", args=[f.assistance_request.pk]),
    "otwarta_assistance:transition":
        lambda f: reverse("otwarta_assistance:transition", args=[f.assistance_request.pk]),
    "otwarta_hsds_exchange:report": lambda f: reverse("otwarta_hsds_exchange:report", args=["no-such-report"]),
    "wagtailsettings:edit": lambda f: _settings_url(f, with_pk=True),
    "wagtailsettings:preview_on_edit": lambda f: _settings_url(f, with_pk=True, suffix="preview/"),
    "printing_service_chooser:chosen": lambda f: reverse("printing_service_chooser:chosen", args=[f.service.pk]),
    "wagtaildocs_chooser:chosen": lambda f: reverse("wagtaildocs_chooser:chosen", args=[f.document.pk]),
    "wagtailadmin_password_reset_confirm": lambda f: "/admin/password_reset/confirm/MQ/set-password/",
    "wagtaildocs_serve": lambda f: f.document.url,
    "hsds:service": _hsds("services"),
    "hsds:organization": _hsds("organizations"),
    "hsds:service_at_location": _hsds("service_at_locations"),
    "hsds:taxonomy": _hsds("taxonomies"),
    "hsds:taxonomy_term": _hsds("taxonomy_terms"),
    "hsds:not_found": lambda f: "/api/hsds/no/such/resource",
    "printing_admin:status": lambda f: reverse("printing_admin:status", args=[f.print_pack.pk]),
    "printing_admin:regenerate": lambda f: reverse("printing_admin:regenerate", args=[f.print_pack.pk]),
    "wagtail_bulk_action": lambda f: f"/admin/bulk/wagtailcore/page/delete/?id={f.article.pk}",
    "otwarta_guide:try": lambda f: reverse("otwarta_guide:try", args=[f.guide.pk]),
    "otwarta_guide:coverage": lambda f: reverse("otwarta_guide:coverage", args=[f.guide.pk]),
    "forms_library:detail": lambda f: reverse("forms_library:detail", args=[f.official_form.slug]),
    "assistance:follow": lambda f: reverse("assistance:follow", args=[f.assistance_token]),
    "assistance:cancel": lambda f: reverse("assistance:cancel", args=[f.assistance_token]),
    "directory:service": lambda f: reverse("directory:service", args=[f.service.slug]),
    "registers:register": lambda f: reverse("registers:register", args=[f.register.slug]),
    "printing:download": lambda f: reverse("printing:download", args=[f.print_pack.slug, "a4"]),
    "guide_pdf": lambda f: f"{f.article.url}wynik.pdf",
    "wagtail_serve": lambda f: f.article.url,
}
