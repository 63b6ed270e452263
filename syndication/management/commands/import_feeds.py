from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from articles.models import Source
from syndication.models import ImportRun
from syndication.services import import_feeds


class Command(BaseCommand):
    help = (
        "Fetch the feed of every partner source whose import is on (or of one source) and create "
        "or update articles from its items. Safe to run again: known items are not imported twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", metavar="SLUG", help="Import only the source with this slug.")

    def handle(self, *args, source=None, **options):
        sources = None
        if source:
            sources = [self.source_to_import(source)]
        run = import_feeds(trigger=ImportRun.Trigger.COMMAND, sources=sources, progress=self.stdout.write)

        source_imports = list(run.source_imports.all())
        totals = {
            name: sum(getattr(source_import, name) for source_import in source_imports)
            for name in ("fetched", "new", "updated", "unchanged", "skipped", "failed")
        }
        broken = [item for item in source_imports if item.status == item.Status.FAILED]
        summary = (
            f"{len(source_imports)} source(s): {totals['fetched']} items fetched, {totals['new']} new, "
            f"{totals['updated']} updated, {totals['unchanged']} unchanged, {totals['skipped']} skipped, "
            f"{totals['failed']} failed; {len(broken)} feed(s) failed."
        )
        style = self.style.WARNING if broken or totals["failed"] else self.style.SUCCESS
        self.stdout.write(style(summary))
        self.stdout.write(f"Log: {reverse('admin:syndication_importrun_change', args=[run.pk])}")

    def source_to_import(self, slug):
        try:
            source = Source.objects.select_related("default_section").get(slug=slug)
        except Source.DoesNotExist:
            raise CommandError(f"No source has the slug “{slug}”.") from None
        if not source.feed_url:
            raise CommandError(f"{source.name} has no feed URL; add one in the admin first.")
        if not source.import_active:
            raise CommandError(
                f"Importing is switched off for {source.name}; switch it on in the admin first."
            )
        return source
