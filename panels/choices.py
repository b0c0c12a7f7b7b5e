"""What a panel's coordinator or chair may choose in panel forms (`accounts.choices`).

Every set is a panel's own: its member agencies, their named representatives, its upcoming
meetings, and the open cases and supported victims of its area. The pages that use them are
already limited to those who manage the panel (`panels.access.MANAGE`).
"""

from __future__ import annotations

from accounts import choices
from accounts.models import Organisation, User
from casework.models import Case
from panels import selectors
from panels.models import Meeting
from victims.models import Victim

choices.register(
    "panels.member_agency",
    Organisation,
    lambda user, *, panel: Organisation.objects.filter(panel_memberships__panel=panel).order_by("name"),
)
choices.register(
    "panels.action_owner",
    User,
    lambda user, *, panel: User.objects.filter(is_active=True, panel_seats__panel=panel).distinct(),
)
choices.register(
    "panels.upcoming_meeting", Meeting, lambda user, *, panel: selectors.upcoming_meetings(panel)
)
choices.register(
    "panels.agenda_case",
    Case,
    lambda user, *, panel: Case.objects.filter(team__area=panel.area_id, closed_on__isnull=True),
)
choices.register(
    "panels.agenda_victim",
    Victim,
    lambda user, *, panel: Victim.objects.filter(area=panel.area_id).exclude(
        support_status=Victim.SupportStatus.CLOSED
    ),
)
