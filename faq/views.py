from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import ratelimit

from .forms import ContactForm, form_started_token
from .models import Question, SupportRequest, Topic
from .services import support_request_create

SEARCH_MAX_LENGTH = 100
SENT_SESSION_KEY = "faq_contact_sent"


def _published_topics():
    return Topic.objects.published().prefetch_related(
        Prefetch("questions", queryset=Question.objects.filter(is_published=True).order_by("order", "pk"))
    )


def help_index(request):
    """/hjelp/: every topic with its questions, and the search box (`/hjelp/?q=` searches too)."""
    if request.GET.get("q", "").strip():
        return help_search(request)
    return render(request, "faq/index.html", {"topics": _published_topics()})


def help_topic(request, slug):
    """One topic; `?open=<slug>` renders that answer expanded, `?q=<words>` every answer that
    matches (both work without JavaScript)."""
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    questions = list(
        topic.questions.filter(is_published=True).select_related("topic").order_by("order", "pk")
    )
    open_slugs = {request.GET.get("open", "")}
    query = _query(request)
    if query:
        open_slugs |= set(topic.questions.search(query).values_list("slug", flat=True))
    for question in questions:
        question.is_open = question.slug in open_slugs
    return render(
        request,
        "faq/topic.html",
        {
            "topic": topic,
            "questions": questions,
            "topics": Topic.objects.published(),
        },
    )


def help_search(request):
    """Search over questions and answers in both languages; no hit offers the contact form."""
    query = _query(request)
    results = []
    if query:
        results = list(Question.objects.published().search(query).select_related("topic")[:50])
        # Hits in the question itself first, then hits only in the answer; topic order otherwise.
        words = [word.casefold() for word in query.split()]
        results.sort(key=lambda q: not all(word in q.display_question.casefold() for word in words))
    return render(request, "faq/search.html", {"query": query, "results": results})


def _query(request) -> str:
    return " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]


def question_redirect(request, slug):
    """/hjelp/svar/<slug>/: a stable short link to one answer, opened on its topic page."""
    question = get_object_or_404(Question.objects.published().select_related("topic"), slug=slug)
    return redirect(question.get_absolute_url())


def _rate_limits() -> dict[str, str]:
    """CONTACT_RATE_LIMIT_* in the rate syntax of `core.ratelimit`: every post per client address,
    accepted requests per sender email."""
    window = settings.CONTACT_RATE_LIMIT_WINDOW_SECONDS
    return {
        "contact": f"{settings.CONTACT_RATE_LIMIT_PER_IP}/{window}s/ip",
        "contact_email": f"{settings.CONTACT_RATE_LIMIT_PER_EMAIL}/{window}s/key",
    }


def _initial_for(request) -> dict:
    initial = {"started": form_started_token()}
    topic = request.GET.get("emne", "")
    if topic in SupportRequest.Topic.values:
        initial["topic"] = topic
    user = request.user
    if user.is_authenticated:
        initial.update(name=user.name, email=user.email, phone=user.phone)
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.customer is not None:
            initial["customer_number"] = tenant.customer.number
            initial["branch"] = tenant.branch
    return initial


def contact(request):
    """«Kontakt oss»: saved as a SupportRequest, emailed to the branch with a receipt to the sender."""
    if request.method != "POST":
        form = ContactForm(initial=_initial_for(request))
        return render(request, "faq/contact.html", {"form": form})

    form = ContactForm(request.POST)
    if not ratelimit.consume(request, "contact", _rate_limits()):
        return _limited(request, form)
    if not form.is_valid():
        if form.fresh_token:
            # Backdated: the person has already filled in the form once.
            form.data = form.data.copy()
            form.data["started"] = form_started_token(seconds_ago=settings.CONTACT_MIN_FILL_SECONDS)
        return render(request, "faq/contact.html", {"form": form}, status=400)
    data = form.cleaned_data
    if not ratelimit.consume(request, "contact_email", _rate_limits(), key=data["email"]):
        return _limited(request, form)
    support_request = support_request_create(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        topic=data["topic"],
        message=data["message"],
        customer=form.customer,
        branch=data["branch"],
        user=request.user,
        ip_address=ratelimit.client_ip(request),
    )
    request.session[SENT_SESSION_KEY] = {
        "reference": support_request.reference,
        "email": support_request.email,
        "branch": support_request.branch.name if support_request.branch else "",
    }
    return redirect("contact:sent")


def _limited(request, form):
    """Too many submissions: nothing is saved; the form keeps what was typed."""
    response = render(request, "faq/contact.html", {"form": form, "limited": True}, status=429)
    # The limits count the last window (a sliding one): a full window from now is always enough.
    response["Retry-After"] = str(settings.CONTACT_RATE_LIMIT_WINDOW_SECONDS)
    return response


def contact_sent(request):
    """The receipt page after «Send»; arriving without having sent anything leads to the form."""
    sent = request.session.get(SENT_SESSION_KEY)
    if not sent:
        messages.info(request, _("Fyll ut skjemaet for å sende oss en henvendelse."))
        return redirect("contact:form")
    return render(request, "faq/contact_sent.html", {"sent": sent})
