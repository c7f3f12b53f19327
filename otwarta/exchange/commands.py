"""Shared code of the management commands export_xliff, export_po, import_xliff and import_po."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from wagtail.models import Page

from .operations import export, import_upload
from .services import ImportRejected, Scope, source_locale, target_locale


def find_user(username: str | None) -> Any:
    """The account whose page permissions apply (default: the first active superuser)."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
    else:
        user = users.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError(f"No active user {username!r}." if username else "No active superuser: pass --user.")
    return user


def find_page(value: str) -> Page:
    """A Polish page by id or by its URL path (``/pl/instytucje/urzad/``)."""
    pages = Page.objects.filter(locale=source_locale())
    page = pages.filter(pk=int(value)).first() if value.isdigit() else None
    if page is None and not value.isdigit():
        path = "/" + value.strip("/") + "/"
        page = next((candidate for candidate in pages.filter(url_path__endswith=path.removeprefix("/pl"))
                     if candidate.get_url() == path or candidate.url_path == path), None)
    if page is None:
        raise CommandError(f"No Polish page {value!r} (give its id or its address such as /pl/instytucje/urzad/).")
    return page.specific


def locale_option(code: str) -> Any:
    try:
        return target_locale(code)
    except ValueError as error:
        raise CommandError(str(error)) from error


class ExportCommand(BaseCommand):
    format = ""

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--page", help="one Polish page: its id or address (/pl/instytucje/urzad/karta-pobytu/)")
        scope.add_argument("--section", help="the institution section of this page (id or address), all its pages")
        scope.add_argument("--all", action="store_true", help="every live Polish page (regional administrators)")
        parser.add_argument("--locale", required=True, help="target language code, e.g. uk")
        parser.add_argument("--user", help="act with this account's permissions (default: the first superuser)")
        parser.add_argument("-o", "--output", help="file to write (default: the suggested name in the current "
                                                   "directory; - for standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        locale = locale_option(options["locale"])
        user = find_user(options["user"])
        if options["all"]:
            scope, page = Scope.LOCALE, None
        elif options["section"]:
            scope, page = Scope.SECTION, find_page(options["section"])
        else:
            scope, page = Scope.PAGE, find_page(options["page"])
        try:
            exported = export(scope, self.format, locale, user, page)
        except PermissionDenied as error:
            raise CommandError(f"{user} may not edit these pages.") from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        output = options["output"] or exported.name
        if output == "-":
            sys.stdout.buffer.write(exported.content)
            return
        Path(output).write_bytes(exported.content)
        self.stderr.write(f"{output}: {exported.pages} page(s), {len(exported.content)} bytes")


class ImportCommand(BaseCommand):
    format = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the translated file")
        parser.add_argument("--locale", required=True, help="the language of the translation, e.g. uk")
        parser.add_argument("--user", help="act with this account's permissions (default: the first superuser)")
        parser.add_argument("--publish", action="store_true",
                            help="publish the translated pages (default: save drafts for review)")

    def handle(self, *args: Any, **options: Any) -> None:
        locale = locale_option(options["locale"])
        user = find_user(options["user"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        try:
            result = import_upload(path.name, data, locale, user, fmt=self.format, publish=options["publish"])
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{path.name} rejected: {len(rejected.problems)} problem(s); nothing was changed.") \
                from rejected
        state = "published" if result.published else "saved as drafts for review"
        for page in result.pages:
            self.stdout.write(f"{page.pk}\t{page.url_path}\t{page.title}")
        self.stdout.write(f"{result.units} unit(s) imported into {len(result.pages)} page(s), {state}.")
