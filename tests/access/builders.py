"""One saved row for every model in the admin, so the role matrix can open its change, delete
and history pages. A model registered without a builder here fails the matrix with a message
saying so: a new admin page cannot go untested by accident."""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from newsroom.tasks import send_templated_email
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    LiveCoverageFactory,
    LiveEntryFactory,
    SectionFactory,
    SourceFactory,
    SponsorFactory,
    UserFactory,
    singleton_row,
)


def _model(label):
    return apps.get_model(label)


def _reason():
    reason, _ = _model("comments.ModerationReason").objects.get_or_create(
        slug="spam", defaults={"name": "Spam", "description": "Advertising and repeated posts."}
    )
    return reason


def _plan():
    return _model("subscriptions.Plan").objects.create(
        name="Digital monthly", slug="digital-monthly", price=Decimal("9.00")
    )


def _digest_issue():
    now = timezone.now()
    return _model("subscriptions.DigestIssue").objects.create(
        date=date(2026, 1, 5), window_start=now - timedelta(days=1), window_end=now
    )


def _import_run():
    return _model("syndication.ImportRun").objects.create(trigger="command", finished_at=timezone.now())


def _axes_fields():
    return {"user_agent": "Mozilla/5.0", "http_accept": "text/html", "path_info": "/admin/login/",
            "ip_address": "192.0.2.7", "username": "someone@example.org"}  # fmt: skip


def _front_page():
    section = SectionFactory()
    page = _model("articles.FrontPage").objects.create(section=section)
    page.slots.create(position=1, article=ArticleFactory(section=section))
    return page


def _planned_story():
    # Assigned to someone other than the matrix's writer persona, who may only read it.
    return _model("planning.PlannedStory").objects.create(
        slug_line="Council budget vote", desk=SectionFactory(), assignee=UserFactory(roles=["Writer"]),
        due_at=timezone.now() + timedelta(hours=6), status="assigned",
    )  # fmt: skip


def _picture():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buffer, "PNG")
    picture = _model("articles.Picture")(alt_text="The harbour at dawn", caption="Boats at rest.")
    picture.image.save("harbour.png", ContentFile(buffer.getvalue()), save=False)
    picture.save()
    return picture


BUILDERS = {
    "auth.group": lambda: Group.objects.create(name="Interns"),
    "sites.site": lambda: Site.objects.create(domain="mirror.example.org", name="Mirror"),
    # Procrastinate's jobs are read-only in the admin; a job is made by deferring one.
    "procrastinate.procrastinatejob": lambda: _model("procrastinate.ProcrastinateJob").objects.get(
        pk=send_templated_email.defer(template="email/notice", context={}, to=["desk@example.org"])
    ),
    "taggit.tag": lambda: _model("taggit.Tag").objects.create(name="Housing", slug="housing"),
    "account.emailaddress": lambda: _model("account.EmailAddress").objects.create(
        user=UserFactory(), email="second@example.org", verified=True
    ),
    "mfa.authenticator": lambda: _model("mfa.Authenticator").objects.create(
        user=UserFactory(), type="recovery_codes", data={"seed": "0" * 40}, last_used_at=timezone.now()
    ),
    "axes.accessattempt": lambda: _model("axes.AccessAttempt").objects.create(
        get_data="", post_data="", failures_since_start=3, **_axes_fields()
    ),
    "axes.accesslog": lambda: _model("axes.AccessLog").objects.create(**_axes_fields()),
    "axes.accessfailurelog": lambda: _model("axes.AccessFailureLog").objects.create(**_axes_fields()),
    "newsroom.sitesettings": lambda: singleton_row(_model("newsroom.SiteSettings")),
    "newsroom.policypage": lambda: _model("newsroom.PolicyPage").objects.create(
        kind="ethics", title="Our ethics", body="<p>We check what we publish.</p>"
    ),
    "newsroom.suppressedaddress": lambda: _model("newsroom.SuppressedAddress").objects.create(
        email="bounced@example.org", reason="bounced", provider="Mailgun"
    ),
    "accounts.user": lambda: UserFactory(email="someone.else@example.org"),
    "audit.auditentry": lambda: _model("audit.AuditEntry").objects.create(
        action="published", object_type="articles.article", object_id="1", object_repr="A headline"
    ),
    "authors.author": AuthorFactory,
    # The article row is the writer persona's own draft; tests/articles/test_roles.py covers
    # another writer's, and tests/access/test_workflow_matrix.py each button.
    "articles.article": None,
    "articles.section": SectionFactory,
    # A section's place, with a story chosen for it (the home page's place is the migration's).
    "articles.frontpage": lambda: _front_page(),
    "articles.source": SourceFactory,
    "articles.sponsor": SponsorFactory,
    # A published live page (and an entry on one): writers see them, editors run them.
    "articles.livecoverage": LiveCoverageFactory,
    "articles.liveentry": lambda: LiveEntryFactory(article=LiveCoverageFactory().article),
    "articles.slugredirect": lambda: _model("articles.SlugRedirect").objects.create(
        old_slug="an-old-address", article=ArticleFactory()
    ),
    # Someone else's picture (tests/access/conftest.py keeps its file in a temporary folder).
    "articles.picture": _picture,
    "syndication.importrun": _import_run,
    "syndication.sourceimport": lambda: _model("syndication.SourceImport").objects.create(
        run=_import_run(), source=SourceFactory(), feed_url="https://partner.example.org/feed/"
    ),
    "comments.guidelines": lambda: singleton_row(_model("comments.Guidelines")),
    "comments.moderationreason": _reason,
    # current() may hand back the unsaved defaults; the admin needs the row.
    "comments.commentpolicy": lambda: _model("comments.CommentPolicy").objects.get_or_create(pk=1)[0],
    "comments.articlecommentpolicy": lambda: _model("comments.ArticleCommentPolicy").objects.create(
        article=ArticleFactory()
    ),
    "comments.comment": CommentFactory,
    "comments.report": lambda: _model("comments.Report").objects.create(
        comment=CommentFactory(), reporter=UserFactory(), reason=_reason()
    ),
    "comments.suspension": lambda: _model("comments.Suspension").objects.create(
        user=UserFactory(), reason="Spamming links."
    ),
    "comments.moderationlogentry": lambda: _model("comments.ModerationLogEntry").objects.create(
        action="approved", comment=CommentFactory()
    ),
    "subscriptions.plan": _plan,
    "subscriptions.subscription": lambda: _model("subscriptions.Subscription").objects.create(
        user=UserFactory(), plan=_plan(), ends_at=timezone.now() + timedelta(days=30)
    ),
    "subscriptions.checkoutattempt": lambda: _model("subscriptions.CheckoutAttempt").objects.create(
        user=UserFactory(), plan=_plan(), token="checkout-token-for-the-admin-matrix"
    ),
    "subscriptions.webhookdelivery": lambda: _model("subscriptions.WebhookDelivery").objects.create(
        outcome="processed", status_code=200
    ),
    "subscriptions.newslettersubscriber": lambda: _model("subscriptions.NewsletterSubscriber").objects.create(
        email="news@example.org"
    ),
    "subscriptions.digestissue": _digest_issue,
    "subscriptions.digestrun": lambda: _model("subscriptions.DigestRun").objects.create(
        issue=_digest_issue()
    ),
    "subscriptions.giftlink": lambda: _model("subscriptions.GiftLink").objects.create(
        sender=UserFactory(),
        article=ArticleFactory(is_premium=True),
        token="gift-token-for-the-admin-matrix",
        expires_at=timezone.now() + timedelta(days=30),
    ),
    "enquiries.share": lambda: _model("enquiries.Share").objects.create(
        sender_name="Rita", sender_email="rita@example.org", article=ArticleFactory()
    ),
    "enquiries.ratecard": lambda: singleton_row(_model("enquiries.RateCard")),
    "enquiries.errorreport": lambda: _model("enquiries.ErrorReport").objects.create(
        article=ArticleFactory(), description="The date is wrong.", email="rita@example.org"
    ),
    "planning.plannedstory": _planned_story,
    "enquiries.enquiry": lambda: _model("enquiries.Enquiry").objects.create(
        kind="subscribe",
        name="Rita",
        email="rita@example.org",
        message="How much is it?",
        sent_to="desk@example.org",
    ),
}
