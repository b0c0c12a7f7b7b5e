"""Admin for the case file: reference data is editable; admin rights alone open no case record."""

import pytest

from casework import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]


def test_admin_lists_show_no_case_records_to_an_admin_without_a_relation(client_for, case):
    services.case_note_add(case=case, actor=case.case_manager, kind="contact", text="Private note text")
    client = client_for("admin")
    for path in ("/admin/casework/case/", "/admin/casework/casenote/", "/admin/casework/perpetrator/"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "Holt" not in body and "Private note text" not in body, path
    assert client.get(f"/admin/casework/case/{case.pk}/change/").status_code == 302


def test_admin_manages_assessment_instruments(client_for):
    response = client_for("admin").get("/admin/casework/assessmentinstrument/")
    assert response.status_code == 200 and "Needs assessment" in response.content.decode()
