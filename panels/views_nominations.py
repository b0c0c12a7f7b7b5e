"""Nomination pages: MATAC ranking by RFG score, MARAC referrals with repeats flagged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import audit
from accounts.models import AuditEvent
from casework.models import Case
from panels import nominations as rules
from panels import selectors, services
from panels.access import MANAGE
from panels.models import AgendaItem, MaracReferral, Panel
from victims.models import Victim


@require_GET
def nominations(request, pk):
    panel = selectors.get_panel_for_user(request.user, pk, action=MANAGE)
    meetings = list(selectors.upcoming_meetings(panel))
    context = {"panel": panel, "meetings": meetings}
    if panel.kind == Panel.Kind.MARAC:
        rows = rules.marac_nominations(panel)
        context["marac"] = rows
        context["stale"] = rules.twelve_months_since_last_marac(panel)
        context["repeat_count"] = sum(1 for row in rows if row.is_repeat)
        audit.record_many(
            request, AuditEvent.Action.VIEW, [row.victim for row in rows], purpose="MARAC nominations"
        )
    else:
        rows = rules.matac_nominations(panel)
        context["matac"] = rows
        audit.record_many(
            request,
            AuditEvent.Action.VIEW,
            [row.candidate.perpetrator for row in rows],
            purpose="MATAC nominations",
        )
    return render(request, "panels/nominations.html", context)


@require_POST
def nominate(request, pk):
    """Put a nominated case or victim on an upcoming meeting's agenda (MARAC: recording the referral)."""
    panel = selectors.get_panel_for_user(request.user, pk, action=MANAGE)
    meeting = selectors.upcoming_meetings(panel).filter(pk=request.POST.get("meeting") or 0).first()
    if meeting is None:
        messages.error(request, "Choose an upcoming meeting of this panel.")
        return redirect("panels:nominations", pk=panel.pk)
    try:
        with transaction.atomic():
            if panel.kind == Panel.Kind.MARAC:
                _nominate_victim(request, panel, meeting)
            else:
                _nominate_case(request, panel, meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("panels:nominations", pk=panel.pk)
    messages.success(request, "Added to the agenda.")
    return redirect("panels:meeting_detail", pk=meeting.pk)


def _nominate_case(request, panel, meeting) -> AgendaItem:
    case = (
        Case.objects.select_related("team")
        .filter(pk=request.POST.get("case") or 0, closed_on__isnull=True)
        .first()
    )
    if case is None or case.team.area_id != panel.area_id:
        raise Http404("No such case in this panel's area")
    return services.agenda_item_add(
        meeting=meeting, case=case, reason=AgendaItem.Reason.NOMINATION, actor=request.user
    )


def _nominate_victim(request, panel, meeting) -> AgendaItem:
    victim_id = request.POST.get("victim") or 0
    row = next((n for n in rules.marac_nominations(panel) if str(n.victim.pk) == str(victim_id)), None)
    if row is None:
        if not Victim.objects.filter(pk=victim_id, area=panel.area).exists():
            raise Http404("No such victim in this panel's area")
        raise ValidationError("This victim does not meet the MARAC referral criteria.")
    reason = AgendaItem.Reason.REPEAT if row.is_repeat else AgendaItem.Reason.NEW
    item = services.agenda_item_add(
        meeting=meeting,
        victim=row.victim,
        reason=reason,
        risk_level="high",
        actor=request.user,
    )
    services.marac_referral_record(
        panel=panel,
        victim=row.victim,
        perpetrator=row.link.perpetrator if row.link else None,
        referred_on=timezone.localdate(),
        reason=row.referral_reason if not row.is_repeat else MaracReferral.Reason.REPEAT,
        agenda_item=item,
        actor=request.user,
    )
    return item
