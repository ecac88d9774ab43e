from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .markup import answer_clean, answer_plain_text, answer_render


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


# Paths under /hjelp/ that are not topics (see faq/urls.py).
RESERVED_TOPIC_SLUGS = {"sok", "svar"}


class TopicQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Topic(models.Model):
    """A help topic («Innlogging og passord» …): one page under /hjelp/<slug>/."""

    slug = models.SlugField(_("adresse (slug)"), max_length=80, unique=True)
    title = models.CharField(_("tittel"), max_length=120)
    title_en = models.CharField(_("tittel (engelsk)"), max_length=120, blank=True)
    intro = models.TextField(_("ingress"), blank=True)
    intro_en = models.TextField(_("ingress (engelsk)"), blank=True)
    order = models.PositiveIntegerField(_("rekkefølge"), default=0)
    is_published = models.BooleanField(_("publisert"), default=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("hjelpeemne")
        verbose_name_plural = _("hjelpeemner")
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("faq:topic", args=[self.slug])

    def clean(self):
        super().clean()
        if self.slug in RESERVED_TOPIC_SLUGS:
            from django.core.exceptions import ValidationError

            raise ValidationError({"slug": _("Denne adressen er i bruk av hjelpesidene. Velg en annen.")})

    @property
    def display_title(self) -> str:
        return (self.title_en if _english() else "") or self.title

    @property
    def display_intro(self) -> str:
        return (self.intro_en if _english() else "") or self.intro


class QuestionQuerySet(models.QuerySet):
    def published(self):
        """Published questions in published topics."""
        return self.filter(is_published=True, topic__is_published=True)

    def search(self, query: str):
        """Questions whose question or answer text (either language) contains every word of `query`."""
        words = [word for word in query.split() if word][:8]
        if not words:
            return self.none()
        condition = Q()
        for word in words:
            condition &= (
                Q(question__icontains=word)
                | Q(search_text__icontains=word)
                | Q(question_en__icontains=word)
                | Q(search_text_en__icontains=word)
            )
        return self.filter(condition)


class Question(models.Model):
    """One question with its answer; the slug is its anchor (#slug) and its help-link name."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("emne"), on_delete=models.CASCADE, related_name="questions"
    )
    slug = models.SlugField(
        _("adresse (slug)"),
        max_length=80,
        unique=True,
        help_text=_("Brukes i lenker til svaret (#slug) og i hjelpelenker fra andre sider. Endre med omhu."),
    )
    question = models.CharField(_("spørsmål"), max_length=200)
    answer = models.TextField(
        _("svar"),
        help_text=_("Tillatt: <p>, <ul>/<ol>/<li>, <strong>, <em>, <a href>, <br>. Alt annet fjernes."),
    )
    question_en = models.CharField(_("spørsmål (engelsk)"), max_length=200, blank=True)
    answer_en = models.TextField(_("svar (engelsk)"), blank=True)
    search_text = models.TextField(editable=False, blank=True)
    search_text_en = models.TextField(editable=False, blank=True)
    order = models.PositiveIntegerField(_("rekkefølge"), default=0)
    is_published = models.BooleanField(_("publisert"), default=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("spørsmål og svar")
        verbose_name_plural = _("spørsmål og svar")
        ordering = ["topic__order", "order", "pk"]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        # Sanitised at rest too, so nothing unsafe waits in the table for a future template bug.
        self.answer = answer_clean(self.answer)
        self.answer_en = answer_clean(self.answer_en)
        self.search_text = answer_plain_text(self.answer)
        self.search_text_en = answer_plain_text(self.answer_en)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"answer", "answer_en"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text", "search_text_en"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The topic page with this answer open, also without JavaScript."""
        return f"{self.topic.get_absolute_url()}?open={self.slug}#{self.slug}"

    @property
    def display_question(self) -> str:
        return (self.question_en if _english() else "") or self.question

    @property
    def display_plain_answer(self) -> str:
        return (self.search_text_en if _english() else "") or self.search_text

    @property
    def display_answer(self):
        return answer_render((self.answer_en if _english() else "") or self.answer)


class SupportRequestQuerySet(models.QuerySet):
    def move_interest_for(self, customer):
        """Contact requests about moving to the new shop that named this customer's number.

        Shown to staff on the customer's admin page next to the move button.
        """
        return self.filter(customer=customer, topic=SupportRequest.Topic.MOVE).order_by("-created_at")


class SupportRequest(models.Model):
    """A message sent through «Kontakt oss»: routed to a branch, tracked by staff in admin."""

    class Topic(models.TextChoices):
        MOVE = "flytting", _("Flytting til ny nettbutikk")
        LOGIN = "innlogging", _("Innlogging og passord")
        ORDER = "bestilling", _("Bestilling")
        OTHER = "annet", _("Annet")

    class Status(models.TextChoices):
        NEW = "ny", _("Ny")
        IN_PROGRESS = "under_behandling", _("Under behandling")
        SOLVED = "lost", _("Løst")

    name = models.CharField(_("navn"), max_length=150)
    email = models.EmailField(_("e-post"), max_length=254)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    customer_number = models.CharField(_("kundenummer"), max_length=20, blank=True)
    customer = models.ForeignKey(
        "accounts.Customer",
        verbose_name=_("kunde"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    branch = models.ForeignKey(
        "accounts.Branch",
        verbose_name=_("avdeling"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    topic = models.CharField(_("emne"), max_length=20, choices=Topic.choices)
    message = models.TextField(_("melding"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("innlogget bruker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    language = models.CharField(_("språk"), max_length=10, default="nb")
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    staff_note = models.TextField(_("intern merknad"), blank=True)
    created_at = models.DateTimeField(_("mottatt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("henvendelse")
        verbose_name_plural = _("henvendelser")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["customer", "topic"])]

    def __str__(self):
        return f"{self.reference} {self.name}"

    @property
    def reference(self) -> str:
        """The case number quoted to the customer in the receipt."""
        return f"H-{self.pk:06d}" if self.pk else "H-?"
