"""What a caller may choose in casework's forms (`accounts.choices`: one check for every id sent)."""

from __future__ import annotations

from accounts import choices
from accounts.models import Organisation, Role, Team, User
from casework.models import AssessmentInstrument

CASE_TEAM_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR)


def team_members(team: Team, *roles: str):
    """Active people holding one of `roles` in `team`."""
    return User.objects.filter(
        is_active=True, memberships__team=team, memberships__active=True, memberships__role__in=roles
    ).distinct()


def importing_teams(user):
    """Case-management teams the user imports police incidents for (as case manager or supervisor)."""
    return Team.objects.filter(pk__in=user.team_ids(*CASE_TEAM_ROLES), kind=Team.Kind.CASE_MANAGEMENT)


def _victim_links(user, *, case):
    # The perpetrator's links with the safe-view fields only (casework.selectors_legal).
    from casework.selectors_legal import safe_victim_links

    return safe_victim_links(perpetrator=case.perpetrator)


# Allocating a case (casework and referrals): people of the receiving team.
choices.register("casework.case_manager", User, lambda user, *, team: team_members(team, *CASE_TEAM_ROLES))
choices.register("casework.supervisor", User, lambda user, *, team: team_members(team, Role.SUPERVISOR))
# A disruption action's agency: an organisation in the case's area.
choices.register(
    "casework.agency",
    Organisation,
    lambda user, *, case: Organisation.objects.filter(area_id=case.team.area_id).order_by("name"),
)
# Orders' protected people and incidents' victims: the perpetrator's victim links, by label only.
choices.register("casework.victim_link", "victims.VictimLink", _victim_links)
choices.register("casework.importing_team", Team, lambda user: importing_teams(user))
choices.register(
    "casework.assessment_instrument",
    AssessmentInstrument,
    lambda user: AssessmentInstrument.objects.filter(active=True),
)
