"""Referral helpers: build referrals through the real services, in the personas' areas."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import ScreeningCriterion, ServiceTarget, SignpostService
from referrals.services import NamedVictimEntry

VICTIM_ADDRESS = "Flat 9, 17 Secret Gardens"
VICTIM_POSTCODE = "ZZ99 7QX"
VICTIM_PHONE = "07700 900 123"
VICTIM_EMAIL = "hidden.victim@example.org"
CHILDREN = "Mia aged 5, attends Hillside Primary"


def referral_fields(**overrides) -> dict:
    fields = {
        "pathway": "police",
        "received_on": timezone.localdate(),
        "referrer_name": "DC Morgan Hale",
        "referrer_organisation": "Northshire Police",
        "referrer_role": "Detective constable",
        "referrer_phone": "01632 960 118",
        "referrer_email": "morgan.hale@police.example",
        "first_name": "Daniel",
        "last_name": "Whitfield",
        "other_names": "",
        "date_of_birth": datetime.date(1988, 4, 7),
        "gender": "male",
        "ethnicity": "",
        "first_language": "English",
        "interpreter_needed": False,
        "disability": "",
        "disability_details": "",
        "address_line_1": "14 Larch Close",
        "address_line_2": "",
        "town": "Northtown",
        "postcode": "ZZ99 1AB",
        "police_reference": "",
        "pnc_number": "",
        "prison_number": "",
        "concerns": "Controlling behaviour and a recent assault.",
        "stated_risk_level": "high",
        "intervention_type": "intensive",
        "legal_basis": "public_task",
        "consent": "given",
        "consent_notes": "",
    }
    return fields | overrides


def named_victim(**safe) -> NamedVictimEntry:
    return NamedVictimEntry(
        safe={"first_name": "Leah", "last_name": "Marsh", "relationship": "partner", "children_count": 1}
        | safe,
        restricted={
            "address": VICTIM_ADDRESS,
            "postcode": VICTIM_POSTCODE,
            "phone": VICTIM_PHONE,
            "email": VICTIM_EMAIL,
            "safe_contact": "Mornings only",
            "children_details": CHILDREN,
        },
    )


@pytest.fixture
def make_referral(world):
    """`make_referral("north", by="police", submit=True, **fields)` → a saved referral."""

    def make(area="north", *, by="casemanager", submit=True, victims=None, **fields):
        return services.referral_save(
            actor=world.user(by, area),
            team=world.team("case_management", area),
            fields=referral_fields(**fields),
            victims=[named_victim()] if victims is None else victims,
            submit=submit,
        )

    return make


@pytest.fixture
def service_setup(world):
    """Targets, criteria and a signpost service for both areas' case-management teams."""
    made = {}
    for area in ("north", "south"):
        team = world.team("case_management", area)
        ServiceTarget.objects.create(team=team, first_contact_working_days=5)
        made[area] = {
            "eligible": ScreeningCriterion.objects.create(
                team=team, kind="eligibility", question="Aged 18 or over", order=1
            ),
            "excluded": ScreeningCriterion.objects.create(
                team=team, kind="exclusion", question="Already on another programme", order=2
            ),
            "signpost": SignpostService.objects.create(
                area=world.areas[area], name=f"{area} advice line", contact="0808 157 0101"
            ),
        }
    return made
