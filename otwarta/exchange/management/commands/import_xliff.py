"""Import a translated XLIFF file: all or nothing (see docs/translation-exchange.md)."""

from otwarta.exchange.commands import ImportCommand
from otwarta.exchange.operations import Format


class Command(ImportCommand):
    help = __doc__
    format = Format.XLIFF
