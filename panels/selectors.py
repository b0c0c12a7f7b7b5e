"""Reads of panels, meetings, agendas and actions, always through the access policy.

The agenda is presented through `item_view`, which is the only place that turns an agenda
item into what a reader sees. Victim items show only the safe view (reference for panel
managers, link label, relationship, risk); victim-restricted data is never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case as DbCase
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from accounts import policy
from accounts.models import Organisation
from accounts.safe_text import mask_contact_details
from panels.access import is_chair, is_manager, member_organisation_ids, rep_organisation_ids
from panels.models import (
    VICTIM_IDENTITY_KEYS,
    Action,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingPack,
    Panel,
    PanelMembership,
    PartnerNomination,
    Research,
)
from victims.models import VictimLink


def panels_visible_to(user) -> QuerySet[Panel]:
    return policy.visible(user, Panel).select_related("area", "coordinator_team", "chair")


def get_panel_for_user(user, pk, *, action: str = policy.VIEW) -> Panel:
    return policy.get_for_user(
        user,
        Panel,
        pk,
        action=action,
        queryset=Panel.objects.select_related("area", "coordinator_team", "chair"),
    )


def get_meeting_for_user(user, pk, *, action: str = policy.VIEW) -> Meeting:
    return policy.get_for_user(
        user,
        Meeting,
        pk,
        action=action,
        queryset=Meeting.objects.select_related("panel__area", "panel__chair", "minutes_approved_by"),
    )


def _items_queryset() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.select_related(
        "case__perpetrator", "victim", "meeting__panel"
    ).prefetch_related(
        Prefetch(
            "victim__links",
            queryset=VictimLink.objects.select_related("perpetrator").order_by("-is_current", "pk"),
            to_attr="panel_links",
        )
    )


def get_item_for_user(user, pk, *, action: str = policy.VIEW) -> AgendaItem:
    return policy.get_for_user(user, AgendaItem, pk, action=action, queryset=_items_queryset())


def get_action_for_user(user, pk, *, action: str = policy.VIEW) -> Action:
    return policy.get_for_user(
        user,
        Action,
        pk,
        action=action,
        queryset=Action.objects.select_related("organisation", "owner", "agenda_item__meeting__panel"),
    )


def get_pack_for_user(user, pk) -> MeetingPack:
    return policy.get_for_user(
        user, MeetingPack, pk, queryset=MeetingPack.objects.select_related("meeting__panel", "organisation")
    )


@dataclass
class Viewer:
    """What the reader of a meeting may see: everything (manager) or one agency's share.

    `perpetrator_service` is true when the reader's agency works with perpetrators: such a
    reader never sees a victim's name or date of birth, whatever the item shares.
    """

    manager: bool
    chair: bool
    organisation_ids: set[int] = field(default_factory=set)
    perpetrator_service: bool = False

    @property
    def full(self) -> bool:
        return self.manager


def viewer_for(user, panel: Panel) -> Viewer:
    organisation_ids = member_organisation_ids(user, panel)
    return Viewer(
        manager=is_manager(user, panel),
        chair=is_chair(user, panel),
        organisation_ids=organisation_ids,
        perpetrator_service=is_perpetrator_side(user, organisation_ids),
    )


def is_perpetrator_side(user, organisation_ids: set[int]) -> bool:
    """The reader sits on the panel for a perpetrator service."""
    if not organisation_ids:
        return False
    return Organisation.objects.filter(
        pk__in=organisation_ids, kind=Organisation.Kind.PERPETRATOR_SERVICE
    ).exists()


@dataclass
class ItemView:
    """An agenda item as one reader may see it: a title and labelled facts."""

    item: AgendaItem
    title: str
    facts: list[tuple[str, str]]


def _victim_link(item: AgendaItem) -> VictimLink | None:
    links = getattr(item.victim, "panel_links", None)
    if links is None:
        links = list(VictimLink.objects.filter(victim=item.victim).select_related("perpetrator"))
    return links[0] if links else None


def item_view(item: AgendaItem, *, full: bool, perpetrator_side: bool = False) -> ItemView:
    """The item's safe facts for one reader.

    `full` (chair, coordinator) shows every safe fact; otherwise only the fields the
    coordinator shared. Titles are never built from names the reader may not see: a victim
    item's relationship names the person causing harm only in the full view, and a victim's
    name and date of birth appear only on MARAC agendas, when shared, and never to a
    perpetrator-side reader (`perpetrator_side`). Victim-restricted data is never read here.
    """
    shared = set(item.shared_fields) if not full else None

    def show(key: str) -> bool:
        return shared is None or key in shared

    facts: list[tuple[str, str]] = []
    case, victim = item.case, item.victim
    if case is not None:
        perpetrator = case.perpetrator
        title = perpetrator.full_name if show("name") else f"Perpetrator item {item.order}"
        if full:
            facts.append(("Case", case.reference))
        if show("name"):
            facts.append(("Name", perpetrator.full_name))
        if show("date_of_birth") and perpetrator.date_of_birth:
            facts.append(("Date of birth", perpetrator.date_of_birth.strftime("%-d %B %Y")))
        if show("risk_level"):
            facts.append(("Case risk level", case.get_risk_level_display()))
    elif victim is not None:
        link = _victim_link(item)
        label = link.safe_label if link else "Victim (no linked perpetrator recorded)"
        title = label if show("label") else f"Victim item {item.order}"
        identity = (
            not full
            and not perpetrator_side
            and item.meeting.panel.kind == Panel.Kind.MARAC
            and VICTIM_IDENTITY_KEYS & set(item.shared_fields)
        )
        if full:
            facts.append(("Victim record", f"{victim.reference}: {victim.full_name}"))
        if identity and "name" in item.shared_fields:
            facts.append(("Victim's name", victim.full_name))
        if identity and "date_of_birth" in item.shared_fields and victim.date_of_birth:
            facts.append(("Victim's date of birth", victim.date_of_birth.strftime("%-d %B %Y")))
        if show("label"):
            facts.append(("Victim", label))
        if show("relationship") and link:
            relationship = link.get_relationship_display()
            facts.append(
                (
                    "Relationship",
                    f"{relationship} of {link.perpetrator.full_name}"
                    if full
                    else f"{relationship} of the person causing harm",
                )
            )
        if show("risk_level"):
            facts.append(("Risk level when listed", item.get_risk_level_display()))
    else:  # ruled out by the agendaitem_exactly_one_subject constraint
        raise ValueError(f"Agenda item {item.pk} is about neither a case nor a victim.")
    facts.append(("Reason", item.get_reason_display()))
    facts.append(("Time", f"{item.slot_start:%H:%M} to {item.slot_end:%H:%M} ({item.slot_minutes} minutes)"))
    return ItemView(item=item, title=title, facts=facts)


def agenda_for(meeting: Meeting, viewer: Viewer) -> list[AgendaItem]:
    """The meeting's items this viewer may see, in agenda order."""
    items = _items_queryset().filter(meeting=meeting)
    if not viewer.full:
        items = items.filter(shared_with_agencies=True)
    return list(items.order_by("order", "slot_start", "pk"))


def _agency_rows(rows: QuerySet, viewer: Viewer) -> QuerySet:
    """Research or actions as the viewer may see them: every agency's for managers and chairs,
    their own agencies' otherwise."""
    return rows if viewer.full else rows.filter(organisation_id__in=viewer.organisation_ids)


def _by_item(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.agenda_item_id, []).append(row)
    return grouped


def research_for(items: list[AgendaItem], viewer: Viewer) -> dict[int, list[Research]]:
    """Research by item: every agency's for managers, the viewer's own agency's otherwise.

    research_submit refuses location and contact details; research written before the guard knew
    a kind of detail is read with it masked (these rows are for showing, never for saving).
    """
    research = list(
        _agency_rows(
            Research.objects.filter(agenda_item__in=items).select_related("organisation", "submitted_by"),
            viewer,
        )
    )
    for row in research:
        row.summary = mask_contact_details(row.summary)[0]
    return _by_item(research)


def research_counts(items: list[AgendaItem], viewer: Viewer) -> dict[int, int]:
    """How many research returns each item has that this viewer may see (the agenda page's
    "received" and "submitted" lines), counted by the database."""
    research = _agency_rows(Research.objects.filter(agenda_item__in=items), viewer)
    return dict(
        research.order_by()
        .values("agenda_item_id")
        .annotate(n=Count("id"))
        .values_list("agenda_item_id", "n")
    )


def actions_for_items(items: list[AgendaItem], viewer: Viewer) -> dict[int, list[Action]]:
    actions = Action.objects.filter(agenda_item__in=items).select_related("organisation", "owner")
    return _by_item(_agency_rows(actions, viewer))


def _carried(meeting: Meeting) -> Q:
    return Q(
        agenda_item__meeting__panel_id=meeting.panel_id,
        agenda_item__meeting__scheduled_for__lt=meeting.scheduled_for,
        status=Action.Status.OPEN,
    )


def carried_actions(meeting: Meeting, viewer: Viewer) -> list[Action]:
    """Unfinished actions from this panel's earlier meetings, to be reviewed at this one."""
    actions = Action.objects.filter(_carried(meeting)).select_related(
        "organisation", "owner", "agenda_item__meeting"
    )
    return list(_agency_rows(actions, viewer).order_by("due_on", "pk"))


def meeting_actions(
    meeting: Meeting, items: list[AgendaItem], viewer: Viewer
) -> tuple[dict[int, list[Action]], list[Action]]:
    """`actions_for_items(items)` and `carried_actions(meeting)` together, in one query, for the
    agenda page (organisations loaded; owners and earlier meetings are not)."""
    item_ids = {item.pk for item in items}
    # A UNION ALL of the two lookups: an OR of them makes PostgreSQL scan every agenda item.
    wanted = (
        Action.objects.order_by()
        .filter(agenda_item_id__in=item_ids)
        .values("pk")
        .union(Action.objects.order_by().filter(_carried(meeting)).values("pk"), all=True)
    )
    # The agenda page shows each item's action count and the carried actions' agency, text and
    # due date: owners and earlier meetings are not loaded for it.
    actions = list(
        _agency_rows(Action.objects.filter(pk__in=wanted).select_related("organisation"), viewer).order_by(
            "due_on", "pk"
        )
    )
    carried = [action for action in actions if action.agenda_item_id not in item_ids]
    return _by_item(action for action in actions if action.agenda_item_id in item_ids), carried


def _member_agencies(panel_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(panel_memberships__panel_id=panel_id).order_by("name")


def member_agencies(panel: Panel) -> list[Organisation]:
    return list(_member_agencies(panel.pk))


def attendance_by_agency(meeting: Meeting) -> list[tuple[Organisation, Attendance | None]]:
    """Each member agency with its recorded attendance at the meeting (None if not recorded), in one query."""
    recorded = Attendance.objects.filter(meeting_id=meeting.pk, organisation_id=OuterRef("pk"))
    agencies = _member_agencies(meeting.panel_id).annotate(
        attendance_id=Subquery(recorded.values("id")[:1]),
        attendance_status=Subquery(recorded.values("status")[:1]),
        attendance_name=Subquery(recorded.values("attendee_name")[:1]),
    )
    return [
        (
            agency,
            Attendance(
                pk=agency.attendance_id,
                meeting=meeting,
                organisation=agency,
                status=agency.attendance_status,
                attendee_name=agency.attendance_name or "",
            )
            if agency.attendance_id
            else None,
        )
        for agency in agencies
    ]


def agency_people(panel: Panel) -> list[tuple]:
    """The panel's named representatives, as (user, organisation) pairs, for naming action owners."""
    people = []
    for membership in (
        PanelMembership.objects.filter(panel=panel)
        .select_related("organisation")
        .prefetch_related("representatives")
        .order_by("organisation__name")
    ):
        for user in sorted(membership.representatives.all(), key=lambda u: (u.full_name, u.pk)):
            if user.is_active:
                people.append((user, membership.organisation))
    return people


def action_tracker(
    user, *, organisation_id: int | None = None, overdue_only: bool = False
) -> QuerySet[Action]:
    """Actions the user may see across every meeting, oldest due first.

    Agency representatives see what their agency owes; coordinators and chairs see every
    agency's actions on their panels and may narrow to one agency.
    """
    actions = policy.visible(user, Action).select_related(
        "organisation", "owner", "agenda_item__meeting__panel"
    )
    if organisation_id:
        actions = actions.filter(organisation_id=organisation_id)
    if overdue_only:
        actions = actions.filter(status=Action.Status.OPEN, due_on__lt=timezone.localdate())
    open_first = DbCase(When(status=Action.Status.OPEN, then=Value(0)), default=Value(1))
    return actions.order_by(open_first, "due_on", "pk")


def tracker_agencies(user) -> list[Organisation]:
    """Agencies the user may filter the tracker by."""
    managed = policy.visible(user, Panel).values("pk")
    return list(
        Organisation.objects.filter(
            Q(panel_memberships__panel__in=managed) | Q(pk__in=rep_organisation_ids(user))
        )
        .distinct()
        .order_by("name")
    )


def packs_for(meeting: Meeting, user) -> list[MeetingPack]:
    return list(
        policy.visible(user, MeetingPack)
        .filter(meeting=meeting)
        .select_related("organisation", "requested_by")
    )


def partner_nominations_for(user, panel: Panel) -> QuerySet[PartnerNomination]:
    """The panel's partner nominations the user may see, newest first."""
    return (
        policy.visible(user, PartnerNomination)
        .filter(panel=panel)
        .select_related("organisation", "nominated_by", "decided_by", "agenda_item__meeting")
    )


def get_partner_nomination_for_user(user, pk, *, action: str = policy.VIEW) -> PartnerNomination:
    return policy.get_for_user(
        user,
        PartnerNomination,
        pk,
        action=action,
        queryset=PartnerNomination.objects.select_related(
            "panel__area", "organisation", "nominated_by", "perpetrator", "agenda_item__meeting"
        ),
    )


def upcoming_meetings(panel: Panel) -> QuerySet[Meeting]:
    return panel.meetings.filter(
        status__in=[Meeting.Status.PLANNING, Meeting.Status.PUBLISHED], scheduled_for__gte=timezone.now()
    ).order_by("scheduled_for")
