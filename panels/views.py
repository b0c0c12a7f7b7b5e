"""Panel, meeting and agenda pages. Thin: access through selectors, changes through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit, policy
from accounts.models import AuditEvent
from accounts.records import ConcurrentEditError
from panels import selectors, services, sharing
from panels.access import APPROVE_MINUTES, MANAGE, NOMINATE, SUBMIT_RESEARCH
from panels.forms import (
    ActionAddForm,
    AgendaItemAddForm,
    AgendaItemEditForm,
    AttendanceForm,
    MeetingForm,
    MinutesForm,
    ObserverForm,
    PublishForm,
    ResearchForm,
)
from panels.models import Attendance, Meeting, PanelMembership, Research
from victims.forms_consent import NAMES as WITHOUT_CONSENT_NAMES


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field when there is one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
def panel_list(request):
    next_meeting = Meeting.objects.filter(
        panel=OuterRef("pk"), scheduled_for__gte=timezone.now(), status__in=["planning", "published"]
    ).order_by("scheduled_for")
    panels = selectors.panels_visible_to(request.user).annotate(
        next_meeting=Subquery(next_meeting.values("scheduled_for")[:1])
    )
    return render(request, "panels/panel_list.html", {"panels": panels})


@require_GET
def panel_detail(request, pk):
    panel = selectors.get_panel_for_user(request.user, pk)
    viewer = selectors.viewer_for(request.user, panel)
    meetings = panel.meetings.all()
    if not viewer.manager:
        meetings = meetings.filter(published_at__isnull=False).exclude(status=Meeting.Status.CANCELLED)
    memberships = (
        PanelMembership.objects.filter(panel=panel)
        .select_related("organisation")
        .prefetch_related("representatives")
    )
    can_nominate = policy.can(request.user, NOMINATE, panel)
    nominations = (
        list(selectors.partner_nominations_for(request.user, panel)[:20])
        if can_nominate and not viewer.manager
        else []
    )
    return render(
        request,
        "panels/panel_detail.html",
        {
            "panel": panel,
            "viewer": viewer,
            "meetings": meetings[:50],
            "memberships": memberships,
            "can_nominate": can_nominate,
            "nominations": nominations,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    panel = selectors.get_panel_for_user(request.user, pk, action=MANAGE)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_schedule(
            panel=panel,
            scheduled_for=form.cleaned_data["scheduled_for"],
            venue=form.cleaned_data["venue"],
            actor=request.user,
        )
        messages.success(request, "Meeting scheduled. Now build its agenda.")
        return redirect("panels:meeting_detail", pk=meeting.pk)
    return render(request, "panels/meeting_form.html", {"panel": panel, "form": form})


@require_GET
def meeting_detail(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    viewer = selectors.viewer_for(request.user, meeting.panel)
    items = selectors.agenda_for(meeting, viewer)
    research = selectors.research_counts(items, viewer)
    actions, carried = selectors.meeting_actions(meeting, items, viewer)
    attendance = selectors.attendance_by_agency(meeting)
    agenda = [
        {
            "view": selectors.item_view(item, full=viewer.full, perpetrator_side=viewer.perpetrator_service),
            "research_count": research.get(item.pk, 0),
            "actions": actions.get(item.pk, []),
        }
        for item in items
    ]
    audit.record_many(request, AuditEvent.Action.VIEW, [meeting, *items], purpose="meeting agenda")
    return render(
        request,
        "panels/meeting_detail.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "viewer": viewer,
            "agenda": agenda,
            "agency_count": len(attendance),
            "attendance": attendance,
            "observers": list(meeting.observers.all()) if viewer.manager else [],
            "carried": carried,
            "packs": selectors.packs_for(meeting, request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def item_add(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk, action=MANAGE)
    # A nomination that needs a basis for sharing without consent arrives here with its choices.
    initial = {
        key: request.GET[key] for key in ("subject", "reason", "referral_reason") if key in request.GET
    }
    form = AgendaItemAddForm(request.POST or None, panel=meeting.panel, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        kind, subject = form.cleaned_data["subject"]
        case = subject if kind == "case" else None
        victim = subject if kind == "victim" else None
        try:
            services.agenda_item_add(
                meeting=meeting,
                case=case,
                victim=victim,
                reason=form.cleaned_data["reason"],
                risk_level=form.cleaned_data["risk_level"],
                slot_minutes=form.cleaned_data["slot_minutes"],
                referral_reason=form.cleaned_data.get("referral_reason") or None,
                without_consent=form.without_consent() if "legal_basis" in form.fields else None,
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Item added to the agenda.")
            return redirect("panels:meeting_detail", pk=meeting.pk)
    return render(request, "panels/item_add.html", {"meeting": meeting, "form": form})


@require_http_methods(["GET", "POST"])
def meeting_publish(request, pk):
    """Publish the agenda. Victim items without consent to share on record need the basis for
    sharing without it first: this page asks for it, item by item."""
    meeting = selectors.get_meeting_for_user(request.user, pk, action=MANAGE)
    needing = [
        (item, selectors.item_view(item, full=True).title) for item in sharing.items_needing_basis(meeting)
    ]
    form = PublishForm(request.POST if request.method == "POST" else None, items_needing=needing)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_publish(
                meeting=meeting, actor=request.user, without_consent=form.without_consent()
            )
        except ValidationError as exc:
            if not needing:
                messages.error(request, " ".join(exc.messages))
                return redirect("panels:meeting_detail", pk=meeting.pk)
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Agenda published. Member agencies can now see their items and submit research."
            )
            return redirect("panels:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "panels/meeting_publish.html",
        {"meeting": meeting, "form": form, "needing": needing},
        status=400 if form.errors else 200,
    )


@require_POST
def meeting_approve(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk, action=APPROVE_MINUTES)
    try:
        services.minutes_approve(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Minutes approved. The meeting record is now locked.")
    return redirect("panels:meeting_detail", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def attendance_edit(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk, action=MANAGE)
    agencies = selectors.member_agencies(meeting.panel)
    current = {row.organisation_id: row for row in Attendance.objects.filter(meeting=meeting)}
    form = AttendanceForm(request.POST or None, agencies=agencies, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(meeting=meeting, entries=form.entries(), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("panels:meeting_detail", pk=meeting.pk)
    return render(request, "panels/attendance_form.html", {"meeting": meeting, "form": form})


@require_http_methods(["GET", "POST"])
def observer_add(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk, action=MANAGE)
    form = ObserverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.observer_add(
                meeting=meeting,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                signed_on=form.cleaned_data["confidentiality_signed_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Observer added.")
            return redirect("panels:meeting_detail", pk=meeting.pk)
    return render(request, "panels/observer_form.html", {"meeting": meeting, "form": form})


@require_GET
def item_detail(request, pk):
    item = selectors.get_item_for_user(request.user, pk)
    meeting = item.meeting
    viewer = selectors.viewer_for(request.user, meeting.panel)
    research = selectors.research_for([item], viewer).get(item.pk, [])
    actions = selectors.actions_for_items([item], viewer).get(item.pk, [])
    audit.record(request, AuditEvent.Action.VIEW, item)
    return render(
        request,
        "panels/item_detail.html",
        {
            "item": item,
            "meeting": meeting,
            "viewer": viewer,
            "view": selectors.item_view(item, full=viewer.full, perpetrator_side=viewer.perpetrator_service),
            "research": research,
            "actions": actions,
            "can_research": bool(viewer.organisation_ids) and not meeting.minutes_locked,
            "show_minutes": viewer.full or meeting.minutes_locked,
        },
    )


@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item = selectors.get_item_for_user(request.user, pk, action=MANAGE)
    initial = {
        "version": item.version,
        "reason": item.reason,
        "order": item.order,
        "slot_start": f"{item.slot_start:%H:%M}",
        "slot_minutes": item.slot_minutes,
        "risk_level": item.risk_level,
        "shared_with_agencies": item.shared_with_agencies,
        "shared_fields": item.shared_fields,
    }
    form = AgendaItemEditForm(request.POST or None, initial=initial, item=item)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name not in WITHOUT_CONSENT_NAMES}
        version = data.pop("version")
        without_consent = form.without_consent() if "legal_basis" in form.fields else None
        try:
            services.agenda_item_update(
                item=item,
                expected_version=version,
                actor=request.user,
                without_consent=without_consent,
                **data,
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Agenda item updated.")
            return redirect("panels:meeting_detail", pk=item.meeting_id)
    return render(
        request,
        "panels/item_edit.html",
        {"item": item, "view": selectors.item_view(item, full=True), "form": form},
    )


@require_http_methods(["GET", "POST"])
def research_edit(request, pk):
    item = selectors.get_item_for_user(request.user, pk, action=SUBMIT_RESEARCH)
    organisation_ids = selectors.viewer_for(request.user, item.meeting.panel).organisation_ids
    # A representative of several member agencies submits for the first; rare, and explicit below.
    organisation_id = min(organisation_ids)
    existing = Research.objects.filter(agenda_item=item, organisation_id=organisation_id).first()
    initial = {"version": existing.version if existing else 0}
    if existing:
        initial.update(
            holds_information="yes" if existing.holds_information else "no", summary=existing.summary
        )
    form = ResearchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            services.research_submit(
                item=item,
                organisation=PanelMembership.objects.get(
                    panel_id=item.meeting.panel_id, organisation_id=organisation_id
                ).organisation,
                holds_information=form.cleaned_data["holds_information"],
                summary=form.cleaned_data["summary"],
                actor=request.user,
                expected_version=version if existing else None,
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Research submitted to the panel.")
            return redirect("panels:item_detail", pk=item.pk)
    return render(
        request,
        "panels/research_form.html",
        {
            "item": item,
            "view": selectors.item_view(
                item,
                full=False,
                perpetrator_side=selectors.viewer_for(request.user, item.meeting.panel).perpetrator_service,
            ),
            "form": form,
            "existing": existing,
        },
    )


@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk):
    item = selectors.get_item_for_user(request.user, pk, action=MANAGE)
    initial = {
        "version": item.version,
        "discussion_summary": item.discussion_summary,
        "agreed_risk_level": item.agreed_risk_level or item.risk_level,
        "decisions": item.decisions,
    }
    form = MinutesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.minutes_record(
                item=item,
                expected_version=data.pop("version"),
                actor=request.user,
                **data,
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Minutes saved for this item.")
            return redirect("panels:item_detail", pk=item.pk)
    return render(
        request,
        "panels/minutes_form.html",
        {"item": item, "view": selectors.item_view(item, full=True), "form": form},
    )


@require_http_methods(["GET", "POST"])
def action_add(request, pk):
    item = selectors.get_item_for_user(request.user, pk, action=MANAGE)
    form = ActionAddForm(
        request.POST or None,
        panel=item.meeting.panel,
        user=request.user,
        people=selectors.agency_people(item.meeting.panel),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_add(
                item=item,
                organisation=form.cleaned_data["organisation"],
                owner=form.cleaned_data["owner"],
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action added.")
            return redirect("panels:item_detail", pk=item.pk)
    return render(
        request,
        "panels/action_add.html",
        {"item": item, "view": selectors.item_view(item, full=True), "form": form},
    )
