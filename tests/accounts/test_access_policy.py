"""The access policy: deny by default, relations open records, 404 when not visible, 403 when not allowed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accounts import policy
from casework import access as case_access
from casework.models import BreakGlassAccess, Case, CaseUserObjectPermission
from casework.selectors import cases_visible_to, get_case_for_user
from casework.services import case_open, perpetrator_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def north_case(world):
    manager = world.user("casemanager", "north")
    perpetrator = perpetrator_create(
        actor=manager, area=world.areas["north"], first_name="Dale", last_name="Marsh"
    )
    return case_open(
        actor=manager,
        perpetrator=perpetrator,
        team=world.team("case_management", "north"),
        case_manager=manager,
    )


def test_the_allocated_case_manager_and_the_team_see_the_case(world, north_case):
    for login in ("casemanager", "casemanager2", "supervisor"):
        assert north_case in cases_visible_to(world.user(login, "north")), login


@pytest.mark.parametrize(
    "login,area",
    [
        ("casemanager", "south"),
        ("supervisor", "south"),
        ("idva", "north"),
        ("police", "north"),
        ("coordinator", "north"),
        ("chair", "north"),
        ("analyst", "north"),
        ("dpo", "north"),
    ],
)
def test_no_relation_means_not_found(world, north_case, login, area):
    user = world.user(login, area)
    assert north_case not in cases_visible_to(user)
    with pytest.raises(Http404):
        get_case_for_user(user, north_case.pk)


def test_superuser_admin_alone_opens_nothing(world, north_case):
    admin = world.users["admin"]
    assert admin.is_superuser
    assert not cases_visible_to(admin).exists()
    with pytest.raises(Http404):
        get_case_for_user(admin, north_case.pk)


def test_model_wide_permission_opens_nothing(world, north_case):
    police = world.user("police", "north")
    police.user_permissions.add(Permission.objects.get(codename="view_case"))
    assert not cases_visible_to(police).exists()


def test_a_team_colleague_may_read_but_not_edit(world, north_case):
    colleague = world.user("casemanager2", "north")
    assert get_case_for_user(colleague, north_case.pk) == north_case
    with pytest.raises(PermissionDenied):
        get_case_for_user(colleague, north_case.pk, action=case_access.EDIT)
    assert get_case_for_user(world.user("casemanager", "north"), north_case.pk, action=case_access.EDIT)
    assert get_case_for_user(world.user("supervisor", "north"), north_case.pk, action=case_access.ALLOCATE)


def test_only_supervisors_allocate(world, north_case):
    with pytest.raises(PermissionDenied):
        get_case_for_user(world.user("casemanager", "north"), north_case.pk, action=case_access.ALLOCATE)


def test_a_direct_grant_opens_one_case(world, north_case):
    probation = world.user("probation", "north")
    CaseUserObjectPermission.objects.create(
        user=probation, content_object=north_case, permission=Permission.objects.get(codename="view_case")
    )
    assert list(cases_visible_to(probation)) == [north_case]
    with pytest.raises(PermissionDenied):
        get_case_for_user(probation, north_case.pk, action=case_access.EDIT)


def test_restricted_cases_are_hidden_from_the_wider_team(world, north_case):
    north_case.restricted = True
    north_case.save()
    assert north_case not in cases_visible_to(world.user("casemanager2", "north"))
    assert north_case in cases_visible_to(world.user("casemanager", "north"))


def test_break_glass_opens_a_case_until_it_expires(world, north_case):
    police = world.user("police", "north")
    grant = BreakGlassAccess.objects.create(
        case=north_case,
        user=police,
        reason="Urgent welfare check at 02:00",
        expires_at=timezone.now() + timedelta(hours=4),
    )
    assert north_case in cases_visible_to(police)
    grant.expires_at = grant.granted_at + timedelta(seconds=1)
    grant.granted_at = timezone.now() - timedelta(hours=5)
    grant.expires_at = timezone.now() - timedelta(hours=1)
    grant.save()
    assert north_case not in cases_visible_to(police)


def test_deactivated_users_see_nothing(world, north_case):
    manager = world.user("casemanager", "north")
    manager.is_active = False
    assert not policy.visible(manager, Case).exists()
    assert not policy.can(manager, policy.VIEW, north_case)


def test_visibility_is_one_query(world, north_case, django_assert_num_queries):
    manager = world.user("casemanager", "north")
    manager.active_memberships()
    with django_assert_num_queries(1):
        list(cases_visible_to(manager))
