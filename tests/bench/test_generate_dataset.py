"""The synthetic dataset is internally consistent, and the benchmark's measurements run on it.

One module-scoped dataset (the demo size, a few seconds) is shared by every test here; the
benchmark runs in smoke mode (each measurement once or twice, no gunicorn, no PDF packs).
Nothing here is timed: the benchmark itself is not a test.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q

from accounts.models import Area, Membership, Role, User
from bench import dataset, measure
from casework.models import Case, Incident, Order, Perpetrator
from panels.models import AgendaItem, Meeting
from referrals.models import Referral
from victims.models import DashAssessment, Victim, VictimLink


@pytest.fixture(scope="module")
def demo_dataset(django_db_setup, django_db_blocker):
    """The demo dataset, made once for this module inside a transaction that is rolled back.

    Each test's own transaction nests inside it (a savepoint), and at the end of the module the
    database is exactly as it was: other tests never see these rows, and the reference data
    the migrations seeded is untouched.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("generate_dataset", size="demo", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_dataset")]


def test_demo_size_has_every_kind_of_record():
    spec = dataset.SIZES["demo"]
    assert Area.objects.filter(code__startswith=dataset.AREA_CODE_PREFIX).count() == spec.areas
    assert Case.objects.count() == spec.areas * spec.cases_per_area
    assert Referral.objects.filter(case__isnull=False).count() == Case.objects.count()
    for model in (Perpetrator, Victim, VictimLink, Incident, Order, Meeting, AgendaItem, DashAssessment):
        assert model.objects.exists(), model.__name__
    roles = set(Membership.objects.values_list("role", flat=True))
    assert {Role.CASE_MANAGER, Role.SUPERVISOR, Role.IDVA, Role.PANEL_COORDINATOR, Role.AGENCY_REP} <= roles


def test_running_it_twice_into_one_database_is_refused():
    with pytest.raises(ValueError, match="already holds"):
        dataset.generate(size="demo")


def test_serial_perpetrators_have_two_or_more_victims_with_incidents_against_each():
    serial = Perpetrator.objects.annotate(n=Count("victim_links")).filter(n__gte=2)
    assert serial.exists()
    for perpetrator in serial[:20]:
        harmed = set(
            Incident.objects.filter(perpetrator=perpetrator).values_list("victim_links__victim_id", flat=True)
        )
        assert len(harmed) >= 2


def test_victims_are_in_their_perpetrators_area_and_an_idva_team_there():
    links = VictimLink.objects.select_related("victim__team", "perpetrator")
    assert not links.exclude(victim__area=F("perpetrator__area")).exists()
    assert not links.exclude(victim__team__area=F("victim__area")).exists()
    assert not Victim.objects.exclude(team__kind="partner_support").exists()
    # Every case is in the perpetrator's area, so the victim's area matches their cases.
    assert not Case.objects.exclude(team__area=F("perpetrator__area")).exists()


def test_nobody_works_on_both_sides_of_one_perpetrator():
    case_side = set(Case.objects.exclude(case_manager=None).values_list("case_manager_id", "perpetrator_id"))
    victim_side = set(
        VictimLink.objects.exclude(victim__idva=None).values_list("victim__idva_id", "perpetrator_id")
    )
    assert not case_side & victim_side


def test_dates_are_consistent():
    assert not Case.objects.filter(closed_on__lt=F("opened_on")).exists()
    assert not Case.objects.filter(phase="closed", closed_on=None).exists()
    assert not Case.objects.filter(~Q(phase="closed"), closed_on__isnull=False).exists()
    from django.utils import timezone

    assert not Incident.objects.filter(occurred_on__gt=timezone.localdate()).exists()
    assert not Incident.objects.filter(case__isnull=False, occurred_on__lt=F("case__opened_on")).exists()
    assert not Incident.objects.exclude(case=None).exclude(case__perpetrator=F("perpetrator")).exists()
    assert not Order.objects.filter(expires_on__lte=F("made_on")).exists()
    # Each incident's victim is one of that perpetrator's victims.
    assert not Incident.objects.exclude(victim_links__perpetrator=F("perpetrator")).exists()


def test_dash_scores_match_their_answers():
    for dash in DashAssessment.objects.all()[:50]:
        assert dash.score == DashAssessment.count_yes(dash.answers)


def test_agenda_items_are_about_people_in_the_panels_area():
    assert (
        not AgendaItem.objects.filter(victim__isnull=False)
        .exclude(victim__area=F("meeting__panel__area"))
        .exists()
    )
    assert (
        not AgendaItem.objects.filter(case__isnull=False)
        .exclude(case__team__area=F("meeting__panel__area"))
        .exists()
    )
    busy = Meeting.objects.annotate(n=Count("items")).order_by("-n").first()
    assert busy.n == dataset.SIZES["demo"].busy_meeting_items


def test_synthetic_contact_details_cannot_reach_anyone():
    from victims.models import VictimAddress, VictimContact

    assert not VictimContact.objects.exclude(value__startswith="07700 900").exists()
    assert not VictimAddress.objects.exclude(postcode__startswith="ZZ").exists()
    assert (
        not User.objects.filter(email__contains="@")
        .exclude(email__endswith=dataset.BENCH_DOMAIN)
        .filter(memberships__team__area__code__startswith=dataset.AREA_CODE_PREFIX)
        .exists()
    )


def test_benchmark_measurements_run_in_smoke_mode():
    results = measure.run(size="demo", smoke=True)
    for name, page in results["pages"].items():
        assert page["single_user"]["status"] == 200, name
        assert page["single_user"]["queries"] > 0
    assert results["risk_scan"]["rules"]
    assert results["import"]["created"] == results["import"]["rows"]
    assert all(report["status"] == 200 for report in results["reports"].values())
    # The writes the measurements make are rolled back.
    assert not Incident.objects.filter(police_reference__startswith="BENCH/").exists()
    from bench import report

    assert "caseload" in report.table(results)


def test_the_caseloads_index_friendly_visibility_admits_exactly_what_the_case_rule_admits():
    from accounts import policy
    from casework.access import visible_case_ids

    case = Case.objects.filter(team__area__code__startswith=dataset.AREA_CODE_PREFIX).first()
    Case.objects.filter(pk=case.pk).update(restricted=True)  # restricted: only named workers see it
    users = User.objects.filter(memberships__team__area__code__startswith=dataset.AREA_CODE_PREFIX).distinct()
    for user in users:
        expected = set(policy.visible(user, Case).values_list("pk", flat=True))
        assert (
            set(Case.objects.filter(pk__in=visible_case_ids(user)).values_list("pk", flat=True)) == expected
        )


def test_every_measured_page_stays_within_the_query_budget_of_the_scale_goals():
    """The benchmark's pages, on the demo dataset: lists at most 4 queries, case, victim and
    agenda pages at most 10, whatever their size (the busiest user, the biggest case). Admin
    changelists have no query goal; they are pinned at what they take now."""
    subjects = measure.subjects()
    for page in measure.pages(subjects):
        client = measure.sign_in(page["user"])
        result = measure.single_user(page, client, requests=2)
        budget = page["goal"][0] if page["goal"][0] is not None else 7
        assert result["status"] == 200, page["name"]
        assert result["queries"] <= budget, f"{page['name']}: {result['queries']} queries, budget {budget}"
