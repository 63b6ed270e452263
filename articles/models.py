from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Func, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, JSONObject, NullIf
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.video import video_embed_url
from authors.models import Author
from newsroom.lib.images import UploadedImageField
from newsroom.lib.sanitize import clean_body_html, plain_text
from newsroom.lib.urls import reversed_path

BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}
# An article's text may also hold pictures from the library (Picture), with their captions.
ARTICLE_BODY_EXTENSIONS = BODY_EDITOR_EXTENSIONS | {"Figure": True, "Image": True, "Caption": True}


class Sponsor(models.Model):
    """A company or foundation that pays for an article or a section, disclosed on the page."""

    name = models.CharField(max_length=120, unique=True)
    logo = UploadedImageField(upload_to="sponsors/", blank=True)
    url = models.URLField("link", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Top-level paths that belong to something else; a section slug may not take one.
RESERVED_SLUGS = {
    "admin", "accounts", "api", "authors", "comments", "corrections", "feed", "gift", "healthz", "mail",
    "media", "newsletter", "preview", "robots.txt", "search", "sitemap.xml", "sources", "static",
    "subscriptions", "tags", "enquiries", "contact", "about", "advertise",
}  # fmt: skip


def validate_section_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is already used by another part of the site; choose another slug.")


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, validators=[validate_section_slug])
    description = models.TextField(blank=True, max_length=500)
    position = models.PositiveSmallIntegerField(
        "order in the navigation", default=100, help_text="Lower numbers come first."
    )
    sponsor = models.ForeignKey(Sponsor, null=True, blank=True, on_delete=models.SET_NULL)
    editorial_email = models.EmailField(
        blank=True,
        help_text="Where article enquiries about this section go. Blank: the general editorial address.",
    )
    desk_editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="desk_sections",
        help_text="Told by email when an article of this section is sent for review. "
        "Blank: every editor is told.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reversed_path("articles:section", slug=self.slug)


class Source(models.Model):
    """A partner organisation whose work we publish or syndicate."""

    class ImportMode(models.TextChoices):
        DRAFT = "draft", "As drafts for an editor to review"
        PUBLISH = "publish", "Published at once"

    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    logo = UploadedImageField(upload_to="sources/", blank=True)
    website = models.URLField(blank=True)
    attribution = models.CharField(
        max_length=300, blank=True, help_text="Shown with each of its articles, e.g. “First published by …”."
    )
    feed_url = models.URLField("feed URL", blank=True, max_length=500)
    import_active = models.BooleanField("import the feed", default=False)
    import_mode = models.CharField(max_length=10, choices=ImportMode, default=ImportMode.DRAFT)
    default_section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_tags = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated tags added to every imported article."
    )
    licence_url = models.URLField(
        "licence address",
        blank=True,
        help_text="The licence under which we republish this partner's articles, named in their data "
        "for search engines. Blank: the site's licence.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:source", kwargs={"slug": self.slug})

    def clean(self):
        if self.import_active and not self.feed_url:
            raise ValidationError({"feed_url": "Give the feed's address to import it."})
        if self.import_active and not self.default_section_id:
            raise ValidationError({"default_section": "Imported articles need a section to go in."})


class TaggedArticle(TaggedItemBase):
    """Tag links with a real foreign key, so a tag page is an indexed join, not a generic one."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        indexes = [
            # Tag pages: the articles of one tag.
            models.Index(fields=["tag", "content_object"], name="taggedarticle_tag_article_idx"),
        ]


# What an article card (the {% article_card %} tag in articles/templatetags/reading.py) and a
# search result read of an article and its relations; ArticleQuerySet.for_listing() loads
# these only. created_at is the address's fallback date for an article with no publish time yet.
CARD_FIELDS = (
    "headline", "slug", "standfirst", "type_of_work", "featured_image", "image_alt", "is_premium",
    "publish_at", "created_at", "section__name", "section__slug", "section__sponsor__name",
    "source__name", "sponsor__name",
)  # fmt: skip


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """The one definition of what readers may see: published, its time come, not withdrawn.

        Scheduled publishing and withdrawal need no job: the clock alone moves articles in
        and out of this set.
        """
        now = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now).filter(
            Q(withdraw_at__isnull=True) | Q(withdraw_at__gt=now)
        )

    def scheduled(self, at=None):
        now = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)

    def next_scheduled_change(self, now):
        """The next moment the clock alone changes what readers see (a scheduled publish or
        withdrawal, a front page slot running out, live coverage reaching its end time), or
        None: no cached page or piece may outlive it (newsroom/lib/pagecache.py). One query:
        the earliest of each, as a UNION of four single-row index reads."""
        published = self.filter(status=Article.Status.PUBLISHED).order_by()

        def first(queryset, field):
            return queryset.filter(**{f"{field}__gt": now}).order_by(field).values_list(field, flat=True)[:1]

        moments = (
            first(published, "publish_at")
            .union(
                first(published, "withdraw_at"),
                first(FrontPageSlot.objects.all(), "expires_at"),
                first(LiveCoverage.objects.filter(ended=False), "ends_at"),
                all=True,
            )
            .order_by()
        )
        return min(moments, default=None)

    def in_review(self):
        return self.filter(status=Article.Status.REVIEW)

    def for_page(self):
        """The articles with what their pages show around the text, in a fixed number of
        queries: section (and its sponsor: a sponsored section discloses it everywhere),
        source, sponsor, and bylines with their authors. Not the search column: it is the
        index's data, about as long as the text, never shown, and kept with the article page's
        pieces it made them slower to read back."""
        bylines = ArticleAuthor.objects.select_related("author")
        return (
            self.select_related("section__sponsor", "source", "sponsor")
            .defer("search")
            .prefetch_related(models.Prefetch("bylines", queryset=bylines))
        )

    def for_listing(self):
        """What an article card shows, and nothing else: its columns (CARD_FIELDS), the names
        of its section, partner and sponsors, and its byline (Article.credits()). Reading every
        column of five tables for a card was half of an uncached listing's time, spent building
        fields and rows no card looks at; the byline comes in the same query, as plain values:
        prefetching it was a second query and two model instances a name (issue 20)."""
        credits = (
            ArticleAuthor.objects.filter(article=OuterRef("pk"))
            .order_by("position", "id")
            .values(
                credit=JSONObject(
                    name="author__name",
                    slug="author__slug",
                    role=Coalesce(NullIf("role", Value("")), "author__role"),
                )
            )
        )
        return (
            self.select_related("section__sponsor", "source", "sponsor")
            .only(*CARD_FIELDS)
            .annotate(listed_credits=ArraySubquery(credits))
        )


# The text search configuration of the search column, and so of every query against it:
# English stemming with accents taken off first (migration 0013), so “Ekstrom” finds
# “Ekström” and “cafe” finds “café”, and the other way round.
SEARCH_CONFIG = "newsroom_search"


def body_text():
    """The body with its tags replaced by spaces, in SQL: what search reads of it."""
    return Func(
        F("body"),
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


class PublicationWeek(Func):
    """The calendar week, in UTC, of an article's publish time, as the week's Monday.

    The search index holds it beside the search vector so that search can ask for one week's
    matches at a time (articles/search.py). Written out rather than TruncWeek because an index
    needs an immutable expression compared with a date; TruncWeek compares a timestamp with an
    aware datetime, which no index on a date can serve.
    """

    template = "(DATE_TRUNC('week', %(expressions)s AT TIME ZONE 'UTC'))::date"
    arity = 1
    output_field = models.DateField()


# The fields whose change after publication readers are told of ("Updated"): what the page
# shows as the article. Not the workflow, the section, tags, sponsor or search fields.
READER_TEXT_FIELDS = [
    "headline", "standfirst", "body", "featured_image", "image_alt", "image_caption",
    "image_credit", "video_url", "dateline", "sources_and_method",
]  # fmt: skip
# Slips noticed in the first minutes after publication are fixed without announcing an update.
QUIET_EDIT_PERIOD = timedelta(minutes=5)
# The revision reason of an edit its editor marked minor (a typo, a layout fix): it leaves
# "Updated" alone and stays out of the public change log (articles/changelog.py).
MINOR_EDIT_REASON = "Minor edit"


class TypeOfWork(models.TextChoices):
    """What kind of journalism an article is, as readers are told by its label and search
    engines by its schema.org type (SCHEMA_TYPES). The one rule, kept by Article.save() and
    LiveCoverage.save(): an article with a live page is live, else one with its own sponsor is
    sponsored; a sponsored section's articles keep their type (the section's sponsor note
    discloses it)."""

    NEWS = "news", "News"
    ANALYSIS = "analysis", "Analysis"
    OPINION = "opinion", "Opinion"
    REVIEW = "review", "Review"
    SPONSORED = "sponsored", "Sponsored"
    LIVE = "live", "Live"


SCHEMA_TYPES = {
    TypeOfWork.NEWS: "NewsArticle",
    TypeOfWork.ANALYSIS: "AnalysisNewsArticle",
    TypeOfWork.OPINION: "OpinionNewsArticle",
    TypeOfWork.REVIEW: "ReviewNewsArticle",
    TypeOfWork.SPONSORED: "AdvertiserContentArticle",
    TypeOfWork.LIVE: "LiveBlogPosting",
}


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TypeOfWork = TypeOfWork

    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The last part of the address.")
    standfirst = models.TextField(
        max_length=600,
        blank=True,
        help_text="The summary under the headline; also the search and feed summary.",
    )
    body = ProseEditorField(extensions=ARTICLE_BODY_EXTENSIONS, sanitize=clean_body_html, blank=True)
    type_of_work = models.CharField(
        "type of work",
        max_length=10,
        choices=TypeOfWork,
        default=TypeOfWork.NEWS,
        help_text="Shown as a label beside the headline. An article with its own sponsor is always "
        "sponsored, and one with a live page always live.",
    )
    dateline = models.CharField(
        max_length=60, blank=True, help_text="Optional: where the story was reported, such as “BRUSSELS”."
    )
    sources_and_method = models.TextField(
        "sources and method",
        max_length=2000,
        blank=True,
        help_text="Optional: how we reported this story and whom we spoke to, shown in a box after the text.",
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True)
    tags = TaggableManager(through=TaggedArticle, blank=True)
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles", blank=True)
    author_names = models.CharField(
        max_length=500, blank=True, editable=False, help_text="Authors in byline order, kept for search."
    )

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    original_url = models.URLField(
        "original URL", max_length=500, blank=True, help_text="For syndicated pieces: the canonical address."
    )
    syndication_guid = models.CharField(max_length=500, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    import_checksum = models.CharField(max_length=64, blank=True, editable=False)

    featured_image = UploadedImageField(upload_to="articles/%Y/%m/", blank=True)
    image_alt = models.CharField(
        "image description", max_length=250, blank=True, help_text="What the image shows, for screen readers."
    )
    image_caption = models.CharField(max_length=300, blank=True)
    image_credit = models.CharField(max_length=150, blank=True)
    video_url = models.URLField(
        "video URL", blank=True, help_text="A YouTube or Vimeo address; shown without tracking cookies."
    )

    sponsor = models.ForeignKey(
        Sponsor, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    is_premium = models.BooleanField("premium", default=False, help_text="Full text for subscribers only.")
    comments_open = models.BooleanField(default=True)
    comments_close_at = models.DateTimeField(
        null=True, blank=True, help_text="Blank: the site's comment policy decides when comments close."
    )
    licence_url = models.URLField(
        "licence address",
        blank=True,
        help_text="Only if this article is under a licence of its own (a Creative Commons piece, say). "
        "Blank: its partner source's licence, or the site's.",
    )
    seo_title = models.CharField("SEO title", max_length=70, blank=True)
    seo_description = models.CharField("SEO description", max_length=160, blank=True)

    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When readers first see it. A future time schedules it."
    )
    withdraw_at = models.DateTimeField(
        null=True, blank=True, help_text="Optional: after this time the article is no longer shown."
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Any save at all, workflow steps included: what syndication and sitemaps go by.
    updated_at = models.DateTimeField(auto_now=True)
    # What readers are told: the last change to what they read (an edit of the text or a
    # correction) after publication. Set by save() and by Correction.save(); see was_updated.
    revised_at = models.DateTimeField("updated for readers", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Bumped by every save; an edit form carries the number it started from, so a save over
    # somebody else's newer change is caught instead of silently overwriting it.
    version = models.PositiveIntegerField(default=1, editable=False)

    search = models.GeneratedField(
        expression=(
            SearchVector("headline", weight="A", config=SEARCH_CONFIG)
            + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
            + SearchVector(
                # A premium body is for subscribers: indexing its words would let anyone
                # learn them by searching, so a premium article is found by its free parts
                # only (headline, standfirst, authors), whoever searches.
                Case(
                    When(is_premium=True, then=Value("")),
                    default=body_text(),
                    output_field=models.TextField(),
                ),
                weight="C",
                config=SEARCH_CONFIG,
            )
            + SearchVector("author_names", weight="D", config=SEARCH_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search", "version", "updated_at", "revised_at"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        permissions = [
            ("publish_article", "Can publish, schedule and withdraw articles"),
            ("edit_any_article", "Can edit articles written by others"),
        ]
        indexes = [
            # Home page and site feed: newest published first.
            models.Index(
                F("publish_at").desc(),
                F("id").desc(),
                name="article_published_idx",
                condition=Q(status="published"),
            ),
            # Section pages and feeds.
            models.Index(
                "section",
                F("publish_at").desc(),
                F("id").desc(),
                name="article_section_published_idx",
                condition=Q(status="published"),
            ),
            # Source pages and feeds.
            models.Index(
                "source",
                F("publish_at").desc(),
                F("id").desc(),
                name="article_source_published_idx",
                condition=Q(status="published"),
            ),
            # Admin planning view and state filters.
            models.Index(fields=["status", "publish_at"], name="article_status_publish_idx"),
            # The admin's date drill-down: the earliest and latest publish time and the years
            # between, which would otherwise read the whole table on every changelist load.
            models.Index(fields=["publish_at"], name="article_publish_at_idx"),
            # The next scheduled withdrawal (next_scheduled_change, which bounds every
            # cached page's life): only the few published rows that have one are indexed.
            models.Index(
                fields=["withdraw_at"],
                name="article_withdrawal_due_idx",
                condition=Q(status="published", withdraw_at__isnull=False),
            ),
            # Search, a week at a time (articles/search.py): the words with each article's
            # week (btree_gin) find one week's matches of a query, and the week's publish
            # times, newest first, serve a word so common that reading the week in order
            # finds enough matches sooner.
            GinIndex(F("search"), PublicationWeek("publish_at"), name="article_search_week_gin"),
            models.Index(
                PublicationWeek("publish_at"),
                F("publish_at").desc(),
                F("id").desc(),
                name="article_week_published_idx",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "syndication_guid"],
                condition=~Q(syndication_guid=""),
                name="article_unique_syndicated_item",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review"]) | Q(publish_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published or withdrawn article needs a publish time.",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Every writer of bodies passes here, not only the admin form.
        self.body = clean_body_html(self.body)
        # Paid-for content is disclosed as such whatever type was picked (see TypeOfWork).
        if self.sponsor_id and self.type_of_work != TypeOfWork.LIVE:
            self.type_of_work = TypeOfWork.SPONSORED
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        if self.status == self.Status.PUBLISHED and self.first_published_at is None and self.publish_at:
            self.first_published_at = self.publish_at
        if self._reader_text_changed(kwargs.get("update_fields")) and not getattr(self, "_minor_edit", False):
            self.revised_at = timezone.now()
            # The revision carries the same moment, so the change log's latest edit is exactly
            # the "Updated" time and dateModified (simple-history reads _history_date).
            self._history_date = self.revised_at
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "revised_at"}
        old_slug = getattr(self, "_loaded_slug", None)
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
                if old_slug and old_slug != self.slug:
                    SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": self})
                    # The new slug may be one this article (or another) once had.
                    SlugRedirect.objects.filter(old_slug=self.slug).delete()
        finally:
            # Never stamped on the next save of this instance.
            self.__dict__.pop("_history_date", None)
        self._loaded_slug = self.slug
        self._loaded_reader_text = self._reader_text()

    def get_absolute_url(self):
        when = timezone.localtime(self.publish_at or self.created_at or timezone.now())
        return reversed_path(
            "articles:detail",
            section=self.section.slug if self.section_id else "news",
            year=when.year,
            month=f"{when.month:02d}",
            day=f"{when.day:02d}",
            slug=self.slug,
        )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        article = super().from_db(db, field_names, values, **kwargs)
        # Remember the slug it was loaded with, so a change can leave a redirect behind, and
        # what readers read, so a change to it after publication is shown as an update.
        article._loaded_slug = article.__dict__.get("slug")
        article._loaded_reader_text = article._reader_text()
        return article

    def _reader_text(self):
        # The raw values held (a deferred field is simply absent): reading the attribute
        # would load a deferred field, one query per article in a listing. An image is
        # compared by its stored name.
        return {
            name: getattr(self.__dict__[name], "name", self.__dict__[name])
            for name in READER_TEXT_FIELDS
            if name in self.__dict__
        }

    def _reader_text_changed(self, update_fields):
        """Whether this save changes what readers of the published article read, after the
        few minutes in which a newly published article's slips are put right unannounced."""
        if self._state.adding or self.status != self.Status.PUBLISHED or self.publish_at is None:
            return False
        if timezone.now() - self.publish_at <= QUIET_EDIT_PERIOD:
            return False
        # A row created in this process and never saved has nothing to compare with.
        loaded = getattr(self, "_loaded_reader_text", {})
        current = self._reader_text()
        names = set(loaded) & set(current)
        if update_fields is not None:
            names &= set(update_fields)
        return any(current[name] != loaded[name] for name in names)

    # State, as readers and editors see it ---------------------------------------------------

    @property
    def is_published(self):
        """True when readers can see it now: the same rule as ArticleQuerySet.published()."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.withdraw_at is None or self.withdraw_at > now)
        )

    @property
    def state_label(self):
        now = timezone.now()
        if self.status == self.Status.PUBLISHED:
            if self.publish_at and self.publish_at > now:
                return "Scheduled"
            if self.withdraw_at and self.withdraw_at <= now:
                return "Withdrawn"
            return "Published"
        return self.get_status_display()

    def missing_for_publication(self):
        """Names of what an article lacks before it may be published, in the editor's words."""
        missing = []
        if not self.headline.strip():
            missing.append("a headline")
        if not plain_text(self.body):
            missing.append("a body")
        if not self.section_id:
            missing.append("a section")
        if not self.pk or not self.bylines.exists():
            missing.append("at least one author")
        return missing

    # What pages show -----------------------------------------------------------------------

    @property
    def display_title(self):
        return self.seo_title or self.headline

    @property
    def meta_description(self):
        return self.seo_description or plain_text(self.standfirst)[:160]

    @property
    def video_embed_url(self):
        return video_embed_url(self.video_url)

    @property
    def canonical_url(self):
        return self.original_url or None

    @property
    def effective_sponsor(self):
        return self.sponsor or (self.section.sponsor if self.section_id else None)

    @property
    def was_updated(self):
        """Whether readers are shown "Updated": the text was edited or corrected after the
        publication time the page shows. Workflow steps (scheduling a withdrawal, closing
        comments) and bylines change nothing readers read and leave it alone."""
        return bool(self.revised_at and self.publish_at and self.revised_at > self.publish_at)

    @property
    def modified_at(self):
        """The time the page, its structured data and the feeds give as last modified: the
        visible "Updated" time, or the publication time when there is none."""
        return self.revised_at if self.was_updated else self.publish_at

    def refresh_author_names(self):
        """Keep the denormalised author names (searched, and kept in revisions) in step.

        Bylines are saved after the article itself (they need its id), so the revision that
        save recorded still has the old names; it describes this same edit, so it is corrected
        rather than followed by a second, confusing revision.
        """
        names = ", ".join(byline.author.name for byline in self.bylines.select_related("author"))
        if names != self.author_names:
            self.author_names = names
            Article.objects.filter(pk=self.pk).update(author_names=names)
            latest = self.history.order_by("-history_date", "-history_id").values("pk")[:1]
            Article.history.filter(pk__in=latest).update(author_names=names)

    def latest_revision(self):
        """The newest revision: who made the last change, when, and why."""
        return self.history.select_related("history_user").order_by("-history_date", "-history_id").first()

    def clean(self):
        super().clean()
        if self.video_url and not video_embed_url(self.video_url):
            raise ValidationError({"video_url": "Only YouTube and Vimeo video addresses can be embedded."})
        if self.withdraw_at and self.publish_at and self.withdraw_at <= self.publish_at:
            raise ValidationError({"withdraw_at": "The withdrawal time must come after the publish time."})
        if self.featured_image and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Describe the image for readers who cannot see it."})
        self._clean_type_of_work()

    def _clean_type_of_work(self):
        has_live_page = self.pk is not None and LiveCoverage.objects.filter(article_id=self.pk).exists()
        if self.type_of_work == TypeOfWork.LIVE and not has_live_page:
            raise ValidationError(
                {
                    "type_of_work": "An article becomes live when you start a live page for it under "
                    "“Live pages”. Choose another type until then."
                }
            )
        if has_live_page and self.type_of_work != TypeOfWork.LIVE:
            raise ValidationError(
                {
                    "type_of_work": "This article has a live page, so it stays “Live”. Delete its live "
                    "page first to give it another type."
                }
            )
        if self.type_of_work == TypeOfWork.SPONSORED and not self.sponsor_id:
            raise ValidationError(
                {
                    "sponsor": "A sponsored article needs its sponsor: choose who paid for it, "
                    "or pick another type."
                }
            )

    @property
    def schema_type(self):
        """The schema.org type search engines are given for this article."""
        return SCHEMA_TYPES[self.type_of_work]

    def credits(self):
        """The byline's names in order, as Credit: read with the article when it was listed
        (for_listing), otherwise from its bylines."""
        listed = getattr(self, "listed_credits", None)
        if listed is not None:
            return [Credit(**credit) for credit in listed]
        return [byline.credit() for byline in self.bylines.all()]

    @property
    def shows_type_label(self):
        """Whether cards and the page name the type: plain news needs no label, and a sponsored
        article already carries its "Sponsored" label from its sponsor."""
        return self.type_of_work not in {TypeOfWork.NEWS, TypeOfWork.SPONSORED}


class Credit(NamedTuple):
    """One name of a byline as readers see it: the author's name, the address of their page
    (from the slug) and their role on the article."""

    name: str
    slug: str
    role: str

    def get_absolute_url(self):
        return Author.path_for(self.slug)


class ArticleAuthor(models.Model):
    """One name in an article's byline, in order, with an optional role for this article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(
        "role on this article", max_length=120, blank=True, help_text="Blank: the author's usual role."
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_author_once_per_article"),
        ]
        indexes = [
            # Author pages: one author's articles.
            models.Index(fields=["author", "article"], name="byline_author_article_idx"),
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"

    @property
    def display_role(self):
        return self.role or self.author.role

    def credit(self):
        return Credit(self.author.name, self.author.slug, self.display_role)


class CorrectionQuerySet(models.QuerySet):
    def visible(self):
        """Corrections to articles readers can see: /corrections/ and its feed."""
        return self.filter(article__in=Article.objects.published().values("pk"))


class Correction(models.Model):
    """A dated note appended to a published article, shown to readers and on /corrections/."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(max_length=2000)
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(F("published_at").desc(), name="correction_recent_idx")]

    def __str__(self):
        return f"Correction to {self.article} on {self.published_at:%d %b %Y}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            # A correction changes what readers read, whether or not the article row is saved
            # with it: its time becomes the article's "Updated" time, never moving it back.
            Article.objects.filter(pk=self.article_id).filter(
                Q(revised_at__isnull=True) | Q(revised_at__lt=self.published_at)
            ).update(revised_at=self.published_at)


class SlugRedirect(models.Model):
    """A slug an article used to have; its old address answers with a permanent redirect."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class DailyReadCount(models.Model):
    """Reads of an article on one day, for “most read”. Written off the page's critical path."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_counts")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="read_count_once_per_day")]
        indexes = [models.Index(fields=["day", "article"], name="read_count_day_idx")]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.count}"


class SearchWord(models.Model):
    """A word readers could search for, with how many articles use it: the vocabulary that
    “did you mean” suggestions come from (articles/search.py: suggested_query).

    Filled from the free parts of articles (headline and standfirst, never a premium body), by
    articles.tasks.remember_search_words as articles are published and by the
    rebuild_search_words command for the archive. A word may outlive every article using it;
    a suggestion is only offered after checking that it finds something."""

    word = models.CharField(max_length=100, primary_key=True)
    articles = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            # The closest known words to a misspelt one, by shared trigrams (pg_trgm's %).
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="search_word_trgm"),
        ]

    def __str__(self):
        return self.word


# Live coverage ------------------------------------------------------------------------------


class LiveCoverage(models.Model):
    """An article run as a live page: timestamped entries above its body, newest first, that
    readers' open pages pick up as they are added (articles/live.py). The coverage ends when
    its end time passes or an editor ends it; the page then opens with the summary and stays
    readable, and stops asking for updates."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="live")
    started_at = models.DateTimeField("coverage started", default=timezone.now)
    ends_at = models.DateTimeField(
        "coverage ends", null=True, blank=True, help_text="Optional: the page stops updating at this time."
    )
    ended = models.BooleanField(
        "the coverage has ended",
        default=False,
        help_text="Stops the updates now and shows the summary on top.",
    )
    summary = models.TextField(
        max_length=2000, blank=True, help_text="What happened, in a few sentences: shown on top once it ends."
    )

    class Meta:
        verbose_name = "live page"

    def __str__(self):
        return f"Live: {self.article}"

    def save(self, *args, **kwargs):
        # Ending it now is ending it at this time: the end time is what search engines and the
        # page are told (coverageEndTime).
        now = timezone.now()
        if self.ended and (self.ends_at is None or self.ends_at > now):
            self.ends_at = now
        with transaction.atomic():
            super().save(*args, **kwargs)
            # A live page makes its article live (TypeOfWork): stored on the article so cards
            # and the admin's filter read it from the row they already have. update() leaves
            # the article's version and "Updated" time alone: readers' text did not change.
            Article.objects.filter(pk=self.article_id).update(type_of_work=TypeOfWork.LIVE)

    def delete(self, *args, **kwargs):
        article_id = self.article_id  # the coverage's key: None once deleted
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self.articles_no_longer_live([article_id])
        return result

    @staticmethod
    def articles_no_longer_live(article_ids):
        """Articles whose live page was deleted go back to news (editors may pick another)."""
        Article.objects.filter(pk__in=article_ids, type_of_work=TypeOfWork.LIVE).update(
            type_of_work=TypeOfWork.NEWS
        )

    @property
    def has_ended(self):
        return self.ended or (self.ends_at is not None and self.ends_at <= timezone.now())

    def clean(self):
        if self.ends_at and self.started_at and self.ends_at <= self.started_at:
            raise ValidationError({"ends_at": "The coverage must end after it starts."})
        if self.has_ended and not self.summary.strip():
            raise ValidationError({"summary": "Write a short summary for readers of the ended coverage."})


class LiveEntry(models.Model):
    """One timestamped update of a live page. A change to the text after it was posted is a
    correction: readers see "Updated" with the time and the editor's note."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="live_entries")
    headline = models.CharField(max_length=200, blank=True, help_text="Optional: a few words above the text.")
    body = ProseEditorField("text", extensions=BODY_EDITOR_EXTENSIONS, sanitize=clean_body_html)
    author = models.ForeignKey(
        Author,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="live_entries",
        help_text="Blank: signed with your own name.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    published_at = models.DateTimeField(default=timezone.now, editable=False)
    pinned = models.BooleanField(
        default=False, help_text="Shown first, above the newest updates. Pinning this unpins any other entry."
    )
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    correction_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="When you change the text: what was corrected, shown to readers.",
    )
    # Bumped by every save; the edit form carries the number it started from (see
    # articles/live.py), so a second editor's save cannot silently replace the first's.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "live entry"
        verbose_name_plural = "live entries"
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(pinned=True),
                name="live_entry_one_pinned_per_article",
                violation_error_message="Another entry of this live page is pinned already.",
            ),
        ]
        indexes = [
            # The live page and its update endpoint: one article's entries, newest first.
            models.Index("article", F("published_at").desc(), F("id").desc(), name="live_entry_article_idx"),
        ]

    def __str__(self):
        return self.headline or plain_text(self.body)[:60] or "Empty entry"

    def save(self, *args, **kwargs):
        self.body = clean_body_html(self.body)
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        # Pinning an entry unpins the page's other one (articles/live.py) rather than refusing;
        # the database still refuses two pinned entries.
        super().validate_constraints(exclude={*(exclude or ()), "pinned"})

    def clean(self):
        if not plain_text(self.body):
            raise ValidationError({"body": "Write the update's text: an entry cannot be empty."})

    @property
    def anchor(self):
        return f"entry-{self.pk}"

    @property
    def plain_body(self):
        return plain_text(self.body)

    @property
    def was_corrected(self):
        return self.corrected_at is not None

    @property
    def signed_by(self):
        if self.author_id:
            return self.author.name
        return self.created_by.get_full_name() if self.created_by_id else ""


# The front page ---------------------------------------------------------------------------------


class FrontPage(models.Model):
    """The places editors curate by hand: the home page (no section), or one section's lead
    (the first story of its block on the home page). Each holds a few ordered slots; a place
    with no slot, or whose slot has expired, shows the newest stories as it always did."""

    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="front_pages",
        help_text=(
            "Leave blank for the home page; choose a section to pick the lead of its block on the home page."
        ),
    )

    class Meta:
        ordering = [F("section__position").asc(nulls_first=True), "section__name"]
        constraints = [
            # One home page (nulls are not distinct) and one place per section.
            models.UniqueConstraint(
                fields=["section"],
                nulls_distinct=False,
                name="front_page_once_per_place",
                violation_error_message="That place already has its page in the list: open it there instead.",
            ),
        ]

    def __str__(self):
        return f"{self.section} lead" if self.section_id else "Home page"

    def get_absolute_url(self):
        return "/"

    @property
    def slot_count(self):
        """The home page has its lead and top stories; a section block only its lead."""
        from articles.frontpage import HOME_SLOTS

        return 1 if self.section_id else HOME_SLOTS


class FrontPageSlot(models.Model):
    """One story an editor put in a place, until an optional time."""

    page = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField("place", default=1)
    # A deleted article takes its slot with it; the newest story fills the place again.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="front_page_slots")
    expires_at = models.DateTimeField(
        "until",
        null=True,
        blank=True,
        help_text="After this time the newest story takes the place again. Blank: until you change it.",
    )

    class Meta:
        ordering = ["page", "position", "id"]
        constraints = [
            # Deferred to the end of the transaction, so two slots can swap their stories in
            # one save of the admin form; the form says so in plain words before this is hit.
            models.UniqueConstraint(
                fields=["page", "article"],
                name="front_page_slot_article_once",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"{self.page}, place {self.position}: {self.article}"


PICTURE_ALT_MISSING = "Describe what the picture shows, for readers who cannot see it."


class Picture(models.Model):
    """A picture in the library, ready to go into an article's text with its description.

    The text keeps its own copy of the address, description and caption, as written when the
    picture went in; changing a picture here later does not change articles already written.
    """

    image = UploadedImageField(upload_to="pictures/%Y/%m/")
    alt_text = models.CharField(
        "description",
        max_length=250,
        help_text="What the picture shows, read out to readers who cannot see it.",
        error_messages={"blank": PICTURE_ALT_MISSING, "null": PICTURE_ALT_MISSING},
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=150, blank=True, help_text="Who took or owns it, e.g. “Jo Bloggs”.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.alt_text

    @property
    def caption_with_credit(self):
        """The words under the picture in an article: its caption, then who it is by."""
        credit = f"Picture: {self.credit}" if self.credit else ""
        return " ".join(part for part in (self.caption, credit) if part)


class EditLock(models.Model):
    """Who is editing an article in the admin right now. The open edit page renews it with
    each autosave; without renewal it lapses after EDIT_LOCK_SECONDS (see articles.editing)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="edit_lock")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()
    last_seen = models.DateTimeField()

    def __str__(self):
        return f"{self.user} editing {self.article}"


class Autosave(models.Model):
    """One person's unsaved text of one article (or of a new article: no article), kept apart
    from the article so that it publishes nothing and leaves no revision."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    fields = models.JSONField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One copy per person and article, and one per person for the add form (null).
            models.UniqueConstraint(
                fields=["user", "article"], name="autosave_once_per_user_and_article", nulls_distinct=False
            ),
        ]

    def __str__(self):
        return f"{self.user}'s unsaved copy of {self.article or 'a new article'}"
