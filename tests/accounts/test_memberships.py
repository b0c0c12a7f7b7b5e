"""Memberships and admin rights: nobody changes their own; every change is audited, the team's
supervisors are told, and a change that can take access away ends the person's sessions."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts import memberships
from accounts.models import AuditEvent, Membership, Role, User
from accounts.sessions import session_keys_for
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world):
    return world.users["admin"]


def signed_in_elsewhere(user):
    from django.test import Client

    sign_in(Client(), user)
    assert session_keys_for(user)


# --- The services ------------------------------------------------------------------------------


def test_adding_a_membership_is_audited_and_tells_the_teams_supervisor(
    world, admin, django_capture_on_commit_callbacks
):
    police = world.user("police", "north")
    with django_capture_on_commit_callbacks(execute=True):
        made = memberships.membership_add(
            user=police, team=world.team("case_management", "north"), role=Role.CASE_MANAGER, actor=admin
        )
    event = AuditEvent.objects.get(action=AuditEvent.Action.GRANT)
    assert (event.user, event.object_type, event.object_id) == (admin, "accounts.membership", str(made.pk))
    assert event.purpose == (
        "Membership added: police.north@demo.tideline.test as Case manager in Northshire perpetrator case management"
    )
    assert [m.to for m in mail.outbox] == [[world.user("supervisor", "north").email]]
    assert "police.north@demo.tideline.test as Case manager" in mail.outbox[0].body
    assert "admin@demo.tideline.test" in mail.outbox[0].body


def test_nobody_may_add_change_or_end_their_own_memberships(world):
    supervisor = world.user("supervisor", "north")
    own = supervisor.memberships.get()
    with pytest.raises(ValidationError, match="You cannot add, change or end your own memberships"):
        memberships.membership_add(
            user=supervisor, team=world.team("idva", "north"), role=Role.IDVA, actor=supervisor
        )
    with pytest.raises(ValidationError, match="your own"):
        memberships.membership_end(membership=own, actor=supervisor)
    own.role = Role.IDVA
    with pytest.raises(ValidationError, match="your own"):
        memberships.membership_save(membership=own, actor=supervisor)
    assert list(supervisor.memberships.values_list("role", "active")) == [(Role.SUPERVISOR, True)]
    assert not AuditEvent.objects.filter(object_type="accounts.membership").exists()


def test_moving_someone_elses_membership_onto_oneself_is_refused(world, admin):
    membership = world.user("idva", "north").memberships.get()
    membership.user = admin
    with pytest.raises(ValidationError, match="your own"):
        memberships.membership_save(membership=membership, actor=admin)
    assert not admin.memberships.exists()


def test_ending_a_membership_is_audited_and_ends_the_persons_sessions(
    world, admin, django_capture_on_commit_callbacks
):
    idva = world.user("idva", "north")
    signed_in_elsewhere(idva)
    with django_capture_on_commit_callbacks(execute=True):
        memberships.membership_end(membership=idva.memberships.get(), actor=admin)
    assert not idva.memberships.filter(active=True).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVOKE)
    assert event.purpose.startswith("Membership ended: idva.north@demo.tideline.test as IDVA")
    assert session_keys_for(idva) == []
    assert [m.to for m in mail.outbox] == [[world.user("idvamanager", "north").email]]


def test_a_role_change_is_audited_as_an_update(world, admin, django_capture_on_commit_callbacks):
    membership = world.user("casemanager2", "north").memberships.get()
    membership.role = Role.SUPERVISOR
    with django_capture_on_commit_callbacks(execute=True):
        memberships.membership_save(membership=membership, actor=admin)
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="accounts.membership")
    assert "role Case manager → Case management supervisor" in event.purpose
    # The team's supervisors as they now stand, the newly promoted one included.
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == sorted(
        [world.user("supervisor", "north").email, world.user("casemanager2", "north").email]
    )


def test_a_team_without_a_supervisor_has_its_areas_dpo_told(world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        memberships.membership_add(
            user=world.user("probation", "north"),
            team=world.team("police", "north"),
            role=Role.AGENCY_REP,
            actor=admin,
        )
    assert [m.to for m in mail.outbox] == [[world.user("dpo", "north").email]]


def test_the_email_says_nothing_about_service_users(world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        memberships.membership_add(
            user=world.user("police", "north"), team=world.team("idva", "north"), role=Role.IDVA, actor=admin
        )
    body = mail.outbox[0].body
    assert "victim" not in body.lower() and "case" not in body.lower()


def test_an_unchanged_save_writes_nothing(world, admin):
    memberships.membership_save(membership=world.user("idva", "north").memberships.get(), actor=admin)
    assert not AuditEvent.objects.filter(object_type="accounts.membership").exists()


def test_nobody_changes_their_own_admin_rights_or_account(admin):
    with pytest.raises(ValidationError, match="your own"):
        memberships.user_flags_change(user=admin, actor=admin, is_superuser=False)
    with pytest.raises(ValidationError, match="your own"):
        memberships.user_flags_change(user=admin, actor=admin, is_active=False)


def test_admin_rights_changes_are_audited_and_removal_ends_sessions(world, admin):
    other = User.objects.create_user(
        "second.admin@demo.tideline.test", "x" * 14, full_name="Second", is_staff=True
    )
    signed_in_elsewhere(other)
    memberships.user_flags_change(user=other, actor=admin, is_staff=False)
    other.refresh_from_db()
    assert not other.is_staff
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="accounts.user")
    assert event.user == admin
    assert event.purpose == "Account of second.admin@demo.tideline.test: Django admin access on → off"
    assert session_keys_for(other) == []


# --- Django admin --------------------------------------------------------------------------------


def _inline_data(user, rows, *, extra=()):
    """The change form of `user` as posted: their details, then membership rows."""
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(rows) + len(extra)),
        "memberships-INITIAL_FORMS": str(len(rows)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    if user.is_staff:
        data["is_staff"] = "on"
    if user.is_superuser:
        data["is_superuser"] = "on"
    for i, (membership, active) in enumerate(rows):
        data.update(
            {
                f"memberships-{i}-id": membership.pk,
                f"memberships-{i}-user": user.pk,
                f"memberships-{i}-team": membership.team_id,
                f"memberships-{i}-role": membership.role,
            }
        )
        if active:
            data[f"memberships-{i}-active"] = "on"
    for j, (team, role) in enumerate(extra, start=len(rows)):
        data.update(
            {
                f"memberships-{j}-user": user.pk,
                f"memberships-{j}-team": team.pk,
                f"memberships-{j}-role": role,
                f"memberships-{j}-active": "on",
            }
        )
    return data


def test_admin_cannot_give_itself_an_idva_membership(client_for, world, admin):
    client = client_for("admin")
    response = client.post(
        "/admin/accounts/membership/add/",
        {"user": admin.pk, "team": world.team("idva", "north").pk, "role": Role.IDVA, "active": "on"},
    )
    assert response.status_code == 200
    assert "You cannot add, change or end your own memberships" in response.content.decode()
    assert not admin.memberships.exists()
    # Nor through its own user page, where memberships and rights are shown read-only.
    own = client.post(
        f"/admin/accounts/user/{admin.pk}/change/",
        {**_inline_data(admin, [], extra=[(world.team("idva", "north"), Role.IDVA)]), "is_superuser": ""},
    )
    assert own.status_code in (200, 302)
    admin.refresh_from_db()
    assert not admin.memberships.exists() and admin.is_superuser and admin.is_staff
    assert not AuditEvent.objects.filter(object_type="accounts.membership").exists()


def test_admin_changes_anothers_memberships_through_the_service(
    client_for, world, admin, django_capture_on_commit_callbacks
):
    idva = world.user("idva", "north")
    current = idva.memberships.get()
    signed_in_elsewhere(idva)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("admin").post(
            f"/admin/accounts/user/{idva.pk}/change/",
            _inline_data(
                idva, [(current, False)], extra=[(world.team("case_management", "south"), Role.CASE_MANAGER)]
            ),
        )
    assert response.status_code == 302, re.findall(
        r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode()
    )
    actions = set(
        AuditEvent.objects.filter(object_type="accounts.membership").values_list("action", flat=True)
    )
    assert actions == {AuditEvent.Action.REVOKE, AuditEvent.Action.GRANT}
    assert session_keys_for(idva) == []
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == sorted([world.user("idvamanager", "north").email, world.user("supervisor", "south").email])


def test_admin_ends_a_membership_on_its_own_page_through_the_service(client_for, world):
    membership = world.user("police", "north").memberships.get()
    response = client_for("admin").post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {"user": membership.user_id, "team": membership.team_id, "role": membership.role},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.active
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVOKE, object_id=str(membership.pk)).exists()


def test_memberships_and_users_are_never_deleted_in_admin(client_for, world):
    client = client_for("admin")
    membership = world.user("police", "north").memberships.get()
    assert client.get(f"/admin/accounts/membership/{membership.pk}/delete/").status_code == 403
    assert client.get(f"/admin/accounts/user/{membership.user_id}/delete/").status_code == 403


def test_admin_switching_off_anothers_account_is_audited_and_ends_sessions(client_for, world):
    police = world.user("police", "north")
    signed_in_elsewhere(police)
    data = _inline_data(police, [(police.memberships.get(), True)])
    data.pop("is_active")
    assert client_for("admin").post(f"/admin/accounts/user/{police.pk}/change/", data).status_code == 302
    police.refresh_from_db()
    assert not police.is_active
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_type="accounts.user").exists()
    assert session_keys_for(police) == []


def test_admin_forms_store_emails_normalised(client_for, world):
    police = world.user("police", "north")
    data = _inline_data(police, [(police.memberships.get(), True)])
    data["email"] = "  Pat.Constable@Demo.Tideline.Test "
    assert client_for("admin").post(f"/admin/accounts/user/{police.pk}/change/", data).status_code == 302
    police.refresh_from_db()
    assert police.email == "pat.constable@demo.tideline.test"


def test_reading_the_audit_trail_in_admin_is_audited(client_for, world, admin):
    client_for("admin").get("/admin/accounts/auditevent/", {"q": "police"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH)
    assert event.user == admin and event.purpose == "audit trail in Django admin: q=police"


def test_live_admin_cannot_give_itself_a_membership(live, world, admin):
    http = live.signed_in(admin)
    response = http.form_post(
        "/admin/accounts/membership/add/",
        {"user": admin.pk, "team": world.team("idva", "north").pk, "role": Role.IDVA, "active": "on"},
    )
    assert response.status_code == 200
    assert "You cannot add, change or end your own memberships" in response.text
    assert not Membership.objects.filter(user=admin).exists()


def test_creating_an_account_in_admin_is_audited(client_for, admin):
    response = client_for("admin").post(
        "/admin/accounts/user/add/",
        {
            "email": " New.Starter@Demo.Tideline.Test",
            "full_name": "New Starter",
            "password1": "a-long-enough-passphrase-2026",
            "password2": "a-long-enough-passphrase-2026",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.starter@demo.tideline.test")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="accounts.user")
    assert (event.user, event.object_id) == (admin, str(user.pk))
