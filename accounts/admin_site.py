"""The admin's door: the same second step as the reader login, and a rule that can require it.

The admin keeps its own password form (staff know it, and tests and demo logins use it), but
once the password is right, anyone who has turned on an authenticator app is handed to
allauth's login flow, which asks for the code on the same page readers see. With
ADMIN_REQUIRE_2FA on, the admin serves only sessions that have passed a second factor: staff
who have not are sent to enter a code, or to set an authenticator up first.
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.utils import perform_login
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode


def passed_second_factor(request):
    """Whether this session's sign-in included an authenticator or recovery code.

    allauth records each step of a sign-in in the session, for the signed-in user only.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class AdminLoginView(LoginView):
    def form_valid(self, form):
        user = form.get_user()
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            # Not signed in yet: allauth's flow asks for the code, then signs in and
            # continues to the admin page that was asked for.
            return perform_login(self.request, user, redirect_url=self.get_success_url())
        return super().form_valid(form)


class BoundedDateChangeList(ChangeList):
    """Django's list, with a date drill-down year past what a C long holds (?created_at__year=
    99999999999999999999) refused like any other bad filter value (the list again, with an
    error note) rather than raising OverflowError, a 500, where Django only expects ValueError."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class BoundedDateHierarchy:
    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList


class NewsroomAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        # Every list of the site, libraries' included (axes and tasks have date drill-downs).
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedDateHierarchy):
            admin_class = type(admin_class.__name__, (BoundedDateHierarchy, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def index(self, request, extra_context=None):
        # The desk: what waits for this member of staff, above the list of models. Imported
        # here: this module is loaded with INSTALLED_APPS, before any model can be.
        from newsroom.dashboard import desk_for

        return super().index(request, {"desk": desk_for(request.user), **(extra_context or {})})

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.ADMIN_REQUIRE_2FA or passed_second_factor(request)

    def login(self, request, extra_context=None):
        redirect_url = LoginView().get_redirect_url(request) or reverse("admin:index", current_app=self.name)
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not self.has_permission(request):
            return self._ask_for_second_factor(request, user, redirect_url)
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(redirect_url)
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": user.get_username(),
            REDIRECT_FIELD_NAME: redirect_url,
            **(extra_context or {}),
        }
        request.current_app = self.name
        return AdminLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)

    def _ask_for_second_factor(self, request, user, redirect_url):
        query = urlencode({REDIRECT_FIELD_NAME: redirect_url})
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            messages.info(request, "The admin asks for a code from your authenticator app as well.")
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
        messages.info(
            request,
            "The admin asks staff for a code from an authenticator app as well as a password. "
            "Set one up here, then go back to the admin.",
        )
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
