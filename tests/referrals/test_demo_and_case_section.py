"""Demo data covers every state and is idempotent; the case page's referral section is safe."""

from django.template.loader import render_to_string

from referrals import demo
from referrals.case_section import _context
from referrals.models import Referral, ReferralVictim, ReferralVictimDetails

from .conftest import CHILDREN, VICTIM_ADDRESS, VICTIM_PHONE


def test_demo_has_every_state_and_running_it_twice_changes_nothing(world):
    demo.seed(world)
    counts = (
        Referral.all_objects.count(),
        ReferralVictim.all_objects.count(),
        ReferralVictimDetails.objects.count(),
    )
    demo.seed(world)
    assert counts == (
        Referral.all_objects.count(),
        ReferralVictim.all_objects.count(),
        ReferralVictimDetails.objects.count(),
    )
    for area in ("north", "south"):
        statuses = set(Referral.objects.filter(area__code=area).values_list("status", flat=True))
        assert statuses == set(Referral.Status.values)
        referrals = list(Referral.objects.filter(area__code=area))
        assert any(r.is_overdue() for r in referrals)
        assert any(r.possible_duplicate_of_id for r in referrals)
        assert any(r.case_id for r in referrals)


def test_case_section_shows_the_referral_and_named_victims_without_restricted_details(
    world, make_referral, service_setup
):
    from referrals import services
    from referrals.services import Outcome

    referral = make_referral()
    services.referral_screen(
        referral=referral,
        actor=world.user("casemanager", "north"),
        answers={service_setup["north"]["eligible"].pk: "yes", service_setup["north"]["excluded"].pk: "no"},
        outcome=Outcome.ACCEPT,
    )
    services.referral_person_decide(
        referral=referral, actor=world.user("casemanager", "north"), perpetrator=None
    )
    case, _ = services.referral_allocate(
        referral=referral,
        actor=world.user("supervisor", "north"),
        case_manager=world.user("casemanager", "north"),
        intervention_type="intensive",
    )
    context = _context(case=case, user=world.user("casemanager", "north"))
    html = render_to_string("referrals/case_section.html", context)
    assert referral.reference in html and "Leah Marsh" in html and "Awaiting IDVA pick-up" in html
    for value in (VICTIM_ADDRESS, VICTIM_PHONE, CHILDREN):
        assert value not in html
