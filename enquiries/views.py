"""The form pages, and the advertising options page they are reached from.

Each form page carries a CSRF token and a start time of its own, so none is ever cached; the
article page and the options page link here instead of embedding a form, and stay cacheable.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from articles.views import published_article_or_404
from enquiries import services
from enquiries.forms import EnquiryForm, ErrorReportForm, ShareForm
from enquiries.models import Enquiry, RateCard
from newsroom.lib.client_ip import client_ip


def _has_confirmation(request):
    """Whether the reader has just sent a form: a confirmation page reached any other way
    (a bookmark, a reload) would thank them for nothing, so it sends them to the form."""
    return len(messages.get_messages(request)) > 0


def _join_addresses(addresses):
    if len(addresses) == 1:
        return addresses[0]
    return ", ".join(addresses[:-1]) + " and " + addresses[-1]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email_article(request, article_id):
    article = published_article_or_404(article_id)
    form_kwargs = {"user": request.user, "ip_address": client_ip(request)}
    if request.method == "POST":
        form = ShareForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            services.share_article(
                article=article,
                sender_name=data["sender_name"],
                sender_email=data["sender_email"],
                recipients=data["recipients"],
                note=data["note"],
                user=request.user,
                ip_address=client_ip(request),
            )
            messages.success(
                request, f"We are emailing “{article.headline}” to {_join_addresses(data['recipients'])}."
            )
            return redirect("enquiries:email-article-sent", article_id=article.pk)
    else:
        form = ShareForm(**form_kwargs)
    return render(request, "enquiries/email_article.html", {"article": article, "form": form})


@never_cache
def email_article_sent(request, article_id):
    article = published_article_or_404(article_id)
    if not _has_confirmation(request):
        return redirect("enquiries:email-article", article_id=article.pk)
    return render(request, "enquiries/email_article_sent.html", {"article": article})


ENQUIRY_PAGES = {
    Enquiry.Kind.ARTICLE: {
        "title": "Ask about this article",
        "intro": "Questions, corrections or requests for more information about this article go to "
        "the editors of its section.",
        "team": "the editors",
    },
    Enquiry.Kind.SUBSCRIBE: {
        "title": "To subscribe",
        "intro": "Ask our subscriptions team about subscribing, for yourself, as a gift or for "
        "an organisation.",
        "team": "our subscriptions team",
    },
    Enquiry.Kind.ADVERTISE: {
        "title": "To advertise",
        "intro": "Tell our advertising team what you have in mind, and they will send you our "
        "rates and options.",
        "team": "our advertising team",
    },
}


def _enquiry_page(request, kind, article=None):
    form_kwargs = {"user": request.user, "ip_address": client_ip(request)}
    if request.method == "POST":
        form = EnquiryForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            services.submit_enquiry(
                kind=kind,
                article=article,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                message=data["message"],
                user=request.user,
                ip_address=client_ip(request),
            )
            page = ENQUIRY_PAGES[kind]
            messages.success(
                request, f"Thank you, {data['name']}. Your message is on its way to {page['team']}."
            )
            if article is not None:
                return redirect("enquiries:article-enquiry-sent", article_id=article.pk)
            return redirect(f"enquiries:{kind}-sent")
    else:
        form = EnquiryForm(**form_kwargs)
    if article is not None:
        action = reverse("enquiries:article-enquiry", kwargs={"article_id": article.pk})
    else:
        action = reverse(f"enquiries:{kind}")
    return render(
        request,
        "enquiries/enquiry.html",
        {"form": form, "article": article, "kind": kind, "page": ENQUIRY_PAGES[kind], "action": action},
    )


def _enquiry_sent(request, kind, article=None):
    if not _has_confirmation(request):
        if article is not None:
            return redirect("enquiries:article-enquiry", article_id=article.pk)
        return redirect(f"enquiries:{kind}")
    return render(
        request,
        "enquiries/enquiry_sent.html",
        {"article": article, "kind": kind, "page": ENQUIRY_PAGES[kind]},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def article_enquiry(request, article_id):
    return _enquiry_page(request, Enquiry.Kind.ARTICLE, published_article_or_404(article_id))


@never_cache
def article_enquiry_sent(request, article_id):
    return _enquiry_sent(request, Enquiry.Kind.ARTICLE, published_article_or_404(article_id))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    return _enquiry_page(request, Enquiry.Kind.SUBSCRIBE)


@never_cache
def subscribe_sent(request):
    return _enquiry_sent(request, Enquiry.Kind.SUBSCRIBE)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def advertise(request):
    return _enquiry_page(request, Enquiry.Kind.ADVERTISE)


@never_cache
def advertise_sent(request):
    return _enquiry_sent(request, Enquiry.Kind.ADVERTISE)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request, article_id):
    article = published_article_or_404(article_id)
    form_kwargs = {"user": request.user, "ip_address": client_ip(request)}
    if request.method == "POST":
        form = ErrorReportForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            services.submit_error_report(
                article=article,
                description=data["description"],
                quote=data["quote"],
                evidence=data["evidence"],
                name=data["name"],
                email=data["email"],
                user=request.user,
                ip_address=client_ip(request),
            )
            messages.success(
                request,
                f"Thank you. Your report is with the editors, and we will email {data['email']} "
                "to say what we did about it.",
            )
            return redirect("enquiries:report-error-sent", article_id=article.pk)
    else:
        form = ErrorReportForm(**form_kwargs)
    return render(request, "enquiries/report_error.html", {"article": article, "form": form})


@never_cache
def report_error_sent(request, article_id):
    article = published_article_or_404(article_id)
    if not _has_confirmation(request):
        return redirect("enquiries:report-error", article_id=article.pk)
    return render(request, "enquiries/report_error_sent.html", {"article": article})


@require_safe
def advertising_options(request):
    """The rate card at /advertise/: the same for every reader, with no form and no token, so
    the page cache keeps it for anonymous readers until the site generation moves."""
    rate_card = RateCard.current()
    options = list(rate_card.options.shown())
    return render(request, "enquiries/advertising_options.html", {"rate_card": rate_card, "options": options})
