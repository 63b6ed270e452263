"""Staff roles as groups, and the permissions each carries.

The groups are kept in step with this table after every `migrate` (and after the test
database is flushed), so an app added later only has to list its permissions here. A
permission whose app is not installed yet is skipped, not an error.
"""

import logging

from django.apps import apps
from django.contrib.auth.models import Group, Permission

logger = logging.getLogger(__name__)

WRITER = "Writer"
EDITOR = "Editor"
MODERATOR = "Moderator"
CHIEF_EDITOR = "Chief editor"

_EDITORIAL_MODELS = [
    "article",
    "articleauthor",
    "section",
    "source",
    "sponsor",
    "correction",
    "frontpage",
    "frontpageslot",
    "picture",
]

ROLE_PERMISSIONS = {
    # Writes and edits own drafts, sends them for review; cannot publish.
    WRITER: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.add_articleauthor",
        "articles.change_articleauthor",
        "articles.delete_articleauthor",
        "articles.view_articleauthor",
        "articles.view_section",
        "articles.view_source",
        "articles.view_sponsor",
        "articles.view_correction",
        "authors.view_author",
        "taggit.view_tag",
        # Adds pictures to the library for their texts; changes only their own (admin_pictures.py).
        "articles.add_picture",
        "articles.change_picture",
        "articles.view_picture",
        # Reads the story budget; changes only the stories assigned to them (planning/admin.py).
        "planning.view_plannedstory",
        "planning.change_plannedstory",
    ],
    # Edits and publishes anything, withdraws, manages sections, authors, sources, sponsors,
    # and chooses the stories of the front page.
    EDITOR: [
        *[
            f"articles.{action}_{model}"
            for model in _EDITORIAL_MODELS
            for action in ("add", "change", "delete", "view")
        ],
        "articles.publish_article",
        "articles.edit_any_article",
        "articles.view_slugredirect",
        "articles.delete_slugredirect",
        "authors.add_author",
        "authors.change_author",
        "authors.delete_author",
        "authors.view_author",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
        "taggit.view_tag",
        # Editors read comments and the moderation log; deciding on comments is the Moderator's.
        "comments.view_comment",
        "comments.view_report",
        "comments.view_moderationlogentry",
        # Editors see who subscribes and what the newsletter sent; changing them is for admins.
        *[
            f"subscriptions.view_{model}"
            for model in (
                "plan",
                "subscription",
                "webhookdelivery",
                "checkoutattempt",
                "newslettersubscriber",
                "digestissue",
                "digestrun",
            )
        ],
        # Editors answer readers' enquiries (marking them answered) and review the share log.
        "enquiries.view_enquiry",
        "enquiries.change_enquiry",
        "enquiries.view_share",
        "enquiries.change_share",
        "enquiries.view_sharerecipient",
        # Editors work the corrections queue: publish a correction from a report, or decline it.
        "enquiries.view_errorreport",
        "enquiries.change_errorreport",
        # Editors keep the advertising options page (/advertise/) up to date.
        "enquiries.view_ratecard",
        "enquiries.change_ratecard",
        *[f"enquiries.{action}_advertisingoption" for action in ("add", "change", "delete", "view")],
        # Editors plan the story budget and assign its stories to writers.
        *[f"planning.{action}_plannedstory" for action in ("add", "change", "delete", "view")],
        "planning.change_any_plannedstory",
        # Editors read the publisher's policies they work by; the chief editor changes them.
        "newsroom.view_policypage",
    ],
    # Runs the site: everything an editor does (added below), plus the site settings, the
    # partner feeds' import logs and the staff and reader accounts (never superusers: the user
    # admin keeps those, and the superuser flag, to superusers).
    CHIEF_EDITOR: [
        "newsroom.view_sitesettings",
        "newsroom.change_sitesettings",
        *[f"newsroom.{action}_sisterpublication" for action in ("add", "change", "delete", "view")],
        # The publisher's policies speak for the whole site, as its settings do.
        *[f"newsroom.{action}_policypage" for action in ("add", "change", "delete", "view")],
        "syndication.view_importrun",
        "syndication.view_sourceimport",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
    ],
    # Comments only; no content rights (reading articles is enough to set a per-article policy).
    MODERATOR: [
        "comments.moderate_comment",
        "comments.view_comment",
        "comments.view_report",
        "comments.view_suspension",
        "comments.view_moderationlogentry",
        "comments.view_guidelines",
        "comments.change_guidelines",
        "comments.view_moderationreason",
        "comments.add_moderationreason",
        "comments.change_moderationreason",
        "comments.view_commentpolicy",
        "comments.change_commentpolicy",
        "comments.view_articlecommentpolicy",
        "comments.add_articlecommentpolicy",
        "comments.change_articlecommentpolicy",
        "comments.delete_articlecommentpolicy",
        "articles.view_article",
    ],
}

ROLE_PERMISSIONS[CHIEF_EDITOR] = [*ROLE_PERMISSIONS[EDITOR], *ROLE_PERMISSIONS[CHIEF_EDITOR]]


def sync_roles(app_config=None, **kwargs):
    """Create the role groups and give each exactly the permissions listed above.

    post_migrate fires once per app; permissions of every app exist only after the last one,
    so the work is done then (or whenever called directly, without an app_config).
    """
    if app_config is not None:
        with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
        if app_config is not with_models[-1]:
            return
    # One query for all of them, not one a name: this runs after every migrate and after every
    # transactional test (tests/emptying.py), where ~230 lookups cost more than the rest.
    existing = {}
    for permission in Permission.objects.select_related("content_type"):
        existing.setdefault(f"{permission.content_type.app_label}.{permission.codename}", permission)
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            if name not in existing:
                logger.debug("role %s: permission %s does not exist (yet)", role, name)
                continue
            wanted.append(existing[name])
        group.permissions.set(wanted)
