"""accounts.safe_text: every kind of location and contact detail is found, in realistic practitioner
text; the references, counts, courts and dates this service writes every day are not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.safe_text import (
    ADDRESS,
    CONTACT_DETAILS_MESSAGE,
    COORDINATES,
    EMAIL,
    MAP_LINK,
    PHONE,
    POSTCODE,
    REFUGE,
    SCHOOL,
    WHAT3WORDS,
    contact_detail_kinds,
    contact_details_message,
    contains_contact_details,
    mask_contact_details,
    refuse_contact_details,
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

# Street addresses: a house number and a street word, however they are typed.
ADDRESSES = [
    "Seen at 14 Acacia Avenue",
    "She told me she is staying at 14 Acacia Avenue with her sister.",
    "moved to flat 3, 22 Mill Lane",
    "She has moved to 4 Elm Row",
    "staying at 9 The Crescent",
    "lives at 12 High St.",
    "14a Mill Road",
    "14-16 Church Street",
    "No. 14 Acacia Avenue",
    "3 Acacia Court",
    "Police attended 27 VICTORIA ROAD; victim and children at the address.",
    "22 Mill lane",
    "moved to 22 mill lane.",
    "moved to 14 acacia avenue, leeds",
]

SCHOOLS = [
    "attends St Mary's Primary School",
    "attends St Mary's primary school",
    "ST MARY'S RC PRIMARY SCHOOL reported the bruising",
    "The youngest starts at Moortown Primary in September.",
    "DSL at Moortown Primary says she is doing well",
    "collected from Little Acorns Nursery by her gran",
    "Busy Bees Day Nursery",
    "Harehills Children's Centre",
    "Our Lady of Lourdes Catholic Primary School",
    "Allerton C of E Primary School",
    "The Grange School",
    "Leeds City College",
    "Notre Dame Sixth Form",
    "Dixons Academy",
]

REFUGES = [
    "now in refuge",
    "She has moved into a refuge out of area.",
    "Placed in Leeds Women's Aid safe house on Friday.",
    "moved to a safehouse",
    "moved into a women's refuge",
]

WHAT3WORDS_ADDRESSES = [
    "///filled.count.soap",
    "Her location: ///filled.count.soap",
    "what3words filled.count.soap",
    "w3w: Filled.Count.Soap",
    "what3words: filled count soap",
    "meet at filled.count.soap",
]

MAP_COORDINATES = [
    "53.8008, -1.5491",
    "She shared her location 53.8008, -1.5491 with the IDVA.",
    "53.8008 -1.5491",
    "N53.8008 W1.5491",
    "lat 53.80 long -1.54",
    "53°48'02.9\"N 1°32'56.8\"W",
    "grid ref SE 29850 33650",
    "Easting 429850 Northing 433650",
    "geo:53.8008,-1.5491",
    "plus code GCWV+2C Leeds",
]

MAP_LINKS = [
    "https://www.google.com/maps/place/Leeds",
    "google.co.uk/maps?q=Leeds",
    "https://goo.gl/maps/AbCdEf",
    "Location pin https://maps.app.goo.gl/Xyz12AbC sent to her sister.",
    "https://maps.apple.com/?ll=53.8008,-1.5491",
    "maps.apple/p/abc",
    "https://what3words.com/filled.count.soap",
    "https://w3w.co/filled.count.soap",
    "https://www.openstreetmap.org/#map=17/53.80/-1.54",
    "osm.org/go/euu4",
    "https://www.bing.com/maps?cp=53.8~-1.5",
    "https://waze.com/ul?ll=53.8,-1.5",
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
    # Officers, courts, legislation, counts and rooms are not addresses.
    "PC 1234",
    "Breach reported by PC 1234 Smith; arrested and charged. Ref NP/2026/001234.",
    "Welfare check requested from Northshire Police (collar number 4521). Outcome awaited.",
    "Leeds Magistrates' Court",
    "DVPO granted at Leeds Magistrates' Court on 12 March 2026 for 28 days.",
    "Court date 14 May at Leeds Crown Court; bail conditions continue.",
    "listed 3 June Court 2",
    "Court 3 Leeds Crown Court",
    "10 Leeds Crown Court",
    "Leeds Combined Court Centre",
    "HMP Leeds",
    "Recalled to HMP Leeds on 3 April; licence conditions breached (exclusion zone, condition 4).",
    "Section 47",
    "Referred by children's social care after a Section 47 enquiry; child protection plan in place.",
    "Part 4 of the Family Law Act 1996",
    "3 sessions",
    "Completed 3 sessions of 12; missed 2 sessions in a row in March.",
    "DASH score 14",
    "DASH score 14 at referral, reviewed to 16 after the incident on 02/03/2026.",
    "12 weeks",
    "Attended 12 weeks of the programme. Group 2 on Tuesdays 18:30-20:30.",
    "Room 2",
    "Room 2 at the Civic Centre booked for the MARAC on 21 May.",
    "junction 4 of the M62",
    "Stopped on the M62 near junction 4 at 23:15; vehicle seized.",
    "He says he walked 3 miles down the road to calm down.",
    "a 3 lane road.",
    "fined for 2 bus lane offences",
    "lives 2 streets away",
    "3 In A Row",
    "Tier 2 Amber",
    "He scored 3 on the jealousy item and 2 on the harassment item.",
    "Perpetrator attended 2 of 3 appointments with the substance misuse service.",
    "Paid £1,200.50 of arrears.",
    "breath readings 0.087, 0.092",
    "1.5 hours, 2.25 hours",
    "Version 1.2.3 of the instrument used.",
    # Schools and nurseries spoken of, not named.
    "Operation Encompass notification sent to the school before the next school day.",
    "The school nurse has raised concerns about the older child's attendance.",
    "School Nursing Team",
    "Year 3 at school",
    "told Leeds school",
    "a Leeds primary school",
    "Leeds Primary Care Trust",
    "College of Policing",
    "Police College",
    "Royal College of Psychiatrists",
    "Children's Social Care strategy meeting held; s47 enquiry to continue.",
    "Forest School",
    "Encompass School",
    "Safeguarding lead at school",
    # Refugees are not refuges; a service's name is not a place.
    "Refugee status pending; immigration advice given.",
    "Refugee Council",
    "Leeds Women's Aid",
    "IDVA at Leeds Domestic Violence Service",
    # Apps, websites and file names are not what3words addresses or map links.
    "She uses what3words to share her location with her sister.",
    "download what3words.com",
    "see www.gov.uk",
    "see report.final.pdf",
    "Spoke to the IDVA: victim told of the release date. She is aware and her safety plan is updated.",
]


@pytest.mark.parametrize("text", POSTCODES)
def test_a_postcode_is_refused(text):
    with pytest.raises(ValidationError) as error:
        validate_no_contact_details(text)
    assert error.value.messages == [contact_details_message([POSTCODE])]


@pytest.mark.parametrize("text", PHONES)
def test_a_phone_number_is_refused(text):
    with pytest.raises(ValidationError):
        validate_no_contact_details(text)


@pytest.mark.parametrize("text", EMAILS)
def test_an_email_address_is_refused(text):
    with pytest.raises(ValidationError):
        validate_no_contact_details(text)


@pytest.mark.parametrize(
    "text,kind",
    [(text, ADDRESS) for text in ADDRESSES]
    + [(text, SCHOOL) for text in SCHOOLS]
    + [(text, REFUGE) for text in REFUGES]
    + [(text, WHAT3WORDS) for text in WHAT3WORDS_ADDRESSES]
    + [(text, COORDINATES) for text in MAP_COORDINATES]
    + [(text, MAP_LINK) for text in MAP_LINKS],
)
def test_a_location_is_refused_with_a_message_naming_it(text, kind):
    assert contact_detail_kinds(text) == [kind]
    with pytest.raises(ValidationError) as error:
        validate_no_contact_details(text)
    assert error.value.messages == [contact_details_message([kind])]
    assert kind.name in error.value.messages[0]
    masked, count = mask_contact_details(text)
    assert kind.label in masked and count == 1
    assert not contains_contact_details(masked)


@pytest.mark.parametrize("text", NOT_CONTACT_DETAILS)
def test_dates_times_and_references_are_allowed(text):
    validate_no_contact_details(text)
    assert mask_contact_details(text) == (text, 0)


def test_empty_values_pass():
    validate_no_contact_details(None)
    validate_no_contact_details("")
    assert mask_contact_details(None) == ("", 0)
    assert not contains_contact_details(None)


def test_the_message_says_what_was_found_and_where_the_details_belong():
    assert contact_details_message([ADDRESS]) == (
        "Take out a street address. Do not record an address, postcode, school, refuge, phone "
        "number, email address or map location here: this text is seen on the perpetrator's side. "
        "Keep a victim's location and contact details in their IDVA record."
    )
    assert contact_details_message([ADDRESS]).endswith(CONTACT_DETAILS_MESSAGE)
    with pytest.raises(ValidationError) as error:
        validate_no_contact_details(
            "Now at 14 Acacia Avenue; the children attend St Mary's Primary School. Call 07700 900123."
        )
    assert error.value.messages == [
        "Take out a street address, a school or nursery name and a phone number. " + CONTACT_DETAILS_MESSAGE
    ]
    assert error.value.code == "contact_details"


def test_services_are_refused_field_by_field_with_what_each_field_holds():
    refuse_contact_details(text="Please raise missed contact in sessions.", other="", empty=None)
    with pytest.raises(ValidationError) as error:
        refuse_contact_details(text="She is at 14 Acacia Avenue", reason="Fine", note="in refuge now")
    assert error.value.message_dict == {
        "text": [contact_details_message([ADDRESS])],
        "note": [contact_details_message([REFUGE])],
    }


def test_mask_replaces_each_detail_with_its_label_and_counts_them():
    text = (
        "Victim moved to 12 Acacia Avenue, LS6 2AB; mobile 07700 900123 or (0113) 496 0000, "
        "email jo@example.com. Ref NP/2026/001234 at 21:30 on 01/03/2026. Child attends "
        "St Mary's Primary School; she is now in a refuge (///filled.count.soap, 53.8008, -1.5491, "
        "https://maps.app.goo.gl/Xyz12AbC). Seen by PC 1234 at Leeds Magistrates' Court."
    )
    masked, count = mask_contact_details(text)
    assert masked == (
        "Victim moved to [address removed], [postcode removed]; mobile [phone number removed] or "
        "[phone number removed], email [email removed]. Ref NP/2026/001234 at 21:30 on 01/03/2026. "
        "Child attends [school removed]; she is now in a [refuge removed] ([what3words removed], "
        "[coordinates removed], [map link removed]). Seen by PC 1234 at Leeds Magistrates' Court."
    )
    assert count == 10
    assert contact_detail_kinds(text) == [
        ADDRESS, POSTCODE, PHONE, EMAIL, SCHOOL, REFUGE,
        WHAT3WORDS, COORDINATES, MAP_LINK,
    ]  # fmt: skip


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
    masked, _ = mask_contact_details(
        "LS6 2AB 07700 900123 jo@example.com 14 Acacia Avenue St Mary's Primary School refuge "
        "///filled.count.soap 53.8008, -1.5491 https://goo.gl/maps/AbCdEf"
    )
    validate_no_contact_details(masked)
    assert mask_contact_details(masked) == (masked, 0)


def test_a_long_hostile_text_is_checked_quickly():
    import time

    for text in ("x" * 5000, "X" * 5000, "St " * 1700, "1." * 2500, "Acacia Avenue 14 " * 300):
        started = time.perf_counter()
        mask_contact_details(text)
        assert time.perf_counter() - started < 1.5


def test_several_details_are_all_masked():
    masked, count = mask_contact_details("07700 900123, 07700 900124 and 07700 900125")
    assert count == 3
    assert "077" not in masked
