"""What a caller may choose in referral forms and the referrals API (`accounts.choices`)."""

from __future__ import annotations

from accounts import choices
from accounts.models import Team
from referrals import selectors
from referrals.models import SignpostService

# The receiving case-management team: one in the caller's own areas (form, API and service).
choices.register("referrals.receiving_team", Team, lambda user: selectors.receiving_teams_for(user))
# Signposting on screening: the referral's area's active services.
choices.register(
    "referrals.signpost_service",
    SignpostService,
    lambda user, *, referral: selectors.signpost_services_for(referral),
)
