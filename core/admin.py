from django.contrib import admin, messages
from django.db.models import Q
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_scope import BranchScopedAdmin, audit, sees_all_branches

from .email import email_render, outbox_resend
from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(BranchScopedAdmin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "to", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "idempotency_key")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundEmail._meta.fields] + ["preview"]
    actions = ["resend"]

    # Rows carry no branch; a branch employee sees the emails to their branch's people: users of
    # its customers, its legacy users, its contact requests, its own staff and its address.
    def branch_filter(self, queryset, branch_id):
        from accounts.models import Branch, User
        from faq.models import SupportRequest
        from migration.models import LegacyAccount

        recipients = (
            Q(to__in=User.objects.filter(memberships__customer__branch_id=branch_id).values("email"))
            | Q(to__in=User.objects.filter(branch_id=branch_id).values("email"))
            | Q(to__in=LegacyAccount.objects.filter(customer__branch_id=branch_id).exclude(email="").values("email"))
            | Q(to__in=SupportRequest.objects.filter(branch_id=branch_id).values("email"))
            | Q(to__in=Branch.objects.filter(pk=branch_id).exclude(email="").values("email"))
        )
        return queryset.filter(recipients)

    # Message bodies (links with tokens, customers' messages) only for IT and Netthandel.
    BODY_FIELDS = ("context", "preview", "last_error")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if sees_all_branches(request.user):
            return fields
        return [f for f in fields if f not in self.BODY_FIELDS]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("forhåndsvisning"))
    def preview(self, obj):
        message = email_render(obj)
        # The plain-text body is rendered without autoescaping and comes back marked safe, so
        # format_html alone would pass a customer's "<script>" straight into the admin page.
        return format_html("<strong>{}</strong><pre>{}</pre>", escape(message.subject), escape(message.body))

    @admin.action(description=_("Send valgte e-poster på nytt"), permissions=["change"])
    def resend(self, request, queryset):
        count = 0
        resent = []
        for email in queryset.exclude(status=OutboundEmail.Status.SENT):
            outbox_resend(email)
            resent.append(email)
            count += 1
        audit(request, resent, "Sendt på nytt")
        self.message_user(
            request,
            ngettext("%d e-post sendes på nytt.", "%d e-poster sendes på nytt.", count) % count,
            messages.SUCCESS,
        )
