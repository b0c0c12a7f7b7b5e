"""Merging two perpetrator records: supervisors only, everything moves, and it can be undone."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework import services as casework_services
from casework.models import Case, Perpetrator, PerpetratorAlias
from referrals.merging import perpetrator_merge, perpetrator_merge_undo
from referrals.models import PerpetratorMerge


@pytest.fixture
def two_records(world):
    actor = world.user("supervisor", "north")
    team = world.team("case_management", "north")
    keep = casework_services.perpetrator_create(
        actor=actor, area=world.areas["north"], first_name="Daniel", last_name="Whitfield"
    )
    dupe = casework_services.perpetrator_create(
        actor=actor, area=world.areas["north"], first_name="Danny", last_name="Whitfeld"
    )
    keep_case = casework_services.case_open(actor=actor, perpetrator=keep, team=team)
    dupe_case = casework_services.case_open(actor=actor, perpetrator=dupe, team=team)
    casework_services.perpetrator_alias_add(perpetrator=dupe, actor=actor, name="DW")
    casework_services.perpetrator_identifier_add(perpetrator=dupe, actor=actor, kind="pnc", value="2010/123A")
    return keep, dupe, keep_case, dupe_case


def test_merge_moves_cases_aliases_identifiers_and_undo_moves_them_back(world, two_records):
    keep, dupe, keep_case, dupe_case = two_records
    merge = perpetrator_merge(
        survivor=keep, merged=dupe, actor=world.user("supervisor", "north"), reason="Same PNC"
    )
    assert Case.objects.get(pk=dupe_case.pk).perpetrator_id == keep.pk
    assert keep.aliases.get().name == "DW" and keep.identifiers.get().value == "2010/123A"
    assert not Perpetrator.objects.filter(pk=dupe.pk).exists()
    assert Perpetrator.all_objects.filter(pk=dupe.pk).exists(), "the merged record is kept, hidden"
    perpetrator_merge_undo(merge=merge, actor=world.user("supervisor", "north"))
    assert Case.objects.get(pk=dupe_case.pk).perpetrator_id == dupe.pk
    assert Case.objects.get(pk=keep_case.pk).perpetrator_id == keep.pk
    assert PerpetratorAlias.objects.get().perpetrator_id == dupe.pk
    assert Perpetrator.objects.filter(pk=dupe.pk).exists()
    merge.refresh_from_db()
    assert merge.undone_at is not None
    with pytest.raises(ValidationError):
        perpetrator_merge_undo(merge=merge, actor=world.user("supervisor", "north"))


def test_only_a_supervisor_in_the_area_may_merge(world, two_records):
    keep, dupe, *_ = two_records
    for login, area in [("casemanager", "north"), ("supervisor", "south"), ("idvamanager", "north")]:
        with pytest.raises(ValidationError):
            perpetrator_merge(survivor=keep, merged=dupe, actor=world.user(login, area), reason="x")
    assert not PerpetratorMerge.objects.exists()


def test_merge_page_checks_then_merges_then_undoes(client_for, client, world, two_records):
    keep, dupe, keep_case, dupe_case = two_records
    url = reverse("referrals:merge")
    assert client.get(url).status_code == 302
    assert client_for("casemanager", "north").get(url).status_code == 403
    supervisor = client_for("supervisor", "north")
    data = {"keep": keep_case.reference, "merge": dupe_case.reference, "reason": "Same PNC and date of birth"}
    page = supervisor.post(url, data).content.decode()
    assert "Check before you merge" in page and not PerpetratorMerge.objects.exists()
    supervisor.post(url, data | {"confirm": "1"})
    merge = PerpetratorMerge.objects.get()
    # Another area's supervisor cannot undo it.
    assert (
        client_for("supervisor", "south").post(reverse("referrals:merge_undo", args=[merge.pk])).status_code
        == 404
    )
    supervisor.post(reverse("referrals:merge_undo", args=[merge.pk]))
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_merge_page_refuses_unknown_or_invisible_cases(client_for, world, two_records):
    keep, dupe, keep_case, dupe_case = two_records
    page = (
        client_for("supervisor", "south")
        .post(
            reverse("referrals:merge"),
            {"keep": keep_case.reference, "merge": dupe_case.reference, "reason": "x"},
        )
        .content.decode()
    )
    assert "There is no case with that reference that you can see" in page
    page = (
        client_for("supervisor", "north")
        .post(reverse("referrals:merge"), {"keep": "rubbish", "merge": "", "reason": ""})
        .content.decode()
    )
    assert "Enter a case reference like TL-000123" in page
    assert not PerpetratorMerge.objects.exists()


def test_merging_two_records_that_both_have_linked_victims_renumbers_and_undo_restores(world, two_records):
    """Both records have "victim 1": the moved links take the next numbers, and undo gives them back."""
    from victims import services as victim_services
    from victims.models import VictimLink

    keep, dupe, *_ = two_records
    idva = world.user("idva", "north")
    team = world.team("idva", "north")

    def victim(first, person, relationship="partner"):
        return victim_services.victim_create(
            actor=idva,
            team=team,
            first_name=first,
            last_name="Test",
            perpetrator=person,
            relationship=relationship,
        )

    kept_one = victim("Ann", keep).links.get()
    moved_one = victim("Bea", dupe).links.get()
    moved_two = victim("Cat", dupe, "ex_partner").links.get()
    assert (kept_one.label_number, moved_one.label_number, moved_two.label_number) == (1, 1, 2)

    supervisor = world.user("supervisor", "north")
    merge = perpetrator_merge(survivor=keep, merged=dupe, actor=supervisor, reason="Same PNC")
    labels = dict(VictimLink.objects.filter(perpetrator=keep).values_list("pk", "label_number"))
    assert labels == {kept_one.pk: 1, moved_one.pk: 2, moved_two.pk: 3}, (
        "moved links numbered after the survivor's"
    )
    assert VictimLink.objects.get(pk=moved_two.pk).safe_label == "Ex-partner, victim 3"

    perpetrator_merge_undo(merge=merge, actor=supervisor)
    assert dict(VictimLink.objects.filter(perpetrator=dupe).values_list("pk", "label_number")) == {
        moved_one.pk: 1,
        moved_two.pk: 2,
    }
    assert dict(VictimLink.objects.filter(perpetrator=keep).values_list("pk", "label_number")) == {
        kept_one.pk: 1
    }


def test_a_new_link_after_a_merge_takes_the_next_number(world, two_records):
    from victims import services as victim_services

    keep, dupe, *_ = two_records
    idva = world.user("idva", "north")
    team = world.team("idva", "north")
    for first, person in (("Ann", keep), ("Bea", dupe)):
        victim_services.victim_create(
            actor=idva,
            team=team,
            first_name=first,
            last_name="Test",
            perpetrator=person,
            relationship="partner",
        )
    perpetrator_merge(survivor=keep, merged=dupe, actor=world.user("supervisor", "north"), reason="Same PNC")
    later = victim_services.victim_create(
        actor=idva, team=team, first_name="Cat", last_name="Test", perpetrator=keep, relationship="partner"
    )
    assert later.links.get().label_number == 3
