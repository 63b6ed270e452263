"""Anything that changes what listings show bumps the site-wide cache generation, from
whichever code path saved it (admin, services, imports, the shell)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from articles.models import Article, ArticleAuthor, Correction, Section, Source, Sponsor
from authors.models import Author
from newsroom.lib.cache import bump_site_generation

LISTING_MODELS = (Article, ArticleAuthor, Correction, Section, Source, Sponsor, Author)


def _bump_after_commit(sender, **kwargs):
    transaction.on_commit(bump_site_generation)


def connect():
    for model in LISTING_MODELS:
        post_save.connect(_bump_after_commit, sender=model, dispatch_uid=f"bump-site-{model.__name__}-save")
        post_delete.connect(
            _bump_after_commit, sender=model, dispatch_uid=f"bump-site-{model.__name__}-delete"
        )
    # The same events, told to a CDN or nginx with the exact URLs (inert without CDN_PURGER).
    from articles import purging

    purging.connect()
