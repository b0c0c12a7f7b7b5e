"""Person matching: phonetic names, transposed and near dates of birth, aliases, identifiers."""

import datetime

import pytest

from casework import services as casework_services
from casework.models import PerpetratorIdentifier
from referrals.matching import PersonDetails, find_matches, sounds_alike, spelt_alike


@pytest.mark.parametrize(
    "a,b",
    [
        ("Smith", "Smyth"),
        ("Robert", "Rupert"),
        ("Stephen", "Steven"),
        ("Phillips", "Filips"),
        ("Kelly", "Kelley"),
        ("Philippa", "Filipa"),
    ],
)
def test_name_variants_sound_alike(a, b):
    assert sounds_alike(a, b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("Catherine", "Kathryn"),  # Metaphone K0RN; Soundex C365/K365 and NYSIIS differ
        ("Geoff", "Jeff"),
        ("Jeffrey", "Geoffrey"),
    ],
)
def test_names_only_metaphone_hears_alike_sound_alike(a, b):
    assert sounds_alike(a, b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("Smith", "Jones"),
        ("Daniel", "Gary"),
        ("", "Smith"),
        # Metaphone alone would pair these (KR, KL, RT, KRN): their spellings are too far apart.
        ("Gray", "Carr"),
        ("Kelly", "Cole"),
        ("Wright", "Reid"),
        ("Green", "Karen"),
    ],
)
def test_different_names_do_not_sound_alike(a, b):
    assert not sounds_alike(a, b)


@pytest.mark.parametrize(
    "a,b", [("Richardson", "Richadrson"), ("Whitfield", "Whitfeild"), ("Riley", "ORiley")]
)
def test_a_keying_slip_is_spelt_alike(a, b):
    assert spelt_alike(a, b)


@pytest.mark.parametrize(
    "a,b", [("Smith", "Smithson"), ("Harris", "Harrison"), ("Ross", "Cross"), ("Watson", "Walton"), ("", "")]
)
def test_different_names_are_not_spelt_alike(a, b):
    assert not spelt_alike(a, b)


@pytest.fixture
def daniel(world):
    person = casework_services.perpetrator_create(
        actor=world.user("casemanager", "north"),
        area=world.areas["north"],
        first_name="Daniel",
        last_name="Whitfield",
        date_of_birth=datetime.date(1988, 4, 7),
    )
    casework_services.perpetrator_alias_add(
        perpetrator=person, actor=world.user("casemanager", "north"), name="Danny White"
    )
    casework_services.perpetrator_identifier_add(
        perpetrator=person, actor=world.user("casemanager", "north"), kind="pnc", value="2009/0456123X"
    )
    return person


def _reasons(details, area):
    return {m.perpetrator.pk: m.reasons for m in find_matches(details, area=area)}


def test_a_misspelt_name_with_the_same_birthday_matches(world, daniel):
    found = _reasons(PersonDetails("Danial", "Whitfeld", datetime.date(1988, 4, 7)), world.areas["north"])
    assert daniel.pk in found
    assert "Same date of birth" in found[daniel.pk]
    assert any("sounds like" in reason for reason in found[daniel.pk])


def test_a_transposed_date_of_birth_matches_and_says_so(world, daniel):
    found = _reasons(PersonDetails("Daniel", "Whitfield", datetime.date(1988, 7, 4)), world.areas["north"])
    assert "Date of birth matches with the day and month swapped" in found[daniel.pk]


def test_a_year_out_date_of_birth_matches(world, daniel):
    found = _reasons(PersonDetails("Dan", "Whitfield", datetime.date(1989, 4, 7)), world.areas["north"])
    assert "Same day and month of birth, year one apart" in found[daniel.pk]


def test_an_alias_on_the_record_matches(world, daniel):
    found = _reasons(PersonDetails("Danny", "White", None), world.areas["north"])
    assert any("Alias “Danny White”" in reason for reason in found[daniel.pk])


def test_an_alias_given_on_the_referral_matches(world, daniel):
    found = _reasons(PersonDetails("DJ", "Smith", None, aliases=("Daniel Whitfield",)), world.areas["north"])
    assert any("The referral's alias" in reason for reason in found[daniel.pk])


def test_an_identifier_matches_even_under_another_name(world, daniel):
    found = _reasons(
        PersonDetails("John", "Doe", None, identifiers=((PerpetratorIdentifier.Kind.PNC, "2009/0456123x "),)),
        world.areas["north"],
    )
    assert any("PNC" in reason and "2009/0456123X" in reason for reason in found[daniel.pk])


def test_a_surname_alone_or_a_birthday_alone_is_not_a_match(world, daniel):
    area = world.areas["north"]
    assert daniel.pk not in _reasons(PersonDetails("Gary", "Whitfield", None), area)
    assert daniel.pk not in _reasons(PersonDetails("Gary", "Jones", datetime.date(1988, 4, 7)), area)


def test_people_in_another_area_are_not_proposed(world, daniel):
    found = _reasons(PersonDetails("Daniel", "Whitfield", datetime.date(1988, 4, 7)), world.areas["south"])
    assert found == {}


def test_names_the_old_phonetic_keys_missed_are_proposed_with_the_reason(world):
    # Soundex and NYSIIS alone missed both: Kathryn/Catherine (C365 vs K365) and a transposed
    # pair of letters in the surname, which changes every phonetic key.
    person = casework_services.perpetrator_create(
        actor=world.user("casemanager", "north"),
        area=world.areas["north"],
        first_name="Catherine",
        last_name="Richardson",
    )
    found = _reasons(PersonDetails("Kathryn", "Richadrson", None), world.areas["north"])
    assert found[person.pk] == ["First name sounds like “Kathryn” and surname spelt like “Richadrson”"]


def test_unrelated_names_with_similar_spellings_are_not_proposed(world):
    area = world.areas["north"]
    for first, last in [("Harry", "Harris"), ("Gary", "Gray"), ("Ross", "Smith")]:
        casework_services.perpetrator_create(
            actor=world.user("casemanager", "north"), area=area, first_name=first, last_name=last
        )
    assert _reasons(PersonDetails("Harry", "Harrison", None), area) == {}
    assert _reasons(PersonDetails("Gary", "Carr", None), area) == {}
    assert _reasons(PersonDetails("Ross", "Smithson", None), area) == {}
