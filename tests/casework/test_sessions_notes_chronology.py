"""Sessions and contacts, case notes with sensitivity, and the chronology."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import CaseNote, CaseSession

pytestmark = pytest.mark.django_db


def url(name, case, *args):
    return reverse(f"casework:{name}", args=[case.pk, *args])


def session(case, days_ago, attendance):
    return services.case_session_record(
        case=case,
        actor=case.case_manager,
        kind="one_to_one",
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        attendance=attendance,
    )


def test_record_a_session(client_for, case):
    client = client_for("casemanager", "north")
    today = timezone.localdate()
    response = client.post(
        url("session_add", case),
        {
            "kind": "home_visit",
            "held_on_day": today.day,
            "held_on_month": today.month,
            "held_on_year": today.year,
            "duration_minutes": "45",
            "attendance": "attended",
            "notes": "Talked about the group programme",
        },
    )
    assert response.status_code == 302
    assert CaseSession.objects.get().duration_minutes == 45
    assert "Talked about the group programme" in client.get(url("sessions", case)).content.decode()


def test_session_in_the_future_or_without_attendance_is_refused(client_for, case):
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client_for("casemanager", "north").post(
        url("session_add", case),
        {
            "kind": "phone",
            "held_on_day": future.day,
            "held_on_month": future.month,
            "held_on_year": future.year,
        },
    )
    body = response.content.decode()
    assert "must be today or in the past" in body and "There is a problem" in body
    assert not CaseSession.objects.exists()


def test_consecutive_non_attendance_is_counted_and_shown(client_for, case):
    session(case, 30, "attended")
    session(case, 20, "dna")
    session(case, 10, "cancelled_person")
    session(case, 3, "dna")
    body = client_for("casemanager", "north").get(url("case", case)).content.decode()
    assert "3 sessions missed in a row" in body
    session(case, 1, "attended")
    body = client_for("casemanager", "north").get(url("case", case)).content.decode()
    assert "missed in a row" in body and "3 sessions missed in a row" not in body


def test_sessions_list_query_count_is_flat(client_for, case, django_assert_max_num_queries):
    for n in range(30):
        session(case, n + 1, "attended")
    client = client_for("casemanager", "north")
    client.get(url("sessions", case))
    with django_assert_max_num_queries(20):
        assert client.get(url("sessions", case)).status_code == 200


def test_sensitive_notes_are_only_for_the_allocated_worker_and_supervisors(client_for, case):
    services.case_note_add(case=case, actor=case.case_manager, kind="contact", text="Ordinary note")
    services.case_note_add(
        case=case,
        actor=case.case_manager,
        kind="supervision",
        text="Disclosed own childhood abuse",
        sensitivity="sensitive",
    )
    for login in ("casemanager", "supervisor"):
        body = client_for(login, "north").get(url("notes", case)).content.decode()
        assert "Disclosed own childhood abuse" in body, login
    colleague = client_for("casemanager2", "north")
    for page in ("notes", "chronology"):
        body = colleague.get(url(page, case)).content.decode()
        assert "Ordinary note" in body and "Disclosed own childhood abuse" not in body, page


def test_add_filter_and_delete_notes(client_for, case):
    client = client_for("casemanager", "north")
    assert (
        client.post(
            url("note_add", case), {"kind": "liaison", "sensitivity": "normal", "text": "Rang probation"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("note_add", case), {"kind": "contact", "sensitivity": "normal", "text": ""}
        ).status_code
        == 200
    )
    client.post(
        url("note_add", case), {"kind": "management", "sensitivity": "normal", "text": "Case discussed"}
    )
    body = client.get(url("notes", case), {"kind": "liaison"}).content.decode()
    assert "Rang probation" in body and "Case discussed" not in body
    note = CaseNote.objects.get(text="Rang probation")
    assert client.post(url("note_delete", case, note.pk), {"reason": ""}).status_code == 200
    assert client.post(url("note_delete", case, note.pk), {"reason": "Wrong case"}).status_code == 302
    assert not CaseNote.objects.filter(pk=note.pk).exists()
    assert CaseNote.all_objects.filter(pk=note.pk, deleted_at__isnull=False).exists()
    assert "Rang probation" not in client.get(url("notes", case)).content.decode()


def test_colleague_cannot_add_or_delete_notes(client_for, case):
    note = services.case_note_add(case=case, actor=case.case_manager, kind="contact", text="x")
    client = client_for("casemanager2", "north")
    assert client.post(url("note_add", case), {"kind": "contact", "text": "y"}).status_code == 403
    assert client.post(url("note_delete", case, note.pk), {"reason": "z"}).status_code == 403


def test_chronology_merges_and_filters(client_for, case):
    session(case, 2, "dna")
    services.case_note_add(case=case, actor=case.case_manager, kind="contact", text="Left a voicemail")
    services.case_risk_change(
        case=case, actor=case.case_manager, risk_level="high", reason="Breach", expected_version=1
    )
    client = client_for("casemanager", "north")
    body = client.get(url("chronology", case)).content.decode()
    assert "Left a voicemail" in body and "did not attend" in body and "Risk level Standard to High" in body
    filtered = client.get(url("chronology", case), {"kind": "note"}).content.decode()
    assert "Left a voicemail" in filtered and "did not attend" not in filtered
