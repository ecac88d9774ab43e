from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .tenancy import redirect_back


@login_required
@require_POST
def switch_customer(request):
    """The customer switcher in the header and «Min konto»."""
    if request.tenant.switch(request.POST.get("customer")):
        messages.success(request, _("Du handler nå for %(customer)s.") % {"customer": request.tenant.customer})
    else:
        messages.error(request, _("Du har ikke tilgang til den kunden."))
    return redirect_back(request)
