from django.core.management.base import BaseCommand, CommandError

from articles.models import Section
from wires.ingest import Report, ingest_location, poll
from wires.models import WireSource
from wires.tasks import poll_due_sources


class Command(BaseCommand):
    help = (
        "Read ninjs JSON, NewsML-G2 or an RSS or Atom feed from a file, folder or address and make a draft of "
        "each text item; one line per item. Exits with 1 if any item failed, after taking all the others."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", nargs="?", help="A file, a folder, or an http(s) address.")
        parser.add_argument("--source", help="The wire source (its name) the items come from.")
        parser.add_argument("--section", help="The section (its slug) for new drafts; default: the source's.")
        parser.add_argument(
            "--due", action="store_true", help="Enqueue a poll of every enabled source that is due, and stop."
        )

    def handle(self, *args, location=None, source=None, section=None, due=False, **options):
        if due:
            result = poll_due_sources.enqueue()
            self.stdout.write(f"Polling of the due sources enqueued ({result.id}).")
            return
        wire_source = None
        if source:
            wire_source = WireSource.objects.select_related("organisation", "section").filter(name=source).first()
            if wire_source is None:
                raise CommandError(f"There is no wire source called “{source}”.")
        chosen_section = None
        if section:
            chosen_section = Section.objects.filter(slug=section).first()
            if chosen_section is None:
                raise CommandError(f"There is no section with the slug “{section}”.")
        if location is None and wire_source is None:
            raise CommandError("Give a file, folder or address, or --source NAME, or --due.")
        if location is None and chosen_section is None:
            report = poll(wire_source)
        else:
            report = ingest_location(location or wire_source.location, wire_source, chosen_section)
        self.show(report)

    def show(self, report: Report):
        for line in report.lines:
            (self.stderr if line.startswith("ERROR") else self.stdout).write(line)
        if report.failed:
            raise CommandError(f"{report.failed} of {len(report.lines)} items failed; the others went in.")
