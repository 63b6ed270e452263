"""Puts the demo content in the database. Every row is looked up by its natural key (email,
slug, name) before it is created, and a picture is drawn only for a row that has none, so
running it again adds nothing and leaves no stray files behind."""

from collections import Counter
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from accounts.models import User
from accounts.roles import CHIEF_EDITOR, EDITOR, MODERATOR, WRITER, sync_roles
from articles import notifications
from articles.models import Article, ArticleAuthor, Correction, Section, Source, Sponsor
from articles.services import add_correction, publish_article, submit_for_review, withdraw_article
from authors.models import Author
from demo import catalogue, images
from demo.enquiries import seed_demo_advertising
from demo.live import seed_demo_live
from demo.planning import seed_demo_planning
from demo.site import seed_site_settings
from demo.stories import STORIES, body_html
from demo.subscriptions import seed_demo_subscriptions
from demo.trust import describe_author, describe_story, seed_policy_pages

DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - development only, printed by make run
DEMO_USERS = [
    # email, display name, role group (None: a reader without admin access)
    ("chief@example.com", "Charlotte Chief", CHIEF_EDITOR),
    ("editor@example.com", "Elena Editor", EDITOR),
    ("writer@example.com", "Walter Writer", WRITER),
    ("moderator@example.com", "Morgan Moderator", MODERATOR),
    ("reader@example.com", "Rowan Reader", None),
    ("subscriber@example.com", "Sasha Subscriber", None),
]
WRITER_AUTHOR_SLUG = "walter-quinn"


class Tally:
    """Counts of rows created and found, per kind, for the summary."""

    def __init__(self):
        self.kinds = []
        self.created = Counter()
        self.found = Counter()

    def record(self, kind, was_created):
        if kind not in self.kinds:
            self.kinds.append(kind)
        (self.created if was_created else self.found)[kind] += 1

    def lines(self):
        return [
            f"{kind}: {self.created[kind]} created, {self.found[kind]} already there" for kind in self.kinds
        ]


def _attach_image(instance, field_name, make_file):
    """Draw and save a picture only when the row has none: reruns do not pile up files."""
    if getattr(instance, field_name):
        return False
    picture = make_file()
    getattr(instance, field_name).save(picture.name, picture, save=False)
    instance.save(update_fields=[field_name])
    return True


def seed_users(tally):
    sync_roles()
    roles = [CHIEF_EDITOR, EDITOR, WRITER, MODERATOR]
    groups = {group.name: group for group in Group.objects.filter(name__in=roles)}
    users = {}
    for email, display_name, role in DEMO_USERS:
        user = User.objects.filter(email__iexact=email).first()
        tally.record("users", user is None)
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, display_name=display_name, is_staff=role is not None
            )
        if role and not user.groups.filter(pk=groups[role].pk).exists():
            user.groups.add(groups[role])
        if bool(role) != user.is_staff:
            user.is_staff = bool(role)
            user.save(update_fields=["is_staff"])
        # Demo people sign in on the reader site at once, as if they had confirmed their address.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        users[email] = user
    return users


def write_logins():
    lines = [f"  Demo logins (development only), password {DEMO_PASSWORD}:"]
    lines += [f"    {email:<24} {role or 'reader, no admin access'}" for email, _, role in DEMO_USERS]
    path = settings.VAR_DIR / "demo-logins.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def seed_sponsors(tally):
    sponsors = {}
    for spec in catalogue.SPONSORS:
        sponsor, created = Sponsor.objects.get_or_create(name=spec["name"], defaults={"url": spec["url"]})
        tally.record("sponsors", created)
        slug = spec["name"].lower().replace(" ", "-")
        _attach_image(
            sponsor,
            "logo",
            lambda spec=spec, slug=slug: images.logo(spec["name"], spec["colour"], f"{slug}.png"),
        )
        sponsors[sponsor.name] = sponsor
    return sponsors


def seed_sections(tally, sponsors=None):
    sections = {}
    for slug, (name, position, description, sponsor_name) in catalogue.SECTIONS.items():
        sponsor = (sponsors or {}).get(sponsor_name)
        section, created = Section.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "position": position, "description": description, "sponsor": sponsor},
        )
        tally.record("sections", created)
        sections[slug] = section
    return sections


def seed_sources(tally, sections):
    sources = {}
    for spec in catalogue.SOURCES:
        source, created = Source.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "website": spec["website"],
                "attribution": spec["attribution"],
                "feed_url": spec.get("feed_url", ""),
                # Listed but switched off: the demo must never fetch from the network.
                "import_active": False,
                "default_section": sections["news"],
            },
        )
        tally.record("sources", created)
        _attach_image(
            source, "logo", lambda spec=spec: images.logo(spec["name"], spec["colour"], f"{spec['slug']}.png")
        )
        sources[source.slug] = source
    return sources


def seed_authors(tally, users):
    authors = {}
    for spec in catalogue.AUTHORS:
        author, created = Author.objects.get_or_create(
            slug=spec["slug"],
            defaults={key: spec[key] for key in ("name", "role", "organisation", "bio")},
        )
        tally.record("authors", created)
        if spec["slug"] == WRITER_AUTHOR_SLUG and author.user_id is None:
            writer = users["writer@example.com"]
            if not Author.objects.filter(user=writer).exists():
                author.user = writer
                author.save(update_fields=["user"])
        _attach_image(
            author,
            "photo",
            lambda spec=spec: images.portrait(spec["name"], spec["colour"], f"{spec['slug']}.png"),
        )
        describe_author(author, tally)
        authors[author.slug] = author
    return authors


def seed_tags(tally):
    for name in catalogue.TAGS:
        tally.record("tags", Tag.objects.get_or_create(name=name)[1])


def seed_articles(tally, *, users, sections, sources, sponsors, authors, out):
    editor = users["editor@example.com"]
    writer = users["writer@example.com"]
    now = timezone.now()
    for number, story in enumerate(STORIES):
        if Article.objects.filter(slug=story.slug).exists():
            tally.record("articles", False)
            continue
        with transaction.atomic():
            _create_story(
                story,
                number,
                now=now,
                editor=editor,
                writer=writer,
                sections=sections,
                sources=sources,
                sponsors=sponsors,
                authors=authors,
            )
        tally.record("articles", True)
        if (number + 1) % 10 == 0:
            out(f"  articles: {number + 1} of {len(STORIES)}")


def _create_story(story, number, *, now, editor, writer, sections, sources, sponsors, authors):
    source = sources[story.source] if story.source else None
    article = Article(
        headline=story.headline,
        slug=story.slug,
        standfirst=story.standfirst,
        body=body_html(story),
        section=sections[story.section],
        source=source,
        original_url=f"{source.website.rstrip('/')}/publications/{story.slug}/" if source else "",
        video_url=story.video_url,
        sponsor=sponsors[story.sponsor] if story.sponsor else None,
        is_premium=story.premium,
        created_by=writer if story.by_writer else editor,
        status=Article.Status.DRAFT,
    )
    describe_story(article, story)
    if story.image:
        article.image_alt, article.image_caption, article.image_credit = story.image
        article.featured_image.save(
            f"{story.slug}.jpg", images.feature_image(story.slug, f"{story.slug}.jpg"), save=False
        )
    article.save()
    for position, credit in enumerate(story.authors):
        slug, role = credit if isinstance(credit, tuple) else (credit, "")
        ArticleAuthor.objects.create(article=article, author=authors[slug], position=position, role=role)
    article.refresh_author_names()
    article.tags.add(*story.tags)

    by = editor
    if story.state == "draft":
        return article
    if story.state == "review":
        return submit_for_review(article=article, by=writer if story.by_writer else editor)
    # Spread over the past weeks at working hours; scheduled stories have days_ago below zero.
    publish_at = (now - timedelta(days=story.days_ago)).replace(
        hour=7 + number % 10, minute=(number * 7) % 60
    )
    if story.state == "scheduled":
        return publish_article(article=article, by=by, at=max(publish_at, now + timedelta(hours=6)))
    publish_at = min(publish_at, now - timedelta(minutes=30))
    publish_article(article=article, by=by, at=publish_at)
    if story.state == "withdrawn":
        withdraw_article(article=article, by=by)
    # Written a few hours before it went out, and untouched since unless corrected: otherwise
    # every demo article would say "Updated" at the moment the demo was seeded.
    updated_at = publish_at
    for text in story.corrections:
        correction = add_correction(article=article, text=text, by=by)
        updated_at = min(publish_at + timedelta(hours=20), now)
        Correction.objects.filter(pk=correction.pk).update(published_at=updated_at)
    Article.objects.filter(pk=article.pk).update(
        created_at=publish_at - timedelta(hours=3 + number % 5),
        updated_at=max(updated_at, article.withdraw_at or updated_at),
        # The corrections' back-dated time is the "Updated" readers see.
        revised_at=updated_at if story.corrections else None,
    )
    return article


def seed_catalogue(tally):
    """Sections, sponsors and sources: what generated articles need too."""
    sponsors = seed_sponsors(tally)
    sections = seed_sections(tally, sponsors)
    sources = seed_sources(tally, sections)
    return sponsors, sections, sources


def seed_demo(out):
    # The demo replays a desk's history (stories sent for review, published, a live page):
    # nobody is emailed about it.
    with notifications.silenced():
        return _seed_demo(out)


def _seed_demo(out):
    tally = Tally()
    out("Users and roles...")
    users = seed_users(tally)
    write_logins()
    out("Site settings...")
    seed_site_settings(tally)
    seed_policy_pages(tally)
    out("Sponsors, sections and partner sources...")
    sponsors, sections, sources = seed_catalogue(tally)
    out("Authors and tags...")
    authors = seed_authors(tally, users)
    seed_tags(tally)
    out(f"Articles ({len(STORIES)})...")
    seed_articles(
        tally, users=users, sections=sections, sources=sources, sponsors=sponsors, authors=authors, out=out
    )
    seed_demo_live(users=users, sections=sections, authors=authors, tally=tally, out=out)
    seed_demo_planning(users=users, sections=sections, tally=tally, out=out)
    seed_demo_subscriptions(users=users, tally=tally, out=out)
    seed_demo_advertising(users=users, tally=tally, out=out)
    return tally
