"""«Oppfølging» in admin: the call list per branch, its CSV/XLSX export and «Ringt» with a note.

The rows and reasons come from `migration.followup`; this module only scopes, renders and exports.
"""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.admin_scope import scope_queryset
from accounts.models import Branch

from .. import services
from ..followup import (
    COLUMNS,
    DEADLINE_FILTERS,
    REASONS,
    followup_last_event,
    followup_queryset,
    followup_reasons,
    followup_table,
)

NOTE_MAX = 500


def followup_scope(request, rows):
    """The call list narrowed to the staff member's branch (accounts.admin_scope): a branch employee
    sees and marks only their own branch's people; Netthandel and IT see every branch and pick one
    with the «Avdeling» filter."""
    return scope_queryset(rows, request.user, "customer__branch")


def _rows(request):
    rows = followup_queryset(reason=request.GET.get("reason", ""), deadline=request.GET.get("deadline", ""))
    branch = request.GET.get("branch", "")
    if branch.isdigit():
        rows = rows.filter(customer__branch_id=int(branch))
    return followup_scope(request, rows)


def followup_view(model_admin, request, errors=None, notes=None):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    rows = list(_rows(request)[:1000])
    for row in rows:
        row.reasons = followup_reasons(row)
        row.last_event = followup_last_event(row)
        row.error = (errors or {}).get(row.pk, "")
        row.note = (notes or {}).get(row.pk, "")
    query = request.GET.urlencode()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Oppfølging"),
        "opts": model_admin.model._meta,
        "rows": rows,
        "reasons": [(key, label) for key, (label, _c) in REASONS.items()],
        "deadlines": list(DEADLINE_FILTERS.items()),
        "branches": Branch.objects.order_by("name"),
        "current": {k: request.GET.get(k, "") for k in ("reason", "deadline", "branch")},
        "query": query,
        "note_max": NOTE_MAX,
    }
    return TemplateResponse(request, "admin/migration/followup.html", context, status=400 if errors else 200)


def followup_export(model_admin, request, fmt: str):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    table = followup_table(_rows(request))
    header = [str(c) for c in COLUMNS]
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows(table)
        # UTF-8 with a byte order mark and ';' so Excel with Norwegian settings opens it as columns.
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="oppfolging-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Oppfølging"))
        sheet.append(header)
        for line in table:
            sheet.append(line)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="oppfolging-{stamp}.xlsx"'
        return response
    raise Http404


def followup_called(model_admin, request, pk: int):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("admin:migration_followup")
    account = followup_scope(request, followup_queryset()).filter(pk=pk).first()
    if account is None:
        # Not on the list (another branch, moved, or already called): nothing to mark.
        raise Http404
    note = request.POST.get("note", "").strip()
    error = None
    if not note:
        error = _("Skriv kort hva samtalen gjaldt.")
    elif len(note) > NOTE_MAX:
        error = _("Notatet kan ha høyst %(n)s tegn.") % {"n": NOTE_MAX}
    if error:
        return followup_view(model_admin, request, errors={account.pk: error}, notes={account.pk: note})
    services.legacy_account_mark_called(account=account, actor=request.user, note=note)
    model_admin.message_user(
        request, _("«Ringt» er registrert for %(username)s.") % {"username": account.username}
    )
    query = request.GET.urlencode()
    return redirect(reverse("admin:migration_followup") + (f"?{query}" if query else ""))
