"""Export Polish pages for translation as XLIFF (see docs/translation-exchange.md)."""

from otwarta.exchange.commands import ExportCommand
from otwarta.exchange.operations import Format


class Command(ExportCommand):
    help = __doc__
    format = Format.XLIFF
