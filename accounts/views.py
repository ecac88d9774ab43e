from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import ratelimit
from core.links import LinkError

from . import services, staff
from .forms import BuyingRightsForm, InviteForm, ProfileForm, RoleForm, SetPasswordForm
from .models import MembershipOffer, Role
from .selectors import (
    email_address_pending,
    membership_get_for_customer,
    membership_list_for_customer,
    membership_offer_get_for_customer,
    membership_offer_list_for_customer,
)
from .tenancy import SESSION_KEY, customer_required, redirect_back

administrators_only = customer_required(roles=[Role.ADMINISTRATOR])


@login_required
@require_POST
def switch_customer(request):
    """The customer switcher in the header and «Min konto»."""
    if request.tenant.switch(request.POST.get("customer")):
        messages.success(
            request, _("Du handler nå for %(customer)s.") % {"customer": request.tenant.customer}
        )
    else:
        messages.error(request, _("Du har ikke tilgang til den kunden."))
    return redirect_back(request)


# --- «Min konto» -----------------------------------------------------------------------------------


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Endringene er lagret."))
        return redirect("accounts:profile")
    pending_email = email_address_pending(user=user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": request.tenant.memberships,
            "pending_email": pending_email,
            "offers_waiting": services.membership_offers_for(user).count(),
            "has_second_factor": staff.has_second_factor(user),
        },
    )


# --- «Brukere» -------------------------------------------------------------------------------------


@administrators_only
def users(request):
    customer = request.tenant.customer
    memberships = membership_list_for_customer(customer=customer)
    offers = membership_offer_list_for_customer(customer=customer)
    return render(request, "accounts/users.html",
                  {"customer": customer, "memberships": memberships, "offers": offers})


@administrators_only
def offer_detail(request, pk):
    """A «Bli med» offer to a person who has a user: only what the administrator typed."""
    offer = membership_offer_get_for_customer(customer=request.tenant.customer, pk=pk)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            services.membership_offer_withdraw(offer=offer)
            messages.success(request, _("Invitasjonen til %(email)s er trukket tilbake.") % {"email": offer.email})
            return redirect("accounts:users")
        if limited := ratelimit.consume_or_429(
            request, "invitation_resend", settings.ACCOUNTS_RATE_LIMITS, key=f"offer:{offer.pk}"
        ):
            return limited
        services.membership_offer_resend(offer=offer)
        messages.success(request, _("Vi har sendt invitasjonen på nytt til %(email)s.") % {"email": offer.email})
        return redirect("accounts:offer_detail", pk=offer.pk)
    return render(request, "accounts/offer_detail.html", {"offer": offer})


@login_required
def offers(request):
    """«Bli med i …»: the person accepts or declines, logged in as themselves (POST only)."""
    if request.method == "POST":
        try:
            offer_id = int(request.POST.get("offer", ""))
        except ValueError:
            raise Http404 from None
        try:
            if request.POST.get("action") == "accept":
                membership = services.membership_offer_accept(user=request.user, offer_id=offer_id)
                messages.success(request, _("Du er nå bruker hos %(customer)s.")
                                 % {"customer": membership.customer.name})
            else:
                services.membership_offer_decline(user=request.user, offer_id=offer_id)
                messages.success(request, _("Invitasjonen er avslått."))
        except MembershipOffer.DoesNotExist:
            raise Http404 from None
        return redirect("accounts:offers")
    return render(request, "accounts/offers.html", {"offers": services.membership_offers_for(request.user)})


@administrators_only
def user_add(request):
    customer = request.tenant.customer
    form = InviteForm(request.POST or None, initial={"role": Role.BUYER, "can_see_prices": True})
    if request.method == "POST" and form.is_valid():
        if limited := ratelimit.consume_or_429(request, "invite", settings.ACCOUNTS_RATE_LIMITS):
            return limited
        try:
            services.membership_invite(customer=customer, invited_by=request.user, **form.cleaned_data)
        except services.MembershipError as exc:
            form.add_error("email", exc.messages[0])
        else:
            # The same answer whether the address is new, has a user, or one staff shut out.
            messages.success(
                request,
                _("Vi har sendt en invitasjon til %(email)s. Brukeren får tilgang når invitasjonen "
                  "er tatt imot.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:users")
    return render(request, "accounts/user_add.html", {"form": form, "customer": customer})


@administrators_only
def membership_detail(request, pk, buying_form=None):
    membership = membership_get_for_customer(customer=request.tenant.customer, pk=pk)
    return render(
        request,
        "accounts/membership_detail.html",
        {
            "membership": membership,
            "role_form": RoleForm(initial={"role": membership.role}),
            "buying_form": buying_form
            or BuyingRightsForm(
                initial={"order_limit": membership.order_limit, "can_see_prices": membership.can_see_prices}
            ),
            "is_self": membership.user_id == request.user.pk,
        },
        status=400 if buying_form else 200,
    )


@administrators_only
@require_POST
def membership_buying(request, pk):
    """«Ordregrense» and «Kan se priser» of one member; a bad amount is shown next to the field."""
    membership = membership_get_for_customer(customer=request.tenant.customer, pk=pk)
    form = BuyingRightsForm(request.POST)
    if not form.is_valid():
        return membership_detail(request, pk, buying_form=form)
    try:
        membership = services.membership_set_buying_rights(membership=membership, **form.cleaned_data)
    except services.MembershipError as exc:
        form.add_error("order_limit", exc.messages[0])
        return membership_detail(request, pk, buying_form=form)
    messages.success(request, _("Innkjøpsrettighetene til %(name)s er lagret.") % {"name": membership.user})
    return redirect("accounts:membership_detail", pk=membership.pk)


def _after_change(request, membership):
    """Back to the list, or out of «Brukere» if the administrator just removed their own access."""
    if membership.user_id == request.user.pk and not (
        membership.is_active and membership.role == Role.ADMINISTRATOR
    ):
        return redirect("accounts:profile")
    return redirect("accounts:membership_detail", pk=membership.pk)


@administrators_only
@require_POST
def membership_role(request, pk):
    membership = membership_get_for_customer(customer=request.tenant.customer, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg en gyldig rolle."))
        return redirect("accounts:membership_detail", pk=membership.pk)
    try:
        membership = services.membership_set_role(membership=membership, role=form.cleaned_data["role"])
    except services.MembershipError as exc:
        messages.error(request, exc.messages[0])
        return redirect("accounts:membership_detail", pk=membership.pk)
    messages.success(
        request,
        _("%(name)s har nå rollen %(role)s.")
        % {"name": membership.user, "role": membership.get_role_display()},
    )
    return _after_change(request, membership)


@administrators_only
@require_POST
def membership_deactivate(request, pk):
    membership = membership_get_for_customer(customer=request.tenant.customer, pk=pk)
    try:
        membership = services.membership_deactivate(membership=membership)
    except services.MembershipError as exc:
        messages.error(request, exc.messages[0])
        return redirect("accounts:membership_detail", pk=membership.pk)
    messages.success(
        request,
        _("%(name)s har ikke lenger tilgang til %(customer)s.")
        % {"name": membership.user, "customer": membership.customer.name},
    )
    return _after_change(request, membership)


@administrators_only
@require_POST
def membership_reactivate(request, pk):
    membership = membership_get_for_customer(customer=request.tenant.customer, pk=pk)
    membership = services.membership_reactivate(membership=membership)
    if not membership.user.is_active:
        messages.warning(
            request,
            _("%(name)s er deaktivert av oss og kan ikke logge inn. Kontakt avdelingen din.")
            % {"name": membership.user},
        )
    else:
        messages.success(
            request,
            _("%(name)s har tilgang til %(customer)s igjen.")
            % {"name": membership.user, "customer": membership.customer.name},
        )
    return redirect("accounts:membership_detail", pk=membership.pk)


@administrators_only
@require_POST
def invitation_resend(request, pk):
    membership = membership_get_for_customer(customer=request.tenant.customer, pk=pk)
    if limited := ratelimit.consume_or_429(
        request, "invitation_resend", settings.ACCOUNTS_RATE_LIMITS, key=str(membership.pk)
    ):
        return limited
    if services.invitation_resend(membership=membership, sent_by=request.user):
        messages.success(
            request, _("Vi har sendt invitasjonen på nytt til %(email)s.") % {"email": membership.user.email}
        )
    else:
        messages.info(request, _("%(email)s trenger ingen ny invitasjon.") % {"email": membership.user.email})
    return redirect("accounts:membership_detail", pk=membership.pk)


# --- Invitation link: set the first password -------------------------------------------------------

TOKEN_PROBLEMS = {
    "expired": (
        _("Lenken har gått ut"),
        _(
            "Invitasjonslenken er bare gyldig en begrenset tid. Be administratoren hos kunden om å sende "
            "invitasjonen på nytt."
        ),
    ),
    "used": (
        _("Lenken er allerede brukt"),
        _(
            "Du har allerede satt et passord med denne lenken. Logg inn med e-postadressen og passordet "
            "ditt, eller bruk «Mistet passord?»."
        ),
    ),
    "invalid": (
        _("Lenken virker ikke"),
        _(
            "Lenken er ufullstendig eller ugyldig. Kopier hele lenken fra e-posten, eller be "
            "administratoren hos kunden om å sende invitasjonen på nytt."
        ),
    ),
}


def _invitation_problem(request, reason):
    heading, text = TOKEN_PROBLEMS[reason]
    return render(
        request,
        "accounts/invitation_problem.html",
        {"heading": heading, "text": text, "reason": reason},
        status=410 if reason in ("expired", "used") else 400,
    )


def invitation_accept(request, customer_id, token):
    """The colleague's set-password page; on success they are logged in at the inviting customer."""
    try:
        membership = services.invitation_membership_get(token=token, customer_id=customer_id)
    except LinkError as exc:
        return _invitation_problem(request, exc.reason)
    form = SetPasswordForm(membership.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                token=token, customer_id=customer_id, password=form.cleaned_data["password1"]
            )
        except LinkError as exc:
            return _invitation_problem(request, exc.reason)
        user = membership.user
        if request.user.is_authenticated and request.user.pk != user.pk:
            logout(request)
        login(request, user, backend="accounts.backends.ModelBackend")
        request.session[SESSION_KEY] = membership.customer_id
        messages.success(
            request,
            _("Velkommen! Passordet er lagret, og du er logget inn hos %(customer)s.")
            % {"customer": membership.customer.name},
        )
        return redirect("/")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invited_user": membership.user, "customer": membership.customer},
    )


STAFF_TOKEN_PROBLEMS = {
    "expired": (
        _("Lenken har gått ut"),
        _("Lenken for å lage passord er bare gyldig en begrenset tid. Be IT eller Netthandel om en ny."),
    ),
    "used": (
        _("Lenken er allerede brukt"),
        _("Du har allerede laget et passord med denne lenken. Logg inn med e-postadressen og passordet ditt."),
    ),
    "invalid": (
        _("Lenken virker ikke"),
        _("Lenken er ufullstendig eller ugyldig. Kopier hele lenken fra e-posten, eller be IT om en ny."),
    ),
}


def staff_set_password(request, token):
    """A new staff member's set-password page (the link from manage.py create_staff).

    They are not logged in here: the next step is the login, which takes them to set up the
    second factor before any admin page.
    """
    def problem(reason):
        heading, text = STAFF_TOKEN_PROBLEMS[reason]
        return render(
            request,
            "accounts/invitation_problem.html",
            {"heading": heading, "text": text, "reason": reason},
            status=410 if reason in ("expired", "used") else 400,
        )

    try:
        user = staff.staff_password_user(token)
    except LinkError as exc:
        return problem(exc.reason)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff.staff_password_set(token=token, password=form.cleaned_data["password1"])
        except LinkError as exc:
            return problem(exc.reason)
        messages.success(
            request,
            _("Passordet er lagret. Logg inn, så setter du opp to-trinns innlogging."),
        )
        return redirect(f"{reverse('account_login')}?next={reverse('admin:index')}")
    return render(request, "accounts/staff_set_password.html", {"form": form, "staff_user": user})


def account_home(request):
    return redirect("accounts:profile")
