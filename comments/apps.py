from django.apps import AppConfig
from django.db.models.signals import pre_save


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        from accounts import exports, panels
        from accounts.signals import account_deleting
        from comments import checks  # noqa: F401 - registers the scorer settings' checks
        from comments.accounts import anonymise_comments, comments_panel, export_comments

        panels.register(comments_panel)
        exports.register("comments", export_comments)
        account_deleting.connect(anonymise_comments, dispatch_uid="comments-anonymise-on-account-deletion")

        # django-comments-xtd (2.10) republishes or hides every reply whenever a comment is
        # saved, whatever state each reply is in: approving a parent would publish replies a
        # moderator is still holding. Our services decide each comment's visibility alone.
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender="comments.Comment")
