"""`manage.py import_territories FILE`: which organization serves which house or area."""

from django.core.management.base import BaseCommand

from organizations.models import ServiceKind
from places.management.commands._importing import run_import
from places.services import import_territories

FORMAT = f"""
File: CSV (';' or ',') or XLSX with a header line:
  kind            service: {", ".join(ServiceKind.values)}   required
  organization    INN, slug or exact name of the organization          required
  house_fias_id   FIAS/GAR id of a house (a house territory), or else:
  municipality    OKTMO code or name (an area: the whole municipality)
  settlement      settlement in that municipality (an area: the settlement)
  valid_from      start date, 2026-01-31 or 31.01.2026 (default: today)
  valid_to        end date (empty: until further notice)
A re-import finds a territory by kind, organization, place and valid_from, and updates valid_to.
"""


class Command(BaseCommand):
    help = "Import service territories (management companies, suppliers, operators …)." + FORMAT

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file (see the format above).")

    def handle(self, *args, **options):
        run_import(self, options["file"], import_territories)
