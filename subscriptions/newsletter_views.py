"""The newsletter's pages: sign up, confirm from the email, change choices or unsubscribe
without a login (from the links every issue carries), and manage from the account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsroom.lib.client_ip import client_network
from newsroom.lib.ratelimit import hit
from subscriptions import newsletter
from subscriptions.forms import NewsletterPreferencesForm, NewsletterSignUpForm, PreferencesLinkForm
from subscriptions.models import NewsletterSubscriber

SIGN_UPS_PER_ADDRESS_PER_HOUR = 3
SIGN_UPS_PER_IP_PER_HOUR = 20
LINK_REQUESTS_PER_ADDRESS_PER_HOUR = 3
LINK_REQUESTS_PER_IP_PER_HOUR = 10


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
        newsletter.request_sign_up(
            email=email, sections=form.cleaned_data["sections"], frequency=form.cleaned_data["frequency"]
        )
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
        email, _, _ = newsletter.read_confirm_token(token)
    except newsletter.BadToken as problem:
        return render(request, "subscriptions/newsletter/bad_link.html", {"problem": problem}, status=400)
    if request.method == "POST":
        subscriber = newsletter.confirm_from_token(token)
        return render(
            request,
            "subscriptions/newsletter/confirmed.html",
            {
                "subscriber": subscriber,
                "weekday": newsletter.weekly_day_name(),
                "preferences_url": newsletter.preferences_url(subscriber.pk),
            },
        )
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


# The link in every issue. Opening it (as mail scanners do) only shows the choices; the form's
# POST, with its CSRF token, changes them.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    try:
        subscriber = newsletter.subscriber_from_preferences_token(token)
    except newsletter.NotOnList as problem:
        return render(request, "subscriptions/newsletter/not_on_list.html", {"problem": problem}, status=404)
    except newsletter.BadToken as problem:
        return render(
            request,
            "subscriptions/newsletter/preferences_bad_link.html",
            {"problem": problem, "form": PreferencesLinkForm()},
            status=400,
        )
    if subscriber.state != NewsletterSubscriber.State.CONFIRMED:
        return render(request, "subscriptions/newsletter/not_on_list.html", {"subscriber": subscriber})
    form = NewsletterPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"sections": list(subscriber.sections.all()), "frequency": subscriber.frequency},
    )
    if request.method == "POST":
        if request.POST.get("action") == "unsubscribe":
            newsletter.unsubscribe(subscriber)
            return render(request, "subscriptions/newsletter/unsubscribed.html", {"subscriber": subscriber})
        if form.is_valid():
            newsletter.save_preferences(
                subscriber, sections=form.cleaned_data["sections"], frequency=form.cleaned_data["frequency"]
            )
            messages.success(request, "Your choices are saved. The next issue follows them.")
            return redirect(request.path)
    return render(
        request,
        "subscriptions/newsletter/preferences.html",
        {"form": form, "subscriber": subscriber},
        status=400 if form.errors else 200,
    )


# Asking for a fresh preferences link. Whatever the address, the answer is the same page, so
# the form tells nobody who is on the list; the limits stop it being used to flood a mailbox.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences_link(request):
    form = PreferencesLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        too_many = not hit(
            "newsletter-link-ip", client_network(request), limit=LINK_REQUESTS_PER_IP_PER_HOUR, period=3600
        ).allowed
        too_many |= not hit(
            "newsletter-link-email", email, limit=LINK_REQUESTS_PER_ADDRESS_PER_HOUR, period=3600
        ).allowed
        if too_many:
            form.add_error(
                None, "We have had several requests from here or for this address; try again in an hour."
            )
            return render(
                request, "subscriptions/newsletter/preferences_link.html", {"form": form}, status=429
            )
        newsletter.send_preferences_link(email)
        return redirect("newsletter:preferences-link-sent")
    return render(
        request,
        "subscriptions/newsletter/preferences_link.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@never_cache
def preferences_link_sent(request):
    return render(request, "subscriptions/newsletter/preferences_link_sent.html")


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request):
    subscriber = newsletter.reader_subscription(request.user)
    subscribed = subscriber is not None and subscriber.state == NewsletterSubscriber.State.CONFIRMED
    initial = (
        {"sections": list(subscriber.sections.all()), "frequency": subscriber.frequency} if subscribed else {}
    )
    form = NewsletterPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unsubscribe" and subscribed:
            newsletter.unsubscribe(subscriber)
            messages.success(request, "You are unsubscribed from the daily newsletter.")
            return redirect("newsletter:manage")
        if form.is_valid():
            sections, frequency = form.cleaned_data["sections"], form.cleaned_data["frequency"]
            if subscribed:
                newsletter.save_preferences(subscriber, sections=sections, frequency=frequency)
                messages.success(request, "Your newsletter choices are saved.")
            elif newsletter.subscribe_signed_in_reader(
                user=request.user, sections=sections, frequency=frequency
            ):
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
