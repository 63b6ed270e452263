"""Every query-string parameter of every public and staff page, sent the values that were
server errors somewhere: digits that are not ASCII ("²" passes str.isdigit()), NUL, halves of
surrogate pairs, ids past the database's range, negative numbers and very long strings.

The property: no answer is a server error and nothing is logged as one; a NUL anywhere is a
400 (newsroom/middleware.py). The parameters are not only a hand-kept list: the admin's come
from each changelist's own filters, and a test fails when a view starts reading a query
parameter this corpus does not send.

Each page is first swept parameter by parameter, so every parameter gets the sharpest values
in every run (the whole corpus under `make fuzz`); hypothesis then mixes parameters and values.
"""

import logging
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import (
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
)
from django.test import RequestFactory
from django.urls import get_resolver
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article
from articles.search import SearchForm
from comments.discussion import ORDER_PARAMETER, PAGE_PARAMETER
from newsroom.lib.numbers import BIGINT_MAX
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory, UserFactory
from tests.security.hostile import any_text

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
FULL_SWEEP = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"

# Values as they stand in a query string, percent-encoded: a lone surrogate has no UTF-8 form,
# so only its raw bytes (%ED%A0%80) can be sent, as a broken client or a probe sends them.
_TEXT = [
    "", " ", "0", "1", "-1", "-0", "+1", "1.5", "1e9", "0x10", "NaN", "null", "true", "[]",
    "²", "¹²³", "⁹⁹⁹", "٣", "９", "𝟗", "½", "Ⅻ",
    str(BIGINT_MAX), str(BIGINT_MAX + 1), str(2**31), "9" * 20, "9" * 400, str(-(2**63) - 1),
    "1-2", "999999999999999999-999999999999999999", "2026-02-30", "0000-01-01",
    "\x01\x0b\x1f", "\ufffe\uffff", "\u202e", "é" * 2000, "a" * 5000,
    "<script>alert(1)</script>", "' OR '1'='1", "%", "&", "=",
]  # fmt: skip
_RAW = ["%ED%A0%80", "%ED%BF%BF", "1%ED%A0%80", "%C0%AF", "%FF%FE", "%E2%82"]
NUL = ["%00", "1%00", "%00%00abc"]
HOSTILE = [quote(value, safe="") for value in _TEXT] + _RAW + NUL
# One of each kind the probe used, for the sweep of every parameter in the everyday suite.
# The everyday sweep sends each parameter one value of each kind the probe used, and all of a
# page's parameters at once a few more; `make fuzz` sends the whole corpus both ways.
EACH = [quote("²"), str(BIGINT_MAX + 1), "%ED%A0%80", "%00"]
TOGETHER = [*EACH, quote("٣"), "9" * 400, "-1", "a" * 5000]
if FULL_SWEEP:
    EACH = TOGETHER = HOSTILE

# What our views read from request.GET, found by reading them (the test at the end keeps this
# honest): the search form's fields, the listings' cursors and the rest by name.
SEARCH = [*SearchForm.base_fields, "page"]
CURSORS = ["before", "after"]
ARTICLE_PAGE = [ORDER_PARAMETER, PAGE_PARAMETER]
COMMENT_POSTING = ["reply_to"]
ILLEGAL_CONTENT_NOTICE = ["comment"]
TRANSPARENCY_REPORT = ["year", "half"]
MODERATION_QUEUE = ["tab", "q", "page"]
MODERATION_LOG = ["q", "page"]
REVISION_COMPARE = ["newer", "older"]
# The body editor's picture chooser: a search, and the number its opener asks to be answered under.
PICTURE_CHOOSER = ["q", "CKEditorFuncNum"]
CHECKOUT_RETURN = ["ref", "status"]
# Read by views of libraries we mount: allauth's `next`, the admin's autocomplete, sitemaps.
SIGN_IN = ["next"]
AUTOCOMPLETE = ["term", "app_label", "model_name", "field_name", "page"]
SITEMAP = ["p"]
# Every admin list reads these, besides its filters and date drill-down.
CHANGELIST = [SEARCH_VAR, ORDER_VAR, PAGE_VAR, ERROR_FLAG, IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR, "all"]
# A parameter nothing reads, for pages that read none.
UNREAD = ["x"]

CORPUS = {
    *SEARCH, *CURSORS, *ARTICLE_PAGE, *COMMENT_POSTING, *ILLEGAL_CONTENT_NOTICE, *TRANSPARENCY_REPORT,
    *MODERATION_QUEUE, *MODERATION_LOG,
    *REVISION_COMPARE, *PICTURE_CHOOSER, *CHECKOUT_RETURN, *SIGN_IN, *AUTOCOMPLETE, *SITEMAP, *CHANGELIST,
}  # fmt: skip

LISTINGS = ["/politics/", "/tags/housing/", "/authors/ada-author/", "/sources/partner/", "/corrections/"]
PUBLIC_PAGES = {
    "/": UNREAD,
    "/search/": SEARCH,
    **dict.fromkeys(LISTINGS, CURSORS),
    "{article}": ARTICLE_PAGE,
    "/comments/article/{article_id}/post/": COMMENT_POSTING,
    "/comments/illegal-content/": ILLEGAL_CONTENT_NOTICE,
    "/comments/transparency/": TRANSPARENCY_REPORT,
    "/feed/": UNREAD,
    "/politics/feed/atom/": UNREAD,
    "/sitemap.xml": UNREAD,
    "/sitemap-articles.xml": SITEMAP,
    "/news-sitemap.xml": UNREAD,
    "/accounts/login/": SIGN_IN,
    "/accounts/signup/": SIGN_IN,
}
STAFF_PAGES = {
    ("/comments/moderation/", "moderator"): MODERATION_QUEUE,
    ("/comments/moderation/log/", "moderator"): MODERATION_LOG,
    ("/comments/moderation/commenters/{reader_id}/", "moderator"): UNREAD,
    ("/admin/articles/article/{article_id}/history/compare/", "editor"): REVISION_COMPARE,
    ("/admin/autocomplete/", "editor"): AUTOCOMPLETE,
    ("/admin/articles/picture/choose/", "editor"): PICTURE_CHOOSER,
    ("/admin/", "editor"): UNREAD,
    # Not a staff page, but like them only for the signed in: where the store sends a reader back.
    ("/subscriptions/return/", "reader"): CHECKOUT_RETURN,
}
ADMIN_MODELS = sorted(model._meta.label for model in admin.site._registry)


@pytest.fixture
def site(db, writer):
    """A little of everything the pages list, so every filter and listing has something to show
    (a filter with nothing to offer is left out of the admin, and reads nothing)."""
    section = SectionFactory(slug="politics", name="Politics")
    author = AuthorFactory(slug="ada-author", name="Ada Author")
    articles = [
        ArticleFactory(section=section, authors=[author, writer.author_profile], tags=["housing"])
        for _ in range(3)
    ]
    articles[0].source = SourceFactory(slug="partner")
    articles[0].headline = "Housing vote, revised"
    articles[0].save()
    return {
        "article": articles[0].get_absolute_url(),
        "article_id": articles[0].pk,
        "reader_id": UserFactory().pk,
    }


@pytest.fixture
def server_errors():
    """Every record logged at ERROR or above while the test runs (Django logs each 500 at
    django.request), kept by a handler of our own: `make fuzz` runs without pytest's logging.
    Django's security loggers are left out: they log a refused request (a 400) at ERROR too."""
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            if not record.name.startswith("django.security."):
                records.append(record)

    handler = Keep(level=logging.ERROR)
    logging.getLogger().addHandler(handler)
    yield records
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def signed_in(client, reader, editor, moderator, superuser):
    people = {"reader": reader, "editor": editor, "moderator": moderator, "superuser": superuser}

    def sign_in(role):
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        return client

    return sign_in


def changelist_parameters(model_admin, user, *, with_changelist_own=True):
    """What one admin list reads from its query string: ChangeList's own, the date drill-down,
    and each filter's parameters, taken from the admin's own classes."""
    names = [*CHANGELIST] if with_changelist_own else []
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    for list_filter in model_admin.list_filter:
        # A filter with nothing to offer is left out of the changelist, but its name is known.
        names += [getattr(list_filter, "parameter_name", None)] if isinstance(list_filter, type) else []
    request = RequestFactory().get("/")
    request.user = user
    for spec in model_admin.get_changelist_instance(request).filter_specs:
        names += spec.expected_parameters()
    return sorted({name for name in names if name})


def check(client, server_errors, path, query):
    response = client.get(f"{path}?{query}")
    where = f"{path}?{query[:200]}"
    assert response.status_code < 500, f"{where}: server error {response.status_code}"
    assert not server_errors, f"{where}: logged {server_errors[0].getMessage()}"
    if "%00" in query:
        assert response.status_code == 400, f"{where}: a NUL answered {response.status_code}"
    return response


def sweep(client, server_errors, path, parameters):
    for name in parameters:
        for value in EACH:
            check(client, server_errors, path, f"{name}={value}")
    # And all of them at once, the way a form with every field filled sends them.
    for value in TOGETHER:
        check(client, server_errors, path, "&".join(f"{name}={value}" for name in parameters))


# The sweep: every parameter, every value ---------------------------------------------------


@pytest.mark.parametrize("template", PUBLIC_PAGES)
def test_every_parameter_of_a_public_page_takes_the_hostile_values(signed_in, site, server_errors, template):
    sweep(signed_in("anonymous"), server_errors, template.format(**site), PUBLIC_PAGES[template])


@pytest.mark.parametrize(("template", "role"), STAFF_PAGES)
def test_every_parameter_of_a_staff_page_takes_the_hostile_values(
    signed_in, site, server_errors, template, role
):
    sweep(signed_in(role), server_errors, template.format(**site), STAFF_PAGES[template, role])


@pytest.mark.parametrize("label", ADMIN_MODELS)
def test_every_parameter_of_an_admin_list_takes_the_hostile_values(
    signed_in, superuser, site, server_errors, label
):
    model_admin = next(each for model, each in admin.site._registry.items() if model._meta.label == label)
    opts = model_admin.model._meta
    path = f"/admin/{opts.app_label}/{opts.model_name}/"
    # ChangeList's own parameters are read by the same code on every list: the everyday run
    # sweeps them on the article list only (below), `make fuzz` on every list.
    parameters = changelist_parameters(model_admin, superuser, with_changelist_own=FULL_SWEEP)
    sweep(signed_in("superuser"), server_errors, path, parameters)


def test_the_article_list_is_swept_as_an_editor_sees_it(signed_in, editor, site, server_errors):
    # An editor's list has the newsroom author filter with the writer in it.
    parameters = changelist_parameters(admin.site._registry[Article], editor)
    assert {"author", "state", "section__id__exact", "source__id__exact"} <= set(parameters)
    sweep(signed_in("editor"), server_errors, "/admin/articles/article/", parameters)


# Hypothesis: parameters and values mixed ----------------------------------------------------

values = st.one_of(
    st.sampled_from(HOSTILE),
    any_text.map(lambda text: quote(text, safe="")),
    st.integers(-(10**25), 10**25).map(str),
)


def queries(parameters):
    """1 to 4 of the page's parameters (one may come twice, or be one nothing reads)."""
    names = st.sampled_from([*parameters, "x", "utm_source"])
    return st.lists(st.tuples(names, values), min_size=1, max_size=4).map(
        lambda pairs: "&".join(f"{name}={value}" for name, value in pairs)
    )


@given(data=st.data())
def test_public_pages_answer_any_mix_of_hostile_parameters(signed_in, site, server_errors, data):
    template = data.draw(st.sampled_from(sorted(PUBLIC_PAGES)))
    query = data.draw(queries(PUBLIC_PAGES[template]))
    check(signed_in("anonymous"), server_errors, template.format(**site), query)


@given(data=st.data())
def test_staff_pages_answer_any_mix_of_hostile_parameters(signed_in, superuser, site, server_errors, data):
    choices = [(template.format(**site), role, names) for (template, role), names in STAFF_PAGES.items()]
    for model, model_admin in admin.site._registry.items():
        path = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        choices.append((path, "superuser", [*CHANGELIST, *_filter_names(model_admin)]))
    path, role, names = data.draw(st.sampled_from(choices))
    check(signed_in(role), server_errors, path, data.draw(queries(names)))


def _filter_names(model_admin):
    """The admin's filter parameters without building a changelist: the field filters' usual
    lookups, enough for hypothesis to aim at (the sweep above reads the exact ones)."""
    names = []
    for list_filter in model_admin.list_filter:
        if isinstance(list_filter, type):
            names.append(list_filter.parameter_name)
            continue
        field = list_filter[0] if isinstance(list_filter, tuple) else list_filter
        names += [field, f"{field}__exact", f"{field}__isnull", f"{field}__id__exact", f"{field}__gte"]
    return names


# The corpus covers what the code reads ------------------------------------------------------

_READS = re.compile(r"(?:request\.GET|params)\.get(?:list)?\(\s*([^,)\s]+)|request\.GET\[\s*([^\]\s]+)")
_GET_FORMS = re.compile(r"(\w+Form)\(\s*request\.GET")
_CONSTANTS = {"ORDER_PARAMETER": ORDER_PARAMETER, "PAGE_PARAMETER": PAGE_PARAMETER}
_APPS = [
    "accounts",
    "articles",
    "audit",
    "authors",
    "comments",
    "enquiries",
    "newsroom",
    "subscriptions",
    "syndication",
]


def test_every_query_parameter_our_views_read_is_in_the_corpus():
    read, forms = set(), set()
    for app in _APPS:
        for source in (PROJECT / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            text = source.read_text()
            for match in _READS.finditer(text):
                argument = match[1] or match[2]
                if argument[0] in "\"'":
                    read.add(argument.strip("\"'"))
                else:
                    assert argument in _CONSTANTS, (
                        f"{source}: reads request.GET[{argument}]; add it to the corpus"
                    )
                    read.add(_CONSTANTS[argument])
            forms.update(match[1] for match in _GET_FORMS.finditer(text))
    assert read, "the pattern no longer finds the views' reads"
    assert read <= CORPUS, f"read by a view, never fuzzed: {sorted(read - CORPUS)}"
    # A form bound to the query string reads its fields: the search form's are in the corpus.
    assert forms <= {"SearchForm"}, f"forms bound to request.GET: {sorted(forms)}"


# Ids in paths ---------------------------------------------------------------------------------


def _routes(patterns, prefix=""):
    """Every route of the site, read from the URL configuration, as a string with its
    converters (`comments/<id:comment_id>/edit/`)."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


ID_ROUTES = sorted(route for route in _routes(get_resolver().url_patterns) if "<id:" in route)
ids = st.one_of(
    st.sampled_from(["0", "²", "٣", "-1", str(BIGINT_MAX), str(BIGINT_MAX + 1), "9" * 40, "%ED%A0%80"]),
    st.integers(-(10**30), 10**30).map(str),
)


def test_the_id_routes_are_found():
    assert "api/reads/<id:article_id>/" in ID_ROUTES
    assert len(ID_ROUTES) >= 15


@given(route=st.sampled_from(ID_ROUTES), article_id=ids, method=st.sampled_from(["get", "post"]))
def test_any_id_in_any_path_is_a_page_or_no_page(signed_in, site, server_errors, route, article_id, method):
    # The id under test, and the article's own id for any other part (the admin's object id).
    path = "/" + re.sub(r"<\w+:\w+>", str(site["article_id"]), re.sub(r"<id:\w+>", article_id, route))
    response = getattr(signed_in("moderator"), method)(path)
    assert response.status_code < 500, f"{method} {path}: server error {response.status_code}"
    assert not server_errors, f"{method} {path}: logged {server_errors[0].getMessage()}"
