"""Demo and benchmark content for `manage.py seed_demo`; nothing the site runs on.

This app sits at the top of the dependency graph: it imports the apps it fills, and no app
imports it, so the apps that ship carry no demo prose.

`catalogue` holds the sections, people and partners, `stories` (with `paragraphs`) the
hand-written articles, `images` draws their pictures, `subscriptions` and `enquiries` the
plans, the demo subscriber and the rate card, and `seed` puts all of it in the database
idempotently. `synthetic` + `bulk` generate and load large numbers of plausible articles for
benchmarks, and `comments` the discussion under them.
"""
