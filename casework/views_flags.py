"""The risk-flag inbox (/cases/flags/) and acknowledging a flag.

Every signed-in user has an inbox: their own copies of flags, and for supervisors the copies
sent through teams they supervise. A copy is visible only to its recipient and those
supervisors (404 otherwise); only the recipient may acknowledge it (403 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.models import AuditEvent, Role
from casework import flags
from casework.forms_flags import AcknowledgeForm, FlagFilterForm

PAGE_SIZE = 25


@require_GET
def flag_inbox(request):
    supervisor = request.user.has_role(Role.SUPERVISOR)
    form = FlagFilterForm(request.GET or None, supervisor=supervisor)
    chosen = form.filters() if request.GET else {"status": flags.Status.OPEN, "kind": "", "team": False}
    copies = flags.flag_inbox(request.user, status=chosen["status"], kind=chosen["kind"], team=chosen["team"])
    page = Paginator(copies, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        request,
        AuditEvent.Action.VIEW,
        object_type="risk_flags",
        object_id="inbox",
        purpose="Risk flag inbox",
    )
    return render(
        request,
        "casework/flags/inbox.html",
        {"form": form, "page": page, "chosen": chosen, "supervisor": supervisor},
    )


@require_http_methods(["GET", "POST"])
def flag_detail(request, pk: int):
    copy = flags.get_flag_copy_for_user(request.user, pk, acknowledge=request.method == "POST")
    if request.method == "POST" and not copy.is_open:
        messages.info(request, "This flag was already acknowledged: nothing was changed.")
        return redirect("casework:flag_detail", pk=copy.pk)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flags.flag_acknowledge(recipient=copy, note=form.cleaned_data["note"], actor=request.user)
        except ValidationError as error:
            form.add_error("note", error.message_dict.get("note", error.messages))
        else:
            messages.success(request, "Flag acknowledged")
            return redirect("casework:flags")
    audit.record(request, AuditEvent.Action.VIEW, copy.flag, purpose="Risk flag")
    return render(
        request,
        "casework/flags/detail.html",
        {"copy": copy, "flag": copy.flag, "form": form, "can_acknowledge": copy.user_id == request.user.pk},
    )
