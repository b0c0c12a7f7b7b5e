"""Services for orders, custody, incidents and RFG scores: success and every refusal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent
from accounts.records import ConcurrentEditError
from casework import services_legal
from casework.models import CustodyEvent, Incident, Order, RfgModel, RfgScore
from casework.selectors_legal import matac_candidates, order_flags
from tests.casework.legal.conftest import add_incident, days_ago

pytestmark = pytest.mark.django_db


def _order(case, actor, **fields):
    base = {"kind": "restraining", "made_on": days_ago(30)}
    return services_legal.order_create(actor=actor, case=case, **{**base, **fields})


# --- Orders ---------------------------------------------------------------------------------


def test_order_create_records_protected_persons_and_audits(world, legal_case, links):
    actor = world.user("casemanager", "north")
    order = _order(legal_case, actor, protected_persons=[links[1]], conditions=["no_contact"])
    assert order.perpetrator == legal_case.perpetrator
    assert list(order.protected_persons.all()) == [links[1]]
    assert AuditEvent.objects.filter(
        object_type="casework.order", object_id=str(order.pk), action="create"
    ).exists()


def test_order_refuses_expiry_before_made_and_service_before_made(world, legal_case):
    actor = world.user("casemanager", "north")
    with pytest.raises(ValidationError) as err:
        _order(legal_case, actor, expires_on=days_ago(31))
    assert "expires_on" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        _order(legal_case, actor, served_on=days_ago(31))
    assert "served_on" in err.value.error_dict
    with pytest.raises(ValidationError):
        _order(legal_case, actor, expires_on=days_ago(1), until_further_order=True)
    assert not Order.objects.exists()


def test_database_refuses_an_expiry_before_the_order_was_made(world, legal_case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(
            case=legal_case,
            perpetrator=legal_case.perpetrator,
            kind="dvpo",
            made_on=days_ago(5),
            expires_on=days_ago(6),
            created_by=world.user("casemanager", "north"),
        )


def test_order_refuses_protected_person_linked_to_someone_else(world, legal_case, new_case):
    from victims.services import victim_create

    other = new_case(first_name="Other", last_name="Person")
    stranger = victim_create(
        actor=world.user("idva", "north"),
        team=world.team("idva", "north"),
        first_name="Nell",
        last_name="Stranger",
        perpetrator=other.perpetrator,
        relationship="partner",
    )
    with pytest.raises(ValidationError):
        _order(legal_case, world.user("casemanager", "north"), protected_persons=[stranger.links.get()])
    assert not Order.objects.exists()


def test_dapo_notification_is_due_three_days_after_service_and_overdue_after(world, legal_case):
    actor = world.user("casemanager", "north")
    dapo = _order(legal_case, actor, kind="dapo", made_on=days_ago(10), served_on=days_ago(8))
    assert dapo.notification_due_on == days_ago(5)
    assert dapo.notification_overdue()
    assert order_flags(dapo, days_ago(0))[0] == (
        f"Notification overdue: was due {days_ago(5):%-d %b %Y}",
        "red",
    )
    services_legal.order_update(
        actor=actor, order=dapo, expected_version=dapo.version, notified_on=days_ago(6)
    )
    dapo.refresh_from_db()
    assert not dapo.notification_overdue()


def test_only_a_dapo_has_a_notification_date(world, legal_case):
    with pytest.raises(ValidationError) as err:
        _order(legal_case, world.user("casemanager", "north"), kind="dvpo", notified_on=days_ago(1))
    assert "notified_on" in err.value.error_dict


def test_dvpn_hearing_is_due_within_48_hours(world, legal_case):
    dvpn = _order(legal_case, world.user("casemanager", "north"), kind="dvpn", made_on=days_ago(1))
    assert dvpn.hearing_due_on == days_ago(-1)
    assert order_flags(dvpn, days_ago(0))[0][0].startswith("DVPO hearing due by")


def test_order_expiring_within_28_days_is_flagged(world, legal_case):
    order = _order(legal_case, world.user("casemanager", "north"), expires_on=days_ago(-10))
    assert ("Expires in 10 days", "orange") in order_flags(order, days_ago(0))


def test_stale_order_edit_is_refused_and_changes_nothing(world, legal_case):
    actor = world.user("casemanager", "north")
    order = _order(legal_case, actor)
    services_legal.order_update(actor=actor, order=order, expected_version=1, court_or_issuer="First")
    stale = Order.objects.get(pk=order.pk)
    with pytest.raises(ConcurrentEditError):
        services_legal.order_update(actor=actor, order=stale, expected_version=1, court_or_issuer="Second")
    assert Order.objects.get(pk=order.pk).court_or_issuer == "First"


def test_breach_cannot_predate_the_order(world, legal_case):
    actor = world.user("casemanager", "north")
    order = _order(legal_case, actor)
    with pytest.raises(ValidationError):
        services_legal.order_breach_record(
            actor=actor, order=order, occurred_on=days_ago(40), description="x"
        )
    breach = services_legal.order_breach_record(
        actor=actor, order=order, occurred_on=days_ago(2), description="Texted", action_taken="Arrested"
    )
    assert list(order.breaches.all()) == [breach]


# --- Custody --------------------------------------------------------------------------------


def test_custody_takes_a_release_date_or_a_month_not_both(world, legal_case):
    actor = world.user("casemanager", "north")
    with pytest.raises(ValidationError):
        services_legal.custody_record_create(
            actor=actor,
            case=legal_case,
            sentence_date=days_ago(100),
            expected_release_on=days_ago(-30),
            expected_release_month=datetime.date(2030, 1, 1),
        )
    custody = services_legal.custody_record_create(
        actor=actor,
        case=legal_case,
        sentence_date=days_ago(100),
        expected_release_month=datetime.date(2030, 1, 1),
    )
    assert custody.expected_release_text == "January 2030"


def test_release_then_recall_keeps_the_history(world, legal_case):
    actor = world.user("casemanager", "north")
    custody = services_legal.custody_record_create(
        actor=actor, case=legal_case, sentence_date=days_ago(300), expected_release_on=days_ago(100)
    )
    services_legal.custody_event_record(
        actor=actor, custody=custody, kind=CustodyEvent.Kind.RELEASE, occurred_on=days_ago(100)
    )
    assert custody.released_on == days_ago(100)
    with pytest.raises(ValidationError):  # already released
        services_legal.custody_event_record(
            actor=actor, custody=custody, kind=CustodyEvent.Kind.RELEASE, occurred_on=days_ago(90)
        )
    with pytest.raises(ValidationError):  # a recall needs a reason
        services_legal.custody_event_record(
            actor=actor, custody=custody, kind=CustodyEvent.Kind.RECALL, occurred_on=days_ago(10)
        )
    services_legal.custody_event_record(
        actor=actor, custody=custody, kind=CustodyEvent.Kind.RECALL, occurred_on=days_ago(10), reason="Breach"
    )
    custody.refresh_from_db()
    assert custody.in_custody
    assert [e.kind for e in custody.events.all()] == ["recall", "release"]


def test_custody_event_cannot_predate_the_sentence(world, legal_case):
    actor = world.user("casemanager", "north")
    custody = services_legal.custody_record_create(actor=actor, case=legal_case, sentence_date=days_ago(10))
    with pytest.raises(ValidationError):
        services_legal.custody_event_record(
            actor=actor, custody=custody, kind=CustodyEvent.Kind.RELEASE, occurred_on=days_ago(11)
        )


# --- Incidents ------------------------------------------------------------------------------


def test_incident_police_reference_is_unique_even_after_removal(world, legal_case):
    actor = world.user("casemanager", "north")
    incident = add_incident(legal_case, actor, days=10, reference="NS/1")
    services_legal.incident_delete(actor=actor, incident=incident, reason="Wrong person")
    with pytest.raises(ValidationError):
        add_incident(legal_case, actor, days=5, reference="NS/1")
    assert Incident.all_objects.count() == 1


def test_incident_refuses_future_date_and_children_count_without_children(world, legal_case):
    actor = world.user("casemanager", "north")
    with pytest.raises(ValidationError):
        add_incident(legal_case, actor, days=-1)
    with pytest.raises(ValidationError):
        add_incident(legal_case, actor, days=1, children_present=False, children_count=2)
    assert not Incident.all_objects.exists()


def test_incident_removal_needs_a_reason(world, legal_case):
    actor = world.user("casemanager", "north")
    incident = add_incident(legal_case, actor, days=3)
    with pytest.raises(ValidationError):
        services_legal.incident_delete(actor=actor, incident=incident, reason="  ")
    assert Incident.objects.filter(pk=incident.pk).exists()


# --- RFG ------------------------------------------------------------------------------------


def test_first_incident_records_entry_and_current_scores(world, legal_case, links, rfg_model):
    actor = world.user("casemanager", "north")
    add_incident(legal_case, actor, days=20, offence="abh", victims=[links[1]])
    # (recency 5 + frequency 1 + gravity ABH 4) × 1 victim = 10
    scores = {s.kind: s for s in RfgScore.objects.filter(case=legal_case)}
    assert set(scores) == {"entry", "current"}
    assert scores["entry"].score == Decimal("10.00")
    assert scores["current"].model == rfg_model

    add_incident(legal_case, actor, days=10, offence="common_assault", victims=[links[2]])
    # (5 + 2 + 4) × 1.5 = 16.5; the entry score stays as it was
    assert RfgScore.objects.filter(case=legal_case, kind="entry").get().score == Decimal("10.00")
    assert RfgScore.objects.filter(case=legal_case, kind="current").first().score == Decimal("16.50")


def test_refresh_with_nothing_changed_stores_nothing_new(world, legal_case, rfg_model):
    actor = world.user("casemanager", "north")
    add_incident(legal_case, actor, days=20)
    count = RfgScore.objects.count()
    services_legal.rfg_refresh_case(case=legal_case, actor=actor)
    assert RfgScore.objects.count() == count


def test_no_active_model_means_no_scores(world, legal_case):
    add_incident(legal_case, world.user("casemanager", "north"), days=20)
    assert not RfgScore.objects.exists()
    assert services_legal.rfg_record_exit(case=legal_case, actor=world.user("casemanager", "north")) is None


def test_exit_score_is_recorded_once(world, legal_case, rfg_model):
    actor = world.user("casemanager", "north")
    add_incident(legal_case, actor, days=20)
    first = services_legal.rfg_record_exit(case=legal_case, actor=actor)
    again = services_legal.rfg_record_exit(case=legal_case, actor=actor)
    assert first.pk == again.pk
    assert RfgScore.objects.filter(case=legal_case, kind="exit").count() == 1


def test_only_one_model_version_is_active(world, rfg_model):
    admin = world.users["admin"]
    copy = services_legal.rfg_model_new_version(actor=admin, based_on=rfg_model)
    assert copy.version == 2 and not copy.is_active
    assert copy.gravity_weights.count() == rfg_model.gravity_weights.count()
    services_legal.rfg_model_activate(actor=admin, model=copy)
    assert list(RfgModel.objects.filter(is_active=True)) == [copy]
    with pytest.raises(IntegrityError), transaction.atomic():
        RfgModel.objects.filter(pk=rfg_model.pk).update(is_active=True)


def test_scores_keep_the_version_they_were_made_with(world, legal_case, rfg_model):
    actor = world.user("casemanager", "north")
    add_incident(legal_case, actor, days=20, offence="abh")
    newer = services_legal.rfg_model_new_version(actor=world.users["admin"], based_on=rfg_model)
    newer.gravity_weights.filter(offence="abh").update(weight=Decimal("8"))
    services_legal.rfg_model_activate(actor=world.users["admin"], model=newer)
    services_legal.rfg_refresh_case(case=legal_case, actor=actor)
    entry = RfgScore.objects.get(case=legal_case, kind="entry")
    current = RfgScore.objects.filter(case=legal_case, kind="current").first()
    assert entry.model == rfg_model and entry.score == Decimal("10.00")
    assert current.model == newer and current.score == Decimal("14.00")  # 5 + 1 + 8
    assert rfg_model.in_use


def test_matac_candidates_rank_by_score_in_the_area(world, legal_case, links, new_case, rfg_model):
    actor = world.user("casemanager", "north")
    add_incident(legal_case, actor, days=20, offence="abh", victims=[links[1], links[2]])  # (5+1+4)×1.5 = 15
    lower = new_case(first_name="Lower", last_name="Score")
    add_incident(lower, actor, days=400, offence="common_assault")  # (2+1+2)×1 = 5
    south = new_case("south", first_name="South", last_name="Person")
    add_incident(south, world.user("casemanager", "south"), days=5, offence="gbh")
    ranked = matac_candidates(area=world.areas["north"])
    assert [c.perpetrator for c in ranked] == [legal_case.perpetrator, lower.perpetrator]
    assert ranked[0].score.score == Decimal("15.00")
    assert ranked[0].case == legal_case
    assert "2 victims (×1.5)" in ranked[0].why
    assert len(matac_candidates(area=world.areas["north"], limit=1)) == 1
