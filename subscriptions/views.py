"""Subscription pages: the plans, the store's webhook, and premium text for the readers
entitled to it. Premium text is only ever served by views marked private and never cached,
and varies by cookie, so no shared cache can keep a copy."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article
from newsroom.lib.client_ip import client_ip
from subscriptions import access, webhook
from subscriptions.models import Plan


def _private(response):
    """Never stored by a shared cache, never served to another reader."""
    patch_vary_headers(response, ["Cookie"])
    return response


def published_article(article_id):
    article = Article.objects.published().select_related("section").filter(pk=article_id).first()
    if article is None:
        raise Http404("No such article")
    return article


def paywall_context(article, state):
    read_url = reverse("subscriptions:read", args=[article.pk])
    return {
        "article": article,
        "state": state,
        "plans": access.website_plans_on_sale(),
        "read_url": read_url,
        "login_url": reverse("account_login") + "?" + urlencode({"next": read_url}),
    }


# The "to subscribe" page: the same for everyone, so it may be cached.
@require_safe
@cache_control(public=True, max_age=300)
def plans(request):
    on_sale = list(Plan.objects.on_sale())
    return render(
        request,
        "subscriptions/plans.html",
        {
            "website_plans": [plan for plan in on_sale if plan.unlocks_website],
            "product_plans": [plan for plan in on_sale if not plan.unlocks_website],
        },
    )


@never_cache
@require_safe
def full_text(request, article_id):
    """The fragment paywall.js puts into the article page: the whole body for a reader who may
    read it (counting a metered read), otherwise the subscribe box addressed to them."""
    article = published_article(article_id)
    if access.claim_full_text(request.user, article):
        state = access.paywall_state(request, article)
        html = render_to_string(
            "subscriptions/_full_text.html", {"article": article, "state": state}, request
        )
        response = HttpResponse(html)
        response["X-Paywall"] = "open"
    else:
        state = access.paywall_state(request, article)
        html = render_to_string("subscriptions/_paywall.html", paywall_context(article, state), request)
        response = HttpResponse(html)
        response["X-Paywall"] = "closed"
    return _private(response)


@never_cache
@require_safe
def read(request, article_id):
    """The article on a page of its own, whole for entitled readers: where the subscribe box's
    sign-in link leads, and what readers without JavaScript use."""
    article = published_article(article_id)
    show_full = access.claim_full_text(request.user, article)
    context = paywall_context(article, access.paywall_state(request, article))
    context["show_full"] = show_full
    context["bylines"] = list(article.bylines.select_related("author"))
    context["teaser"] = None if show_full else access.teaser_html(article.body)
    return _private(render(request, "subscriptions/read.html", context))


# The store signs its requests; there is no browser session or form to protect with CSRF.
@csrf_exempt
@never_cache
@require_POST
def store_webhook(request):
    outcome = webhook.handle_delivery(
        body=request.body,
        signature_header=request.headers.get(webhook.SIGNATURE_HEADER, ""),
        remote_addr=client_ip(request),
    )
    response = JsonResponse(outcome.as_json(), status=outcome.status_code, json_dumps_params={"indent": None})
    if outcome.retry_after is not None:
        response["Retry-After"] = str(outcome.retry_after)
    return response
