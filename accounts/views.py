import json

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from accounts.exports import personal_data
from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.panels import account_panels
from accounts.services import delete_account


@never_cache
@login_required
def overview(request):
    """The reader's account page: profile, sign-in details, other apps' sections, their data."""
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:overview")
    else:
        form = ProfileForm(instance=request.user)
    return render(
        request,
        "accounts/overview.html",
        {
            "form": form,
            "pending_email": EmailAddress.objects.get_new(request.user),
            "panels": account_panels(request),
        },
    )


@never_cache
@login_required
def download_data(request):
    body = json.dumps(personal_data(request.user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    filename = f"{slugify(settings.SITE_NAME)}-my-data-{timezone.localdate()}.json"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def delete(request):
    if request.user.is_staff:
        # Staff accounts carry the newsroom's records (who published what); an administrator
        # closes them in the admin, after handing the work over.
        return render(request, "accounts/delete_staff.html")
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, request=request)
        if form.is_valid():
            delete_account(user=request.user)
            logout(request)
            return redirect("accounts:deleted")
    else:
        form = DeleteAccountForm(request=request)
    return render(request, "accounts/delete.html", {"form": form})


def deleted(request):
    return render(request, "accounts/deleted.html")


@cache_control(private=True, no_store=True)
@require_safe
def bar(request):
    """The signed-in reader's part of the page header, fetched after load by
    static/js/account-bar.js. Shared pages say "Sign in" to everyone, so one cached copy serves
    every reader; this private answer tells one reader's browser who they are. An anonymous
    reader gets nothing (204) and keeps the "Sign in" link."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "accounts/_bar.html")
