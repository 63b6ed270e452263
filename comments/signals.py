"""Comment policies change what an article's comments region says (open or closed, and why),
so saving one moves the generation that region is cached under (newsroom/lib/cache.py)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from comments.models import ArticleCommentPolicy, CommentPolicy
from newsroom.lib.cache import bump_article_generation, bump_site_generation


def _site_policy_changed(sender, **kwargs):
    transaction.on_commit(bump_site_generation)


def _article_policy_changed(sender, instance, **kwargs):
    article_id = instance.article_id
    transaction.on_commit(lambda: bump_article_generation(article_id))


def connect():
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_site_policy_changed, sender=CommentPolicy, dispatch_uid=f"site-policy-{name}")
        signal.connect(
            _article_policy_changed, sender=ArticleCommentPolicy, dispatch_uid=f"article-policy-{name}"
        )
