"""Subscription pages: the plans, the store's webhook, premium text for the readers entitled
to it, and gift links. Premium text is only ever served by views marked private and never
cached, and varies by cookie, so no shared cache can keep a copy; a gift page is marked
never-cache and is outside the page cache (PAGE_CACHE_EXCLUDED_PATHS)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.views import article_page_context, article_page_for, published_article_or_404
from newsroom.lib.client_ip import client_ip
from subscriptions import access, checkout, gifts, webhook
from subscriptions.forms import GiftEmailForm
from subscriptions.models import CheckoutAttempt, GiftLink, Plan, Subscription


def _private(response):
    """Never stored by a shared cache, never served to another reader."""
    patch_vary_headers(response, ["Cookie"])
    return response


def gift_offer(request, article, state):
    """The "Give this article" box under the full text, for website subscribers only: it needs
    their CSRF token and their count, so it only ever comes in a private response."""
    if state.reader != "subscriber":
        return None
    return {
        "allowance": gifts.allowance(request.user),
        "days": settings.SUBSCRIPTIONS_GIFT_LINK_DAYS,
        "working": gifts.working_link(request.user, article),
    }


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
            "store_configured": checkout.store_configured(),
        },
    )


def _plan_for_checkout(request, slug):
    """The plan a reader chose, or the page saying why it cannot be bought: 404 for a plan we
    never had, 410 for one no longer on sale."""
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        raise Http404("No such plan")
    if not plan.is_active:
        return plan, render(request, "subscriptions/checkout_unavailable.html", {"plan": plan}, status=410)
    return plan, None


# GET shows what the reader is about to buy; only the POST (with its CSRF token) makes an
# attempt and sends them to the store. A GET that made rows and redirected would let link
# previews and prefetching fill the table, and the plans page, cached for everyone, cannot
# hold a CSRF token, so its buttons are plain links here.
@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def start_checkout(request, slug):
    plan, unavailable = _plan_for_checkout(request, slug)
    if unavailable:
        return unavailable
    if not checkout.store_configured():
        return render(request, "subscriptions/checkout.html", {"plan": plan, "store_configured": False})
    if request.method == "POST":
        attempt = checkout.start_checkout(user=request.user, plan=plan)
        return redirect(checkout.store_checkout_url(attempt))
    # Paying twice for what one already has is a mistake worth a word before the store.
    current = Subscription.objects.active().filter(user=request.user, plan=plan).order_by("-ends_at").first()
    context = {"plan": plan, "store_configured": True, "current": current}
    response = render(request, "subscriptions/checkout.html", context)
    # The form's POST is answered with a redirect to the store, and browsers hold a redirect
    # after a form to the form-action rule too: this one page lets the form lead there.
    response._csp_config = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP.get("form-action", []), checkout.store_origin()],
    }
    return response


# The store sends the reader back here. What the page says comes from the attempt, which only
# the signed webhook marks paid: ?status=paid in the address proves nothing.
@login_required
@never_cache
@require_safe
def checkout_return(request):
    try:
        attempt = checkout.attempt_for_reference(request.GET.get("ref", ""))
    except checkout.BadReference:
        attempt = None
    if attempt is None or attempt.user_id != request.user.pk:
        return render(request, "subscriptions/checkout_return.html", {"attempt": None}, status=400)
    if request.GET.get("status") == "cancelled":
        checkout.cancel_if_pending(attempt)
    return render(
        request,
        "subscriptions/checkout_return.html",
        {"attempt": attempt, "state": attempt.current_state, "states": CheckoutAttempt.State},
    )


def _full_text_fragment(request, article):
    state = access.paywall_state(request.user, article)
    if state.shows_full_text:
        context = {"article": article, "state": state, "gift_offer": gift_offer(request, article, state)}
        template, answer = "subscriptions/_full_text.html", "open"
    elif state.uses_free_article:
        context = paywall_context(article, state)
        template, answer = "subscriptions/_metered_offer.html", "metered"
    else:
        context = paywall_context(article, state)
        template, answer = "subscriptions/_paywall.html", "closed"
    response = HttpResponse(render_to_string(template, context, request))
    response["X-Paywall"] = answer
    return _private(response)


# A GET never counts a metered read: link prefetching and previews send GETs the reader never
# sees. A metered reader's GET gets the "Read it now" form (with its CSRF token, which the
# shared page cannot carry); paywall.js posts it once the page is really shown.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def full_text(request, article_id):
    """The fragment paywall.js puts into the article page: the whole body for a reader who may
    read it, the "Read it now" form for a metered reader whose read is not yet counted (its
    POST counts it and answers with the body), otherwise the subscribe box addressed to them."""
    article = published_article_or_404(article_id)
    if request.method == "POST":
        access.count_metered_read(request.user, article)
    return _full_text_fragment(request, article)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def read(request, article_id):
    """The article on a page of its own, whole for entitled readers: where the subscribe box's
    sign-in link leads, and what readers without JavaScript use. A metered reader presses
    "Read it now" (a POST, which counts the read) before the text is shown."""
    article = published_article_or_404(article_id)
    if request.method == "POST":
        access.count_metered_read(request.user, article)
        return redirect("subscriptions:read", article_id=article.pk)
    state = access.paywall_state(request.user, article)
    show_full = state.shows_full_text
    context = paywall_context(article, state)
    context["show_full"] = show_full
    context["gift_offer"] = gift_offer(request, article, state) if show_full else None
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


# Gift links (the rules are in subscriptions/gifts.py) ----------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def give(request, article_id):
    """Make a gift link for an article: the form the full text ends with posts here, and
    this page (the form on its own) is where readers without JavaScript, or sent to sign in
    first, give it. A refusal is this page with the reason and no form."""
    article = published_article_or_404(article_id)
    refused = gifts.refusal(request.user, article)
    if request.method == "POST" and refused is None:
        try:
            gift, made = gifts.give_article(sender=request.user, article=article)
        except gifts.GiftRefused as error:
            refused = error
        else:
            if made:
                messages.success(request, "Your gift link is ready. Copy it and send it to whoever you like.")
            else:
                messages.info(
                    request,
                    "You already have a gift link for this article that works, so here it is: "
                    "send it to as many people as you like. It did not use up another gift.",
                )
            return redirect("subscriptions:gift", gift_id=gift.pk)
    working = gifts.working_link(request.user, article) if refused is None else None
    if working is not None:
        messages.info(request, "You have already given this article: here is its link, which still works.")
        return redirect("subscriptions:gift", gift_id=working.pk)
    quota = gifts.allowance(request.user) if refused is None else None
    if quota is not None and quota.left <= 0:
        refused = gifts.GiftRefused(gifts.used_up_message(quota), status=429)
    context = {
        "article": article,
        "allowance": quota,
        "refused": refused,
        "days": settings.SUBSCRIPTIONS_GIFT_LINK_DAYS,
    }
    return render(request, "subscriptions/gift_give.html", context, status=refused.status if refused else 200)


def _senders_gift(request, gift_id):
    # Someone else's gift is "not found", not "forbidden": its existence is none of their business.
    return get_object_or_404(
        GiftLink.objects.select_related("article__section"), pk=gift_id, sender=request.user
    )


def _gift_page(request, link, form=None, status=200):
    context = {"gift": link, "gift_url": gifts.gift_url(link), "email_form": form or GiftEmailForm()}
    return render(request, "subscriptions/gift.html", context, status=status)


@login_required
@never_cache
@require_safe
def gift(request, gift_id):
    """The sender's page for one link: the link to copy or to have us email, how long it
    works, how often it was opened, and the button that revokes it."""
    return _gift_page(request, _senders_gift(request, gift_id))


@login_required
@never_cache
@require_POST
def email_gift(request, gift_id):
    """Email the link to one address. Any refusal shows the sender's page again with the
    reason beside the form, and what they typed kept."""
    link = _senders_gift(request, gift_id)
    form = GiftEmailForm(request.POST)
    if not link.is_valid:
        messages.error(request, "This link no longer works, so we have not sent it.")
        return redirect("subscriptions:gift", gift_id=link.pk)
    if not form.is_valid():
        return _gift_page(request, link, form, status=400)
    recipient = form.cleaned_data["recipient"]
    refused = gifts.email_refusal(sender=request.user, recipient=recipient, ip_address=client_ip(request))
    if refused:
        form.add_error(None, refused)
        return _gift_page(request, link, form, status=429)
    gifts.email_gift(link, recipient=recipient, note=form.cleaned_data["note"])
    messages.success(request, f"We are emailing the link to {recipient}.")
    return redirect("subscriptions:gift", gift_id=link.pk)


@login_required
@never_cache
@require_POST
def revoke_gift(request, gift_id):
    link = _senders_gift(request, gift_id)
    if link.is_revoked:
        messages.info(request, "This gift link had already been stopped.")
    else:
        gifts.revoke(link)
        messages.success(
            request, "The gift link no longer works. Anyone who opens it now sees the opening only."
        )
    return redirect("subscriptions:gift", gift_id=link.pk)


def _not_for_search_engines(response):
    # The link is private to whoever was given it; the article's own address is the one to index.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gift_unavailable(request, reason, link=None, status=410):
    context = {"reason": reason, "gift": link, "article": link.article if link else None, "teaser": None}
    if link is not None and reason in ("expired", "revoked"):
        context |= paywall_context(link.article, access.anonymous_state())
        context["teaser"] = access.teaser_html(link.article.body)
    return _not_for_search_engines(
        render(request, "subscriptions/gift_unavailable.html", context, status=status)
    )


@never_cache
@require_safe
def open_gift(request, token):
    """The article whole, for anyone holding a link that still works; otherwise a page that
    says why not (410 for a link that has ended, 404 for one we never made)."""
    link = gifts.find_gift(token)
    if link is None:
        return _gift_unavailable(request, "unknown", status=404)
    if not link.article.is_published:
        return _gift_unavailable(request, "withdrawn", link)
    if link.is_revoked:
        return _gift_unavailable(request, "revoked", link)
    if link.is_expired:
        return _gift_unavailable(request, "expired", link)
    # The article and its page's parts as its own page keeps them (under the site
    # generation), so the two pages never differ and a gift read renders neither again.
    page = article_page_for(link.article.slug)
    if page is None:
        return _gift_unavailable(request, "withdrawn", link)
    article, parts = page
    context = article_page_context(request, article, parts=parts)
    context |= {"gift": link, "opened_url": reverse("gift-opened", args=[link.token])}
    return _not_for_search_engines(render(request, "subscriptions/gift_read.html", context))


# A beacon from the gift page's own script; see subscriptions/gifts.py for why opens are
# counted here rather than on the GET. Its only effect is one count, bounded per address.
@csrf_exempt
@never_cache
@require_POST
def gift_opened(request, token):
    link = gifts.find_gift(token)
    if link is not None:
        gifts.record_open(link, user=request.user, address=client_ip(request))
    return HttpResponse(status=204)
