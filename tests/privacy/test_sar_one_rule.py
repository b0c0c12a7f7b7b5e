"""The one rule (DESIGN.md §3) in subject access: enforced where records are gathered.

A perpetrator's request never gathers a victim-survivor's restricted data (addresses, contact
details, safe contact arrangements, safety plan and notes, children's schools and addresses,
restricted referral details, what is known about a new partner) nor the rest of her support
record: not as withheld items either. So even when the DPO discloses every item there is, the
canary is in no item, no PDF and no JSON. The reverse holds for a victim-survivor's request and
the perpetrator's own records. Each test also checks the marker where it belongs, so it can fail.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from privacy.models import SarItem
from tests.privacy.sar_support import (
    CANARY,
    PERP_CANARY,
    PERP_NAME,
    PERP_STREET,
    VICTIM_NAME,
    build_people,
    decide_all,
    item_text,
    open_sar,
    pdf_text,
)

VICTIM_RECORDS = {
    "victims.victim",
    "victims.victimaddress",
    "victims.victimcontact",
    "victims.victimsafecontact",
    "victims.safetyplan",
    "victims.safetynote",
    "victims.child",
    "victims.encompassnotification",
    "victims.dashassessment",
    "victims.consentdecision",
    "victims.victimoutcome",
    "referrals.referralvictimdetails",
}
PERPETRATOR_RECORDS = {
    "casework.perpetrator",
    "casework.perpetratoralias",
    "casework.perpetratoridentifier",
    "casework.perpetratoraddress",
    "casework.case",
    "casework.casesession",
    "casework.casenote",
    "casework.disruptionaction",
    "casework.order",
    "casework.incident",
    "referrals.referral",
}


@pytest.fixture
def people(world):
    return build_people(world)


def test_a_perpetrators_request_gathers_no_victim_restricted_data_at_all(world, people):
    request = open_sar(world, "perpetrator", people["case"].reference)
    items = list(request.items.all())
    assert any(PERP_STREET in item_text(i) for i in items)  # his own address is there
    for item in items:
        text = item_text(item)
        assert CANARY.lower() not in text.lower(), f"victim-restricted data gathered: {item.title}"
        assert VICTIM_NAME not in text, f"the victim's name gathered: {item.title}"
        assert item.source_type not in VICTIM_RECORDS, item.title
    # What there is about her is the relationship only, withheld as information about another person.
    link = request.items.get(source_type="victims.victimlink")
    assert link.exemption == "third_party" and not link.disclosed


def test_no_decision_can_put_victim_data_into_a_perpetrators_export(world, client_for, people, tmp_path):
    request = open_sar(world, "perpetrator", people["case"].reference)
    decide_all(world, request, "disclose")  # every item that could be released, released
    assert not SarItem.objects.filter(sar=request).exclude(decision="disclose").exclude(exemption="").exists()
    client = client_for("dpo", "north")
    body = client.get(reverse("privacy:sar_export_json", args=[request.pk])).content.decode()
    text = pdf_text(client.get(reverse("privacy:sar_export_pdf", args=[request.pk])).content, tmp_path)
    preview = client.get(reverse("privacy:sar_preview", args=[request.pk])).content.decode()
    for name, document in (("JSON", body), ("PDF", text), ("preview", preview)):
        assert PERP_STREET in document, name  # the export holds his records...
        assert CANARY.lower() not in document.lower(), f"victim-restricted data in the {name}"
        assert VICTIM_NAME not in document, f"the victim's name in the {name}"
    json.loads(body)


def test_gathering_again_after_every_release_still_gathers_no_victim_data(world, client_for, people):
    request = open_sar(world, "perpetrator", people["case"].reference)
    decide_all(world, request, "disclose")
    client_for("dpo", "north").post(reverse("privacy:sar_regather", args=[request.pk]))
    assert request.items.exists()
    assert not any(CANARY.lower() in item_text(i).lower() for i in request.items.all())


def test_a_victims_request_gathers_none_of_the_perpetrators_own_records(world, people):
    request = open_sar(world, "victim", people["victim"].reference)
    items = list(request.items.all())
    assert any(CANARY in item_text(i) and i.disclosed for i in items)  # her own address, plan, notes
    for item in items:
        text = item_text(item)
        assert PERP_CANARY not in text, f"the perpetrator's own records gathered: {item.title}"
        assert PERP_STREET not in text, item.title
        assert item.source_type not in PERPETRATOR_RECORDS, item.title
        if PERP_NAME in text:  # only in the relationship, withheld as information about him
            assert item.exemption == "third_party" and not item.disclosed, item.title


def test_no_decision_can_put_the_perpetrators_records_into_a_victims_export(
    world, client_for, people, tmp_path
):
    request = open_sar(world, "victim", people["victim"].reference)
    decide_all(world, request, "disclose")
    client = client_for("dpo", "north")
    body = client.get(reverse("privacy:sar_export_json", args=[request.pk])).content.decode()
    text = pdf_text(client.get(reverse("privacy:sar_export_pdf", args=[request.pk])).content, tmp_path)
    for name, document in (("JSON", body), ("PDF", text)):
        assert f"1 {CANARY} Street" in document, name  # her own address is hers to have
        assert PERP_CANARY not in document and PERP_STREET not in document, name
