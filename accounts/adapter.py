from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """The single extension point for allauth.

    No public sign-up: users come from the move flow, a customer administrator's invitation, or
    staff.
    """

    def is_open_for_signup(self, request):
        return False
