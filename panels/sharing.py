"""Sharing a victim through a panel: the consent ledger decides (victims.consent).

A victim listed at a MARAC is shared with the MARAC; an item about a victim on a published
agenda is shared with every member agency. Each needs the victim's consent for the panel's
purpose with one of the panel's agencies (its coordinator's or a member's), or the lawful basis
for sharing without consent, recorded by the coordinator in the same form (a ledger line for the
coordinator's agency). A basis recorded when the victim was listed covers publishing that item.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from panels.models import AgendaItem, Panel, PanelMembership
from victims import consent
from victims.consent import Purpose, WithoutConsent


def purpose(panel: Panel) -> str:
    """MARAC: the MARAC referral and meeting. MATAC and perpetrator panels manage the risk the
    person causing harm poses: the ledger's perpetrator programme risk management."""
    return Purpose.MARAC if panel.kind == Panel.Kind.MARAC else Purpose.PERPETRATOR_PROGRAMME


def organisations(panel: Panel) -> list[int]:
    ids = [panel.coordinator_team.organisation_id]
    ids += PanelMembership.objects.filter(panel=panel).values_list("organisation_id", flat=True)
    return list(dict.fromkeys(ids))


def basis(panel: Panel, victim, *, since=None) -> consent.SharingBasis:
    return consent.sharing_basis(victim, purpose(panel), organisations(panel), since=since)


def item_shared_since(item: AgendaItem):
    return timezone.localdate(item.created_at)


def require_for_listing(*, actor, panel: Panel, victim, without_consent: WithoutConsent | None):
    """Listing `victim` at a MARAC shares them with it: consent, or a basis recorded now."""
    return consent.require_basis(
        actor=actor,
        victim=victim,
        purpose=purpose(panel),
        receiving_organisation=panel.coordinator_team.organisation,
        organisations=organisations(panel),
        without_consent=without_consent,
        since=timezone.localdate(),
        what="the listing",
    )


def prefix(item: AgendaItem) -> str:
    """Form field prefix for one item's basis on the publish form."""
    return f"item_{item.pk}_"


def require_for_agencies(
    *, actor, items: list[AgendaItem], without_consent: dict[int, WithoutConsent] | None
) -> None:
    """Every victim item in `items` shown to member agencies needs a basis; all the missing ones
    are reported together (field errors prefixed per item), and nothing is recorded unless all
    are complete (the caller's transaction rolls back)."""
    errors: dict[str, list[str]] = {}
    for item in items:
        if item.victim_id is None or not item.shared_with_agencies:
            continue
        panel = item.meeting.panel
        try:
            consent.require_basis(
                actor=actor,
                victim=item.victim,
                purpose=purpose(panel),
                receiving_organisation=panel.coordinator_team.organisation,
                organisations=organisations(panel),
                without_consent=(without_consent or {}).get(item.pk),
                since=item_shared_since(item),
                what="sharing this item with the agencies",
                prefix=prefix(item),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def items_needing_basis(meeting) -> list[AgendaItem]:
    """Victim items that publishing would share with agencies without consent or a basis on record."""
    items = meeting.items.filter(victim__isnull=False, shared_with_agencies=True).select_related(
        "victim", "meeting__panel__coordinator_team"
    )
    panel = meeting.panel
    return [
        item
        for item in items.order_by("order", "pk")
        if not basis(panel, item.victim, since=item_shared_since(item)).allowed
    ]
