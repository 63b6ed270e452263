"""Demo and benchmark content for `manage.py seed_demo`.

`world` describes the invented place the demo writing is set in, `catalogue` the sections,
people and partners, `stories` the hand-written articles, `images` draws their pictures,
`seed` puts all of it in the database idempotently, and `synthetic` + `bulk` generate and load
large numbers of plausible articles for benchmarks.
"""
