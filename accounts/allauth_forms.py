"""allauth's forms, tidied for our templates (ACCOUNT_FORMS): labels carry the meaning, so the
English-born placeholders and the login form's own reset link (we show «Mistet passord?") go."""

from allauth.account import forms as allauth_forms
from django.core.validators import MaxLengthValidator

EMAIL_MAX_LENGTH = 254  # User.email and the outbox's recipient column


class TidyFieldsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in ("email", "login"):
                # allauth leaves the length open; an over-long address must be a field message,
                # not a database error when the (unknown-account) email is queued.
                field.max_length = EMAIL_MAX_LENGTH
                field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)
                field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))


class LoginForm(TidyFieldsMixin, allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


class ResetPasswordForm(TidyFieldsMixin, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(TidyFieldsMixin, allauth_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(TidyFieldsMixin, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(TidyFieldsMixin, allauth_forms.SetPasswordForm):
    pass


class AddEmailForm(TidyFieldsMixin, allauth_forms.AddEmailForm):
    pass
