from .tenancy import Tenant


class CurrentCustomerMiddleware:
    """Attach `request.tenant`: the user's memberships and the current customer, resolved lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = Tenant(request)
        return self.get_response(request)
