"""allauth's forms, tidied for our templates (ACCOUNT_FORMS): labels carry the meaning, so the
English-born placeholders and the login form's own reset link (we show «Mistet passord?") go."""

from allauth.account import forms as allauth_forms


class TidyFieldsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


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
