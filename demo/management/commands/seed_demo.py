"""Demo content for development: `manage.py seed_demo` (run by `make run` and `make seed`).

Safe to run again: every row is looked up by a natural key before it is created, so a second
run adds nothing. `--articles N` adds N generated articles for benchmarks on top, with bulk
inserts, and `--comments N` (by default half as many as articles) generated comments. Each
run with them adds another N.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo import bulk
from demo.comments import load_bulk_comments
from demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo users (password newsroom-demo), sections, authors, partner sources, "
        "sponsors and about sixty articles; safe to repeat, it adds no duplicates. With "
        "--articles N, also add N generated articles for benchmarks (each run adds another N)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            metavar="N",
            help="Also add N generated articles with bulk inserts, for benchmarks. Each run adds "
            "another N; slugs never collide. 100,000 take about a minute.",
        )
        parser.add_argument(
            "--authors",
            type=int,
            default=None,
            metavar="M",
            help="Size of the pool of generated authors that --articles draws bylines from "
            "(default: one per 100 articles, at least 300). The pool is the same people on every "
            "run; a larger M adds more.",
        )
        parser.add_argument(
            "--comments",
            type=int,
            default=None,
            metavar="C",
            help="Also add C generated comments on published articles, most of them on a few hot "
            "stories, a third of them replies (default: half of --articles, so 500,000 with "
            "1,000,000 articles). Each run adds another C.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="Random seed for --articles, to generate the same text again (default: a new one each run).",
        )

    def handle(self, *args, articles, authors, comments, seed, **options):
        if articles < 0:
            raise CommandError(f"--articles must be zero or more, not {articles}.")
        if authors is None:
            authors = max(300, articles // 100)
        if authors < 1:
            raise CommandError(f"--authors must be at least 1, not {authors}.")
        if comments is None:
            comments = articles // 2
        if comments < 0:
            raise CommandError(f"--comments must be zero or more, not {comments}.")
        started = time.monotonic()
        tally = seed_demo(self.say)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready in {time.monotonic() - started:.1f} s:"))
        for line in tally.lines():
            self.stdout.write(f"  {line}")
        if articles:
            self.add_generated_articles(articles, authors, seed)
        if comments:
            # Its own seed, derived from --seed, so the same command makes the same comments.
            load_bulk_comments(count=comments, out=self.say, seed=None if seed is None else seed + 1)
        # The vocabulary of “did you mean”: the generated articles bypass publishing, which
        # otherwise keeps it up to date.
        call_command("rebuild_search_words", stdout=self.stdout)
        if articles or comments:
            self.stdout.write(
                self.style.SUCCESS(f"seed_demo finished in {time.monotonic() - started:.1f} s.")
            )

    def add_generated_articles(self, count, author_count, seed):
        self.say(f"Adding {count:,} generated articles (bylines from a pool of {author_count:,} authors)...")
        summary = bulk.ArticleLoader(count=count, author_count=author_count, out=self.say, seed=seed).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {summary.articles:,} articles, {summary.bylines:,} bylines and "
                f"{summary.tag_links:,} tag links in {summary.seconds:.1f} s "
                f"({summary.articles / max(summary.seconds, 0.001):,.0f} articles/s)"
            )
        )
        found = author_count - summary.authors_created
        self.stdout.write(f"  pool authors: {summary.authors_created:,} created, {found:,} already there")
        if summary.indexes_rebuilt:
            rebuilt, seconds = summary.indexes_rebuilt, summary.index_seconds
            self.stdout.write(f"  indexes set aside and rebuilt after the load: {rebuilt} in {seconds:.1f} s")

    def say(self, message):
        self.stdout.write(message)
        self.stdout.flush()
