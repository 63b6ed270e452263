"""The public change log of an article: what changed for readers after it was published, and
when. Built from its revisions (django-simple-history) and its corrections.

An edit is listed when its revision changed something readers read (the fields of
READER_TEXT_FIELDS) after the quiet minutes that follow publication, and its editor did not
mark it minor: the same rule that moves "Updated" (Article.save), so the latest entry is the
article's "Updated" time and its JSON-LD dateModified. Two queries whatever the history: the
revisions, then the corrections (already fetched with the article page's own article).
"""

from dataclasses import dataclass, field
from datetime import datetime

from articles.models import MINOR_EDIT_REASON, QUIET_EDIT_PERIOD, READER_TEXT_FIELDS

# What readers call each part, in the order the page shows them.
PART_NAMES = {
    "headline": "headline",
    "standfirst": "standfirst",
    "body": "text",
    "featured_image": "picture",
    "image_alt": "picture's description",
    "image_caption": "picture's caption",
    "image_credit": "picture's credit",
    "video_url": "video",
}


@dataclass(frozen=True)
class Change:
    at: datetime
    parts: list = field(default_factory=list)  # for an edit: the parts that changed
    correction: str = ""  # for a correction: its text

    @property
    def is_correction(self):
        return bool(self.correction)


def _edits(article):
    revisions = (
        article.history.filter(status="published")
        .only("history_date", "history_change_reason", *READER_TEXT_FIELDS)
        .order_by("history_date", "history_id")
    )
    quiet_until = article.publish_at + QUIET_EDIT_PERIOD
    edits, previous = [], None
    for revision in revisions:
        if previous is not None and revision.history_date > quiet_until:
            parts = [
                label
                for name, label in PART_NAMES.items()
                if getattr(revision, name) != getattr(previous, name)
            ]
            if parts and revision.history_change_reason != MINOR_EDIT_REASON:
                edits.append(Change(at=revision.history_date, parts=parts))
        previous = revision
    return edits


def public_changes(article):
    """The listed edits and corrections of a published article, newest first."""
    corrections = [
        Change(at=correction.published_at, correction=correction.text)
        for correction in article.corrections.all()
    ]
    return sorted(_edits(article) + corrections, key=lambda change: change.at, reverse=True)
