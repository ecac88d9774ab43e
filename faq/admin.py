from django.contrib import admin, messages
from django.db import models
from django.forms import Textarea
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_scope import BranchScopedAdmin, register_recipients

from .models import Question, SupportRequest, Topic
from .services import support_request_set_status


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("order", "question", "slug", "is_published")
    show_change_link = True
    ordering = ("order", "pk")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "order", "is_published", "question_count")
    list_editable = ("order", "is_published")
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title", "title_en")
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_questions=models.Count("questions"))

    @admin.display(description=_("spørsmål"), ordering="n_questions")
    def question_count(self, obj):
        return obj.n_questions


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("question", "topic", "slug", "order", "is_published", "updated_at", "view_link")
    list_editable = ("order", "is_published")
    list_filter = ("topic", "is_published")
    list_select_related = ("topic",)
    search_fields = ("question", "question_en", "search_text", "slug")
    prepopulated_fields = {"slug": ("question",)}
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 10, "cols": 90})}}
    fieldsets = (
        (None, {"fields": ("topic", "slug", "order", "is_published")}),
        (_("Norsk"), {"fields": ("question", "answer")}),
        (_("Engelsk"), {"fields": ("question_en", "answer_en")}),
    )

    @admin.display(description=_("vis"))
    def view_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Åpne"))


# The outbox list of a branch shows the receipts to its contact requests (accounts.admin_scope).
register_recipients(lambda branch_id: SupportRequest.objects.filter(branch_id=branch_id).values("email"))


@admin.register(SupportRequest)
class SupportRequestAdmin(BranchScopedAdmin, admin.ModelAdmin):
    branch_path = "branch"
    list_display = (
        "reference_display",
        "created_at",
        "name",
        "email",
        "topic",
        "customer",
        "branch",
        "status",
    )
    list_filter = ("status", "topic", "branch", "created_at")
    list_select_related = ("customer", "branch")
    search_fields = ("name", "email", "phone", "customer_number", "customer__name", "message")
    date_hierarchy = "created_at"
    raw_id_fields = ("customer", "user")
    readonly_fields = (
        "reference_display",
        "created_at",
        "updated_at",
        "name",
        "email",
        "phone",
        "customer_number",
        "customer",
        "topic",
        "message",
        "user",
        "language",
        "ip_address",
    )
    fieldsets = (
        (None, {"fields": ("reference_display", "status", "branch", "staff_note")}),
        (
            _("Fra kunden"),
            {"fields": ("topic", "name", "email", "phone", "customer_number", "customer", "message")},
        ),
        (
            _("Teknisk"),
            {
                "fields": ("user", "language", "ip_address", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )
    actions = ["mark_in_progress", "mark_solved"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("saksnummer"), ordering="pk")
    def reference_display(self, obj):
        return obj.reference

    def _set_status(self, request, queryset, status):
        label = SupportRequest.Status(status).label
        count = 0
        for support_request in queryset:
            support_request_set_status(support_request=support_request, status=status)
            # Shows under «Historikk» on the request, like a change made in the form.
            self.log_change(request, support_request, f"Status: {label}")
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d henvendelse er merket «%(status)s».",
                "%(count)d henvendelser er merket «%(status)s».",
                count,
            )
            % {"count": count, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Merk som under behandling"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._set_status(request, queryset, SupportRequest.Status.IN_PROGRESS)

    @admin.action(description=_("Merk som løst"), permissions=["change"])
    def mark_solved(self, request, queryset):
        self._set_status(request, queryset, SupportRequest.Status.SOLVED)


class MoveInterestInline(admin.TabularInline):
    """For the customer's admin page: contact requests about moving that named this customer.

    Add it to CustomerAdmin.inlines (the migration app owns that page); it shows
    `SupportRequest.objects.move_interest_for(customer)`, read-only.
    """

    model = SupportRequest
    fk_name = "customer"
    extra = 0
    can_delete = False
    verbose_name = _("interesse for flytting (kontaktskjema)")
    verbose_name_plural = _("interesse for flytting (kontaktskjema)")
    fields = ("created_at", "name", "email", "phone", "message", "status", "admin_link")
    readonly_fields = fields
    ordering = ("-created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(topic=SupportRequest.Topic.MOVE)

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sak"))
    def admin_link(self, obj):
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>', reverse("admin:faq_supportrequest_change", args=[obj.pk]), obj.reference
        )
