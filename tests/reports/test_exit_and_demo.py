"""The data the outcome reports depend on: the RFG exit score recorded when a closure is
approved, needs counted the same way in both figures, every table lining up with its header,
and demo data that gives an analyst real figures (not just hidden ones) in every report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from casework import services, services_legal
from casework.models import Case, NeedDomain, Perpetrator, RfgScore, SupportGoal
from panels.models import AgendaItem
from reports import demo, outcomes, periods
from reports.access import scope_for, suppression_threshold
from reports.cohorts import ReportFilter
from reports.disclosure import Suppression
from reports.registry import REPORTS

pytestmark = pytest.mark.django_db


def _open_case(world, *, name: str, incidents: bool) -> Case:
    supervisor = world.user("supervisor", "north")
    perpetrator = services.perpetrator_create(
        actor=supervisor, area=world.areas["north"], first_name=name, last_name="Exitson"
    )
    case = services.case_open(
        actor=supervisor,
        perpetrator=perpetrator,
        team=world.team("case_management", "north"),
        case_manager=world.user("casemanager", "north"),
    )
    if incidents:
        services_legal.incident_create(
            actor=supervisor,
            perpetrator=perpetrator,
            case=case,
            occurred_on=timezone.localdate() - datetime.timedelta(days=30),
            incident_type="crime",
            offence="common_assault",
            is_domestic_abuse=True,
            enqueue_flags=False,
        )
    return case


def _close(world, case: Case, *, approve: bool = True):
    closure = services.case_closure_request(
        case=case,
        actor=world.user("casemanager", "north"),
        reason="completed",
        summary="Finished.",
        exit_ratings={"physical": 0},
    )
    return services.case_closure_decide(
        closure=closure,
        actor=world.user("supervisor", "north"),
        approve=approve,
        note="" if approve else "Not yet.",
    )


def test_approving_a_closure_records_the_exit_rfg_score(world):
    services_legal.rfg_model_seed_default(actor=world.users["admin"])
    case = _open_case(world, name="Scored", incidents=True)
    assert case.rfg_scores.filter(kind=RfgScore.Kind.ENTRY).exists()
    _close(world, case)
    case.refresh_from_db()
    exit_score = case.rfg_scores.get(kind=RfgScore.Kind.EXIT)
    assert exit_score.as_of == case.closed_on
    assert exit_score.computed_by == world.user("supervisor", "north")
    # The outcome report now has an entry-to-exit figure for this case.
    f = ReportFilter(period=periods.resolve("12m"), scope=scope_for(world.user("supervisor", "north")))
    cells = {row[0]: row[1:] for row in outcomes.rfg_change(f).cells(Suppression.none())}
    assert cells["Cases with entry and exit scores"] == ["1"]


def test_no_exit_score_without_an_entry_score_or_when_the_closure_is_returned(world):
    services_legal.rfg_model_seed_default(actor=world.users["admin"])
    never_scored = _open_case(world, name="Unscored", incidents=False)
    _close(world, never_scored)
    assert not never_scored.rfg_scores.exists()
    returned = _open_case(world, name="Returned", incidents=True)
    _close(world, returned, approve=False)
    assert not returned.rfg_scores.filter(kind=RfgScore.Kind.EXIT).exists()


def test_closure_still_works_when_no_scoring_model_is_active(world):
    case = _open_case(world, name="Modelless", incidents=False)
    model = services_legal.rfg_model_seed_default(actor=world.users["admin"])
    RfgScore.objects.create(
        case=case, model=model, kind="entry", score=Decimal(5), explanation="-", as_of=case.opened_on
    )
    model.is_active = False
    model.save()
    _close(world, case)
    case.refresh_from_db()
    assert case.phase == Case.Phase.CLOSED
    assert not case.rfg_scores.filter(kind=RfgScore.Kind.EXIT).exists()


def test_needs_figures_both_leave_out_deleted_goals(world, dataset):
    f = ReportFilter(period=periods.resolve("12m"), scope=scope_for(world.user("supervisor", "north")))
    # O3 has two live needs and a deleted third: not "three or more", and the deleted need not counted.
    case = dataset.cases["O3"]
    for need in (NeedDomain.FINANCE, NeedDomain.HOUSING):
        SupportGoal.objects.create(
            case=case, need_domain=need, goal="-", created_by=world.user("casemanager", "north")
        )
    SupportGoal.objects.create(
        case=case,
        need_domain=NeedDomain.CHILDREN_FAMILY,
        goal="-",
        created_by=world.user("casemanager", "north"),
        deleted_at=timezone.now(),
    )
    cells = {row[0]: row[1:] for row in outcomes.needs(f).cells(Suppression.none())}
    assert cells["Three or more needs"] == ["1", "10%"]  # still O1 only
    assert cells["Children, family and parenting"] == ["0", "0%"]
    assert cells["Finance"] == ["2", "20%"]  # O2 and O3
    # Undeleting the goal makes O3 a case with three needs in both figures at once.
    SupportGoal.all_objects.filter(case=case, need_domain=NeedDomain.CHILDREN_FAMILY).update(deleted_at=None)
    cells = {row[0]: row[1:] for row in outcomes.needs(f).cells(Suppression.none())}
    assert cells["Three or more needs"] == ["2", "20%"]
    assert cells["Children, family and parenting"] == ["1", "10%"]


@pytest.mark.parametrize("login", ["supervisor", "analyst"])
def test_every_table_of_every_report_has_a_cell_under_each_header(world, dataset, login):
    for key, report in REPORTS.items():
        f = ReportFilter(
            period=periods.resolve("12m"), scope=scope_for(world.user(login, "north"), report=key)
        )
        for table in report.builder(f, {}):
            for row in table.rows:
                assert len(row) == len(table.columns), f"{key}/{table.key}: {row}"


# ---- Demo data --------------------------------------------------------------------------------


def analyst_cells(world, area: str, key: str, table_key: str) -> dict[str, list[str]]:
    f = ReportFilter(period=periods.resolve("12m"), scope=scope_for(world.user("analyst", area), report=key))
    built = REPORTS[key].builder(f, {})
    suppression = REPORTS[key].suppression(f, built, threshold=suppression_threshold())
    tables = {t.key: t for t in built}
    return {row[0]: row[1:] for row in tables[table_key].cells(suppression)}


@pytest.mark.parametrize("area", ["north", "south"])
def test_demo_gives_the_analyst_real_figures_in_every_report(demo_world, area):
    world = demo_world
    behaviour = analyst_cells(world, area, "outcomes", "behaviour_change")
    # Physical abuse: 12 cases, stopped in 6, reduced in 3 (75%). The 3 is hidden, so the 6 is
    # too (9 of 12 stopped or reduced would give it away).
    assert behaviour["Physical abuse"][:4] == ["12", "[c]", "[c]", "75%"]
    risk = analyst_cells(world, area, "outcomes", "victim_risk")
    assert risk["Risk fell"][2:] == ["8", "67%"]
    rfg = analyst_cells(world, area, "outcomes", "rfg_change")
    assert rfg["Cases with entry and exit scores"] == ["12"]
    assert rfg["Cases whose score fell"] == ["10"]  # two had a new incident during the case
    marac = analyst_cells(world, area, "outcomes", "repeat_marac")
    assert marac["Cases heard at MARAC"] == ["18"]
    assert marac["Repeat cases"] == ["6"]
    assert marac["Repeat rate"] == ["33%"]
    needs = analyst_cells(world, area, "outcomes", "needs")
    assert needs["Three or more needs"] == ["6", "50%"]
    cost = analyst_cells(world, area, "outcomes", "cost_avoidance")
    assert cost["Total estimated cost avoided"][-1] == "£210,905"  # (9 × 63,500 + 8 × 34,015) × 25%
    completion = analyst_cells(world, area, "dashboard", "completion")
    assert completion["Completed the intervention"] == ["9", "75%"]
    equality = analyst_cells(world, area, "equality", "equality_ethnicity")
    assert equality["White"][0] not in ("[c]", "0")
    f = ReportFilter(period=periods.resolve("12m"), scope=scope_for(world.user("analyst", area)))
    built = REPORTS["marac-return"].builder(f, {})
    meetings = built[0].cells(
        REPORTS["marac-return"].suppression(f, built, threshold=suppression_threshold())
    )
    assert [row[1:3] for row in meetings] == [["8", "0"], ["10", "6"], ["18", "6"]]


def test_demo_repeats_are_worked_out_not_typed_in_and_the_demo_is_idempotent(demo_world):
    world = demo_world
    repeats = AgendaItem.objects.filter(
        reason=AgendaItem.Reason.REPEAT, meeting__panel__area=world.areas["north"]
    )
    assert repeats.count() == demo.REPEATED
    # Each repeat's victim was heard at the earlier meeting too.
    for item in repeats:
        assert AgendaItem.objects.filter(victim=item.victim).count() == 2
    before = (Perpetrator.all_objects.count(), AgendaItem.objects.count(), RfgScore.objects.count())
    demo.seed(world)
    assert (Perpetrator.all_objects.count(), AgendaItem.objects.count(), RfgScore.objects.count()) == before


def test_demo_victims_have_exit_outcomes_and_closed_support(demo_world):
    from victims.models import Victim, VictimOutcome

    closed = Victim.objects.filter(area=demo_world.areas["north"], support_status=Victim.SupportStatus.CLOSED)
    assert closed.count() == 12
    assert VictimOutcome.objects.filter(victim__in=closed, stage="exit").count() == 12
    assert VictimOutcome.objects.filter(victim__in=closed, stage="intake").count() == 12
