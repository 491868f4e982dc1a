"""What the two import commands share: read the file, show progress on stderr, print the report."""

import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from places import services


def run_import(command, path: str, importer) -> None:
    try:
        rows = services.read_table(path)
    except services.ImportFileError as error:
        raise CommandError(str(error)) from error
    stderr = sys.stderr

    def progress(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        stderr.write(
            "\r["
            + "#" * filled
            + "." * (width - filled)
            + "] "
            + _("%(done)s of %(total)s lines") % {"done": done, "total": total}
        )
        if done == total:
            stderr.write("\n")
        stderr.flush()

    try:
        report = importer(rows=rows, progress=progress)
    except services.ImportFileError as error:
        raise CommandError(str(error)) from error
    for line in report.errors:
        command.stderr.write(line)
    command.stdout.write(
        _(
            "Lines: %(lines)s; created: %(created)s, updated: %(updated)s, unchanged: "
            "%(unchanged)s; with errors: %(errors)s."
        )
        % {
            "lines": report.lines,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": len(report.errors),
        }
    )
    if report.errors and not report.imported:
        raise CommandError(_("No line was imported."))
