"""Nomination pages: MATAC ranking by RFG score beside partner agencies' nominations, and
MARAC referrals with repeats flagged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.choices import INVALID_CHOICE, permitted
from accounts.models import AuditEvent, Organisation
from accounts.records import ConcurrentEditError
from panels import nominations as rules
from panels import selectors, services
from panels.access import MANAGE, NOMINATE
from panels.forms import PartnerDecisionForm, PartnerNominationForm
from panels.models import AgendaItem, Panel, PartnerNomination
from panels.views import add_service_errors

RANKING_SHOWN = 50


def _posted_id(request, name: str) -> int:
    """A posted id, or 0 (matches nothing) when it is missing or not a whole number."""
    value = (request.POST.get(name) or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0


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
        pending = list(
            selectors.partner_nominations_for(request.user, panel).filter(
                status=PartnerNomination.Status.PENDING
            )
        )
        # Partner nominations look their person up in the whole ranking, not only the top rows.
        ranking = rules.matac_nominations(panel, limit=None if pending else RANKING_SHOWN)
        rows = ranking[:RANKING_SHOWN]
        partner = rules.partner_rows(panel, pending, ranking)
        context["matac"] = rows
        context["ranked_total"] = len(ranking) if pending else None
        context["partner"] = partner
        context["decided"] = list(
            selectors.partner_nominations_for(request.user, panel).exclude(
                status=PartnerNomination.Status.PENDING
            )[:20]
        )
        shown = [row.candidate.perpetrator for row in rows]
        shown += [m.perpetrator for row in partner for m in row.matches]
        audit.record_many(request, AuditEvent.Action.VIEW, shown, purpose="MATAC nominations")
        audit.record_many(
            request, AuditEvent.Action.VIEW, [row.nomination for row in partner], purpose="MATAC nominations"
        )
    return render(request, "panels/nominations.html", context)


@require_POST
def nominate(request, pk):
    """Put a nominated case or victim on an upcoming meeting's agenda (MARAC: recording the referral)."""
    panel = selectors.get_panel_for_user(request.user, pk, action=MANAGE)
    meeting = _chosen(request, "panels.upcoming_meeting", "meeting", panel)
    if meeting is None:
        messages.error(request, "Choose an upcoming meeting of this panel.")
        return redirect("panels:nominations", pk=panel.pk)
    try:
        with transaction.atomic():
            if panel.kind == Panel.Kind.MARAC:
                _nominate_victim(request, panel, meeting)
            else:
                _nominate_case(request, panel, meeting)
    except _BasisNeeded as needed:
        # No consent to share at MARAC on record: the add-item form asks for the basis.
        messages.error(request, " ".join(needed.error.messages))
        return redirect(f"{reverse('panels:item_add', args=[meeting.pk])}?{urlencode(needed.initial)}")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("panels:nominations", pk=panel.pk)
    messages.success(request, "Added to the agenda.")
    return redirect("panels:meeting_detail", pk=meeting.pk)


def _chosen(request, choice_set: str, name: str, panel):
    """The record the posted `name` id names among `choice_set` (accounts.choices), or None."""
    return permitted(choice_set, request.user, panel=panel).filter(pk=_posted_id(request, name)).first()


def _nominate_case(request, panel, meeting) -> AgendaItem:
    case = _chosen(request, "panels.agenda_case", "case", panel)
    if case is None:
        raise ValidationError(INVALID_CHOICE)
    return services.agenda_item_add(
        meeting=meeting, case=case, reason=AgendaItem.Reason.NOMINATION, actor=request.user
    )


def _nominate_victim(request, panel, meeting) -> AgendaItem:
    victim = _chosen(request, "panels.agenda_victim", "victim", panel)
    if victim is None:
        raise ValidationError(INVALID_CHOICE)
    row = next((n for n in rules.marac_nominations(panel) if n.victim.pk == victim.pk), None)
    if row is None:
        raise ValidationError("This victim does not meet the MARAC referral criteria.")
    # agenda_item_add records the MARAC referral with the item.
    reason = AgendaItem.Reason.REPEAT if row.is_repeat else AgendaItem.Reason.NEW
    try:
        return services.agenda_item_add(
            meeting=meeting,
            victim=row.victim,
            reason=reason,
            risk_level="high",
            referral_reason=row.referral_reason,
            actor=request.user,
        )
    except ValidationError as exc:
        if "legal_basis" in getattr(exc, "error_dict", {}):
            initial = {"subject": f"victim:{row.victim.pk}", "reason": reason}
            raise _BasisNeeded(exc, {**initial, "referral_reason": row.referral_reason or ""}) from exc
        raise


class _BasisNeeded(Exception):
    """A nominated victim with no consent to share at MARAC on record."""

    def __init__(self, error: ValidationError, initial: dict):
        super().__init__(error)
        self.error, self.initial = error, initial


@require_http_methods(["GET", "POST"])
def partner_nominate(request, pk):
    """A named representative of a member agency nominates a perpetrator to a MATAC."""
    panel = selectors.get_panel_for_user(request.user, pk, action=NOMINATE)
    organisation_ids = selectors.viewer_for(request.user, panel).organisation_ids
    # A representative of several member agencies nominates for the first; rare.
    organisation = Organisation.objects.get(pk=min(organisation_ids))
    form = PartnerNominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_nomination_submit(
                panel=panel, organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Nomination sent. The panel coordinator will accept or decline it.")
            return redirect("panels:panel_detail", pk=panel.pk)
    return render(
        request,
        "panels/partner_nominate.html",
        {"panel": panel, "organisation": organisation, "form": form},
    )


@require_http_methods(["GET", "POST"])
def partner_decide(request, pk):
    """The coordinator matches a partner nomination to a record and accepts or declines it."""
    nomination = selectors.get_partner_nomination_for_user(request.user, pk, action=MANAGE)
    panel = nomination.panel
    ranking = rules.matac_nominations(panel, limit=None)
    matches = rules.person_matches(panel, nomination, ranking)
    form = PartnerDecisionForm(request.POST or None, matches=matches, panel=panel, user=request.user)
    pending = nomination.status == PartnerNomination.Status.PENDING
    if request.method == "POST" and pending and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                match = next(m for m in matches if m.open_case and str(m.open_case.pk) == data["case"])
                meeting = data["meeting"]
                services.partner_nomination_accept(
                    nomination=nomination, case=match.open_case, meeting=meeting, actor=request.user
                )
                messages.success(request, "Nomination accepted and listed on the agenda.")
                return redirect("panels:meeting_detail", pk=meeting.pk)
            services.partner_nomination_decline(
                nomination=nomination, reason=data["decision_reason"], actor=request.user
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Nomination declined. The nominating agency can see your reason.")
            return redirect("panels:nominations", pk=panel.pk)
    audit.record(request, AuditEvent.Action.VIEW, nomination)
    return render(
        request,
        "panels/partner_decide.html",
        {
            "panel": panel,
            "nomination": nomination,
            "matches": matches,
            "meetings": form.fields["meeting"].queryset,
            "form": form,
            "pending": pending,
            "ranked_total": len(ranking),
        },
    )
