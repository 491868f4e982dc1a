"""`manage.py import_addresses FILE`: houses of the address registry from CSV or XLSX."""

from django.core.management.base import BaseCommand

from places.management.commands._importing import run_import
from places.services import import_addresses

FORMAT = """
File: CSV (UTF-8 or Windows-1251, separated by ';' or ',') or XLSX (first sheet), first line =
column names:
  municipality      OKTMO code or name of the municipality (or its centre)  required
  settlement        name of the settlement, e.g. Петропавловск-Камчатский      required
  settlement_kind   город / пгт / посёлок / село / деревня (default: город)
  street            street name without its kind, e.g. Ленинская             required
  street_kind       ул. / пр-т / пер. / ш. / б-р / наб. / пл. / мкр (default: ул.)
  house             house number, e.g. 12 or 12А                             required
  building          building (корпус), e.g. 2
  fias_id           FIAS/GAR id of the house (the key of a re-import)
  lat, lon          coordinates in degrees, e.g. 53.02437;158.64512
Optional: settlement_fias_id, street_fias_id. Good lines are imported, each bad one is reported
with its line number; importing the same file again changes nothing.
"""


class Command(BaseCommand):
    help = "Import settlements, streets and houses of the address registry." + FORMAT

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file (see the format above).")

    def handle(self, *args, **options):
        run_import(self, options["file"], import_addresses)
