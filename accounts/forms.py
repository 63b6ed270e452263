from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password

from accounts.models import DELETED_ACCOUNT_NAME, NEUTRAL_NAME_PATTERN, User, neutral_name


class ReaderFormMixin:
    """What every account form does for the person filling it in.

    Labels say what a field is, so allauth's placeholders (which vanish on typing) go. After a
    failed submission the first field with an error gets the focus; Django ties each error to
    its field with aria-describedby, so a screen reader hears the message on arrival.
    """

    labels = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            field.widget.attrs.pop("autofocus", None)
            if name in self.labels:
                field.label = self.labels[name]

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        with_errors = [name for name in self.fields if name in self._errors]
        # After a form-wide error (a wrong password) the reader continues at the first empty
        # field: passwords are never shown again, so that is usually where to retype.
        empty = [
            name
            for name, field in self.fields.items()
            if isinstance(field.widget, forms.PasswordInput) or not self.data.get(self.add_prefix(name))
        ]
        first = next(iter(with_errors or empty or list(self.fields)), None)
        if first:
            self.fields[first].widget.attrs["autofocus"] = True


class LoginForm(ReaderFormMixin, allauth_forms.LoginForm):
    labels = {"login": "Email address", "password": "Password", "remember": "Keep me signed in"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The login page links to the reset form itself, next to the button.
        self.fields["password"].help_text = ""


class SignupForm(ReaderFormMixin, allauth_forms.SignupForm):
    labels = {"email": "Email address", "password1": "Password", "password2": "Password again"}

    def try_save(self, request):
        if self.account_already_exists:
            # A new account costs one password hash; a taken address would cost none, and the
            # difference in time would tell a stranger the address has an account here.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class AddEmailForm(ReaderFormMixin, allauth_forms.AddEmailForm):
    labels = {"email": "New email address"}


class ChangePasswordForm(ReaderFormMixin, allauth_forms.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password again",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].help_text = ""


class SetPasswordForm(ReaderFormMixin, allauth_forms.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Password again"}


class ResetPasswordForm(ReaderFormMixin, allauth_forms.ResetPasswordForm):
    labels = {"email": "Email address"}


class ResetPasswordKeyForm(ReaderFormMixin, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "New password again"}


class ProfileForm(ReaderFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            return ""
        if name.casefold() == DELETED_ACCOUNT_NAME.casefold():
            raise forms.ValidationError(
                f"“{name}” is what we show for accounts that have been deleted. Please choose another name."
            )
        own_neutral_name = neutral_name(self.instance.pk).casefold()
        if NEUTRAL_NAME_PATTERN.fullmatch(name) and name.casefold() != own_neutral_name:
            raise forms.ValidationError(
                f"Names like “{name}” are how we show readers without a display name, so another "
                "reader could be taken for you. Please choose a different display name."
            )
        # The database constraint is the guarantee; this says it in plain words first.
        taken = User.objects.filter(display_name__iexact=name).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(
                f"“{name}” is already used by another reader. Please choose a different display name."
            )
        return name


class DeleteAccountForm(ReaderFormMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is you.",
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Through authenticate(), so that guesses here count towards the login lockout too.
        user = authenticate(self.request, email=self.request.user.email, password=password)
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError("That is not your current password.")
        return password


class DeactivateTOTPForm(totp_forms.DeactivateTOTPForm):
    """Turning the authenticator app off takes a code from it (or a recovery code), so a
    session left open on a shared computer cannot remove the second step."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="Six digits, or one of your recovery codes if you no longer have the app.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth binds this form to empty data on GET so that its own refusals show at once;
        # ours asks for a code, which must not be reported missing before anyone has typed.
        if not self.data:
            self.is_bound = False

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        for authenticator in Authenticator.objects.filter(
            user=self.authenticator.user,
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES],
        ):
            if authenticator.wrap().validate_code(code):
                return code
        raise forms.ValidationError(
            f"“{code}” is not a current code from your authenticator app or an unused recovery code."
        )


class AuthenticateForm(ReaderFormMixin, mfa_forms.AuthenticateForm):
    labels = {"code": "Code from your authenticator app"}


class ReauthenticateForm(ReaderFormMixin, mfa_forms.ReauthenticateForm):
    labels = {"code": "Code from your authenticator app"}


class ActivateTOTPForm(ReaderFormMixin, totp_forms.ActivateTOTPForm):
    labels = {"code": "Authenticator code"}
