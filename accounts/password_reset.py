"""The token behind allauth's «Mistet passord?» links (ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR).

Self-contained on purpose: allauth instantiates it while `allauth.account.forms` is still
importing, so this module must not import that module.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActiveUserPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """allauth's email-aware reset token that also dies when staff deactivate the user.

    Django's token covers password, last login and email, not `is_active`: a reset link mailed
    before deactivation would otherwise still set a password (allauth #1317, Saleor #19423).
    """

    def _make_hash_value(self, user, timestamp):
        from allauth.account.internal.flows.manage_email import sync_user_email_address
        from allauth.account.models import EmailAddress
        from allauth.account.utils import user_email

        value = super()._make_hash_value(user, timestamp)
        sync_user_email_address(user)
        emails = {user_email(user)} - {None, ""}
        emails.update(EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True))
        return f"{value}{'|'.join(sorted(emails))}|{user.is_active}"

    def check_token(self, user, token):
        if user is None or not user.is_active:
            return False
        return super().check_token(user, token)
