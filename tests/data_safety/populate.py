"""A small but complete site for the data-safety tests: rows in every app of ours, uploaded
images with their thumbnails, edit history, comments with a reply, subscriptions.

Run in-process by the backup test, and in a child process on the migration test's own
database (`manage.py shell -c "from tests.data_safety.populate import populate_site; ..."`).
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from articles.models import Article, Section, Source
from comments.models import Comment
from enquiries.models import Enquiry, Share, ShareRecipient
from subscriptions.models import DigestIssue, MeteredRead, NewsletterSubscriber
from syndication.models import ImportRun, ItemProblem, SourceImport


def _comment(article, user, text, parent=None):
    # Saved one by one: xtd numbers threads and levels on save.
    return Comment.objects.create(
        article=article,
        content_object=article,
        site_id=1,
        user=user,
        user_name=user.display_name,
        user_email=user.email,
        comment=text,
        parent_id=parent.pk if parent else 0,
        is_public=True,
        published_at=timezone.now(),
    )


def populate_site():
    """Demo content (users, sections, authors with photos, articles with feature images,
    sponsors, partner sources, tags, plans, a subscription, revision history), then a row or
    more in each table the demo leaves empty. Returns the number of articles with an image."""
    call_command("seed_demo", verbosity=0)
    now = timezone.now()
    readers = []
    for number in range(3):
        reader, _ = User.objects.get_or_create(
            email=f"safety-reader-{number}@example.org", defaults={"display_name": f"Safety Reader {number}"}
        )
        reader.set_password("correct-horse-battery-staple")
        reader.save()
        EmailAddress.objects.update_or_create(
            user=reader, email=reader.email, defaults={"verified": True, "primary": True}
        )
        readers.append(reader)

    article = Article.objects.published().exclude(featured_image="").order_by("pk").first()
    # An edit, so history holds more than the creation of each row.
    article.standfirst = article.standfirst + " Updated with the council's reply."
    article.save()
    first = _comment(
        article, readers[0], "The budget figures in the second paragraph are worth reading twice."
    )
    _comment(article, readers[1], "Agreed, and the vote is next month.", parent=first)

    # Thumbnails are media files too, with a row in sorl's key-value store.
    from sorl.thumbnail import get_thumbnail

    get_thumbnail(article.featured_image, "320x180", crop="center")

    section = Section.objects.order_by("pk").first()
    subscriber = NewsletterSubscriber.objects.create(
        email=readers[2].email, user=readers[2], state=NewsletterSubscriber.State.CONFIRMED, confirmed_at=now
    )
    subscriber.sections.add(section)
    DigestIssue.objects.create(
        date=now.date(), window_start=now - timedelta(days=1), window_end=now, article_ids=[article.pk]
    )
    MeteredRead.objects.create(user=readers[2], article=article, month=now.date().replace(day=1))

    share = Share.objects.create(
        article=article, sender_name="Safety Reader 0", sender_email=readers[0].email, user=readers[0]
    )
    ShareRecipient.objects.create(share=share, email="friend@example.org", sent_at=now)
    Enquiry.objects.create(
        kind=Enquiry.Kind.choices[0][0],
        article=article,
        name="Pat Public",
        email="pat@example.org",
        message="Is there a recording of the council meeting?",
    )

    source = Source.objects.order_by("pk").first()
    run = ImportRun.objects.create(trigger=ImportRun.Trigger.choices[0][0], finished_at=now)
    source_import = SourceImport.objects.create(
        run=run, source=source, feed_url="https://partner.example.org/feed.xml", fetched=2, new=1, skipped=1
    )
    ItemProblem.objects.create(
        source_import=source_import,
        kind=ItemProblem.Kind.choices[0][0],
        guid="https://partner.example.org/items/2",
        title="An item without a body",
        reason="The item had no text.",
    )
    return Article.objects.exclude(featured_image="").count()
