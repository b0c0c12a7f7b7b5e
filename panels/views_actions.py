"""The action tracker, action updates and meeting packs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.models import AuditEvent
from accounts.records import ConcurrentEditError
from panels import packs, selectors, services
from panels.access import MANAGE, UPDATE
from panels.forms import ActionUpdateForm, TrackerFilterForm
from panels.views import add_service_errors


@require_GET
def action_tracker(request):
    agencies = selectors.tracker_agencies(request.user)
    form = TrackerFilterForm(request.GET or None, agencies=agencies)
    organisation_id, overdue = None, False
    if form.is_valid():
        organisation_id = (
            int(form.cleaned_data["organisation"]) if form.cleaned_data["organisation"] else None
        )
        overdue = form.cleaned_data["overdue"]
    actions = selectors.action_tracker(request.user, organisation_id=organisation_id, overdue_only=overdue)
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit.record_many(request, AuditEvent.Action.VIEW, rows, purpose="action tracker")
    return render(
        request,
        "panels/action_tracker.html",
        {"form": form, "page": page, "rows": rows, "overdue_count": sum(1 for a in rows if a.is_overdue)},
    )


@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    action = selectors.get_action_for_user(request.user, pk, action=UPDATE)
    form = ActionUpdateForm(
        request.POST or None,
        initial={"version": action.version, "status": action.status, "update_note": action.update_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action,
                status=form.cleaned_data["status"],
                update_note=form.cleaned_data["update_note"],
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action updated.")
            return redirect("panels:action_tracker")
    audit.record(request, AuditEvent.Action.VIEW, action)
    return render(request, "panels/action_update.html", {"action": action, "form": form})


@require_POST
def packs_request(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk, action=MANAGE)
    try:
        made = services.packs_request(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{len(made)} packs requested: the chair's full pack and one for each member agency."
        )
    return redirect("panels:meeting_detail", pk=meeting.pk)


@require_GET
def pack_download(request, pk):
    pack = selectors.get_pack_for_user(request.user, pk)
    path = packs.pack_path(pack)
    if path is None:
        raise Http404("This pack is not ready.")
    audit.record(request, AuditEvent.Action.EXPORT, pack, purpose=f"pack downloaded ({pack.recipient})")
    meeting_date = pack.meeting.scheduled_for.strftime("%Y-%m-%d")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{pack.meeting.panel.kind}-{meeting_date}-{pack.reference}.pdf",
        content_type="application/pdf",
    )
