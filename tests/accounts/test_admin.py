import pytest

from accounts import audit
from accounts.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db


def test_admin_manages_organisations_teams_users_and_memberships(client_for, world):
    client = client_for("admin")
    for path in (
        "/admin/accounts/area/",
        "/admin/accounts/organisation/",
        "/admin/accounts/team/",
        "/admin/accounts/user/",
        "/admin/accounts/membership/",
        "/admin/accounts/organisation/add/",
        f"/admin/accounts/user/{world.user('idva', 'north').pk}/change/",
    ):
        assert client.get(path).status_code == 200, path
    response = client.post(
        "/admin/accounts/organisation/add/",
        {"name": "Northshire Women's Aid", "kind": "idva_service", "area": world.areas["north"].pk},
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Northshire Women's Aid").exists()


def test_admin_reads_but_never_edits_the_audit_trail(client_for, world):
    event = audit.record(None, AuditEvent.Action.VIEW, user=world.user("idva", "north"))
    client = client_for("admin")
    assert client.get("/admin/accounts/auditevent/").status_code == 200
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/delete/").status_code == 403
    client.post(f"/admin/accounts/auditevent/{event.pk}/change/", {"purpose": "edited"})
    event.refresh_from_db()
    assert event.purpose == ""


def test_practitioners_cannot_use_admin(client_for):
    response = client_for("supervisor", "north").get("/admin/")
    assert response.status_code == 302


def test_admin_needs_the_second_factor(client, world):
    from tests.conftest import sign_in

    sign_in(client, world.users["admin"], verified=False)
    assert client.get("/admin/").status_code == 302
