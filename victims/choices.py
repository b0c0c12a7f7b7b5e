"""What a caller may choose in victims' forms (`accounts.choices`: one check for every id sent)."""

from __future__ import annotations

from accounts import choices
from accounts.models import Organisation, Role, User
from victims.models import VictimLink

# Allocating a victim's support: an active IDVA or supervisor of the victim's own IDVA team.
choices.register(
    "victims.idva",
    User,
    lambda user, *, team: User.objects.filter(
        is_active=True,
        memberships__team=team,
        memberships__active=True,
        memberships__role__in=[Role.IDVA, Role.SUPERVISOR],
    ).distinct(),
)
# A consent or sharing decision names an agency of the victim's own area.
choices.register(
    "victims.area_agency",
    Organisation,
    lambda user, *, victim: Organisation.objects.filter(area_id=victim.area_id).order_by("name"),
)
# A note shared with the case manager, or a child's link to a perpetrator: one of this victim's own links.
choices.register(
    "victims.link",
    VictimLink,
    lambda user, *, victim: VictimLink.objects.filter(victim=victim).select_related("perpetrator"),
)
