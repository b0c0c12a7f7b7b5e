"""accounts.safe_text: postcodes, phone numbers and emails are found; everyday references are not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.safe_text import (
    CONTACT_DETAILS_MESSAGE,
    contains_contact_details,
    mask_contact_details,
    validate_no_contact_details,
)

POSTCODES = [
    "LS6 2AB",
    "ls6 2ab",
    "Ls6 2Ab",
    "LS62AB",
    "EC1A 1BB",
    "W1A 0AX",
    "M1 1AE",
    "B33 8TH",
    "CR2 6XH",
    "DN55 1PT",
    "SW1A 2AA",
    "BT7 1NN",
    "SE1 2ND",
    "ZZ99 7QX",
    "lk9 4zz",
    "she lives near LS6 2 now",
    "moved to LS6 2.",
    "postcode LS6",
    "Post code: ls6, near the park",
    "her postcode is NE1 4XD, flat 3",
]

PHONES = [
    "07700 900123",
    "07700900123",
    "07700 900 123",
    "07700-900-123",
    "+44 7700 900123",
    "+447700900123",
    "+44 (0)7700 900123",
    "+44 07700 900123",
    "0044 7700 900123",
    "0113 496 0000",
    "01134960000",
    "(0113) 496 0000",
    "0113-496-0000",
    "020 7946 0000",
    "01632 960123",
    "0161 496 0000",
    "0808 2000 247",
    "tel: 07700 900123.",
    "call her on 07700900123 after 6",
]

EMAILS = [
    "jo.bloggs@example.com",
    "JO+safe@example.co.uk",
    "write to jo_b-1@mail.example.org.",
]

NOT_CONTACT_DETAILS = [
    "",
    "Seen on 12/03/2026 at 09:30.",
    "01.03.2026",
    "2026-03-01 21:30",
    "01 03 2026 10 30",
    "0930-1030 session",
    "Police reference NP/2026/001234",
    "PNC 26/123456A",
    "Case TL-000123 transferred",
    "TL 000123",
    "S47 enquiry opened",
    "s47 2nd strategy meeting",
    "on the A1 2 miles north",
    "M62 junction 25",
    "B1234 road",
    "met on the 2nd and 3rd",
    "se1 2nd visit",
    "9am to 3pm",
    "£1,200 fine, 120 hours unpaid work",
    "2 years 6 months, licence to 2028",
    "LS6 2/3 of the way",
    "LS6 2-3 times",
    "reference 0123456789/26",
    "crime number 01234567",
    "NHS number 943 476 5919",
    "vehicle AB12 CDE seen",
    "DASH score 14 of 24",
    "Meet @ the office",
    "Victim 2 safety plan reviewed",
]


@pytest.mark.parametrize("text", POSTCODES)
def test_a_postcode_is_refused(text):
    with pytest.raises(ValidationError) as error:
        validate_no_contact_details(text)
    assert error.value.messages == [CONTACT_DETAILS_MESSAGE]


@pytest.mark.parametrize("text", PHONES)
def test_a_phone_number_is_refused(text):
    with pytest.raises(ValidationError):
        validate_no_contact_details(text)


@pytest.mark.parametrize("text", EMAILS)
def test_an_email_address_is_refused(text):
    with pytest.raises(ValidationError):
        validate_no_contact_details(text)


@pytest.mark.parametrize("text", NOT_CONTACT_DETAILS)
def test_dates_times_and_references_are_allowed(text):
    validate_no_contact_details(text)
    assert mask_contact_details(text) == (text, 0)


def test_empty_values_pass():
    validate_no_contact_details(None)
    validate_no_contact_details("")
    assert mask_contact_details(None) == ("", 0)
    assert not contains_contact_details(None)


def test_the_message_says_where_the_details_belong():
    assert CONTACT_DETAILS_MESSAGE == (
        "Do not record an address, postcode, phone number or email address here: this text is seen "
        "on the perpetrator's side. Keep a victim's location and contact details in their IDVA record."
    )


def test_mask_replaces_each_detail_with_its_label_and_counts_them():
    text = (
        "Victim moved to 12 Acacia Avenue, LS6 2AB; mobile 07700 900123 or (0113) 496 0000, "
        "email jo@example.com. Ref NP/2026/001234 at 21:30 on 01/03/2026."
    )
    masked, count = mask_contact_details(text)
    assert masked == (
        "Victim moved to 12 Acacia Avenue, [postcode removed]; mobile [phone number removed] or "
        "[phone number removed], email [email removed]. Ref NP/2026/001234 at 21:30 on 01/03/2026."
    )
    assert count == 4


def test_mask_keeps_the_word_postcode_and_removes_the_district():
    assert mask_contact_details("postcode LS6, by the park") == (
        "postcode [postcode removed], by the park",
        1,
    )


def test_mask_of_a_postcode_sector():
    assert mask_contact_details("Now near LS6 2 area") == ("Now near [postcode removed] area", 1)


def test_an_email_with_digits_is_one_email_not_a_phone_number():
    assert mask_contact_details("07700900123@example.com") == ("[email removed]", 1)


def test_masked_text_passes_validation():
    masked, _ = mask_contact_details("LS6 2AB 07700 900123 jo@example.com")
    validate_no_contact_details(masked)
    assert mask_contact_details(masked) == (masked, 0)


def test_several_details_are_all_masked():
    masked, count = mask_contact_details("07700 900123, 07700 900124 and 07700 900125")
    assert count == 3
    assert "077" not in masked
