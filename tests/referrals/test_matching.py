"""Person matching: phonetic names, transposed and near dates of birth, aliases, identifiers."""

import datetime

import pytest

from casework import services as casework_services
from casework.models import PerpetratorIdentifier
from referrals.bank_holidays import ENGLAND_AND_WALES, add_working_days, working_days_between
from referrals.matching import PersonDetails, find_matches, nysiis, soundex, sounds_alike
from referrals.models import BankHoliday


@pytest.mark.parametrize(
    "a,b",
    [
        ("Smith", "Smyth"),
        ("Robert", "Rupert"),
        ("Stephen", "Steven"),
        ("Phillips", "Filips"),
        ("Kelly", "Kelley"),
    ],
)
def test_name_variants_sound_alike(a, b):
    assert sounds_alike(a, b)


@pytest.mark.parametrize("a,b", [("Smith", "Jones"), ("Daniel", "Gary"), ("", "Smith")])
def test_different_names_do_not_sound_alike(a, b):
    assert not sounds_alike(a, b)


def test_soundex_and_nysiis_known_values():
    assert soundex("Robert") == "R163"
    assert soundex("Ashcraft") == "A261"
    assert soundex("Tymczak") == "T522"
    assert nysiis("Knight")[0] == "N"
    assert nysiis("Macintosh").startswith("MC")


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


def test_working_days_skip_weekends_and_bank_holidays():
    holidays = set(ENGLAND_AND_WALES)
    # Thursday 24 December 2026 + 2 working days: Fri 25 and Mon 28 are holidays → Wed 30.
    assert add_working_days(datetime.date(2026, 12, 24), 2, holidays) == datetime.date(2026, 12, 30)
    # Friday + 1 working day = Monday.
    assert add_working_days(datetime.date(2026, 11, 20), 1, holidays) == datetime.date(2026, 11, 23)
    assert working_days_between(datetime.date(2026, 11, 20), datetime.date(2026, 11, 24), holidays) == 2


@pytest.mark.django_db
def test_bank_holidays_are_seeded_for_2024_to_2028():
    assert BankHoliday.objects.count() == len(ENGLAND_AND_WALES)
    assert BankHoliday.objects.filter(date=datetime.date(2027, 12, 28)).exists()
