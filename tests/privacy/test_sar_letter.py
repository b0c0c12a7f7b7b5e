"""The response reads like a letter to a member of the public, not a database dump.

A covering letter (what they asked for and when, what is enclosed, what was withheld under which
exemption in plain words, their right to complain to the ICO), sections with plain headings and
field labels in words, dates written "3 March 2026", and no internal ids, database field names,
model labels, JSON or raw timestamps, in the PDF, the HTML preview and the JSON export.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.plain_words import written_date, written_datetime, written_time
from tests.privacy.sar_support import PERP_NAME, build_people, decide_all, open_sar, pdf_text

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_TIME = re.compile(r"\d{2}:\d{2}:\d{2}")
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")  # date_of_birth, third_party, case_id ...
MODEL_LABEL = re.compile(r"\b(?:accounts|casework|victims|referrals|panels)\.[a-z]+")
MONTHS = [datetime.date(2026, m, 1).strftime("%B") for m in range(1, 13)]
DATABASE_WORDS = ("None", "null", "True", "False", "{", "}", "[", "]", "P-0", "source")


@pytest.fixture
def people(world):
    return build_people(world)


@pytest.fixture
def decided(world, people):
    request = open_sar(world, "perpetrator", people["case"].reference)
    decide_all(world, request, "disclose")  # everything in, so every kind of record is read
    return request


def looks_like_a_letter(text: str) -> None:
    for pattern in (ISO_DATE, ISO_TIME, FIELD_NAME, MODEL_LABEL):
        found = pattern.findall(text)
        assert not found, f"{pattern.pattern} found: {found[:5]}"
    for word in DATABASE_WORDS:
        assert word not in text, f"{word!r} in the response"
    # Titles never carry a record number ("Case note 57", "Agenda item 12").
    months = "|".join(MONTHS)
    numbered = rf"\b(?:note|item|referral|child|record|victim|action|incident) \d+\b(?! (?:{months}))"
    assert not re.search(numbered, text, re.I)


def test_the_pdf_is_a_covering_letter_then_the_records_in_plain_words(
    world, client_for, decided, people, tmp_path
):
    response = client_for("dpo", "north").get(reverse("privacy:sar_export_pdf", args=[decided.pk]))
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert f"Dear {PERP_NAME} Marsh," in text
    assert (
        f"You asked us on {written_date(decided.received_on)} for a copy of the personal information" in text
    )
    assert f"Our reference: {decided.reference}" in text
    assert "What we have enclosed" in text and "About you (" in text
    assert "We have not withheld anything." in text
    assert "Information Commissioner's Office" in text and "0303 123 1113" in text
    assert "ico.org.uk/make-a-complaint" in text
    assert (
        "Yours sincerely" in text
        and "Data protection officer, Northshire Community Safety Partnership" in text
    )
    assert "Date of birth 2 March 1984" in text  # a label in words, a date written out
    assert "Case manager, Northshire Drive Service" in text  # staff by role and organisation
    assert "OFFICIAL-SENSITIVE" in text and "Page 1 of" in text
    looks_like_a_letter(text)


def test_the_letter_lists_withheld_items_by_exemption_in_plain_words(world, client_for, people, tmp_path):
    request = open_sar(world, "perpetrator", people["case"].reference)
    decide_all(world, request, "withhold")
    client = client_for("dpo", "north")
    text = " ".join(
        pdf_text(client.get(reverse("privacy:sar_export_pdf", args=[request.pk])).content, tmp_path).split()
    )
    withheld = request.items.exclude(exemption="").count()
    assert f"We have withheld {withheld} items under these exemptions in the Data Protection Act 2018" in text
    assert "harm the prevention or detection of crime" in text
    assert "information about other people" in text
    looks_like_a_letter(text)


def test_the_preview_shows_the_same_letter_to_the_dpo(world, client_for, decided):
    client = client_for("dpo", "north")
    page = client.get(reverse("privacy:sar_preview", args=[decided.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Dear {PERP_NAME} Marsh," in body and "Information Commissioner" in body
    assert "Download PDF" in body
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    visible = re.sub(r"<[^>]+>", " ", main)
    looks_like_a_letter(" ".join(visible.split()))


def test_the_preview_says_when_items_still_need_a_decision(world, client_for, people):
    request = open_sar(world, "perpetrator", people["case"].reference)
    body = client_for("dpo", "north").get(reverse("privacy:sar_preview", args=[request.pk])).content.decode()
    waiting = request.items.exclude(exemption="").count()
    assert f"{waiting} withheld items still need a decision" in body
    assert "Download PDF" not in body


def test_the_json_is_machine_readable_without_ids_or_raw_timestamps(world, client_for, decided):
    body = (
        client_for("dpo", "north").get(reverse("privacy:sar_export_json", args=[decided.pk])).content.decode()
    )
    document = json.loads(body)
    assert document["our_reference"] == decided.reference
    assert document["request_received"] == written_date(decided.received_on)
    about = document["sections"][0]
    assert about["heading"] == "About you"
    assert about["items"][0]["details"]["Date of birth"] == "2 March 1984"
    for key in ("record", "source_type", "source_id", "subject", "generated_at"):
        assert f'"{key}"' not in body
    for pattern in (ISO_DATE, ISO_TIME, MODEL_LABEL):
        assert not pattern.search(body), pattern.pattern
    assert str(decided.subject_id) not in re.findall(r"\b\d+\b", json.dumps(document["sections"]))


def test_dates_and_times_are_written_out():
    assert written_date(datetime.date(2026, 3, 3)) == "3 March 2026"
    assert written_time(datetime.time(14, 5)) == "2:05pm"
    assert written_time(datetime.time(9, 0)) == "9am"
    assert written_time(datetime.time(12, 0)) == "midday"
    moment = timezone.make_aware(datetime.datetime(2026, 7, 1, 8, 30))
    assert written_datetime(moment) == "1 July 2026 at 8:30am"
