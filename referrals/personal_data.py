"""referrals' entries in the personal-data registry (accounts.personal_data).

Subject access, a perpetrator's request: each referral about him or his cases; what the referrer
said (who they are, their concerns) withheld as information about other people; a victim named
on it only as the relationship, withheld. Her restricted details on the referral
(`ReferralVictimDetails`) are never gathered for him.
A victim-survivor's request: each referral that named her and was picked up as her record, with
the details given about her.

Retention: a closed case's referrals and the people named on them; the entries that named a
victim-survivor whose record is erased.
"""

from __future__ import annotations

from django.db.models import Q

from accounts import personal_data as registry
from accounts.erasure import ERASED_NAME, ids, scrub, year_only
from accounts.personal_data import Erasure, Exemption, Gathering, RecordType, Subject, held
from accounts.plain_words import written_date
from casework.models import Case
from referrals import models as rm

OTHERS = Exemption.THIRD_PARTY

REFERRER = (
    "referrer_name",
    "referrer_organisation",
    "referrer_role",
    "referrer_phone",
    "referrer_email",
    "concerns",
    "stated_risk_level",
    "legal_basis",
    "consent",
    "consent_notes",
)


@registry.collector(Subject.PERPETRATOR, order=30, models=(rm.Referral, rm.ReferralVictim))
def referrals_about_him(g: Gathering) -> None:
    w = g.words
    pid = g.subject.pk
    case_ids = list(held(Case).filter(perpetrator_id=pid).values_list("pk", flat=True))
    referrals = held(rm.Referral).filter(Q(perpetrator_id=pid) | Q(case_id__in=case_ids)).distinct()
    for referral in referrals.order_by("received_on", "id"):
        received = written_date(referral.received_on)
        section = "Referrals about you"
        g.add(section, f"Referral received {received}", referral, w.fields(referral, skip=REFERRER))
        g.add(
            section,
            f"What the referrer told us, referral received {received}",
            referral,
            w.fields(referral, only=REFERRER),
            exemption=OTHERS,
            note="Who referred the subject and what they said: it identifies the referrer and others",
            part="referrer",
        )
        for named in held(rm.ReferralVictim).filter(referral_id=referral.pk):
            g.add(
                section,
                f"A person named on the referral received {received}",
                named,
                {"Relationship to you": named.get_relationship_display()},
                exemption=OTHERS,
                note="A victim-survivor named on the referral (only the relationship is gathered)",
            )


@registry.collector(Subject.VICTIM, order=20, models=(rm.ReferralVictim, rm.ReferralVictimDetails))
def referrals_naming_her(g: Gathering) -> None:
    referred = "Referrals that named you"
    named_on = held(rm.ReferralVictim).filter(picked_up_victim_id=g.subject.pk).select_related("referral")
    for named in named_on:
        received = written_date(named.referral.received_on)
        g.add(referred, f"Named on a referral received {received}", named, g.words.fields(named))
        details = rm.ReferralVictimDetails.objects.filter(referral_victim_id=named.pk).first()
        if details is not None:
            g.add(
                referred,
                f"Your details given on the referral received {received}",
                details,
                g.words.fields(details),
            )


# --- Retention ----------------------------------------------------------------------------------------------


def erase_referrals(referral_ids: list[int]) -> int:
    if not referral_ids:
        return 0
    year_only(rm.Referral, referral_ids)
    count = scrub(
        rm.Referral,
        referral_ids,
        {
            "referrer_name": "",
            "referrer_phone": "",
            "referrer_email": "",
            "first_name": ERASED_NAME,
            "last_name": "",
            "other_names": "",
            "disability_details": "",
            "address_line_1": "",
            "address_line_2": "",
            "town": "",
            "postcode": "",
            "police_reference": "",
            "pnc_number": "",
            "prison_number": "",
            "concerns": "",
            "consent_notes": "",
            "decision_reason": "",
        },
    )
    named = ids(rm.ReferralVictim._base_manager.filter(referral_id__in=referral_ids))
    erase_named_victims(named)
    return count + len(named)


def erase_named_victims(named_ids: list[int]) -> None:
    scrub(rm.ReferralVictim, named_ids, {"first_name": ERASED_NAME, "last_name": ""})
    rm.ReferralVictimDetails.objects.filter(referral_victim_id__in=named_ids).update(
        address="", postcode="", phone="", email="", safe_contact="", children_details=""
    )


@registry.erase_step(
    RecordType.CASE, order=20, models=(rm.Referral, rm.ReferralVictim, rm.ReferralVictimDetails)
)
def erase_the_case_referrals(erasure: Erasure) -> dict:
    return {
        "referrals": erase_referrals(ids(rm.Referral._base_manager.filter(case_id=int(erasure.object_id))))
    }


@registry.erase_step(RecordType.VICTIM, order=20, models=(rm.ReferralVictim, rm.ReferralVictimDetails))
def erase_entries_naming_her(erasure: Erasure) -> dict:
    named = ids(rm.ReferralVictim._base_manager.filter(picked_up_victim_id=int(erasure.object_id)))
    erase_named_victims(named)
    return {"referral_entries": len(named)}


# --- Everything else ----------------------------------------------------------------------------------------

registry.history_of(rm.Referral, rm.ReferralVictim, rm.ScreeningAnswer)
registry.no_subject_data(
    rm.ScreeningCriterion,
    rm.SignpostService,
    rm.ServiceTarget,
    rm.ReferralTargetRatio,
    rm.BankHoliday,
    reason="reference data: screening questions, the signposting directory, targets, bank holidays",
)
registry.kept_outside(
    rm.ScreeningAnswer,
    reason="a yes / no / not known answer to one of the service's screening questions; the referral's "
    "decision and its reason are gathered",
)
registry.kept_outside(
    rm.PerpetratorMerge,
    reason="which two person records were found to be one, by whom and why, kept so the merge can be undone",
)
