"""Reader pages: home, listings, the article page, corrections and search.

Every page is the same bytes for every anonymous reader (nothing here reads the session or
sets a cookie), and each runs a fixed number of queries whatever the size of the archive:
listings page by keyset (articles/pagination.py) and the furniture comes from the cache.
"""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, OuterRef, Value, When
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from taggit.models import Tag

from articles import frontpage, jsonld, live, reads
from articles.changelog import public_changes
from articles.models import Article, Correction, Section, SlugRedirect, Source
from articles.pagination import keyset_page
from articles.related import related_block
from articles.search import SearchForm, highlighted, matching_articles, suggested_query
from articles.templatetags.reading import json_ld_text, navigation_sections, renditions
from articles.video import video_provider
from authors.models import Author
from newsroom.lib.fragments import cached
from newsroom.lib.numbers import parse_id
from newsroom.lib.pagecache import mark_article_page
from newsroom.lib.paginators import KnownCountPaginator, numbered_page
from newsroom.lib.timestamps import machine_datetime
from newsroom.lib.urls import absolute_url
from newsroom.models import SiteSettings
from newsroom.organization import organization_block, organization_data

LATEST_ON_HOME = 8
PER_SECTION_ON_HOME = 4
SEARCH_PER_PAGE = 10


def listed_articles():
    """Published articles with what a card shows (sponsor of the section included)."""
    return Article.objects.published().for_listing()


def section_by_slug(slug):
    """The section from the cached navigation list: no query of its own."""
    for section in navigation_sections():
        if section.slug == slug:
            return section
    raise Http404("No such section")


# Home ---------------------------------------------------------------------------------------


def section_block_ids(sections, exclude_ids, leads=None, shown_ids=()):
    """[(section, its lead's id or None, the ids of its newest stories)] for the home page's
    section blocks, in one query whatever the number of sections: each section's newest ids
    as an array from one correlated subquery (an index scan per section). A UNION of one ORM
    query per section did the same reads, but compiling its members cost more than rendering
    the cards they picked. The cards themselves are read with the rest of the page's
    (section_blocks).

    `exclude_ids` never appear in a block (the lead and the stories editors chose). Stories in
    `shown_ids` (the other top stories and the latest list) give way to older ones, so a story
    is not shown twice; only a section with nothing else to show keeps them, so a small site's
    sections are not left empty. `leads` ({section id: article id}) are the leads editors
    chose, left out of every block's newest."""
    if not sections:
        return []
    leads = {section_id: pk for section_id, pk in (leads or {}).items() if pk not in exclude_ids}
    shown_ids = set(shown_ids) - set(leads.values())
    newest_in_section = (
        Article.objects.published()
        .filter(section_id=OuterRef("pk"))
        .exclude(pk__in=[*exclude_ids, *leads.values()])
        .order_by("-publish_at", "-id")
        .values("pk")[: PER_SECTION_ON_HOME + len(shown_ids)]
    )
    id_lists = Section.objects.filter(pk__in=[section.pk for section in sections]).values_list(
        "pk", ArraySubquery(newest_in_section)
    )
    newest_by_section = dict(id_lists)
    planned = []
    for section in sections:
        id_list = newest_by_section.get(section.pk, [])
        unseen = [pk for pk in id_list if pk not in shown_ids]
        planned.append((section, leads.get(section.pk), (unseen or id_list)[:PER_SECTION_ON_HOME]))
    return planned


def section_blocks(planned, cards):
    """[(section, [articles])] from section_block_ids() and the cards read ({id: article}). A
    chosen lead comes first in its block; one readers cannot see (not among the cards) leaves
    the block to its newest stories. A section with nothing to show has no block."""
    blocks = []
    for section, lead_id, newest_ids in planned:
        lead = cards.get(lead_id)
        articles = [lead] if lead else []
        articles += [cards[pk] for pk in newest_ids if pk in cards][: PER_SECTION_ON_HOME - len(articles)]
        if articles:
            blocks.append((section, articles))
    return blocks


@require_safe
def home(request):
    chosen = frontpage.chosen_stories()
    home_places = chosen.get(frontpage.HOME, {})
    newest = Article.objects.published()
    if home_places:
        # The chosen stories come first, in the same query as the newest: no query of their own.
        newest = newest.alias(
            chosen=Case(When(pk__in=home_places.values(), then=Value(1)), default=Value(0))
        ).order_by("-chosen", "-publish_at", "-id")
    else:
        newest = newest.order_by("-publish_at", "-id")
    section_leads = {
        section_id: places[1] for section_id, places in chosen.items() if section_id is not frontpage.HOME
    }
    limit = len(home_places) + frontpage.HOME_SLOTS + LATEST_ON_HOME + len(section_leads)
    newest_ids = list(newest.values_list("pk", flat=True)[:limit])
    front, rest = frontpage.fill_places(home_places, newest_ids, frontpage.HOME_SLOTS)
    lead = front[0] if front else None
    # The lead and every story an editor chose are never repeated below (a section's chosen
    # lead shows in its block, not in the latest list); the other top stories and the latest
    # list give way to older stories in the section blocks.
    excluded = {lead, *home_places.values()} if lead else set(home_places.values())
    section_lead_ids = set(section_leads.values()) - excluded
    latest = [pk for pk in rest if pk not in section_lead_ids][:LATEST_ON_HOME]
    shown = {*front, *latest} - excluded
    planned = section_block_ids(navigation_sections(), excluded, section_leads, shown)
    # Every card of the page in one query, bylines included: reading the top stories' and the
    # blocks' cards apart compiled and fetched twice for the same columns.
    block_ids = [pk for _, lead_id, newest_ids in planned for pk in [lead_id, *newest_ids] if pk]
    cards = listed_articles().in_bulk([*front, *latest, *block_ids])
    # A story withdrawn since its id was read is simply left out.
    front = [cards[pk] for pk in front if pk in cards]
    return render(
        request,
        "articles/home.html",
        {
            "lead": front[0] if front else None,
            "secondary": front[1:],
            "latest": [cards[pk] for pk in latest if pk in cards],
            "blocks": section_blocks(planned, cards),
            "most_read": reads.most_read(),
            "organization_data": organization_block(),
        },
    )


# Listings -----------------------------------------------------------------------------------


@require_safe
def section(request, slug):
    section = section_by_slug(slug)
    page = keyset_page(listed_articles().filter(section_id=section.pk), request.GET)
    return render(
        request,
        "articles/section.html",
        {"section": section, "page": page, "nav_section_id": section.pk, "nav_current": "page"},
    )


@require_safe
def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = keyset_page(listed_articles().filter(tags=tag), request.GET)
    return render(request, "articles/tag.html", {"tag": tag, "page": page})


@require_safe
def author(request, slug):
    author = get_object_or_404(Author, slug=slug)
    page = keyset_page(listed_articles().filter(bylines__author=author), request.GET)
    context = {"author": author, "page": page, "profile_data": profile_data(author)}
    return render(request, "articles/author.html", context)


def profile_data(author):
    """schema.org ProfilePage about the author as a Person, from what the page shows."""
    person = {
        "@type": "Person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url()),
    }
    if author.role:
        person["jobTitle"] = author.role
    if author.organisation:
        person["affiliation"] = {"@type": "Organization", "name": author.organisation}
    if author.bio:
        person["description"] = author.bio
    if author.expertise_list:
        person["knowsAbout"] = author.expertise_list
    if author.fediverse_profile_url:
        person["sameAs"] = [author.fediverse_profile_url]
    return {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": person}


@require_safe
def source(request, slug):
    source = get_object_or_404(Source, slug=slug)
    page = keyset_page(listed_articles().filter(source=source), request.GET)
    return render(request, "articles/source.html", {"source": source, "page": page})


@require_safe
def corrections(request):
    page = keyset_page(
        Correction.objects.visible().select_related("article__section"),
        request.GET,
        time_field="published_at",
        per_page=30,
    )
    return render(request, "articles/corrections.html", {"page": page})


# Article ------------------------------------------------------------------------------------


def published_article_or_404(article_id):
    """The published article with this id, with its section (its address needs it), or 404:
    for the pages and endpoints that act on an article by id (comments, sharing, enquiries,
    gifts, the full text)."""
    return get_object_or_404(Article.objects.published().select_related("section"), pk=article_id)


def _article_for_page_query(slug):
    # The live page's coverage row comes in the same query: an ordinary article costs none.
    articles = (
        Article.objects.published().for_page().select_related("live").prefetch_related("tags", "corrections")
    )
    return articles.filter(slug=slug).first()


def article_for_page(slug):
    """The published article at `slug` with everything its page shows (bylines, tags,
    corrections), or None. Kept under the site generation, which every edit to those moves,
    and never past the article's own scheduled withdrawal (newsroom/lib/fragments.py)."""

    def load():
        article = _article_for_page_query(slug)
        return article, article.withdraw_at if article else None

    article = cached("article", (slug,), load)
    if article is not None and not article.is_published:
        # A copy kept across its withdrawal time by a clock that disagrees: ask again.
        article, _ = load()
    return article


def article_page_for(slug):
    """(the published article at `slug`, its ArticleParts), or None: article_for_page with
    the parts of its page rendered, in one kept piece, so a page built from kept pieces
    renders only what depends on the request, the discussion and live entries."""

    def load():
        article = _article_for_page_query(slug)
        if article is None:
            return None, None
        parts = article_parts(article)
        # The parts hold all the page reads of the bylines, tags and corrections; without the
        # querysets they came in, the kept copy unpickles in a third of the time.
        article._prefetched_objects_cache.clear()
        return (article, parts), article.withdraw_at

    kept = cached("article-page", (slug,), load)
    if kept is not None and not kept[0].is_published:
        kept, _ = load()
    return kept


@require_safe
def detail(request, section, year, month, day, slug):
    page = article_page_for(slug)
    if page is None:
        moved = (
            SlugRedirect.objects.filter(old_slug=slug).select_related("article", "article__section").first()
        )
        if moved and moved.article.is_published:
            return redirect(moved.article.get_absolute_url(), permanent=True)
        raise Http404("No such article")
    article, parts = page
    canonical = article.get_absolute_url()
    if request.path != canonical:
        # A changed section or date keeps old addresses working.
        return redirect(canonical, permanent=True)
    mark_article_page(request, article)
    return render(request, "articles/detail.html", article_page_context(request, article, parts=parts))


@require_safe
def changes(request, section, year, month, day, slug):
    """What changed in a published article since it came out: its listed edits and its
    corrections (articles/changelog.py)."""
    article = article_for_page(slug)
    if article is None:
        raise Http404("No such article")
    canonical = article.get_absolute_url() + "changes/"
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    return render(request, "articles/changes.html", {"article": article, "changes": public_changes(article)})


def _iso(moment):
    # The same string as the page's <time datetime>, so dateModified is exactly the "Updated".
    return machine_datetime(moment) or None


def structured_data(article, bylines, tags, address, canonical, images, description):
    """schema.org NewsArticle (or the subtype its type of work names) for search engines,
    built from what the page shows."""
    data = {
        "@context": "https://schema.org",
        "@type": article.schema_type,
        "headline": article.headline[:110],
        "description": description,
        "datePublished": _iso(article.publish_at),
        "dateModified": _iso(article.modified_at),
        "mainEntityOfPage": canonical,
        "url": address,
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": absolute_url(byline.author.get_absolute_url()),
                **({"jobTitle": byline.display_role} if byline.display_role else {}),
            }
            for byline in bylines
        ],
        "publisher": organization_data(),
        "isAccessibleForFree": not article.is_premium,
    }
    if article.dateline:
        data["dateline"] = article.dateline
    if images:
        data["image"] = [absolute_url(copy.url) for copy in images]
    if article.section_id:
        data["articleSection"] = article.section.name
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    data |= licence(article, SiteSettings.current(), data["publisher"]["name"])
    # Which part of a premium page is for subscribers is the subscriptions app's knowledge: it
    # registers what it adds in articles/jsonld.py, so articles never imports it.
    data |= jsonld.additions_for(article)
    return data


def licence(article, furniture, publisher):
    """Whose the article is and under what terms, for schema.org: a partner's article is the
    partner's copyright; the licence is the article's own, else its partner's, else the site's
    (all set in the admin)."""
    holder = article.source.name if article.source_id else publisher
    year = (article.first_published_at or article.publish_at or timezone.now()).year
    own_licence = _own_licence_url(article)
    # The site's licence name describes the site's licence only.
    notice = f"© {year} {holder}." if own_licence else f"© {year} {holder}. {furniture.licence_name}".strip()
    data = {
        "copyrightHolder": {"@type": "Organization", "name": holder},
        "copyrightYear": year,
        "copyrightNotice": notice,
    }
    if url := licence_url(article, furniture):
        data["license"] = url
    return data


def _own_licence_url(article):
    return article.licence_url or (article.source.licence_url if article.source_id else "")


def licence_url(article, furniture):
    """The address of the licence the article is under: its own, else its partner source's,
    else the site's (the site settings); "" when none is set. JSON-LD and the ninjs feed both
    name it."""
    return _own_licence_url(article) or furniture.licence_url


def breadcrumb_trail(article):
    """[(name, path)] from the front page down to where the article sits: "Home › Politics ›
    From Coast Institute", as a print site's article page shows it. The section and source
    come with the article (for_page), so the trail costs no query."""
    trail = [("Home", reverse("home"))]
    if article.section_id:
        trail.append((article.section.name, article.section.get_absolute_url()))
    if article.source_id:
        trail.append((f"From {article.source.name}", article.source.get_absolute_url()))
    return trail


@dataclass
class ArticleParts:
    """What the article page shows that only the article's rows and the site's settings
    decide: the parts of its HTML, its JSON-LD and the values the rest of the page reads. The
    site generation moves whenever any of those change, so they are kept with the article
    (article_page_for); on a page built from kept pieces, rendering them was two thirds of the
    work."""

    absolute_url: str
    canonical_url: str
    meta_description: str
    tag_ids: list  # for the related list
    structured_data: dict
    structured_data_text: str  # structured_data as JSON, for {% json_ld %}
    breadcrumb_data_text: str
    html: dict  # the partials of articles/_article_parts.html, by name


ARTICLE_PARTS = ("feeds", "social", "breadcrumbs", "header", "after_body")


def article_parts(article):
    bylines = list(article.bylines.all())
    tags = list(article.tags.all())
    absolute = absolute_url(article.get_absolute_url())
    canonical = article.canonical_url or absolute
    images = renditions(article.featured_image)
    # Sanitised to plain text on every call; the page shows it four times.
    description = article.meta_description
    trail = breadcrumb_trail(article)
    data = structured_data(article, bylines, tags, absolute, canonical, images, description)
    context = {
        "article": article,
        "bylines": bylines,
        "tags": tags,
        "corrections": list(article.corrections.all()),
        "sponsor": article.effective_sponsor,
        "video_embed_url": article.video_embed_url,
        "video_provider": video_provider(article.video_url),
        "absolute_url": absolute,
        "canonical_url": canonical,
        "images": images,
        "main_image": images[min(1, len(images) - 1)] if images else None,
        "share_image": images[-1] if images else None,
        "meta_description": description,
        "breadcrumbs": trail,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    return ArticleParts(
        absolute_url=absolute,
        canonical_url=canonical,
        meta_description=description,
        tag_ids=sorted(tag.pk for tag in tags),
        structured_data=data,
        structured_data_text=json_ld_text(data),
        breadcrumb_data_text=json_ld_text(jsonld.breadcrumb_list(trail, settings.SITE_URL)),
        html={
            name: mark_safe(render_to_string(f"articles/_article_parts.html#{name}", context).strip())
            for name in ARTICLE_PARTS
        },
    )


def article_page_context(request, article, *, preview=False, parts=None):
    """Everything templates/articles/detail.html needs. The admin preview renders the same
    template through this function, so a preview is exactly what readers will see. `parts`
    are the article's kept ArticleParts when the caller has them; a preview always makes its
    own, from the draft as it is now."""
    if parts is None:
        parts = article_parts(article)
    structured = parts.structured_data_text
    live_region = live.region_for(article, preview=preview)
    if live_region is not None:
        # Its updates move with the article's generation, not the site's: never kept here.
        structured = json_ld_text(live.structured_data(live_region, parts.structured_data))
    return {
        "article": article,
        # Called by the template where the list appears, after the page around it.
        "related": partial(related_block, article, parts.tag_ids, preview=preview),
        "sponsor": article.effective_sponsor,
        "absolute_url": parts.absolute_url,
        "canonical_url": parts.canonical_url,
        "meta_description": parts.meta_description,
        "parts": parts.html,
        "structured_data": structured,
        "live": live_region,
        "live_poll_seconds": settings.LIVE_POLL_SECONDS,
        "breadcrumb_data": parts.breadcrumb_data_text,
        "is_preview": preview,
        "nav_section_id": article.section_id,
    }


# Reads --------------------------------------------------------------------------------------


# A beacon from our own script with no body and no cookie: there is nothing for a forged
# request to change except one read count, which the rate limit already bounds, and the
# pages that send it carry no CSRF token (they are the same bytes for every reader).
@csrf_exempt
@never_cache
@require_POST
def record_read(request, article_id):
    if reads.should_count(request, article_id):
        reads.record_read(article_id)
    return HttpResponse(status=204)


# Live coverage ------------------------------------------------------------------------------


@require_safe
def live_updates(request, article_id):
    """The entries of a live page newer than ?after=<entry id>, as JSON with their HTML, for
    readers' open pages (static/js/live.js). The same bytes for every reader: the page cache
    keeps it under the article's generation (a new entry drops it) and a reader whose copy is
    current gets a 304 by its ETag."""
    article = article_for_page_by_id(article_id)
    if article is None or live.coverage_of(article) is None:
        raise Http404("No live page here")
    after = parse_id(request.GET.get("after", "0"))
    if after is None:
        return JsonResponse({"error": "after must be the id of an entry, such as after=120."}, status=400)
    mark_article_page(request, article)
    return JsonResponse(live.updates_after(article, after))


def article_for_page_by_id(article_id):
    """The published article with this id and its coverage row, kept under the site
    generation like the article page's own piece, so a poll costs no query."""

    def load():
        article = Article.objects.published().select_related("section", "live").filter(pk=article_id).first()
        return article, article.withdraw_at if article else None

    article = cached("article-by-id", (article_id,), load)
    if article is not None and not article.is_published:
        article, _ = load()
    return article


# Search -------------------------------------------------------------------------------------


@require_safe
def search(request):
    sections = navigation_sections()
    form = SearchForm(request.GET or None, sections=sections)
    context = {"form": form, "query": "", "results": None}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        context["query"] = data["q"]
        matches = matching_articles(
            data["q"], section=data["section"], date_from=data["date_from"], date_to=data["date_to"]
        )
        paginator = KnownCountPaginator(matches.articles, SEARCH_PER_PAGE, count=matches.count)
        page = numbered_page(paginator, request.GET.get("page"))
        page.object_list = list(page.object_list)
        for article in page.object_list:
            article.headline_html = highlighted(article.headline_text)
            article.snippet = highlighted(article.snippet_text)
        context.update(results=page, paginator=paginator, capped=not matches.complete, filters=data)
        if matches.count == 0:
            context["suggestion"] = suggested_query(
                data["q"], section=data["section"], date_from=data["date_from"], date_to=data["date_to"]
            )
    return render(request, "articles/search.html", context)
