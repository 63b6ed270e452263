"""The edit page's small betrayals, fixed: the browser's spell checker works in the body, and
the revision history lists only what really changed (a time the form shows to the second is
not "changed" by its lost fraction, saves that changed nothing are left out, corrections are
named)."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.admin_forms import submit_change_form
from tests.articles.editorial_helpers import change_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def history_rows(client, article):
    """[(what happened, fields changed)] of the revision history page, newest first."""
    html = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        rows.append((cells[-3], cells[-2]))
    return rows


@pytest.fixture
def published(editor):
    """An article published "now" by the service: its time is taken from the clock."""
    article = ArticleFactory(headline="Harbour dues rise", status=Article.Status.DRAFT, publish_at=None)
    services.publish_article(article=article, by=editor)
    article.refresh_from_db()
    return article


def test_the_body_editor_leaves_the_spell_checker_on(client, editor, published):
    client.force_login(editor)

    html = client.get(change_url(published)).content.decode()

    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", html).group(0)
    assert 'spellcheck="true"' in textarea
    config = json.loads(
        re.search(r"data-django-prose-editor-\w+=\"([^\"]*)\"", textarea).group(1).replace("&quot;", '"')
    )
    assert "NoSpellCheck" not in config["extensions"]
    assert "Bold" in config["extensions"]


def test_an_untouched_time_keeps_its_exact_stored_value(editor, published):
    stored = published.publish_at
    assert stored.microsecond  # set by the clock, finer than the form shows

    response = submit_change_form(editor, change_url(published), _save="Save")

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.publish_at == stored


def test_a_time_the_editor_changes_is_saved(editor, published):
    later = timezone.localtime(published.publish_at - timedelta(hours=1))

    # Both halves of the field: an hour back may be yesterday's date, near midnight.
    submit_change_form(
        editor,
        change_url(published),
        publish_at_0=later.date().isoformat(),
        publish_at_1=later.strftime("%H:%M:%S"),
        _save="Save",
    )

    published.refresh_from_db()
    assert published.publish_at == later.replace(microsecond=0)


def test_saving_a_published_article_unchanged_lists_no_false_change(client, editor, published):
    response = submit_change_form(editor, change_url(published), _save="Save")
    assert response.status_code == 302
    response = submit_change_form(editor, change_url(published), _save="Save")
    assert response.status_code == 302
    client.force_login(editor)

    rows = history_rows(client, published)

    # Publishing set the time; the two saves after it changed nothing and are not listed.
    assert rows == [("Published", "Publish at, Status"), ("Created", "—")]
    assert published.history.count() == 4


def test_a_real_change_is_still_listed(client, editor, published):
    submit_change_form(editor, change_url(published), headline="Harbour dues rise by a fifth", _save="Save")
    client.force_login(editor)

    rows = history_rows(client, published)

    assert rows[0][1] == "Headline"


def test_a_correction_is_listed_among_the_changed_fields(client, editor, published):
    response = submit_change_form(
        editor,
        change_url(published),
        _save="Save",
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "An earlier version gave the wrong rise.",
        },
    )
    assert response.status_code == 302
    client.force_login(editor)

    rows = history_rows(client, published)

    assert rows[0][1] == "correction added", rows
    assert published.corrections.count() == 1
