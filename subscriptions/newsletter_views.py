"""The newsletter's pages: sign up, confirm from the email, unsubscribe without a login, and
manage from the account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsroom.lib.client_ip import client_network
from newsroom.lib.ratelimit import hit
from subscriptions import newsletter
from subscriptions.forms import NewsletterPreferencesForm, NewsletterSignUpForm
from subscriptions.models import NewsletterSubscriber

SIGN_UPS_PER_ADDRESS_PER_HOUR = 3
SIGN_UPS_PER_IP_PER_HOUR = 20


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request):
    form = NewsletterSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        too_many = not hit(
            "newsletter-sign-up-ip",
            client_network(request),
            limit=SIGN_UPS_PER_IP_PER_HOUR,
            period=3600,
        ).allowed
        too_many |= not hit(
            "newsletter-sign-up-email", email, limit=SIGN_UPS_PER_ADDRESS_PER_HOUR, period=3600
        ).allowed
        if too_many:
            form.add_error(
                None, "We have had several sign-ups from here or for this address; try again in an hour."
            )
            return render(request, "subscriptions/newsletter/sign_up.html", {"form": form}, status=429)
        newsletter.request_sign_up(email=email, sections=form.cleaned_data["sections"])
        return redirect("newsletter:sent")
    return render(request, "subscriptions/newsletter/sign_up.html", {"form": form})


@never_cache
def sent(request):
    return render(request, "subscriptions/newsletter/sent.html")


# A GET only shows a button: mail scanners that follow links must not confirm for anyone.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        email, _ = newsletter.read_confirm_token(token)
    except newsletter.BadToken as problem:
        return render(request, "subscriptions/newsletter/bad_link.html", {"problem": problem}, status=400)
    if request.method == "POST":
        subscriber = newsletter.confirm_from_token(token)
        return render(request, "subscriptions/newsletter/confirmed.html", {"subscriber": subscriber})
    return render(request, "subscriptions/newsletter/confirm.html", {"email": email})


# RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the link from the
# email's header, with no cookie or CSRF token. The signed token in the address is the proof.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscriber = newsletter.subscriber_from_unsubscribe_token(token)
    except newsletter.BadToken as problem:
        return render(request, "subscriptions/newsletter/bad_link.html", {"problem": problem}, status=400)
    if request.method == "POST":
        newsletter.unsubscribe(subscriber)
        return render(request, "subscriptions/newsletter/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "subscriptions/newsletter/unsubscribe.html", {"subscriber": subscriber})


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request):
    subscriber = newsletter.reader_subscription(request.user)
    subscribed = subscriber is not None and subscriber.state == NewsletterSubscriber.State.CONFIRMED
    initial = {"sections": list(subscriber.sections.all())} if subscribed else {}
    form = NewsletterPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unsubscribe" and subscribed:
            newsletter.unsubscribe(subscriber)
            messages.success(request, "You are unsubscribed from the daily newsletter.")
            return redirect("newsletter:manage")
        if form.is_valid():
            sections = form.cleaned_data["sections"]
            if subscribed:
                subscriber.sections.set(sections)
                messages.success(request, "Your newsletter sections are saved.")
            elif newsletter.subscribe_signed_in_reader(user=request.user, sections=sections):
                messages.success(request, "You are subscribed to the daily newsletter.")
            else:
                messages.info(
                    request, f"We have emailed a link to {request.user.email}: follow it to confirm."
                )
            return redirect("newsletter:manage")
    return render(
        request,
        "subscriptions/newsletter/manage.html",
        {"form": form, "subscriber": subscriber, "subscribed": subscribed},
    )
