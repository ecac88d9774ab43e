"""Branch scope in admin: the one home of the rule "a branch employee reaches only their branch".

Superusers (IT) and «Netthandel» see every branch. Everyone else on the staff sees the objects of
their own branch (`User.branch`), and nothing if they have none. A ModelAdmin takes the rule with
`BranchScopedAdmin` and names the path from its model to the branch (`branch_path`), or overrides
`branch_filter` where the link is not a foreign key path (the outbox goes by recipient).

What follows from the scoped `get_queryset`: the change list, search, autocomplete and raw-id
pop-ups, the change/history/delete pages (another branch's id is a 404), and every admin action,
which refuses a selection that reaches outside the branch instead of silently acting on part of it.

`audit` records a staff action in Django's admin log, shown on the object's «Historikk».
"""

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _

from .roles import CENTRAL_STAFF


def sees_all_branches(user) -> bool:
    """IT (superusers) and the central team see every branch."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_sees_all_branches", None)
    if cached is None:
        cached = user._sees_all_branches = user.groups.filter(name=CENTRAL_STAFF).exists()
    return cached


def staff_branch_id(user):
    """None for IT and Netthandel (every branch); else the user's branch id (0 = none: nothing)."""
    if sees_all_branches(user):
        return None
    return user.branch_id or 0


def branch_q(path: str, branch_id) -> Q:
    """Objects whose `path` (e.g. "customer__branch") is the branch; a missing branch sees nothing."""
    return Q(**{f"{path}_id" if not path.endswith("_id") and path != "pk" else path: branch_id})


def scope_queryset(queryset, user, path: str):
    """`queryset` narrowed to the user's branch (unchanged for IT and Netthandel)."""
    if sees_all_branches(user):
        return queryset
    if user.branch_id is None:
        return queryset.none()
    return queryset.filter(branch_q(path, user.branch_id))


# Outbox rows carry no branch: a branch's emails are those to its people. Apps add who their
# branch's people are (migration: legacy users, faq: contact requests) with register_recipients.
_RECIPIENTS = []


def register_recipients(emails_for_branch) -> None:
    """`emails_for_branch(branch_id)` returns a values("email") queryset of a branch's recipients."""
    _RECIPIENTS.append(emails_for_branch)


def branch_recipients_q(branch_id) -> Q:
    """Outbox rows to the branch's people: users of its customers, its staff, its own address, and
    whatever the other apps registered."""
    from .models import Branch, User

    q = (
        Q(to__in=User.objects.filter(memberships__customer__branch_id=branch_id).values("email"))
        | Q(to__in=User.objects.filter(branch_id=branch_id).values("email"))
        | Q(to__in=Branch.objects.filter(pk=branch_id).exclude(email="").values("email"))
    )
    for emails_for_branch in _RECIPIENTS:
        q |= Q(to__in=emails_for_branch(branch_id))
    return q


def audit(request, objects, message: str) -> None:
    """Record a staff action on each object in the admin log («Historikk»), with who did it."""
    objects = list(objects)
    if objects:
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=objects, action_flag=CHANGE, change_message=message, single_object=False
        )


class BranchScopedAdmin:
    """Mixin for a ModelAdmin whose objects belong to a branch (put it before ModelAdmin)."""

    branch_path = "branch"

    def branch_filter(self, queryset, branch_id):
        return queryset.filter(branch_q(self.branch_path, branch_id))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if sees_all_branches(user):
            return queryset
        if user.branch_id is None:
            return queryset.none()
        return self.branch_filter(queryset, user.branch_id)

    def get_list_filter(self, request):
        # The branch filter means nothing to someone who sees one branch.
        filters = super().get_list_filter(request)
        if sees_all_branches(request.user):
            return filters
        return [f for f in filters if f != self.branch_path]

    def get_readonly_fields(self, request, obj=None):
        # A branch employee cannot move an object to another branch (or customer) by editing it.
        fields = list(super().get_readonly_fields(request, obj))
        anchor = self.branch_path.split("__")[0]
        if not sees_all_branches(request.user) and anchor not in fields:
            try:
                self.model._meta.get_field(anchor)
            except FieldDoesNotExist:
                return fields
            fields.append(anchor)
        return fields

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django sends a missing id back to the admin index with a message; an id outside the
        # branch must look exactly like one that does not exist: a 404.
        raise Http404

    def response_action(self, request, queryset):
        """Refuse an action whose selection reaches outside the branch; nothing is changed."""
        selected = set(request.POST.getlist(ACTION_CHECKBOX_NAME))
        if selected and request.POST.get("select_across") != "1":
            try:
                reachable = self.get_queryset(request).filter(pk__in=selected).count()
            except (ValueError, TypeError):
                reachable = -1
            if reachable != len(selected):
                self.message_user(
                    request,
                    _(
                        "Noen av de valgte tilhører ikke din avdeling (eller finnes ikke). "
                        "Ingenting er endret."
                    ),
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)
