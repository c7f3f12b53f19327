"""When the page cache is invalidated and which URLs the reverse proxy / CDN is asked to purge.

The rule (docs/page-cache.md): a page shows rows of many models (its own fields, snippets, the directory,
registers, images, settings, its translations' titles in the language switcher...), so rather than
tracking which page shows what, any change to *content* bumps the generation and every page is re-rendered
on its next request. Content is

* every model of the portal's content apps (``CONTENT_APPS``) and Wagtail's content models
  (``WAGTAIL_CONTENT_MODELS``), minus operational rows (``IGNORED_MODELS``);
* Wagtail's ``page_published``, ``page_unpublished``, ``post_page_move``, ``published``, ``unpublished``;
* an editorial log entry (``PageLogEntry``/``ModelLogEntry``) other than a draft-only action, which catches
  changes made with ``QuerySet.update()`` that log what they did (e.g. "mark as checked").

Saves that only touch draft bookkeeping (``latest_revision``, ``has_unpublished_changes``, ``draft_title``,
locks) do not count: a draft changes nothing that readers see.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from . import services

logger = logging.getLogger(__name__)

CONTENT_APPS = {
    "core", "institutions", "portal", "currency", "forms_library", "translations", "directory",
    "registers", "printing", "pathways", "guide",
}
WAGTAIL_CONTENT_MODELS = {
    "wagtailcore.page", "wagtailcore.site", "wagtailcore.locale", "wagtailcore.collection",
    "wagtailcore.pageviewrestriction", "wagtailcore.collectionviewrestriction",
    "wagtailimages.image", "wagtaildocs.document", "wagtailredirects.redirect",
    "taggit.tag", "taggit.taggeditem",
}
# Operational rows of content apps: written by background jobs or while pages render.
IGNORED_MODELS = {
    "currency.scheduledrun",
    "printing.packfile",
}
DRAFT_ONLY_FIELDS = {
    "latest_revision", "latest_revision_id", "latest_revision_created_at", "has_unpublished_changes",
    "draft_title", "locked", "locked_at", "locked_by", "locked_by_id", "live_revision", "live_revision_id",
    "wagtail_admin_comments",
}
DRAFT_ONLY_LOG_PREFIXES = ("wagtail.edit", "wagtail.create", "wagtail.lock", "wagtail.unlock",
                           "wagtail.workflow.", "wagtail.comments.", "wagtail.copy_for_translation",
                           "wagtail.schedule.", "wagtail.view_restriction.", "wagtail.rename")
# (view restriction and rename changes also save the content rows themselves, which counts.)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def is_content_model(model: type[models.Model]) -> bool:
    label = _label(model)
    if label in IGNORED_MODELS or label in getattr(settings, "OTWARTA_PAGE_CACHE_IGNORED_MODELS", ()):
        return False
    if model._meta.app_label in CONTENT_APPS or label in WAGTAIL_CONTENT_MODELS:
        return True
    from wagtail.models import Page

    return issubclass(model, Page)


def _bump_after_commit() -> None:
    services.invalidate_all("transaction committed")


def _bump(reason: str) -> None:
    """Right away, and once more after the transaction commits (a page rendered by another request in the
    meantime would otherwise be stored with the new generation but the old content). One after-commit bump
    per transaction, however many rows a bulk import saves."""
    services.invalidate_all(reason)
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        callback is _bump_after_commit for _sids, callback, *_rest in connection.run_on_commit
    ):
        transaction.on_commit(_bump_after_commit)


def on_save(sender: type[models.Model], instance: models.Model, created: bool = False,
            update_fields: Any = None, raw: bool = False, **kwargs: Any) -> None:
    if raw or not is_content_model(sender):
        return
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    _bump(f"saved {_label(sender)} {instance.pk}")


def on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if is_content_model(sender):
        _bump(f"deleted {_label(sender)} {instance.pk}")


def on_m2m(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and is_content_model(type(instance)):
        _bump(f"relation of {_label(type(instance))} {instance.pk}")


def on_log_entry(sender: type[models.Model], instance: Any, created: bool = False, raw: bool = False,
                 **kwargs: Any) -> None:
    if not created or raw:
        return
    action = getattr(instance, "action", "") or ""
    if action.startswith(DRAFT_ONLY_LOG_PREFIXES):
        return
    _bump(f"log entry {action}")


def on_publication(sender: Any, instance: Any, **kwargs: Any) -> None:
    _bump(f"published/unpublished {_label(type(instance))} {getattr(instance, 'pk', '')}")


# --- reverse proxy / CDN purge (wagtail.contrib.frontend_cache) ---------------------------------------------
def page_urls(page: Any) -> set[str]:
    """Full URLs of a live page in every language (its translations have their own slugs)."""
    urls: set[str] = set()
    for version in [page, *page.get_translations()]:
        if not version.live:
            continue
        url = version.get_full_url()
        if url:
            urls.update(url + path.lstrip("/") for path in version.specific_deferred.get_cached_paths())
    return urls


def purge(urls: set[str]) -> None:
    if not urls or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    try:
        purge_urls_from_cache(sorted(urls))
    except Exception:  # a proxy outage must not break publishing
        logger.exception("front-end cache purge failed")


def purge_on_publication(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Wagtail purges the page's own URL; its translations and the pages listing it are purged here."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    urls = page_urls(instance)
    parent = instance.get_parent()
    if parent is not None and parent.depth > 1:
        urls |= page_urls(parent.specific_deferred)
    purge(urls)


def purge_on_move(sender: Any, instance: Any, url_path_before: str = "", url_path_after: str = "",
                  **kwargs: Any) -> None:
    """A move changes the URL of the page and of every page below it: purge the old and the new ones."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    urls: set[str] = set()
    before, after = url_path_before.split("/"), url_path_after.split("/")
    shared = 0
    while shared < min(len(before), len(after)) - 1 and before[shared] == after[shared]:
        shared += 1
    common = "/".join(after[:shared]) + "/"
    for page in instance.get_descendants(inclusive=True).live().specific(defer=True):
        new_urls = page_urls(page)
        urls |= new_urls
        if not url_path_before or url_path_before == url_path_after or not page.url_path.startswith(url_path_after):
            continue
        new_tail = page.url_path[len(common):]
        old_tail = (url_path_before + page.url_path[len(url_path_after):])[len(common):]
        urls |= {url[: len(url) - len(new_tail)] + old_tail for url in new_urls if url.endswith(new_tail)}
    for parent in (kwargs.get("parent_page_before"), kwargs.get("parent_page_after")):
        if parent is not None and parent.depth > 1:
            urls |= page_urls(parent.specific_deferred)
    purge(urls)


def purge_on_delete(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    from wagtail.models import Page

    if type(instance) is Page and instance.live and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        try:
            purge(page_urls(instance))
        except Exception:
            logger.exception("front-end cache purge of a deleted page failed")


def on_setting_changed(setting: str = "", **kwargs: Any) -> None:
    """Settings change at run time only in tests (``override_settings``), and what they change (a banner,
    the languages) shows on pages: what was rendered before no longer holds."""
    _bump(f"setting {setting} changed")


def connect() -> None:
    from django.test.signals import setting_changed

    setting_changed.connect(on_setting_changed, dispatch_uid="pagecache-setting-changed")
    post_save.connect(on_save, dispatch_uid="pagecache-save")
    post_delete.connect(on_delete, dispatch_uid="pagecache-delete")
    m2m_changed.connect(on_m2m, dispatch_uid="pagecache-m2m")
    for label in ("wagtailcore.PageLogEntry", "wagtailcore.ModelLogEntry"):
        post_save.connect(on_log_entry, sender=apps.get_model(label), dispatch_uid=f"pagecache-log-{label}")
    for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
        signal.connect(on_publication, dispatch_uid=f"pagecache-{id(signal)}")
    page_published.connect(purge_on_publication, dispatch_uid="pagecache-purge-published")
    page_unpublished.connect(purge_on_publication, dispatch_uid="pagecache-purge-unpublished")
    post_page_move.connect(purge_on_move, dispatch_uid="pagecache-purge-move")
    pre_delete.connect(purge_on_delete, dispatch_uid="pagecache-purge-delete")
