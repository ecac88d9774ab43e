"""allauth's authorization endpoint with two things it does not do: remember consent, answer 400.

Everything else (validation, login, prompt, the consent form, the redirect) is allauth's view.
"""

from allauth.idp.oidc import views as allauth_views
from allauth.idp.oidc.internal.oauthlib.server import get_server
from allauth.idp.oidc.internal.oauthlib.utils import extract_params, respond_html_error
from django.core.exceptions import ValidationError
from oauthlib.oauth2.rfc6749 import errors

from .services import oidc_consent_granted, oidc_consent_record


class AuthorizationView(allauth_views.AuthorizationView):
    def get(self, request, *args, **kwargs):
        # An unknown client or redirect URI is the client's fault, shown on the shop, never
        # redirected: 400, before anyone is asked to log in for a request that cannot succeed.
        try:
            get_server().validate_authorization_request(*extract_params(request))
        except (errors.FatalClientError, ValidationError) as e:
            response = respond_html_error(request, error=e)
            response.status_code = 400
            return response
        except errors.OAuth2Error:
            pass  # allauth's view sends these back to the (valid) redirect URI
        return super().get(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        # Reached on GET only when the consent page would be shown (allauth has validated the
        # request by then; `_scopes` are the requested scopes).
        info = getattr(self, "_request_info", None) or {}
        if (
            self.request.method == "GET"
            and info.get("client_id")
            and oidc_consent_granted(user=self.request.user, client_id=info["client_id"],
                                     scopes=self._scopes)
        ):
            # As allauth's _skip_consent(), which needs the oauthlib request popped by now.
            form_kwargs = self.get_form_kwargs()
            form_kwargs["data"] = {"scopes": self._scopes, "request": "consent-remembered"}
            form = self.form_class(**form_kwargs)
            if form.is_valid():
                return self.form_valid(form)
        return super().render_to_response(context, **response_kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.method == "POST" and response.status_code == 302:
            oidc_consent_record(
                user=self.request.user,
                client_id=self._request_info["client_id"],
                scopes=form.cleaned_data["scopes"],
            )
        return response


authorization = AuthorizationView.as_view()
