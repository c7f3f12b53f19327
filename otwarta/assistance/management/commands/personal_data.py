"""Access and erasure requests (GDPR art. 15 and 17) for one e-mail address: the requests made with it and
a register profile with it (language pairs and duty rota included). See docs/assistance-requests.md."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from otwarta.assistance import services


class Command(BaseCommand):
    help = "Export (--export) or erase (--erase) everything held about one e-mail address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The person's e-mail address.")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true", help="Print the data as JSON.")
        action.add_argument("--erase", action="store_true", help="Delete the data (asks first).")
        parser.add_argument("--output", help="With --export: write the JSON to this file instead.")
        parser.add_argument("--yes", action="store_true", help="With --erase: do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {email!r}") from error
        if options["export"]:
            text = json.dumps(services.export_personal_data(email), ensure_ascii=False, indent=2)
            if options.get("output"):
                with open(options["output"], "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
                self.stderr.write(f"Written to {options['output']}.")
            else:
                self.stdout.write(text)
            return
        requests = services.requests_of(email).count()
        people = services.people_of(email).count()
        if not requests and not people:
            self.stdout.write(f"Nothing is held about {email}.")
            return
        if not options["yes"]:
            answer = input(f"Delete {requests} request(s) and {people} register profile(s) of {email}? "
                           "This cannot be undone. Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Cancelled: nothing was deleted.")
        report = services.erase_personal_data(email)
        self.stdout.write(self.style.SUCCESS(
            f"Deleted {report.requests} request(s) and {report.people} register profile(s) of {email}."))
