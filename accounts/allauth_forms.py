"""allauth's forms, tidied for our templates (ACCOUNT_FORMS): labels carry the meaning, so the
English-born placeholders and the login form's own reset link (we show «Mistet passord?") go."""

from allauth.account import forms as allauth_forms
from allauth.account.utils import user_pk_to_url_str
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

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
    def save(self):
        # allauth checks the key when the form is shown and posted, then sets the password without
        # a lock: two submits of one link at the same moment both went through. Re-check the key
        # with the user row locked, so exactly one wins; the other lands on «Lenken virker ikke».
        with transaction.atomic():
            user = get_user_model().objects.select_for_update().get(pk=self.user.pk)
            if not allauth_forms.default_token_generator.check_token(user, self.temp_key):
                url = reverse(
                    "account_reset_password_from_key",
                    kwargs={"uidb36": user_pk_to_url_str(user), "key": self.temp_key},
                )
                raise ImmediateHttpResponse(redirect(url))
            self.user = user
            super().save()


class ChangePasswordForm(TidyFieldsMixin, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(TidyFieldsMixin, allauth_forms.SetPasswordForm):
    pass


class AddEmailForm(TidyFieldsMixin, allauth_forms.AddEmailForm):
    pass
