from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max, Min

from articles.models import Article, SearchWord
from articles.search import count_words


class Command(BaseCommand):
    help = (
        "Count the words of every article's headline and standfirst afresh into search's "
        "vocabulary, which “did you mean” suggestions come from. Publishing keeps it up to date; "
        "run this once after the migration that adds it, or to correct the counts. Searching "
        "goes on meanwhile: the new counts replace the old in one step at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=20_000, help="Articles counted per step (default 20,000)."
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError(f"--batch-size must be a positive number of articles, not {batch_size}.")
        bounds = Article.objects.aggregate(first=Min("id"), last=Max("id"))
        if bounds["first"] is None:
            self.stdout.write("There are no articles yet; the vocabulary is left empty.")
            return
        first, last = bounds["first"], bounds["last"]
        steps = (last - first) // batch_size + 1
        # One transaction: readers keep the old vocabulary until the new one is complete.
        with transaction.atomic():
            SearchWord.objects.all().delete()
            for step, start in enumerate(range(first, last + 1, batch_size), start=1):
                count_words(start, min(start + batch_size - 1, last))
                if step % 5 == 0 or step == steps:
                    self.stdout.write(
                        f"  counted articles up to id {min(start + batch_size - 1, last):,} ({step}/{steps})"
                    )
            words = SearchWord.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Search vocabulary rebuilt: {words:,} words from articles {first:,} to {last:,} (by id)."
            )
        )
