"""Meeting packs: redaction per agency checked on the PDF text, marking and page numbers on
every page, the URL fetcher's refusals, the Celery job and the audit trail."""

import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from panels import packs, services
from panels.models import MeetingPack, PanelMembership
from tests.panels.conftest import CANARY, VICTIM_NAME_CANARY, at
from victims import services as victim_services

pytestmark = pytest.mark.django_db


def pdf_pages(path) -> list[str]:
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def make_packs(pw, django_capture_on_commit_callbacks) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        made = services.packs_request(meeting=pw.meeting, actor=pw.user("coordinator"))
    return {pack.organisation_id: MeetingPack.objects.get(pk=pack.pk) for pack in made}


@pytest.fixture
def generated(published, eager_celery, django_capture_on_commit_callbacks):
    services.research_submit(
        item=published.case_item,
        organisation=published.org("police"),
        holds_information=True,
        summary="Police research: PNC shows two prior arrests.",
        actor=published.user("police"),
    )
    services.research_submit(
        item=published.case_item,
        organisation=published.org("probation"),
        holds_information=True,
        summary="Probation research: on licence until March.",
        actor=published.user("probation"),
    )
    return published, make_packs(published, django_capture_on_commit_callbacks)


def test_requesting_packs_makes_a_full_pack_and_one_per_member_agency(generated):
    pw, made = generated
    assert set(made) == {None, *(pw.org(k).pk for k in ("police", "probation", "housing", "idva"))}
    for pack in made.values():
        assert pack.status == MeetingPack.Status.READY, pack.last_error
        assert packs.pack_path(pack) is not None
        assert pack.page_count and pack.page_count >= 4


def test_every_page_carries_marking_page_x_of_y_recipient_and_pack_id(generated):
    pw, made = generated
    pw.panel.refresh_from_db()
    for pack in made.values():
        pages = pdf_pages(packs.pack_path(pack))
        assert len(pages) == pack.page_count
        for number, page in enumerate(pages, start=1):
            assert pw.panel.protective_marking in page
            assert f"Page {number} of {len(pages)}" in page
            assert pack.reference in page
            assert pack.recipient.split(" (")[0] in page


def test_the_pack_has_contents_confidentiality_and_attendance(generated):
    _, made = generated
    text = "\n".join(pdf_pages(packs.pack_path(made[None])))
    for heading in ("Contents", "Confidentiality statement", "Attendance", "Agenda"):
        assert heading in text


def test_no_pack_contains_victim_restricted_data(generated):
    _, made = generated
    for pack in made.values():
        text = "\n".join(pdf_pages(packs.pack_path(pack)))
        assert CANARY not in text, f"victim-restricted data leaked into {pack.recipient}'s pack"


def test_agency_packs_hold_only_shared_fields_and_their_own_research(generated):
    pw, made = generated
    police = "\n".join(pdf_pages(packs.pack_path(made[pw.org("police").pk])))
    assert "Gideon Marsh" in police  # perpetrator name is shared
    assert pw.link.safe_label in police  # victim's safe label is shared
    assert VICTIM_NAME_CANARY not in police  # the victim's name is not
    assert "Police research" in police
    assert "Probation research" not in police
    full = "\n".join(pdf_pages(packs.pack_path(made[None])))
    assert "Police research" in full and "Probation research" in full
    assert VICTIM_NAME_CANARY in full  # the chair's pack names the victim (never their location)


def test_fields_not_shared_are_left_out_of_agency_packs(
    published, eager_celery, django_capture_on_commit_callbacks
):
    """Not sharing the perpetrator's name keeps it out of the whole agency pack.

    This test once failed: the victim item's relationship read "Ex-partner of Gideon Marsh",
    built from the perpetrator's name whatever the coordinator chose. The code was wrong, not
    the test: outside the chair's pack the relationship now reads "of the person causing harm".
    """
    item = published.case_item
    services.agenda_item_update(
        item=item,
        expected_version=item.version,
        actor=published.user("coordinator"),
        shared_fields=["risk_level"],
    )
    made = make_packs(published, django_capture_on_commit_callbacks)
    police = "\n".join(pdf_pages(packs.pack_path(made[published.org("police").pk])))
    assert "Gideon Marsh" not in police
    assert "Marsh" not in police
    assert "2 March 1984" not in police
    assert "Ex-partner of the person causing harm" in police
    assert "Gideon Marsh" in "\n".join(pdf_pages(packs.pack_path(made[None])))


def share_victim_identity(pw):
    item = pw.victim_item
    services.agenda_item_update(
        item=item,
        expected_version=item.version,
        actor=pw.user("coordinator"),
        shared_fields=["label", "relationship", "risk_level", "name", "date_of_birth"],
    )


def test_marac_agencies_see_a_victims_name_and_date_of_birth_when_shared(
    published, eager_celery, django_capture_on_commit_callbacks
):
    perpetrator_service = published.world.team("case_management", "north").organisation
    assert perpetrator_service.kind == "perpetrator_service"
    PanelMembership.objects.create(panel=published.panel, organisation=perpetrator_service)
    share_victim_identity(published)
    made = make_packs(published, django_capture_on_commit_callbacks)
    police = "\n".join(pdf_pages(packs.pack_path(made[published.org("police").pk])))
    assert VICTIM_NAME_CANARY in police and "14 July 1990" in police
    # Never for the perpetrator service, even on a MARAC agenda.
    theirs = "\n".join(pdf_pages(packs.pack_path(made[perpetrator_service.pk])))
    assert published.link.safe_label in theirs
    assert VICTIM_NAME_CANARY not in theirs and "14 July 1990" not in theirs
    # Address, contact details, safe contact, safety plan and children never, in any pack.
    for pack in made.values():
        text = "\n".join(pdf_pages(packs.pack_path(pack)))
        assert CANARY not in text and "ZZ9 9ZZ" not in text, pack.recipient


def test_a_victims_name_and_date_of_birth_are_shared_only_when_chosen(client_for, published):
    url = reverse("panels:item_detail", args=[published.victim_item.pk])
    page = client_for("police", "north").get(url).content.decode()
    assert VICTIM_NAME_CANARY not in page and "14 July 1990" not in page
    share_victim_identity(published)
    page = client_for("police", "north").get(url).content.decode()
    assert VICTIM_NAME_CANARY in page and "14 July 1990" in page
    assert CANARY not in page


def test_victim_identity_cannot_be_shared_on_perpetrator_panels(pw):
    coordinator = pw.user("coordinator")
    meeting = services.meeting_schedule(panel=pw.matac, scheduled_for=at(9), actor=coordinator)
    with pytest.raises(ValidationError, match="only be shared on a MARAC"):
        services.agenda_item_add(
            meeting=meeting,
            victim=pw.victim,
            reason="new",
            shared_fields=["label", "name"],
            actor=coordinator,
        )
    item = services.agenda_item_add(meeting=meeting, victim=pw.victim, reason="new", actor=coordinator)
    with pytest.raises(ValidationError):
        services.agenda_item_update(
            item=item, expected_version=item.version, actor=coordinator, shared_fields=["date_of_birth"]
        )
    # And the edit page does not offer them.
    assert [key for key, _ in item.shareable] == ["label", "relationship", "risk_level"]


def test_matac_packs_never_name_the_victim(pw, eager_celery, django_capture_on_commit_callbacks):
    coordinator = pw.user("coordinator")
    perpetrator_service = pw.world.team("case_management", "north").organisation
    PanelMembership.objects.create(panel=pw.matac, organisation=perpetrator_service)
    meeting = services.meeting_schedule(panel=pw.matac, scheduled_for=at(9), actor=coordinator)
    services.agenda_item_add(meeting=meeting, case=pw.case, reason="nomination", actor=coordinator)
    services.agenda_item_add(meeting=meeting, victim=pw.victim, reason="new", actor=coordinator)
    victim_services.consent_decision_record(  # her consent to the MATAC managing his risk
        actor=pw.user("idva"),
        victim=pw.victim,
        purpose="perpetrator_programme",
        receiving_organisation=pw.matac.coordinator_team.organisation,
        consent="given",
        legal_basis="consent",
    )
    services.agenda_publish(meeting=meeting, actor=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.packs_request(meeting=meeting, actor=coordinator)
    for pack in made:
        pack.refresh_from_db()
        if pack.is_full:
            continue
        text = "\n".join(pdf_pages(packs.pack_path(pack)))
        assert VICTIM_NAME_CANARY not in text and "14 July 1990" not in text, pack.recipient
        assert CANARY not in text


def test_generation_and_download_are_audited(client_for, generated):
    pw, made = generated
    police_pack = made[pw.org("police").pk]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PRINT, object_type="panels.meetingpack", object_id=str(police_pack.pk)
    ).exists()
    response = client_for("police", "north").get(reverse("panels:pack_download", args=[police_pack.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_id=str(police_pack.pk), user=pw.user("police")
    ).exists()
    assert (
        client_for("police", "north").get(reverse("panels:pack_download", args=[made[None].pk])).status_code
        == 404
    )


def test_generation_is_idempotent(generated):
    _, made = generated
    pack = made[None]
    assert packs.pack_generate(pack_id=pack.pk) is None  # already READY: nothing is redone
    assert packs.pack_generate(pack_id=999999) is None  # gone: exits quietly


def test_a_failed_render_is_recorded_on_the_pack(published, monkeypatch):
    pack = MeetingPack.objects.create(meeting=published.meeting, requested_by=published.user("coordinator"))

    def broken(html, target):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(packs, "render_pdf", broken)
    result = packs.pack_generate(pack_id=pack.pk)
    assert result.status == MeetingPack.Status.FAILED
    assert "renderer exploded" in result.last_error
    assert not list(packs.packs_dir().glob("*.part"))


def test_the_job_is_enqueued_on_commit_with_the_pack_id_only(
    published, django_capture_on_commit_callbacks, monkeypatch
):
    from panels import tasks

    sent = []
    monkeypatch.setattr(
        tasks.generate_meeting_pack, "delay", lambda *args, **kwargs: sent.append((args, kwargs))
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = services.packs_request(meeting=published.meeting, actor=published.user("coordinator"))
    assert sent == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert sorted(sent) == sorted(((pack.pk,), {}) for pack in made)


def test_the_fetcher_serves_project_static_files_and_data_urls():
    fetcher = packs.static_only_fetcher()
    css = fetcher.fetch(packs.PACK_BASE_URL + "static/panels/pack.css")
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://example.com/static/panels/pack.css",
        "https://169.254.169.254/latest/meta-data/",
        packs.PACK_BASE_URL + "static/../../config/settings.py",
        packs.PACK_BASE_URL + "media/packs/secret.pdf",
        packs.PACK_BASE_URL + "static/does-not-exist.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(packs.RefusedURL):
        packs.static_only_fetcher().fetch(url)


def test_a_pack_linking_a_local_file_renders_without_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETFILE")
    html = (
        f'<html><body><p>Hello</p><img src="file://{secret}"><object data="file://{secret}"></object>'
        f'<link rel="stylesheet" href="file://{secret}"></body></html>'
    )
    target = tmp_path / "out.pdf"
    packs.render_pdf(html, str(target))
    text = "\n".join(pdf_pages(target))
    assert "Hello" in text and "TOPSECRETFILE" not in text
