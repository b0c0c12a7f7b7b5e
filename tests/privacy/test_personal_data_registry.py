"""The personal-data registry (accounts.personal_data): every model of the project's apps is
declared somewhere, and everything declared runs.

A model holding personal data that is neither gathered for subject access, nor erased under the
retention schedule, nor declared part of something that is (or holding no data about a
perpetrator or victim-survivor, or kept outside with a reason) fails here, by name.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from accounts import personal_data as registry
from accounts.models import AuditEvent
from accounts.personal_data import Gathering, RecordType, Subject
from privacy import retention
from privacy.models import RetentionReview
from tests.privacy.sar_support import build_people

ROOT = Path(__file__).resolve().parent.parent.parent


def project_models() -> list:
    """Every concrete model of the project's own apps (simple-history copies included)."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.is_relative_to(ROOT) and "site-packages" not in path.parts:
            found += [m for m in config.get_models() if not m._meta.abstract and not m._meta.proxy]
    return found


def test_the_walk_sees_every_app_of_the_project():
    labels = {m._meta.app_label for m in project_models()}
    assert labels == {"accounts", "casework", "victims", "referrals", "panels", "privacy", "reports"}


def test_every_model_of_the_projects_apps_is_declared_in_the_personal_data_registry():
    covered = registry.covered_models()
    missing = sorted(m._meta.label for m in project_models() if m._meta.label_lower not in covered)
    assert missing == [], (
        f"Declare {', '.join(missing)} in its app's personal_data.py: a subject-access collector or a "
        "retention erase step that reads it, or part_of / no_subject_data / kept_outside with the reason"
    )


def test_declarations_name_real_models_and_do_not_contradict_the_collectors_and_erase_steps():
    labels = {m._meta.label_lower for m in project_models()}
    assert set(registry.covered_models()) <= labels
    gathered_or_erased = {
        m._meta.label_lower
        for kind in Subject.values
        for c in registry.collectors_for(kind)
        for m in c.models
    }
    gathered_or_erased |= {
        m._meta.label_lower for t in RecordType.values for s in registry.erase_steps_for(t) for m in s.models
    }
    for label, declaration in registry.declarations().items():
        assert declaration.reason.strip(), label
        if declaration.kind == "no_subject_data":
            assert label not in gathered_or_erased, (
                f"{label} is gathered or erased, yet declared to hold no data"
            )
        if declaration.kind == "part_of":
            assert declaration.whole in labels, f"{label} is part of {declaration.whole}, which is no model"


def test_every_record_type_has_a_retention_type_and_erase_steps():
    assert set(registry.retention_types()) == set(RecordType.values)
    for record_type in RecordType.values:
        assert registry.erase_steps_for(record_type), record_type


# --- Everything declared runs on the test world -------------------------------------------------------------


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def everything(world, instruments) -> dict:
    """The subject access tests' people, and one record of every kind a collector declares."""
    from casework import models as cw
    from panels.models import AgendaItem, Panel, PartnerNomination, Research
    from victims.models import NewPartnerNotice, VictimOutcome

    people = build_people(world)
    case, manager = people["case"], world.user("casemanager", "north")
    perpetrator = people["perpetrator"]
    cw.PerpetratorIdentifier.objects.create(
        perpetrator=perpetrator,
        kind=cw.PerpetratorIdentifier._meta.get_field("kind").choices[0][0],
        value="AB123456C",
    )
    cw.SupportGoal.objects.create(
        case=case, need_domain=cw.NeedDomain.values[0], goal="Find work", created_by=manager
    )
    cw.Assessment.objects.create(
        case=case, instrument=cw.AssessmentInstrument.objects.first(), answers={}, started_by=manager
    )
    cw.CaseClosure.objects.create(
        case=case, reason=cw.ClosureReason.values[0], summary="Completed", requested_by=manager
    )
    for behaviour in cw.BehaviourType.values[:1]:
        cw.OutcomeMeasure.objects.create(
            case=case,
            behaviour=behaviour,
            time_point=cw.OutcomeMeasure._meta.get_field("time_point").choices[0][0],
            frequency=2,
            recorded_by=manager,
        )
    model = cw.RfgModel.objects.first() or cw.RfgModel.objects.create(version=1)
    cw.RfgScore.objects.create(
        case=case,
        model=model,
        kind=cw.RfgScore._meta.get_field("kind").choices[0][0],
        score=12,
        explanation="Recency 4, frequency 4, gravity 4",
        as_of=days_ago(2),
    )
    order = cw.Order.objects.filter(case=case).first()
    cw.OrderBreach.objects.create(
        order=order, occurred_on=days_ago(5), description="Went to the street", created_by=manager
    )
    custody = cw.CustodyRecord.objects.create(
        case=case, perpetrator=perpetrator, sentence_date=days_ago(40), created_by=manager
    )
    cw.CustodyEvent.objects.create(
        custody=custody,
        kind=cw.CustodyEvent._meta.get_field("kind").choices[0][0],
        occurred_on=days_ago(3),
        created_by=manager,
    )
    cw.Incident.objects.create(
        perpetrator=perpetrator,
        occurred_on=days_ago(20),
        incident_type=cw.IncidentType.CRIME,
        offence=cw.Offence.HARASSMENT,
        summary="Not on a case",
    )
    VictimOutcome.objects.create(
        victim=people["victim"],
        stage=VictimOutcome.Stage.values[0],
        physical_abuse=VictimOutcome._meta.get_field("physical_abuse").choices[0][0],
        sexual_abuse=VictimOutcome._meta.get_field("sexual_abuse").choices[0][0],
        harassment_stalking=VictimOutcome._meta.get_field("harassment_stalking").choices[0][0],
        jealous_controlling=VictimOutcome._meta.get_field("jealous_controlling").choices[0][0],
        idva_risk=cw.RiskLevel.HIGH,
        space_for_action=3,
        recorded_by=world.user("idva", "north"),
    )
    PartnerNomination.objects.create(
        panel=Panel.objects.get(name="Northshire MATAC"),
        perpetrator=perpetrator,
        organisation=world.team("police", "north").organisation,
        nominated_by=world.user("police", "north"),
        first_name=perpetrator.first_name,
        last_name=perpetrator.last_name,
        reason="Serial harassment",
    )
    Research.objects.create(
        agenda_item=AgendaItem.objects.get(case=case),
        organisation=world.team("police", "north").organisation,
        holds_information=True,
        summary="Bail conditions checked",
        submitted_by=world.user("police", "north"),
    )
    # The IDVA team picked the new partner up: the notice is about her now.
    NewPartnerNotice.objects.filter(pk=people["notice"].pk).update(victim=people["victim"])
    return people


@pytest.mark.parametrize("kind", Subject.values)
def test_every_collector_runs_and_gathers_every_model_it_declares(everything, kind):
    subject = everything["perpetrator" if kind == Subject.PERPETRATOR else "victim"]
    g = Gathering(kind=kind, subject=subject)
    collectors = registry.collectors_for(kind)
    assert collectors
    for entry in collectors:
        seen = {id(item) for item in g.items}
        entry.function(g)
        gathered = {item.source_type for item in g.items if id(item) not in seen}
        declared = {model._meta.label_lower for model in entry.models}
        assert declared <= gathered, f"{entry.name} declares {sorted(declared - gathered)} but gathered none"


def test_every_retention_type_finds_its_records_and_erases_them(world, everything):
    from casework.models import Case, Incident
    from panels.models import Meeting
    from victims.models import Victim

    long_ago = timezone.now() - datetime.timedelta(days=365 * 8)
    case = everything["case"]
    Case.objects.filter(pk=case.pk).update(
        phase=Case.Phase.CLOSED,
        opened_on=long_ago.date(),
        closed_on=long_ago.date() + datetime.timedelta(days=1),
    )
    Victim.objects.filter(pk=everything["victim"].pk).update(
        support_status=Victim.SupportStatus.CLOSED, updated_at=long_ago
    )
    Meeting.objects.all().update(scheduled_for=long_ago)
    Incident.objects.all().update(occurred_on=long_ago.date())
    AuditEvent.objects.create(
        user=world.user("casemanager", "north"),
        action="view",
        object_type="casework.case",
        object_id="1",
        occurred_at=timezone.now() - datetime.timedelta(days=365 * 3),
    )
    retention.ensure_default_policies()
    opened = retention.retention_scan()
    assert all(opened[record_type] for record_type in RecordType.values), opened
    dpo = world.user("dpo", "north")
    for record_type in RecordType.values:
        review = RetentionReview.objects.filter(record_type=record_type, status="pending").first()
        erased = retention.review_erase(review=review, actor=dpo)
        assert erased.status == RetentionReview.Status.ERASED and erased.summary, record_type
