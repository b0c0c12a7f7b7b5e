"""The safe view: what the perpetrator's side may know about linked victims (DESIGN.md §3).

`SafeVictimView` has no field that could locate or contact a victim, and is built without
ever loading a restricted row: a label ("Ex-partner, victim 2"), relationship and dates,
current risk level, whether an IDVA is engaged, and the notes the IDVA chose to share (with
any location or contact detail masked, accounts.safe_text). Names are left out too: the case
manager works with the label.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Subquery

from accounts import policy
from accounts.safe_text import mask_contact_details
from casework.models import Case, RiskLevel
from victims.models import DashAssessment, NewPartnerNotice, SharedNote, VictimLink


@dataclass(frozen=True)
class SafeSharedNote:
    text: str
    shared_at: datetime.datetime
    shared_by: str


@dataclass(frozen=True)
class SafeVictimView:
    label: str
    relationship: str
    started_on: datetime.date | None
    ended_on: datetime.date | None
    is_current: bool
    risk_level: str | None
    idva_engaged: bool
    shared_notes: tuple[SafeSharedNote, ...]

    @property
    def risk_level_display(self) -> str:
        return RiskLevel(self.risk_level).label if self.risk_level else "Not assessed"


def safe_victim_links(*, case: Case, user) -> list[SafeVictimView]:
    """Linked victims of the case's perpetrator as the case's users may see them ([] if the case is not visible)."""
    if not policy.can(user, policy.VIEW, case):
        return []
    latest_dash = DashAssessment.objects.filter(victim_id=OuterRef("victim_id")).order_by(
        "-completed_at", "-id"
    )
    links = (
        VictimLink.objects.filter(perpetrator_id=case.perpetrator_id)
        .select_related("victim")
        .only(
            "relationship",
            "started_on",
            "ended_on",
            "is_current",
            "label_number",
            "victim__idva",
            "victim__support_status",
        )
        # The latest DASH of each victim, in the same query.
        .annotate(
            dash_band=Subquery(latest_dash.values("band")[:1]),
            dash_judgement=Subquery(latest_dash.values("judgement_level")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "shared_notes",
                queryset=SharedNote.objects.select_related("shared_by").only(
                    "text", "shared_at", "link_id", "shared_by__full_name"
                ),
            )
        )
        .order_by("-is_current", "label_number")
    )
    views = []
    for link in links:
        dash = (
            DashAssessment(band=link.dash_band, judgement_level=link.dash_judgement or "")
            if link.dash_band
            else None
        )
        views.append(
            SafeVictimView(
                label=link.safe_label,
                relationship=link.get_relationship_display(),
                started_on=link.started_on,
                ended_on=link.ended_on,
                is_current=link.is_current,
                risk_level=dash.level if dash else None,
                idva_engaged=link.victim.idva_engaged,
                shared_notes=tuple(
                    # shared_note_add refuses location and contact details; a note written before
                    # the guard knew a kind of detail is shown with it masked.
                    SafeSharedNote(
                        mask_contact_details(note.text)[0], note.shared_at, note.shared_by.full_name
                    )
                    for note in link.shared_notes.all()
                ),
            )
        )
    return views


def pending_new_partners(case: Case) -> list[NewPartnerNotice]:
    return list(NewPartnerNotice.objects.filter(case=case).order_by("-recorded_at"))


def case_section_context(*, case: Case, user) -> dict | None:
    """The "Linked victims" section of the case page (registered in VictimsConfig.ready)."""
    if not policy.can(user, policy.VIEW, case):
        return None
    return {
        "case": case,
        "linked_victims": safe_victim_links(case=case, user=user),
        "new_partner_notices": pending_new_partners(case),
        "can_record_new_partner": policy.can(user, policy.EDIT, case),
    }
