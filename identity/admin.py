"""Client registration in admin: allauth's own ClientAdmin, plus a new secret when one leaks."""

from allauth.idp.oidc.adapter import get_adapter
from allauth.idp.oidc.admin import ClientAdmin as AllauthClientAdmin
from allauth.idp.oidc.models import Client
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import OIDCConsent


class ClientAdmin(AllauthClientAdmin):
    actions = ["new_secret"]

    @admin.action(description=_("Lag ny klienthemmelighet (den gamle slutter å virke)"))
    def new_secret(self, request, queryset):
        adapter = get_adapter()
        shown = []
        for client in queryset.filter(type=Client.Type.CONFIDENTIAL):
            secret = adapter.generate_client_secret()
            client.set_secret(secret)
            client.save(update_fields=["secret"])
            shown.append((client.name, client.id, secret))
        if not shown:
            self.message_user(request, _("Offentlige klienter har ingen hemmelighet."), messages.WARNING)
            return
        self.message_user(
            request,
            format_html(
                "{} {}",
                _("Ny hemmelighet vises bare denne ene gangen:"),
                format_html_join(
                    "", "<br>{} ({}): <code>{}</code>", shown
                ),
            ),
            messages.WARNING,
        )


admin.site.unregister(Client)
admin.site.register(Client, ClientAdmin)


@admin.register(OIDCConsent)
class OIDCConsentAdmin(admin.ModelAdmin):
    """What people granted which client; delete a row to have the consent page shown again."""

    list_display = ["user", "client", "scopes", "granted_at"]
    list_filter = ["client"]
    search_fields = ["user__email", "client__id", "client__name"]
    readonly_fields = ["user", "client", "scopes", "granted_at"]

    def has_add_permission(self, request):
        return False
