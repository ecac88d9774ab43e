from django.contrib import admin, messages
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .delivery import email_render
from .email import outbox_resend
from .models import OutboundEmail
from .retention import PURGED_KEY, outbox_is_purged


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "to", "status", "attempts", "sent_at", "bounce_reason")
    list_filter = ("status", "kind")
    search_fields = ("to", "idempotency_key")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundEmail._meta.fields] + ["preview"]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("forhåndsvisning"))
    def preview(self, obj):
        if outbox_is_purged(obj):
            return _("Innholdet er slettet etter oppbevaringstiden.")
        if obj.status == OutboundEmail.Status.SENT:
            return _("Innholdet slettes når e-posten er sendt.")
        # Never a live link: links render as a placeholder here (they are signed only for sending).
        message = email_render(obj, sign_links=False)
        # The plain-text body is rendered without autoescaping and comes back marked safe, so
        # format_html alone would pass a customer's "<script>" straight into the admin page.
        return format_html("<strong>{}</strong><pre>{}</pre>", escape(message.subject), escape(message.body))

    @admin.action(description=_("Send valgte e-poster på nytt"), permissions=["change"])
    def resend(self, request, queryset):
        count = 0
        # Rows past the retention period have no content left to send (core.retention); bounced rows
        # went to an address that does not take mail.
        for email in (
            queryset.exclude(status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.BOUNCED])
            .exclude(context__has_key=PURGED_KEY)
        ):
            outbox_resend(email)
            self.log_change(request, email, "Sendt på nytt")  # the row's «Historikk»: who resent it
            count += 1
        self.message_user(
            request,
            ngettext("%d e-post sendes på nytt.", "%d e-poster sendes på nytt.", count) % count,
            messages.SUCCESS,
        )
