"""manage.py import_classifier FILE: load an edition of the all-Russian thematic classifier."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from reporting.services import import_classifier, read_classifier


class Command(BaseCommand):
    help = (
        "Load the typical all-Russian thematic classifier of appeals from a CSV file "
        "(code;name, UTF-8). Without a file: the demo excerpt shipped with the platform."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV: code;name (or код;наименование)")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Mark headings that are not in the file as not in the current edition.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else DEMO_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Не удалось прочитать {path}: {error}") from error
        try:
            result = import_classifier(
                rows=read_classifier(text), deactivate_missing=options["deactivate_missing"]
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Классификатор: создано {result.created}, обновлено {result.updated}, "
            f"выведено из редакции {result.deactivated}."
        )


DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "classifier_demo.csv"
