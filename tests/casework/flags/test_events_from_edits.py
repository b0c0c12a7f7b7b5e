"""Edits and imports raise their risk flags within minutes: each write goes through the real
page (and so the real service), its job is enqueued on commit and runs in process here."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casework import flags, tasks
from casework.models import CustodyRecord, FlagAudience, FlagKind, Order, OrderKind, RiskFlag
from tests.casework.flags.support import (
    assert_no_victim_name,
    make_case,
    make_victim,
    received,
    received_text,
)

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def date_fields(name: str, value: datetime.date) -> dict:
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def kinds(user) -> list[str]:
    return sorted(flag.kind for flag in received(user))


def test_hand_entered_incident_flags_the_case_manager_and_the_victims_idva(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world)
    link = make_victim(world, case)
    data = {
        **date_fields("occurred_on", ago(1)),
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": "yes",
        "victim_links": [link.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("casemanager", "north").post(
            reverse("casework:incident_add", args=[case.pk]), data
        )
    assert response.status_code == 302
    assert kinds(world.user("casemanager", "north")) == [FlagKind.INCIDENT]
    assert kinds(world.user("idva", "north")) == [FlagKind.INCIDENT]
    assert_no_victim_name(received_text(world.user("casemanager", "north")))


def test_nothing_is_sent_before_the_write_commits(world, client_for, django_capture_on_commit_callbacks):
    case = make_case(world)
    data = {
        **date_fields("occurred_on", ago(1)),
        "incident_type": "crime",
        "offence": "harassment",
        "is_domestic_abuse": "yes",
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for("casemanager", "north").post(reverse("casework:incident_add", args=[case.pk]), data)
    assert callbacks and not RiskFlag.objects.exists()


def test_breach_recorded_on_the_page_flags_at_once(world, client_for, django_capture_on_commit_callbacks):
    case = make_case(world)
    link = make_victim(world, case)
    order = Order.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        kind=OrderKind.NON_MOLESTATION,
        made_on=ago(30),
        expires_on=ago(-200),
        created_by=case.case_manager,
    )
    order.protected_persons.set([link])
    url = reverse("casework:breach_add", args=[case.pk, order.pk])
    data = {**date_fields("occurred_on", ago(1)), "description": "Came to the door", "action_taken": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for("casemanager", "north").post(url, data).status_code == 302
    assert kinds(world.user("casemanager", "north")) == [FlagKind.ORDER_BREACH]
    idva_flags = received(world.user("idva", "north"))
    assert [(f.kind, f.audience) for f in idva_flags] == [(FlagKind.ORDER_BREACH, FlagAudience.VICTIM)]


def test_dvpn_recorded_on_the_page_flags_the_dvpo_hearing(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world)
    data = {"kind": "dvpn", **date_fields("made_on", today()), **date_fields("expires_on", ago(-2))}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("casemanager", "north").post(
            reverse("casework:order_add", args=[case.pk]), data
        )
    assert response.status_code == 302
    flag = RiskFlag.objects.get(kind=FlagKind.DVPN_HEARING)
    assert "DVPO hearing due by" in flag.title
    assert {c.user for c in flag.recipients.all()} == {
        world.user("casemanager", "north"),
        world.user("supervisor", "north"),
    }


def test_an_order_far_from_expiry_raises_nothing_when_recorded(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world)
    data = {"kind": "restraining", **date_fields("made_on", ago(3)), **date_fields("expires_on", ago(-300))}
    with django_capture_on_commit_callbacks(execute=True):
        client_for("casemanager", "north").post(reverse("casework:order_add", args=[case.pk]), data)
    assert Order.objects.exists() and not RiskFlag.objects.exists()


def test_custody_release_date_changed_to_within_28_days_flags_everyone(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world)
    make_victim(world, case)
    record = CustodyRecord.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        sentence_date=ago(400),
        expected_release_on=ago(-90),
        created_by=case.case_manager,
    )
    data = {
        **date_fields("sentence_date", ago(400)),
        **date_fields("expected_release_on", ago(-10)),
        "version": record.version,
    }
    url = reverse("casework:custody_edit", args=[case.pk, record.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for("casemanager", "north").post(url, data).status_code == 302
    assert kinds(world.user("casemanager", "north")) == [FlagKind.RELEASE]
    idva_flags = received(world.user("idva", "north"))
    assert [(f.kind, f.audience) for f in idva_flags] == [(FlagKind.RELEASE, FlagAudience.VICTIM)]
    assert "in 10 days" in idva_flags[0].title


def test_release_recorded_on_the_page_flags_at_once(world, client_for, django_capture_on_commit_callbacks):
    case = make_case(world)
    make_victim(world, case)
    record = CustodyRecord.objects.create(
        case=case, perpetrator=case.perpetrator, sentence_date=ago(400), created_by=case.case_manager
    )
    url = reverse("casework:custody_event_add", args=[case.pk, record.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("casemanager", "north").post(
            url, {"kind": "release", **date_fields("occurred_on", ago(0))}
        )
    assert response.status_code == 302
    titles = [f.title for f in received(world.user("casemanager", "north"))]
    assert len(titles) == 1 and "released from custody on" in titles[0]
    assert "released from custody" in received_text(world.user("idva", "north"))


def test_new_partner_recorded_on_the_page_flags_idva_team_and_police(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world)
    url = reverse("victims:new_partner", args=[case.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("casemanager", "north").post(
            url, {"what_is_known": "First name Jo, together 3 months"}
        )
    assert response.status_code == 302
    for login in ("casemanager", "idva", "idvamanager", "police"):
        assert kinds(world.user(login, "north")) == [FlagKind.NEW_PARTNER], login
    assert "together 3 months" not in received_text(world.user("police", "north")), (
        "the notice text was copied"
    )


CSV_HEADER = (
    "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id,victim_numbers\n"
)


def test_csv_import_flags_its_incidents_at_the_end_in_one_batch(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world)
    make_victim(world, case)
    pid = case.perpetrator.pk
    text = CSV_HEADER + (
        f"NX/1,{ago(2).isoformat()},crime,common_assault,yes,{pid},2\n"
        f"NX/2,{ago(1).isoformat()},crime,harassment,yes,{pid},2\n"
    )
    upload = {"file": SimpleUploadedFile("extract.csv", text.encode())}
    with (
        mock.patch.object(
            tasks.flags_after_incidents, "delay", wraps=tasks.flags_after_incidents.delay
        ) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for("casemanager", "north").post(reverse("casework:incident_import"), upload)
    assert "2 incidents imported" in response.content.decode()
    assert delay.call_count == 1 and len(delay.call_args.args[0]) == 2  # one job for the import
    assert RiskFlag.objects.filter(kind=FlagKind.INCIDENT, audience=FlagAudience.CASE).count() == 2
    assert len(received(world.user("idva", "north"))) == 2


def test_an_import_batches_its_jobs_by_a_thousand(world, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.flags_after_incidents, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.enqueue_flags_after_incidents(list(range(1, 2502)))
    assert [len(call.args[0]) for call in delay.call_args_list] == [1000, 1000, 501]


def test_an_event_only_runs_a_rule_on_its_candidates(world):
    case = make_case(world)
    order = Order.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        kind=OrderKind.RESTRAINING,
        made_on=ago(1),
        until_further_order=True,
        created_by=case.case_manager,
    )
    assert flags.flags_after_order(order.pk) == 0  # not a DVPN, no expiry: no flag, no error
    record = CustodyRecord.objects.create(
        case=case, perpetrator=case.perpetrator, sentence_date=ago(10), created_by=case.case_manager
    )
    assert flags.flags_after_custody(record.pk) == 0  # no release date known
