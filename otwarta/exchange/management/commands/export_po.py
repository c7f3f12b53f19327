"""Export Polish pages for translation as PO (see docs/translation-exchange.md)."""

from otwarta.exchange.commands import ExportCommand
from otwarta.exchange.operations import Format


class Command(ExportCommand):
    help = __doc__
    format = Format.PO
