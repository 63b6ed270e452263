"""Helpers for the editorial admin tests: the article edit form as a browser would post it."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _split(moment):
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def article_form(article=None, *, authors=None, roles=None, tags=(), corrections=(), **fields):
    """POST data for the article admin form: the article's current values (or a new draft's),
    with its byline as inline forms, changed by `fields`.

    authors: the byline to submit, in order (default: the article's own byline).
    corrections: texts of new corrections to append (the inline exists for published articles).
    """
    values = {
        "headline": "Council approves the new library",
        "slug": "council-approves-the-new-library",
        "standfirst": "",
        "body": "<p>The vote was unanimous.</p>",
        "type_of_work": "news",
        "dateline": "",
        "sources_and_method": "",
        "section": "",
        "source": "",
        "original_url": "",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "video_url": "",
        "sponsor": "",
        "is_premium": False,
        "comments_open": True,
        "seo_title": "",
        "seo_description": "",
        "publish_at": None,
        "withdraw_at": None,
        "comments_close_at": None,
    }
    existing_bylines = []
    if article is not None:
        for name in values:
            field = article._meta.get_field(name)
            values[name] = getattr(article, field.attname)
        existing_bylines = list(article.bylines.order_by("position", "id"))
    values.update(fields)

    data = {"new_tags": ""}
    for name, value in values.items():
        if name in {"publish_at", "withdraw_at", "comments_close_at"}:
            data[f"{name}_0"], data[f"{name}_1"] = _split(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    if article is not None:
        data["loaded_version"] = article.version
    if tags:
        data["tags"] = [tag.pk for tag in tags]

    if authors is None:
        authors = [byline.author for byline in existing_bylines]
    roles = roles or {}
    kept = {byline.author_id: byline for byline in existing_bylines}
    rows = []
    # Existing bylines first (the formset's initial forms), deleted when not wanted any more.
    for byline in existing_bylines:
        wanted = byline.author in authors
        rows.append(
            {
                "id": byline.pk,
                "article": article.pk,
                "author": byline.author_id,
                "position": authors.index(byline.author) if wanted else byline.position,
                "role": roles.get(byline.author, byline.role),
                **({} if wanted else {"DELETE": "on"}),
            }
        )
    for author in authors:
        if author.pk not in kept:
            rows.append(
                {"author": author.pk, "position": authors.index(author), "role": roles.get(author, "")}
            )
    data.update(
        {
            "bylines-TOTAL_FORMS": len(rows),
            "bylines-INITIAL_FORMS": len(existing_bylines),
            "bylines-MIN_NUM_FORMS": 0,
            "bylines-MAX_NUM_FORMS": 1000,
        }
    )
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"bylines-{index}-{key}"] = value

    if article is not None and article.first_published_at and article.first_published_at <= timezone.now():
        existing = list(article.corrections.all())
        data.update(
            {
                "corrections-TOTAL_FORMS": len(existing) + len(corrections),
                "corrections-INITIAL_FORMS": len(existing),
                "corrections-MIN_NUM_FORMS": 0,
                "corrections-MAX_NUM_FORMS": 1000,
            }
        )
        for index, correction in enumerate(existing):
            data[f"corrections-{index}-id"] = correction.pk
            data[f"corrections-{index}-article"] = article.pk
        for offset, text in enumerate(corrections):
            data[f"corrections-{len(existing) + offset}-text"] = text
    return data


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def follow_messages(client, response):
    """The messages shown on the page a redirecting response leads to."""
    assert response.status_code == 302, getattr(response, "context", None) and response.context.get("errors")
    page = client.get(response["Location"])
    return [str(message) for message in page.context["messages"]]


def edit_in_admin(editor, article, **fields):
    """Save `article` from its admin page as `editor` would, with `fields` changed and its
    tags and byline kept; the article is refreshed from the database afterwards."""
    desk = Client()
    desk.force_login(editor)
    response = desk.post(change_url(article), article_form(article, tags=list(article.tags.all()), **fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
