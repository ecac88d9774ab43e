"""The legacy gate, the move form, activation and «Aktiver».

The gate keeps the legacy login in its own session key (never a Django login): being logged in to
the *old* shop says nothing about the new one.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.tenancy import SESSION_KEY as CUSTOMER_SESSION_KEY
from core.links import LinkError, handoff_verify, link_read, link_sign
from core.ratelimit import consume_or_429

from . import selectors, services
from .forms import (
    ActivationRequestForm,
    InterestForm,
    LegacyLoginForm,
    LegacyResetRequestForm,
    LegacySetPasswordForm,
    MoveForm,
)
from .models import LegacyAccount, State

LEGACY_SESSION_KEY = "migration.legacy_account"


# --- The legacy session ------------------------------------------------------------------------------


def _legacy_login(request, account: LegacyAccount, via: str) -> None:
    """The session holds a token bound to the stored legacy hash and the account's state (core.links,
    kind "legacy_session", LEGACY_SESSION_MAX_AGE), not just the account id."""
    request.session.cycle_key()
    request.session[LEGACY_SESSION_KEY] = {"token": link_sign("legacy_session", account), "via": via}


def _legacy_account(request) -> LegacyAccount | None:
    """The legacy account of this session, re-checked on every request: a new legacy password, a
    shut-out, the account moved or re-activated, or LEGACY_SESSION_MAX_AGE ends the session."""
    data = request.session.get(LEGACY_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    account = selectors.legacy_account_for_session(data.get("token", ""))
    if account is None:
        request.session.pop(LEGACY_SESSION_KEY, None)
        return None
    return account


def _after_login(request, account):
    """Where a legacy login leads: the old shop for re-activated users, else the four cases."""
    if account.state == State.REACTIVATED and account.legacy_access:
        return redirect(settings.LEGACY_SHOP_URL)
    return redirect("migration:legacy_home")


def _rate_limited(request, action: str, *, key: str):
    """The 429 page once this client or `key` is over MIGRATION_RATE_LIMITS[action]; else None."""
    return consume_or_429(request, action, settings.MIGRATION_RATE_LIMITS, key=key)


# --- Gate --------------------------------------------------------------------------------------------


@never_cache
def gate(request):
    """«Logg inn i dagens nettbutikk»: legacy username + password."""
    form = LegacyLoginForm(request.POST or None)
    if request.method == "POST":
        if limited := _rate_limited(request, "legacy_login", key=request.POST.get("username", "")):
            return limited
        if form.is_valid():
            account = services.legacy_account_authenticate(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
            if account is not None:
                _legacy_login(request, account, "login")
                return _after_login(request, account)
            form.add_error(
                None,
                _(
                    "Feil brukernavn eller passord. Husk at det er brukernavnet fra dagens nettbutikk, "
                    "ikke e-postadressen."
                ),
            )
    return render(request, "migration/gate.html", {"form": form})


@require_POST
def legacy_logout(request):
    request.session.pop(LEGACY_SESSION_KEY, None)
    messages.success(request, _("Du er logget ut av dagens nettbutikk."))
    return redirect("migration:gate")


@never_cache
def legacy_reset_request(request):
    """«Glemt passord?» by legacy username; the same answer for every username."""
    form = LegacyResetRequestForm(request.POST or None)
    if request.method == "POST":
        if limited := _rate_limited(request, "legacy_reset", key=request.POST.get("username", "")):
            return limited
        if form.is_valid():
            services.legacy_account_request_reset(username=form.cleaned_data["username"])
            return render(request, "migration/reset_sent.html", {"username": form.cleaned_data["username"]})
    return render(request, "migration/reset_request.html", {"form": form})


@never_cache
def legacy_reset_confirm(request, token):
    account = services.legacy_reset_read(token)
    if account is None:
        return render(request, "migration/invalid_link.html", {"reset": True}, status=400)
    form = LegacySetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.legacy_account_set_password(account=account, password=form.cleaned_data["password1"]):
            return render(request, "migration/invalid_link.html", {"reset": True}, status=400)
        account.refresh_from_db()
        _legacy_login(request, account, "reset")
        messages.success(request, _("Passordet for dagens nettbutikk er endret."))
        return _after_login(request, account)
    return render(request, "migration/reset_confirm.html", {"form": form, "account": account})


@never_cache
def handoff(request):
    """The legacy shop hands a logged-in user over: ?username=…&ts=<unix seconds>&sig=<hex HMAC>."""
    if not settings.LEGACY_HANDOFF_SECRET:
        raise Http404
    username = request.GET.get("username", "")
    valid = handoff_verify(
        username=username, timestamp=request.GET.get("ts", ""), signature=request.GET.get("sig", "")
    )
    account = LegacyAccount.objects.by_username(username).filter(is_active=True).first() if valid else None
    if account is None:
        messages.error(
            request, _("Lenken fra dagens nettbutikk er utløpt eller ugyldig. Logg inn her i stedet.")
        )
        return redirect("migration:gate")
    _legacy_login(request, account, "handoff")
    return _after_login(request, account)


def invitation(request, token):
    """The personal link in the invitation email: straight to the move form."""
    account = services.invitation_read(token)
    if account is None:
        return render(request, "migration/invalid_link.html", {"invitation": True}, status=400)
    _legacy_login(request, account, "invitation")
    return redirect("migration:legacy_home")


# --- After legacy login: the four cases --------------------------------------------------------------


@never_cache
def legacy_home(request):
    account = _legacy_account(request)
    if account is None:
        return redirect("migration:gate")
    move = selectors.customer_move_get(account.customer_id)
    context = {"account": account, "move": move, "legacy_shop_url": settings.LEGACY_SHOP_URL}
    if account.state == State.REACTIVATED and account.legacy_access:
        return redirect(settings.LEGACY_SHOP_URL)
    if account.state == State.ACTIVATED:
        return render(request, "migration/moved.html", context)
    if account.state == State.SUBMITTED:
        return render(request, "migration/submitted.html", context)
    if move is None or not move.is_flagged:
        return render(request, "migration/not_ready.html", {**context, "form": InterestForm()})
    past_deadline = move.is_past_deadline()
    form = MoveForm(
        request.POST or None, initial={"name": account.name, "email": account.email, "phone": account.phone}
    )
    if request.method == "POST":
        if limited := _rate_limited(request, "move_form", key=account.username):
            return limited
        if form.is_valid():
            try:
                result = services.legacy_account_submit_move(
                    account=account,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                )
            except services.MoveError as exc:
                form.add_error("email" if exc.code == "email_taken" else None, exc.message)
            else:
                if result.outcome == "already":
                    messages.info(
                        request, _("Du har allerede sendt flytteskjemaet. Vi har ikke sendt noe på nytt.")
                    )
                return redirect("migration:legacy_home")
    return render(
        request, "migration/move_form.html", {**context, "form": form, "past_deadline": past_deadline}
    )


@require_POST
def postpone(request):
    """«Utsett»: record it and continue into the old shop."""
    account = _legacy_account(request)
    if account is None:
        return redirect("migration:gate")
    try:
        services.legacy_account_postpone(account=account)
    except services.MoveError as exc:
        messages.error(request, exc.message)
        return redirect("migration:legacy_home")
    return redirect(settings.LEGACY_SHOP_URL)


@require_POST
def interest(request):
    """«Meld interesse»: reaches the branch."""
    account = _legacy_account(request)
    if account is None:
        return redirect("migration:gate")
    if limited := _rate_limited(request, "interest", key=account.username):
        return limited
    form = InterestForm(request.POST)
    if form.is_valid():
        services.move_interest_create(account=account, message=form.cleaned_data["message"])
        messages.success(
            request,
            _("Takk! Avdelingen %(branch)s har fått beskjed om at dere vil flytte.")
            % {"branch": account.customer.branch.name},
        )
    return redirect("migration:legacy_home")


def legacy_shop(request):
    """A stand-in for the old shop («dagens nettbutikk») so the way on works locally."""
    account = _legacy_account(request)
    if account is not None and not account.legacy_access:
        account = None
    return render(request, "migration/legacy_shop.html", {"account": account})


# --- Activation --------------------------------------------------------------------------------------


def _activation_invalid(request, reason: str):
    return render(request, "migration/activate_invalid.html", {"reason": reason}, status=400)


@never_cache
def activate(request, token):
    """The activation link: set the password (or confirm, for an existing user), then log in."""
    try:
        user = link_read("activation", token)
    except LinkError as exc:
        return _activation_invalid(request, exc.reason)
    if not selectors.user_awaiting_activation(user):
        return _activation_invalid(request, "used")
    existing = user.has_usable_password()
    form = None if existing else SetPasswordForm(user, request.POST or None)
    if request.method == "POST":
        if form is not None and not form.is_valid():
            return render(request, "migration/activate.html", {"form": form, "user_obj": user})
        try:
            locked, accounts = services.legacy_account_activate_by_link(
                token=token, password=form.cleaned_data["new_password1"] if form is not None else None
            )
        except services.ActivationRefused as exc:
            return _activation_invalid(request, exc.reason)
        login(request, locked, backend="accounts.backends.ModelBackend")
        request.session[CUSTOMER_SESSION_KEY] = accounts[0].customer_id
        request.session.pop(LEGACY_SESSION_KEY, None)
        messages.success(
            request,
            _("Velkommen til den nye nettbutikken! Fra nå logger du inn med %(email)s.")
            % {"email": locked.email},
        )
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "migration/activate.html", {"form": form, "user_obj": user, "existing": existing})


@never_cache
def activate_request(request):
    """«Aktiver»: email in, a fresh link out if that user waits for activation; one answer for all."""
    form = ActivationRequestForm(request.POST or None)
    if request.method == "POST":
        if limited := _rate_limited(request, "activate_request", key=request.POST.get("email", "")):
            return limited
        if form.is_valid():
            services.activation_request(email=form.cleaned_data["email"])
            return render(
                request, "migration/activate_request_done.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "migration/activate_request.html", {"form": form})
