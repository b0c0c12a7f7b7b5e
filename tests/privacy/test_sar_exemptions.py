"""Data Protection Act 2018 exemptions in subject access, and the access log.

Items of the exempt kinds (disruption actions, multi-agency listings, research and actions, risk
flags, case notes, police incidents, new partner notices, anything about other people) start
withheld under their named exemption; the DPO decides each with a recorded reason, who and when;
the response counts what was withheld by exemption and never shows it. The subject's own plain
details are disclosed by default. The access log names organisations and roles; the reasons staff
recorded (a break-glass reason) are information about other people, withheld unless decided.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from privacy import sar
from privacy.models import SarItem
from tests.privacy.sar_support import (
    BREAK_GLASS_REASON,
    CASE_NOTE,
    DVDS_DISCLOSURE,
    PERP_STREET,
    build_people,
    decide_all,
    open_sar,
    pdf_text,
)


@pytest.fixture
def people(world):
    return build_people(world)


@pytest.fixture
def perp_sar(world, people):
    return open_sar(world, "perpetrator", people["case"].reference)


def post(item: SarItem, decision: str, reason: str = "Reviewed", exemption: str = "") -> dict:
    return {
        f"item{item.pk}-decision": decision,
        f"item{item.pk}-reason": reason,
        f"item{item.pk}-exemption": exemption,
    }


def export(client, request) -> tuple[str, dict]:
    body = client.get(reverse("privacy:sar_export_json", args=[request.pk])).content.decode()
    return body, json.loads(body)


# --- What starts withheld, and under which exemption ------------------------------------------------------------


EXEMPT_KINDS = {
    "casework.casenote": "serious_harm",
    "casework.risklevelchange": "serious_harm",
    "casework.disruptionaction": "crime_taxation",
    "casework.incident": "crime_taxation",
    "casework.riskflag": "crime_taxation",
    "panels.agendaitem": "crime_taxation",
    "panels.action": "crime_taxation",
    "victims.newpartnernotice": "third_party",
    "victims.victimlink": "third_party",
    "victims.sharednote": "third_party",
    "referrals.referralvictim": "third_party",
    "panels.maracreferral": "third_party",
}


def test_exempt_kinds_of_item_start_withheld_under_their_named_exemption(perp_sar):
    for source_type, exemption in EXEMPT_KINDS.items():
        items = list(perp_sar.items.filter(source_type=source_type))
        assert items, f"nothing of {source_type} was gathered"
        for item in items:
            assert item.exemption == exemption, item.title
            assert item.awaiting_decision and not item.disclosed, item.title


def test_what_the_referrer_said_is_withheld_and_the_referral_itself_is_his(perp_sar):
    own, referrer = perp_sar.items.filter(source_type="referrals.referral").order_by("order")
    assert own.disclosed and not own.exemption
    assert referrer.exemption == "third_party" and not referrer.disclosed
    assert "Rita Referrer" in json.dumps(referrer.data) and "Rita Referrer" not in json.dumps(own.data)


def test_the_subjects_own_plain_details_are_disclosed_by_default(perp_sar):
    for source_type in (
        "casework.perpetrator",
        "casework.perpetratoraddress",
        "casework.perpetratoralias",
        "casework.case",
        "casework.casesession",
        "casework.order",
    ):
        item = perp_sar.items.get(source_type=source_type)
        assert item.disclosed and not item.exemption, source_type


def test_undecided_exempt_items_are_counted_by_exemption_and_never_shown(
    world, client_for, perp_sar, tmp_path
):
    # Disclose the plain items only: keep the rest withheld, as decided.
    decide_all(world, perp_sar, "withhold")
    client = client_for("dpo", "north")
    body, document = export(client, perp_sar)
    text = " ".join(
        pdf_text(client.get(reverse("privacy:sar_export_pdf", args=[perp_sar.pk])).content, tmp_path).split()
    )
    counts = {w["exemption"]: w["items"] for w in document["withheld"]}
    assert counts == {
        "Crime and taxation": perp_sar.items.filter(exemption="crime_taxation").count(),
        "Serious harm": perp_sar.items.filter(exemption="serious_harm").count(),
        "Information about other people": perp_sar.items.filter(exemption="third_party").count(),
    }
    for document_text in (body, text):
        assert PERP_STREET in document_text
        assert DVDS_DISCLOSURE not in document_text, "a disruption action reached his copy"
        assert CASE_NOTE not in document_text, "a case note reached his copy"
        assert "Note about a new partner" not in document_text
        assert "People linked to you" not in document_text  # a section of withheld items only: no heading
    assert "Crime and taxation (Schedule 2, paragraph 2)" in text
    assert "Information about other people (Schedule 2, paragraph 16)" in text
    assert "Serious harm (Schedule 3" in text


# --- Deciding ----------------------------------------------------------------------------------------------------


def test_the_dpo_discloses_an_item_with_a_reason_and_who_and_when_are_recorded(world, client_for, perp_sar):
    client = client_for("dpo", "north")
    note = perp_sar.items.get(source_type="casework.casenote")
    url = reverse("privacy:sar_item_decide", args=[perp_sar.pk, note.pk])
    response = client.post(url, post(note, "disclose", "His own words, nothing about anyone else"))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.decision == "disclose" and note.disclosed
    assert note.decision_reason == "His own words, nothing about anyone else"
    assert note.decided_by == world.user("dpo", "north") and note.decided_at is not None
    assert AuditEvent.objects.filter(
        action="update", object_type="accounts.subjectaccessrequest", purpose__contains="disclose"
    ).exists()
    page = client.get(reverse("privacy:sar_detail", args=[perp_sar.pk])).content.decode()
    assert "Disclosed after review" in page and "His own words, nothing about anyone else" in page
    decide_all(world, perp_sar, "withhold")
    body, _ = export(client, perp_sar)
    assert CASE_NOTE in body and DVDS_DISCLOSURE not in body


def test_keeping_an_item_withheld_records_the_exemption_and_reason(world, client_for, perp_sar):
    client = client_for("dpo", "north")
    action = perp_sar.items.get(source_type="casework.disruptionaction")
    url = reverse("privacy:sar_item_decide", args=[perp_sar.pk, action.pk])
    assert client.post(url, post(action, "withhold", "Would alert him to police action")).status_code == 302
    action.refresh_from_db()
    assert action.decision == "withhold" and action.exemption == "crime_taxation" and not action.disclosed
    assert action.decision_reason == "Would alert him to police action"


BAD_DECISIONS = [
    ("disclose", "   ", ""),
    ("disclose", "\x00", ""),
    ("maybe", "A reason", ""),
    ("", "A reason", ""),
    ("withhold", "A reason", "no_such_exemption"),
    ("withhold", "<script>x</script>" * 300, ""),
]


def test_a_decision_without_a_reason_or_with_bad_input_changes_nothing(client_for, perp_sar):
    client = client_for("dpo", "north")
    item = perp_sar.items.get(source_type="casework.disruptionaction")
    url = reverse("privacy:sar_item_decide", args=[perp_sar.pk, item.pk])
    for decision, reason, exemption in BAD_DECISIONS:
        response = client.post(url, post(item, decision, reason, exemption))
        assert response.status_code == 400, (decision, reason[:20], exemption)
        assert "There is a problem" in response.content.decode()
        assert "<script>x</script>" not in response.content.decode()
        item.refresh_from_db()
        assert item.decision == "" and item.decision_reason == ""


def test_the_dpo_can_withhold_one_of_the_subjects_own_items_under_a_named_exemption(
    world, client_for, perp_sar
):
    client = client_for("dpo", "north")
    session = perp_sar.items.get(source_type="casework.casesession")
    url = reverse("privacy:sar_item_decide", args=[perp_sar.pk, session.pk])
    missing = client.post(url, post(session, "withhold", "Names his sister"))
    assert missing.status_code == 400 and "Choose" in missing.content.decode()
    assert client.post(url, post(session, "withhold", "Names his sister", "third_party")).status_code == 302
    session.refresh_from_db()
    assert not session.disclosed and session.exemption == "third_party"
    with pytest.raises(Exception):  # noqa: B017,PT011 (ValidationError): plain items are already disclosed
        sar.sar_item_decide(
            item=perp_sar.items.get(source_type="casework.perpetrator"),
            actor=world.user("dpo", "north"),
            decision="disclose",
            reason="x",
        )


def test_the_rest_of_one_exemption_can_be_kept_withheld_at_once_but_never_disclosed_at_once(
    client_for, perp_sar
):
    client = client_for("dpo", "north")
    url = reverse("privacy:sar_withhold_remaining", args=[perp_sar.pk])
    refused = client.post(
        url, {"bulkcrime_taxation-exemption": "crime_taxation", "bulkcrime_taxation-reason": " "}
    )
    assert refused.status_code == 400
    assert not perp_sar.items.exclude(decision="").exists()
    response = client.post(
        url, {"bulkcrime_taxation-exemption": "crime_taxation", "bulkcrime_taxation-reason": "Police tactics"}
    )
    assert response.status_code == 302
    crime = perp_sar.items.filter(exemption="crime_taxation")
    assert crime.exists() and all(
        i.decision == "withhold" and i.decision_reason == "Police tactics" for i in crime
    )
    assert perp_sar.items.filter(exemption="serious_harm", decision="").exists()  # other exemptions untouched


def test_decisions_survive_gathering_again_unless_a_disclosed_item_has_changed(
    world, client_for, people, perp_sar
):
    from casework.models import CaseNote, DisruptionAction

    dpo = world.user("dpo", "north")
    note = perp_sar.items.get(source_type="casework.casenote")
    action = perp_sar.items.get(source_type="casework.disruptionaction")
    sar.sar_item_decide(item=note, actor=dpo, decision="disclose", reason="Harmless")
    sar.sar_item_decide(item=action, actor=dpo, decision="withhold", reason="Police tactics")
    CaseNote.objects.filter(case=people["case"]).update(text="Now names his new partner")
    DisruptionAction.objects.filter(case=people["case"]).update(description="Changed too")
    client_for("dpo", "north").post(reverse("privacy:sar_regather", args=[perp_sar.pk]))
    note = perp_sar.items.get(source_type="casework.casenote")
    action = perp_sar.items.get(source_type="casework.disruptionaction")
    assert note.awaiting_decision and not note.disclosed  # it changed after it was disclosed: decide again
    assert action.decision == "withhold" and action.decision_reason == "Police tactics"


# --- The access log ------------------------------------------------------------------------------------------------


def test_the_access_log_names_organisations_and_roles_never_staff_emails(
    world, client_for, perp_sar, tmp_path
):
    decide_all(world, perp_sar, "withhold")
    client = client_for("dpo", "north")
    body, document = export(client, perp_sar)
    text = pdf_text(client.get(reverse("privacy:sar_export_pdf", args=[perp_sar.pk])).content, tmp_path)
    log = next(s for s in document["sections"] if s["heading"] == "Who has looked at your records")
    entries = log["items"][0]["details"]["Access"]
    assert {"Date", "Organisation", "Role", "What was done"} == set(entries[0])
    assert any(
        e["Organisation"] == world.team("police", "north").organisation.name
        and "break-glass" in e["What was done"]
        for e in entries
    )
    assert any(e["Role"] == "Case management supervisor" for e in entries)
    for document_text in (body, text):
        assert "@demo.tideline.test" not in document_text
        assert "casework.case" not in document_text


def test_a_break_glass_reason_is_withheld_unless_the_dpo_discloses_it(world, client_for, perp_sar, tmp_path):
    reasons = perp_sar.items.get(source_type="accounts.auditevent", source_id=":reasons")
    assert reasons.exemption == "third_party" and not reasons.disclosed
    assert BREAK_GLASS_REASON in json.dumps(reasons.data)  # gathered for the reviewer to read
    decide_all(world, perp_sar, "withhold")
    client = client_for("dpo", "north")
    body, _ = export(client, perp_sar)
    text = " ".join(
        pdf_text(client.get(reverse("privacy:sar_export_pdf", args=[perp_sar.pk])).content, tmp_path).split()
    )
    assert BREAK_GLASS_REASON not in body and BREAK_GLASS_REASON not in text
    assert "break-glass" in body  # that it happened, by whom (organisation and role) and when, is his
    sar.sar_item_decide(
        item=reasons, actor=world.user("dpo", "north"), decision="disclose", reason="Only about him"
    )
    body, _ = export(client, perp_sar)
    assert BREAK_GLASS_REASON in body
