"""Who may reach each panels page: anonymous → sign-in, other area or agency → 404,
visible but not allowed → 403, right role → 200."""

import pytest
from django.urls import reverse

from panels import services
from panels.models import Action, MeetingPack

pytestmark = pytest.mark.django_db


def urls_for(pw):
    item = pw.case_item.pk
    meeting = pw.meeting.pk
    return {
        "panel_list": reverse("panels:panel_list"),
        "panel_detail": reverse("panels:panel_detail", args=[pw.panel.pk]),
        "meeting_create": reverse("panels:meeting_create", args=[pw.panel.pk]),
        "nominations": reverse("panels:nominations", args=[pw.panel.pk]),
        "meeting_detail": reverse("panels:meeting_detail", args=[meeting]),
        "item_add": reverse("panels:item_add", args=[meeting]),
        "meeting_publish": reverse("panels:meeting_publish", args=[meeting]),
        "attendance_edit": reverse("panels:attendance_edit", args=[meeting]),
        "observer_add": reverse("panels:observer_add", args=[meeting]),
        "item_detail": reverse("panels:item_detail", args=[item]),
        "item_edit": reverse("panels:item_edit", args=[item]),
        "minutes_edit": reverse("panels:minutes_edit", args=[item]),
        "action_add": reverse("panels:action_add", args=[item]),
        "action_tracker": reverse("panels:action_tracker"),
    }


MANAGER_PAGES = [
    "panel_detail",
    "meeting_create",
    "nominations",
    "meeting_detail",
    "item_add",
    "meeting_publish",
    "attendance_edit",
    "observer_add",
    "item_detail",
    "item_edit",
    "minutes_edit",
    "action_add",
]


@pytest.mark.parametrize("name", [*MANAGER_PAGES, "panel_list", "action_tracker"])
def test_anonymous_is_sent_to_sign_in(client, pw, name):
    response = client.get(urls_for(pw)[name])
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_coordinator_and_chair_of_the_panel_reach_every_page(client_for, pw, name):
    for login in ("coordinator", "chair"):
        assert client_for(login, "north").get(urls_for(pw)[name]).status_code == 200, login


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_coordinator_in_another_area_gets_404(client_for, pw, name):
    assert client_for("coordinator", "south").get(urls_for(pw)[name]).status_code == 404


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_people_without_a_panel_role_are_refused(client_for, pw, name):
    for login in ("casemanager", "idva", "analyst"):
        assert client_for(login, "north").get(urls_for(pw)[name]).status_code == 403, login


@pytest.mark.parametrize(
    "name", ["meeting_create", "nominations", "item_add", "item_edit", "minutes_edit", "action_add"]
)
def test_agency_rep_cannot_run_the_panel(client_for, published, name):
    assert client_for("police", "north").get(urls_for(published)[name]).status_code == 403


def test_member_agency_sees_the_panel_but_not_an_unpublished_agenda(client_for, pw):
    police = client_for("police", "north")
    urls = urls_for(pw)
    assert police.get(urls["panel_detail"]).status_code == 200
    assert police.get(urls["meeting_detail"]).status_code == 404
    assert police.get(urls["item_detail"]).status_code == 404


def test_member_agency_sees_a_published_agenda(client_for, published):
    police = client_for("police", "north")
    urls = urls_for(published)
    assert police.get(urls["meeting_detail"]).status_code == 200
    assert police.get(urls["item_detail"]).status_code == 200


def test_agency_that_is_not_a_member_gets_404(client_for, published):
    socialcare = client_for("socialcare", "north")  # children's social care does not sit on this panel
    urls = urls_for(published)
    for name in ("panel_detail", "meeting_detail", "item_detail"):
        assert socialcare.get(urls[name]).status_code == 404, name
    assert published.panel.name not in socialcare.get(urls["panel_list"]).content.decode()


def test_items_not_shared_with_agencies_are_hidden_from_them(client_for, published):
    item = published.victim_item
    item.shared_with_agencies = False
    item.save()
    police = client_for("police", "north")
    assert police.get(reverse("panels:item_detail", args=[item.pk])).status_code == 404
    page = police.get(reverse("panels:meeting_detail", args=[published.meeting.pk])).content.decode()
    assert published.link.safe_label not in page


def test_research_is_for_member_agency_reps_only(client_for, published):
    url = reverse("panels:research_edit", args=[published.case_item.pk])
    assert client_for("police", "north").get(url).status_code == 200
    assert client_for("coordinator", "north").get(url).status_code == 403
    assert client_for("socialcare", "north").get(url).status_code == 404
    assert client_for("police", "south").get(url).status_code == 404


def test_only_the_chair_approves_minutes(client_for, published):
    url = reverse("panels:meeting_approve", args=[published.meeting.pk])
    assert client_for("coordinator", "north").post(url).status_code == 403
    assert client_for("chair", "south").post(url).status_code == 404
    assert client_for("chair", "north").post(url).status_code == 302


def test_agency_rep_updates_only_their_own_agencys_actions(client_for, published):
    coordinator = published.user("coordinator")
    police_action = services.action_add(
        item=published.case_item,
        organisation=published.org("police"),
        description="Flag the address",
        due_on=published.meeting.scheduled_for.date(),
        actor=coordinator,
    )
    url = reverse("panels:action_update", args=[police_action.pk])
    assert client_for("police", "north").get(url).status_code == 200
    assert client_for("probation", "north").get(url).status_code == 404
    assert client_for("coordinator", "north").get(url).status_code == 200
    response = client_for("probation", "north").post(url, {"version": 1, "status": "done"})
    assert response.status_code == 404
    assert Action.objects.get(pk=police_action.pk).status == Action.Status.OPEN


def test_post_only_actions_refuse_get(client_for, published):
    coordinator = client_for("coordinator", "north")
    for name in ("meeting_approve", "packs_request"):
        assert coordinator.get(reverse(f"panels:{name}", args=[published.meeting.pk])).status_code == 405


def test_packs_are_visible_to_their_agency_only(client_for, published):
    pack = MeetingPack.objects.create(
        meeting=published.meeting,
        organisation=published.org("police"),
        requested_by=published.user("coordinator"),
        status=MeetingPack.Status.READY,
    )
    full = MeetingPack.objects.create(
        meeting=published.meeting, requested_by=published.user("coordinator"), status=MeetingPack.Status.READY
    )
    # Visible but no file yet → 404 from the download; invisible → 404 as well, but the
    # selector decides: probation cannot even see the police pack.
    from panels.selectors import get_pack_for_user

    assert get_pack_for_user(published.user("police"), pack.pk) == pack
    for login, target in (("probation", pack), ("police", full)):
        with pytest.raises(Exception) as excinfo:
            get_pack_for_user(published.user(login), target.pk)
        assert excinfo.typename == "Http404"
    assert (
        client_for("probation", "north").get(reverse("panels:pack_download", args=[pack.pk])).status_code
        == 404
    )


def test_only_named_representatives_of_a_member_agency_see_the_panel(client_for, published, world):
    """Another agency_rep of the police, not named on the panel, sees none of it."""
    from django.test import Client

    from tests.conftest import sign_in
    from tests.panels.conftest import add_agency_rep

    unnamed = sign_in(Client(), add_agency_rep(world, "police", "second.police"))
    urls = urls_for(published)
    for name in ("panel_detail", "meeting_detail", "item_detail"):
        assert unnamed.get(urls[name]).status_code == 404, name
    assert unnamed.get(reverse("panels:research_edit", args=[published.case_item.pk])).status_code == 404
    assert published.panel.name not in unnamed.get(urls["panel_list"]).content.decode()
    police = client_for("police", "north")  # the named representative
    for name in ("panel_detail", "meeting_detail", "item_detail"):
        assert police.get(urls[name]).status_code == 200, name


def test_unnamed_representatives_see_no_actions_research_or_packs(published, world):
    from accounts import policy
    from panels.models import Research
    from tests.panels.conftest import add_agency_rep

    coordinator = published.user("coordinator")
    action = services.action_add(
        item=published.case_item,
        organisation=published.org("police"),
        description="Flag the address",
        due_on=published.meeting.scheduled_for.date(),
        actor=coordinator,
    )
    services.research_submit(
        item=published.case_item,
        organisation=published.org("police"),
        holds_information=False,
        summary="",
        actor=published.user("police"),
    )
    MeetingPack.objects.create(
        meeting=published.meeting,
        organisation=published.org("police"),
        requested_by=coordinator,
        status=MeetingPack.Status.READY,
    )
    unnamed = add_agency_rep(world, "police", "third.police")
    named = published.user("police")
    for model in (Action, Research, MeetingPack):
        assert not policy.visible(unnamed, model).exists(), model
        assert policy.visible(named, model).exists(), model
    assert not policy.can(unnamed, "update", action)
    # Naming them on the panel opens it.
    published.panel.memberships.get(organisation=published.org("police")).representatives.add(unnamed)
    assert policy.can(unnamed, "update", action)


def test_action_owners_are_chosen_from_named_representatives(client_for, published, world):
    from tests.panels.conftest import add_agency_rep

    add_agency_rep(world, "police", "unnamed.police")
    page = (
        client_for("coordinator", "north")
        .get(reverse("panels:action_add", args=[published.case_item.pk]))
        .content.decode()
    )
    assert str(published.user("police")) in page
    assert "unnamed.police" not in page
