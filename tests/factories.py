"""Builders for test data. Each makes a valid, saved row with sensible defaults."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import sync_roles
from articles.models import (
    Article,
    ArticleAuthor,
    Correction,
    LiveCoverage,
    LiveEntry,
    Section,
    Source,
    Sponsor,
)
from authors.models import Author
from comments.models import Comment
from planning.models import PlannedStory

DEFAULT_PASSWORD = "correct-horse-battery-staple"


def confirm_address(user):
    """Confirm the user's email address as allauth records it when the link in its email is
    followed (UserFactory(verified=True) does this for a new user)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["Editor"]) puts the user in those role groups (and the admin)."""
        if not create or not extracted:
            return
        if Group.objects.filter(name__in=extracted).count() != len(extracted):
            sync_roles()
        self.groups.set(Group.objects.filter(name__in=extracted))
        if not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """UserFactory(verified=True): the email address is confirmed, as allauth records it
        when the link in its email is followed, so the person can sign in and comment."""
        if create and extracted:
            confirm_address(self)


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    name = factory.Sequence(lambda n: f"Sponsor {n}")
    url = factory.Sequence(lambda n: f"https://sponsor{n}.example.com/")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    description = "Reporting and analysis."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Partner Institute {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    website = factory.Sequence(lambda n: f"https://partner{n}.example.org/")
    attribution = factory.LazyAttribute(lambda source: f"First published by {source.name}.")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author Number{n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    role = "Reporter"
    organisation = "The Civic Ledger"
    bio = "Covers local government and public services."


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article with one author by default.

    ArticleFactory(authors=[a, b]) sets the byline in that order;
    ArticleFactory(status="draft", publish_at=None) makes a draft.
    """

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council reviews budget plan number {n}")
    slug = factory.Sequence(lambda n: f"council-reviews-budget-plan-{n}")
    standfirst = "Councillors weigh cuts against rising demand for services."
    body = "<p>The council met on Tuesday to discuss the plan.</p><p>A vote is expected next month.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        authors = extracted if extracted is not None else [AuthorFactory()]
        for position, author in enumerate(authors):
            ArticleAuthor.objects.create(article=self, author=author, position=position)
        self.refresh_author_names()

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    text = "An earlier version of this article gave the wrong date for the vote."


class LiveCoverageFactory(factory.django.DjangoModelFactory):
    """A live page: LiveCoverageFactory(article=...) makes that article one."""

    class Meta:
        model = LiveCoverage

    article = factory.SubFactory(ArticleFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class LiveEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveEntry

    article = factory.SubFactory(ArticleFactory)
    body = factory.Sequence(lambda n: f"<p>Update number {n} from the council chamber.</p>")


class CommentFactory(factory.django.DjangoModelFactory):
    """A published comment by a reader with an account, on an article.

    CommentFactory(article=a, user=u, comment="…"); user=None with user_email="…" for someone
    without an account; held=True for one waiting for a moderator; is_removed=True for one a
    moderator removed (removed then); parent_id=another's pk for a reply. Saved one by one:
    django-comments-xtd numbers threads on save.
    """

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    content_object = factory.SelfAttribute("article")
    site_id = 1
    user = factory.SubFactory(UserFactory)
    user_name = factory.LazyAttribute(
        lambda comment: comment.user.public_name if comment.user else "Val Visitor"
    )
    user_email = factory.LazyAttribute(
        lambda comment: comment.user.email if comment.user else "val@example.org"
    )
    comment = factory.Sequence(lambda n: f"A view from a reader, number {n}.")
    is_public = True
    published_at = factory.LazyFunction(timezone.now)
    is_removed = False
    removed_at = factory.LazyAttribute(lambda made: made.published_at if made.is_removed else None)

    class Params:
        # Waiting for a moderator: readers have never seen it.
        held = factory.Trait(is_public=False, published_at=None)


class PlannedStoryFactory(factory.django.DjangoModelFactory):
    """A story on the budget, an idea due in a few hours; pass assignee= and status= to assign it."""

    class Meta:
        model = PlannedStory

    slug_line = factory.Sequence(lambda n: f"Harbour dredging plan {n}")
    desk = factory.SubFactory(SectionFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=4))


def singleton_row(model):
    """The one row of a singleton model (site settings, comment policy...), fresh from the
    database and made if a flushed database lacks it: for tests that change it. Pages read
    it through `model.current()`, which never writes."""
    row, _ = model.objects.get_or_create(pk=model.SINGLETON_ID)
    return row
